/**
 * A self-contained HTML report: one file, no network at view time (a Content-Security-Policy
 * forbids any fetch and allows only the one inline script, by hash). The summary, crawl
 * completeness, skipped accounts, not-judged counts, compliance, drift and suppressed findings
 * are rendered here, so they read and print with JavaScript off; the findings table is rendered
 * in the browser from an embedded JSON block, a page at a time, sortable and filterable.
 *
 * Everything from AWS or a template (names, messages, tags) is attacker-controlled text: it is
 * made inert and HTML-escaped here (src/report/escape.ts), and the JSON block's strings are made
 * inert and escape `<`, `>`, `&` and U+2028/2029 so it cannot end its element.
 */
import { createHash } from 'node:crypto';
import { frameworkTitle } from '../rules/compliance.js';
import { SEVERITIES, type Finding } from '../rules/types.js';
import { historyOf } from './history.js';
import { trend } from './html-trend.js';
import { crawlGaps } from './gaps.js';
import { HTML_SCRIPT, HTML_STYLE } from './html-client.js';
import { countBySeverity } from './json.js';
import type { RunResult } from './run.js';
import { describeReason, EXPOSURE_PATH } from './text.js';
import { htmlText, inert, jsonInert } from './escape.js';

/** Rows rendered without JavaScript (the findings preview, the suppressed and drift tables). */
const STATIC_ROWS = 1000;

export function htmlReport(run: RunResult): string {
  return [...htmlReportChunks(run)].join('');
}

/**
 * The HTML report in chunks: the page, then the findings' data one row at a time (at 100,000
 * functions, half a million rows: one string of them, escaped five times over, cost 400 MB).
 */
