/**
 * `npm run bench`: every benchmark in one process run, printed as a Markdown table.
 * Usage: npm run bench [-- --only crawl|shared-quota|cli|exposure|versions|rules|drift|iac|iac-hostile|org|role-read|roles|scale|state] [-- --scenario N]
 *   [-- --functions N] [-- --scale-functions N]
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // as bin/lambda-audit.js: a note for us, not for the tables
import {
  runCliScenario,
  runExposureScenario,
  runAllReadsScenario,
  runRolesScenario,
  runScenario,
  scenarios,
  sharedQuotaScenarios,
  benchVersions,
  type Row,
} from './crawl.js';
import { benchDrift } from './drift.js';
import { benchIac, benchIacHostile } from './iac.js';
import { benchOrg } from './org.js';
import { benchRoles } from './roles.js';
import { benchRules } from './rules.js';
import { benchScale } from './scale.js';
import { benchState } from './state.js';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const scenarioArg = args.includes('--scenario') ? Number(args[args.indexOf('--scenario') + 1]) : undefined;

const lines: string[] = [];
if (only === undefined || only === 'crawl') {
  const rows: Row[] = [];
  const chosen = scenarioArg === undefined ? scenarios : [scenarios[scenarioArg]!];
  for (const scenario of chosen) rows.push(...(await runScenario(scenario)));
  lines.push(
    '### Crawl',
    '',
    '| scenario | crawler | wall s | efficiency | of what is left | throttled % | lost | CPU ms/fn |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of rows)
    lines.push(
      `| ${r.scenario} | ${r.crawler} | ${r.wallS.toFixed(1)} | ${r.efficiency.toFixed(3)} | ${r.ofWhatIsLeft.toFixed(3)} | ${r.throttledPct.toFixed(2)} | ${r.lost} | ${r.cpuMsPerFn.toFixed(2)} |`,
    );
  lines.push(
    '',
    'efficiency = (functions per region / available GetFunction rps) / wall time; throttled % = 429 answers / all requests, counted by the simulator.',
    '',
  );
}
// Part of the crawl section; `--only shared-quota` runs it alone: lambda-audit at every bucket size.
if (only === 'shared-quota') {
  const rows: Row[] = [];
  for (const scenario of sharedQuotaScenarios(false)) rows.push(...(await runScenario(scenario)));
  lines.push(
    '### Shared quota: 40 of 100 GetFunction rps left, four bucket sizes',
    '',
    '| scenario | crawler | wall s | of what is left | throttled % | lost |',
    '|---|---|---:|---:|---:|---:|',
  );
  for (const r of rows)
    lines.push(
      `| ${r.scenario} | ${r.crawler} | ${r.wallS.toFixed(1)} | ${r.ofWhatIsLeft.toFixed(3)} | ${r.throttledPct.toFixed(2)} | ${r.lost} |`,
    );
  lines.push(
    '',
    "of what is left = functions / (40 rps x wall + the bucket's tokens, full at the start); throttled % = 429 answers / all requests, counted by the simulator.",
    '',
  );
}
// Part of the crawl section; `--only cli` runs it alone (needs `npm run build`).
if (only === undefined || only === 'crawl' || only === 'cli') {
  const functions = args.includes('--cli-functions') ? Number(args[args.indexOf('--cli-functions') + 1]) : 1500;
  // `--cli-args "--no-log-groups --no-security-groups"`: the same scan with reads left out.
  const extra = args.includes('--cli-args')
    ? (args[args.indexOf('--cli-args') + 1] ?? '').split(/\s+/).filter(Boolean)
    : [];
  const rows = await runCliScenario(functions, 2, extra);
  lines.push(
    '### `scan --no-exposure` from outside (the CLI bin, process start to exit)',
    '',
    `One region, ${functions} functions, Lambda's quotas (GetFunction 100 rps), 40 ms per answer; \`node bin/lambda-audit.js scan --no-exposure --no-drift --fail-on none -q --output json=FILE\`.`,
    '',
    '| run | wall s | start s | GetFunction s | GetFunction rps | tail s | of the quota | throttled |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of rows)
    lines.push(
      `| ${r.run} | ${r.wallS.toFixed(2)} | ${r.startS.toFixed(2)} | ${r.getFunctionS.toFixed(2)} | ${r.getFunctionRps.toFixed(1)} | ${r.tailS.toFixed(2)} | ${r.ratio.toFixed(3)} | ${r.throttled} |`,
    );
  lines.push(
    '',
    'start = process start to the first request; GetFunction = first to last GetFunction arrival; tail = last GetFunction arrival to exit; of the quota = (functions / 100 rps) / wall.',
    '',
  );
}
// Part of the crawl section; `--only role-read` runs it alone.
if (only === undefined || only === 'crawl' || only === 'role-read') {
  const functions = args.includes('--functions') ? Number(args[args.indexOf('--functions') + 1]) : 300;
  // A typical account (one page) and a large one (two pages of 1,000 items).
  const rows = [...(await runRolesScenario(functions, 200)), ...(await runRolesScenario(functions, 1500))];
  lines.push(
    '### Role reads (IAM GetAccountAuthorizationDetails) beside a default scan',
    '',
    `One region, ${functions} functions, real quotas, 40 ms per answer; an account of ${rows[1]?.roles ?? '?'} roles (one page), then one of ${rows[3]?.roles ?? '?'} (two pages).`,
    '',
    '| crawler | wall s | x N/15 | roles | IAM requests | lost |',
    '|---|---:|---:|---:|---:|---:|',
  );
  for (const r of rows)
    lines.push(
      `| ${r.crawler} | ${r.wallS.toFixed(1)} | ${r.ratioToFloor.toFixed(3)} | ${r.roles} | ${r.iamRequests} | ${r.lost} |`,
    );
  lines.push(
    '',
    'x N/15 = wall time / (functions / 15 s), the GetPolicy floor. The role read runs on its own lane (1 request/s) beside the crawl.',
    '',
  );
}
// Part of the crawl section; `--only all-reads` runs it alone (issue 20: every bulk read beside a default scan).
if (only === undefined || only === 'crawl' || only === 'all-reads') {
  const functions = args.includes('--functions') ? Number(args[args.indexOf('--functions') + 1]) : 300;
  const rows = await runAllReadsScenario(functions);
  lines.push(
    '### Every bulk read beside a default scan',
    '',
    `One region, ${functions} functions with every demo case planted (capacity providers, VPC functions, log groups, event source mappings, code signing), real quotas, 40 ms per answer.`,
    '',
    '| crawler | wall s | x N/15 | bulk requests | throttled % | lost |',
    '|---|---:|---:|---:|---:|---:|',
  );
  for (const r of rows)
    lines.push(
      `| ${r.crawler} | ${r.wallS.toFixed(1)} | ${r.ratioToFloor.toFixed(3)} | ${r.bulkRequests} | ${r.throttledPct.toFixed(2)} | ${r.lost} |`,
    );
  lines.push(
    '',
    'x N/15 = wall time / (functions / 15 s), the GetPolicy floor. Bulk reads: ListEventSourceMappings, ListCodeSigningConfigs and ListFunctionsByCodeSigningConfig, ListCapacityProviders (shared 15 rps lane), DescribeSubnets and DescribeSecurityGroups (EC2, 20/s each), DescribeLogGroups (Logs, 10/s), GetAccountAuthorizationDetails (IAM, 1/s).',
    '',
  );
}
if (only === undefined || only === 'exposure') {
  const functions = args.includes('--functions') ? Number(args[args.indexOf('--functions') + 1]) : 300;
  const rows = await runExposureScenario(functions);
  lines.push(
    '### Exposure crawl (GetPolicy, function URL, invoke config)',
    '',
    `One region, ${functions} functions, real quotas (GetFunction 100 rps, GetPolicy 15 rps, shared control plane 15 rps), 40 ms per answer.`,
    '',
    '| crawler | wall s | x N/15 | throttled % | requests | shared-lane calls | lost |',
    '|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of rows)
    lines.push(
      `| ${r.crawler} | ${r.wallS.toFixed(1)} | ${r.ratioToFloor.toFixed(2)} | ${r.throttledPct.toFixed(2)} | ${r.requests} | ${r.sharedLaneCalls} | ${r.lost} |`,
    );
  lines.push(
    '',
    'x N/15 = wall time / (functions / 15 s), the GetPolicy floor; shared-lane calls = ListFunctions + GetFunctionUrlConfig + GetFunctionEventInvokeConfig, the quota deploys also use.',
    '',
  );
}
if (only === undefined || only === 'versions')
  lines.push(
    ...(await benchVersions(args.includes('--functions') ? Number(args[args.indexOf('--functions') + 1]) : 1000)),
  );
if (only === undefined || only === 'rules') lines.push(...(await benchRules()));
if (only === undefined || only === 'drift') lines.push(...(await benchDrift()));
if (only === undefined || only === 'iac') lines.push(...(await benchIac()));
if (only === undefined || only === 'iac-hostile') lines.push(...benchIacHostile());
if (only === undefined || only === 'org') lines.push(...(await benchOrg()));
if (only === undefined || only === 'roles') lines.push(...benchRoles());
if (only === undefined || only === 'scale') {
  const functions = args.includes('--scale-functions') ? Number(args[args.indexOf('--scale-functions') + 1]) : 100_000;
  lines.push(...(await benchScale(functions)));
}
if (only === undefined || only === 'state') lines.push(...(await benchState()));
console.log(lines.join('\n'));