export function* htmlReportChunks(run: RunResult): Generator<string, void, undefined> {
  const active = run.findings.filter((f) => !f.suppressed);
  const suppressed = run.findings.filter((f) => f.suppressed);
  // Findings carry `new` when the run compared them with accepted findings (--accepted-findings).
  const marked = active.some((f) => f.new !== undefined);
  const scriptHash = createHash('sha256').update(HTML_SCRIPT).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>lambda-audit report ${h(run.snapshot.generatedAt)}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<h1>lambda-audit report</h1>
<p class="meta">Generated ${h(run.snapshot.generatedAt)} by lambda-audit ${h(run.snapshot.tool.version)}; rules as of ${h(run.asOf)}; ${run.snapshot.functions.length} function records in ${run.snapshot.regions.length} account-region(s).</p>
${exposurePaths(run, active)}${summary(run, active, suppressed.length, marked)}${trend(run)}
${byRule(run, active)}
${crawl(run)}${skippedAccounts(run)}
${notJudged(run)}
${compliance(run, active)}
${drift(run)}
<div role="tablist" id="tablist" hidden>
<button type="button" role="tab" aria-controls="tab-findings" aria-selected="true">Findings (${active.length})</button>
<button type="button" role="tab" aria-controls="tab-suppressed" aria-selected="false">Suppressed (${suppressed.length})</button>
</div>
<section role="tabpanel" id="tab-findings">
<h2>Findings</h2>
${findingsTable(run, active, marked)}
</section>
<section role="tabpanel" id="tab-suppressed">
<h2>Suppressed findings</h2>
${suppressedTable(suppressed)}
</section>
<script type="application/json" id="report-data">`;
  yield* tableData(run, active, marked);
  yield `</script>
<script>${HTML_SCRIPT}</script>
</body>
</html>
`;
}

/** The report opens with the exposure paths, most severe first, each with the findings behind it. */
function exposurePaths(run: RunResult, active: readonly Finding[]): string {
  if (!run.rules.some((r) => r.id === EXPOSURE_PATH)) return '';
  const paths = active.filter((f) => f.ruleId === EXPOSURE_PATH);
  if (paths.length === 0)
    return '<h2>Exposure paths</h2>\n<p>No function is both reachable from outside and worth reaching.</p>\n';
  const items = paths
    .slice(0, STATIC_ROWS)
    .map(
      (f) =>
        `<li class="path" data-arn="${h(f.arn)}"><span class="sev sev-${f.severity}">${f.severity}</span> <b>${h(f.functionName)}</b> <span class="meta">${h(f.account)}/${h(f.region)}</span>: ${h(f.message)}<ul>${(f.related ?? []).map((r) => `<li><span class="sev sev-${r.severity}">${r.severity}</span> ${h(r.ruleId)} (${h(r.trait)}): ${h(r.message)}</li>`).join('')}</ul></li>`,
    );
  const more =
    paths.length > STATIC_ROWS ? `<p>…and ${paths.length - STATIC_ROWS} more in the findings table.</p>` : '';
  return `<h2>Exposure paths</h2>
<ol id="exposure-paths">${items.join('\n')}</ol>${more}
`;
}

function summary(run: RunResult, active: readonly Finding[], suppressed: number, marked: boolean): string {
  const counts = countBySeverity(run);
  const fresh = marked
    ? `\n<div class="card" data-total="new">new since accepted<b>${active.filter((f) => f.new === true).length}</b></div>`
    : '';
  const cards = SEVERITIES.map(
    (s) => `<div class="card" data-severity="${s}"><span class="sev sev-${s}">${s}</span><b>${counts[s]}</b></div>`,
  ).join('');
  const complete = run.snapshot.regions.every((r) => r.complete);
  const hist = run.history;
  const since =
    hist === undefined
      ? ''
      : `\n<div class="card" data-total="new-since-last-run">new since the last run<b>${hist.run.new + hist.run.reopened}</b></div>` +
        `\n<div class="card" data-total="resolved-since-last-run">resolved since the last run<b>${hist.run.resolved}</b></div>` +
        `\n<div class="card" data-total="past-sla">past SLA<b>${hist.pastSla}</b></div>`;
  return `<h2>Summary</h2>
<div class="cards" id="totals">
<div class="card" data-total="findings">findings<b>${active.length}</b></div>${cards}${fresh}${since}
<div class="card" data-total="suppressed">suppressed<b>${suppressed}</b></div>
</div>
${complete ? '' : '<p class="warn">The crawl was incomplete: findings that depend on what was not read may be missing (see Crawl completeness).</p>'}`;
}

function byRule(run: RunResult, active: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const f of active) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  const rows = run.rules
    .filter((r) => counts.has(r.id))
    .sort((a, b) => (counts.get(b.id) ?? 0) - (counts.get(a.id) ?? 0) || a.id.localeCompare(b.id))
    .map(
      (r) =>
        `<tr data-rule="${h(r.id)}"><td><a href="${h(safeUrl(r.docs))}">${h(r.id)}</a></td><td>${h(r.title)}</td><td class="sev sev-${r.severity}">${r.severity}</td><td>${h((r.compliance ?? []).map((c) => c.control).join(', '))}</td><td class="num">${counts.get(r.id) ?? 0}</td></tr>`,
    );
  if (rows.length === 0) return '<h2>Findings by rule</h2><p>No findings.</p>';
  return `<h2>Findings by rule</h2>
<table id="by-rule"><thead><tr><th>Rule</th><th>Title</th><th>Severity</th><th>Controls</th><th class="num">Findings</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function crawl(run: RunResult): string {
  const gaps = crawlGaps(run);
  const rows = run.snapshot.regions.map((r) => {
    const notRead = gaps
      .filter((g) => g.account === r.account && g.region === r.region)
      .map((g) => `<li>${h(g.text)}</li>`);
    return `<tr data-region="${h(`${r.account}/${r.region}`)}"><td>${h(r.account)}</td><td>${h(r.region)}</td><td>${r.complete ? 'complete' : '<strong>incomplete</strong>'}</td><td class="num">${r.listed}</td><td class="num">${r.fetched}</td><td class="num">${r.denied}</td><td class="num">${r.failed}</td><td>${notRead.length === 0 ? '—' : `<ul>${notRead.join('')}</ul>`}</td></tr>`;
  });
  return `<h2>Crawl completeness</h2>
<table id="crawl"><thead><tr><th>Account</th><th>Region</th><th>Status</th><th class="num">Listed</th><th class="num">Fetched</th><th class="num">Denied</th><th class="num">Failed</th><th>Not read</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

/** Accounts the organisation run left out, after the crawl table; nothing when there are none. */
function skippedAccounts(run: RunResult): string {
  const skipped = run.snapshot.skippedAccounts ?? [];
  if (skipped.length === 0) return '';
  const rows = skipped.map(
    (a) =>
      `<tr data-account="${h(a.account)}"><td>${h(a.account)}</td><td>${h(a.name ?? '')}</td><td>${h(a.reason)}</td></tr>`,
  );
  return `
<h2>Skipped accounts</h2>
<p>${skipped.length} account(s) of the organisation were not crawled: their functions are not in this report.</p>
<table id="skipped-accounts"><thead><tr><th>Account</th><th>Name</th><th>Reason</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function notJudged(run: RunResult): string {
  if (run.notJudged.length === 0) return '<h2>Not judged</h2><p>Every rule judged every function in its scope.</p>';
  const rows = run.notJudged.map(
    (n) =>
      `<tr><td>${h(n.ruleId)}</td><td class="num">${n.count}</td><td><code>${h(n.path)}</code> ${h(describeReason(n.reason))}</td></tr>`,
  );
  return `<h2>Not judged</h2>
<p>Rules that could not judge some functions because a part they need was not read or is not known before deploy.</p>
<table id="not-judged"><thead><tr><th>Rule</th><th class="num">Functions</th><th>Why</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function compliance(run: RunResult, active: readonly Finding[]): string {
  const rows = run.rules.flatMap((r) =>
    (r.compliance ?? []).map((c) => ({ ...c, rule: r.id, count: active.filter((f) => f.ruleId === r.id).length })),
  );
  if (rows.length === 0) return '';
  rows.sort(
    (a, b) => a.framework.localeCompare(b.framework) || a.control.localeCompare(b.control, 'en', { numeric: true }),
  );
  return `<h2>Compliance</h2>
<table id="compliance"><thead><tr><th>Framework</th><th>Control</th><th>Rule</th><th class="num">Findings</th></tr></thead>
<tbody>${rows.map((r) => `<tr><td>${h(frameworkTitle(r.framework))}</td><td>${h(r.control)}</td><td>${h(r.rule)}</td><td class="num">${r.count}</td></tr>`).join('\n')}</tbody></table>`;
}

function drift(run: RunResult): string {
  if (!run.drift) return '';
  const d = run.drift.functions;
  if (d.length === 0) return '<h2>Drift</h2><p>No drift from the baselines.</p>';
  const rows = d
    .slice(0, STATIC_ROWS)
    .flatMap((f) =>
      f.kind !== 'changed'
        ? [
            `<tr><td>${h(f.functionName)}</td><td>${h(f.account)}/${h(f.region)}</td><td>${f.kind}</td><td></td><td></td><td></td></tr>`,
          ]
        : f.changes.map(
            (c) =>
              `<tr><td>${h(f.functionName)}</td><td>${h(f.account)}/${h(f.region)}</td><td>${c.kind}</td><td><code>${h(c.path)}</code></td><td>${value(c, 'old')}</td><td>${value(c, 'new')}</td></tr>`,
          ),
    );
  return `<h2>Drift</h2>
<p>${d.length} function(s) drifted from the baselines. Environment variable values are never shown: only that their hash changed.</p>
<table id="drift"><thead><tr><th>Function</th><th>Where</th><th>Change</th><th>Path</th><th>Old</th><th>New</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>${more(d.length)}`;
}

function value(change: { path: string; old?: unknown; new?: unknown }, side: 'old' | 'new'): string {
  if (!(side in change))
    return change.path.includes('Environment.Variables') ? '<em>(hashed value, not shown)</em>' : '';
  return `<code>${h(JSON.stringify(change[side]))}</code>`;
}

function findingsTable(run: RunResult, active: readonly Finding[], marked: boolean): string {
  const aged = run.history !== undefined;
  const preview = active
    .slice(0, STATIC_ROWS)
    .map(
      (f) =>
        `<tr${f.new === true ? ' class="is-new"' : ''}><td class="sev sev-${f.severity}">${f.severity}</td><td>${h(f.ruleId)}</td><td>${h(f.account)}</td><td>${h(f.region)}</td><td>${h(label(f))}</td><td>${h(f.message)}</td>${aged ? `<td class="num">${ageText(run, f)}</td>` : ''}</tr>`,
    );
  const head = (key: string) =>
    `<tr><th${key}="sev">Severity</th><th${key}="rule">Rule</th><th${key}="account">Account</th><th${key}="region">Region</th><th${key}="fn">Function</th><th${key}="message">Message</th>${aged ? `<th${key}="age" class="num">Age (days)</th>` : ''}</tr>`;
  return `<div id="findings-ui" hidden>
<div class="filters">
<label>Severity<select id="f-severity"><option value="">all</option></select></label>
<label>Rule<select id="f-rule"><option value="">all</option></select></label>
<label>Account<select id="f-account"><option value="">all</option></select></label>
<label>Region<select id="f-region"><option value="">all</option></select></label>
<label>Function<input id="f-function" type="search" placeholder="name contains"></label>
<label>Search<input id="f-text" type="search" placeholder="text in any column"></label>${
    marked
      ? '\n<label>Accepted<select id="f-new"><option value="">all</option><option value="new">new only</option><option value="accepted">accepted only</option></select></label>'
      : ''
  }${
    aged
      ? '\n<label>SLA<select id="f-sla"><option value="">all</option><option value="past">past SLA only</option><option value="within">within SLA</option></select></label>'
      : ''
  }
<span id="f-count"></span>
</div>
<table id="findings-table"><thead>${head(' data-key')}</thead><tbody id="findings-body"></tbody></table>
<div class="pager"><button type="button" id="f-prev">Previous</button> <span id="f-page"></span> <button type="button" id="f-next">Next</button></div>
</div>
<noscript>
<p>Sorting and filtering need JavaScript; the first ${Math.min(active.length, STATIC_ROWS)} of ${active.length} findings follow.</p>
<table><thead>${head('')}</thead><tbody>${preview.join('\n')}</tbody></table>
</noscript>`;
}

function ageText(run: RunResult, f: Finding): string {
  const history = historyOf(run, f);
  if (history === undefined) return '';
  return `${history.ageDays}${history.pastSla ? ' (past SLA)' : ''}`;
}

function suppressedTable(suppressed: readonly Finding[]): string {
  if (suppressed.length === 0) return '<p>No suppressed findings.</p>';
  const rows = suppressed
    .slice(0, STATIC_ROWS)
    .map(
      (f) =>
        `<tr><td class="sev sev-${f.severity}">${f.severity}</td><td>${h(f.ruleId)}</td><td>${h(label(f))}</td><td>${h(f.account)}/${h(f.region)}</td><td>${h(f.suppression?.reason ?? '')}</td><td>${h(f.suppression?.owner ?? '')}</td><td>${h(f.suppression?.expires ?? '')}</td></tr>`,
    );
  return `<table id="suppressed"><thead><tr><th>Severity</th><th>Rule</th><th>Function</th><th>Where</th><th>Reason</th><th>Owner</th><th>Expires</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>${more(suppressed.length)}`;
}

function more(n: number): string {
  return n > STATIC_ROWS ? `<p>…and ${n - STATIC_ROWS} more (see the JSON report).</p>` : '';
}

function label(f: Finding): string {
  return f.qualifier === '$LATEST' ? f.functionName : `${f.functionName}:${f.qualifier}`;
}

/**
 * The script's data, `{severities, rules, findings, generatedAt}` as `jsonForScript` writes it, a
 * finding at a time; findings are compact rows: [severity index, rule index, account, region,
 * function, message, ARN], and 1 (new) or 0 (accepted) when the run compared them with accepted
 * findings.
 */
function* tableData(run: RunResult, active: readonly Finding[], marked: boolean): Generator<string, void, undefined> {
  const rules = [...new Set(active.map((f) => f.ruleId))].sort();
  const index = new Map(rules.map((r, i) => [r, i]));
  const aged = run.history !== undefined;
  yield `{"severities":${jsonForScript(SEVERITIES)},"rules":${jsonForScript(rules)},"findings":[`;
  for (const [i, f] of active.entries())
    yield `${i === 0 ? '' : ','}${jsonForScript([
      SEVERITIES.indexOf(f.severity),
      index.get(f.ruleId) ?? 0,
      f.account,
      f.region,
      label(f),
      f.message,
      f.arn,
      ...(marked || aged ? [f.new === true ? 1 : 0] : []),
      ...(aged ? [historyOf(run, f)?.ageDays ?? 0, historyOf(run, f)?.pastSla === true ? 1 : 0] : []),
    ])}`;
  yield `],${aged ? '"aged":true,' : ''}"generatedAt":${jsonForScript(run.snapshot.generatedAt)}}`;
}

/** JSON that cannot close its <script> element or break a JavaScript string. */
export function jsonForScript(value: unknown): string {
  return jsonInert(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? inert(v) : v)))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Input text, made inert and HTML-escaped for element content and double-quoted attributes. */
export const h = htmlText;

/** Only http(s) links: a policy file's `docs` could say `javascript:`. */
function safeUrl(url: string): string {
  return /^https?:\/\//i.test(url) ? url : '#';
}
