// The HTML report in a real browser: Debian's chromium, driven by playwright-core (no browser
// download). The fleet is the demo's (the simulator's default fleet) plus one function whose name
// and description are HTML: they must show as text and never run.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createIamClient } from '../../src/crawl/client.js';
import { accountIam, readRoles } from '../../src/crawl/roles.js';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { buildSnapshot } from '../../src/snapshot/build.js';
import { SEVERITIES } from '../../src/rules/types.js';
import { parseState, stateChunks } from '../../src/state/file.js';
import { repoRoot } from '../helpers/cli.js';
import { captureIo } from '../helpers/io.js';
import { crawlSimulator, testKey, withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';
import { describeWithTool } from '../helpers/tools.js';

const CHROMIUM = '/usr/bin/chromium';

const HOSTILE = '<img src=x onerror=alert(1)>';

interface JsonReport {
  summary: { findings: number; suppressed: number; bySeverity: Record<string, number> };
  findings: { ruleId: string; suppressed: boolean; functionName: string; severity: string }[];
}

describeWithTool('chromium', 'the HTML report in chromium', () => {
  const dir = tempDir('la-html-');
  let browser: Browser;
  let page: Page;
  let report: JsonReport;
  const dialogs: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const snapshot = await withSimulator(
      { quotas: { getFunction: 5000, controlPlane: 5000 } },
      async (sim, endpoint) => {
        const region = sim.regions[0]!;
        const functions = sim.fleet.get(region)!;
        const template = [...functions.values()][0]!;
        const arn = `arn:aws:lambda:${region}:123456789012:function:${HOSTILE}`;
        functions.set(HOSTILE, {
          ...template,
          configuration: {
            ...template.configuration,
            FunctionName: HOSTILE,
            FunctionArn: arn,
            Description: '</script><script>alert(2)</script>',
            TracingConfig: { Mode: 'PassThrough' },
          },
          tags: { team: '"><svg onload=alert(3)>' },
          versions: [],
          aliases: [],
        });
        const result = await crawlSimulator(sim, endpoint);
        // The execution roles too, so the report opens with exposure paths.
        const roles = await readRoles({
          client: () =>
            createIamClient({
              region,
              endpoint,
              maxSockets: 2,
              credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
            }),
          signal: new AbortController().signal,
          retry: { maxTransientAttempts: 6, maxThrottleAttempts: 30, baseDelayMs: 5, maxDelayMs: 50 },
          requestTimeoutMs: 5000,
        });
        return {
          ...buildSnapshot(result, testKey, '0.0.0-test', new Date('2026-11-22T03:00:00Z')),
          iam: [accountIam(roles, result.regions[0]?.account ?? '')],
        };
      },
    );
    writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(snapshot));
    const { io } = captureIo({ cwd: dir });
    await run(
      [
        ...['node', 'lambda-audit', 'scan', '--input', 'snapshot.json', '--as-of', '2026-11-22', '--no-drift'],
        ...['--suppressions', join(repoRoot, 'test/fixtures/report/suppressions.yaml'), '--fail-on', 'none'],
        ...['--output', 'html=report.html', '--output', 'json=report.json'],
      ],
      io,
    );
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as JsonReport;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
      // launch() gives the browser a fresh temporary user-data-dir and deletes it on close.
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(`file://${join(dir, 'report.html')}`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the same totals as the JSON report', async () => {
    expect(await page.locator('[data-total=findings] b').textContent()).toBe(String(report.summary.findings));
    expect(await page.locator('[data-total=suppressed] b').textContent()).toBe(String(report.summary.suppressed));
    for (const s of SEVERITIES)
      expect(await page.locator(`[data-severity=${s}] b`).textContent()).toBe(String(report.summary.bySeverity[s]));
    expect(await page.locator('#f-count').textContent()).toBe(
      `${report.summary.findings} of ${report.summary.findings} findings`,
    );
    expect(await page.locator('#findings-body tr').count()).toBe(100);
  });

  it('sorts and filters the findings table', async () => {
    const active = report.findings.filter((f) => !f.suppressed);
    await page.selectOption('#f-rule', 'tracing-disabled');
    const tracing = active.filter((f) => f.ruleId === 'tracing-disabled').length;
    expect(await page.locator('#f-count').textContent()).toBe(`${tracing} of ${active.length} findings`);
    await page.selectOption('#f-rule', '');
    await page.selectOption('#f-severity', 'high');
    const high = active.filter((f) => f.severity === 'high').length;
    expect(await page.locator('#f-count').textContent()).toBe(`${high} of ${active.length} findings`);
    await page.selectOption('#f-severity', '');

    await page.click('#findings-table th[data-key=fn]');
    const names = await page.locator('#findings-body tr td:nth-child(5)').allTextContents();
    expect(names).toEqual([...names].sort());
    await page.click('#findings-table th[data-key=fn]');
    const reversed = await page.locator('#findings-body tr td:nth-child(5)').allTextContents();
    expect(reversed).toEqual([...reversed].sort().reverse());
    expect(await page.locator('#findings-table th[data-key=fn]').getAttribute('aria-sort')).toBe('descending');

    await page.fill('#f-function', 'onerror');
    const hostile = active.filter((f) => f.functionName === HOSTILE).length;
    expect(hostile).toBeGreaterThan(0);
    expect(await page.locator('#f-count').textContent()).toBe(`${hostile} of ${active.length} findings`);
  });

  it('opens with the exposure paths, most severe first, each with the findings behind it', async () => {
    const paths = report.findings.filter((f) => f.ruleId === 'exposure-path' && !f.suppressed);
    expect(paths.length).toBeGreaterThan(0);
    const items = page.locator('#exposure-paths > li');
    expect(await items.count()).toBe(paths.length);
    expect(await items.first().locator('.sev').first().textContent()).toBe('critical');
    expect(await items.first().locator('ul li').count()).toBeGreaterThanOrEqual(2);
    const headings = await page.locator('h2').allTextContents();
    expect(headings.indexOf('Exposure paths')).toBeLessThan(headings.indexOf('Summary'));
  });

  it('renders function names, descriptions and tags from AWS as text, never as markup', async () => {
    expect(await page.locator('#findings-body td', { hasText: HOSTILE }).first().textContent()).toBe(HOSTILE);
    expect(await page.locator('#findings-body img').count()).toBe(0);
    expect(await page.locator('img, svg').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<script>alert');
  });

  it('shows suppressed findings on their own tab with reason, owner and expiry; prints', async () => {
    await page.fill('#f-function', '');
    const shot = join(dir, 'report.png');
    await page.setViewportSize({ width: 1280, height: 2000 });
    await page.locator('h1').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    if (process.env.UPDATE_SCREENSHOT === '1')
      writeFileSync(join(repoRoot, 'docs/img/report-html.png'), readFileSync(shot));

    expect(await page.locator('#tab-suppressed').isHidden()).toBe(true);
    await page.click('[aria-controls=tab-suppressed]');
    expect(await page.locator('#tab-findings').isHidden()).toBe(true);
    const rows = page.locator('#suppressed tbody tr');
    expect(await rows.count()).toBe(report.summary.suppressed);
    expect(await rows.first().textContent()).toContain('Payments functions are invoked synchronously only');
    expect(await rows.first().textContent()).toContain('payments@example.com');
    expect(await rows.first().textContent()).toContain('2027-06-30');
    const pdf = await page.pdf();
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
  });

  it('marks the findings new since the accepted ones, and filters on it', async () => {
    // Accept every current finding, then forget the tracing-disabled ones: those come back as new.
    const scan = async (...args: string[]) => {
      const { io } = captureIo({ cwd: dir });
      const base = ['node', 'lambda-audit', 'scan', '--input', 'snapshot.json', '--as-of', '2026-11-22'];
      const suppressions = ['--suppressions', join(repoRoot, 'test/fixtures/report/suppressions.yaml')];
      expect(await run([...base, ...suppressions, '--no-drift', '--fail-on', 'none', ...args], io)).toBe(0);
    };
    await scan('--accept-findings', 'accepted.json', '--output', 'json=accepted-run.json');
    const accepted = JSON.parse(readFileSync(join(dir, 'accepted.json'), 'utf8')) as { findings: { ruleId: string }[] };
    accepted.findings = accepted.findings.filter((f) => f.ruleId !== 'tracing-disabled');
    writeFileSync(join(dir, 'accepted.json'), JSON.stringify(accepted));
    await scan('--accepted-findings', 'accepted.json', '--output', 'html=report-new.html');

    const active = report.findings.filter((f) => !f.suppressed);
    const fresh = active.filter((f) => f.ruleId === 'tracing-disabled').length;
    expect(fresh).toBeGreaterThan(0);
    const marked = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await marked.goto(`file://${join(dir, 'report-new.html')}`);
    expect(await marked.locator('[data-total=new] b').textContent()).toBe(String(fresh));
    await marked.selectOption('#f-new', 'new');
    expect(await marked.locator('#f-count').textContent()).toBe(`${fresh} of ${active.length} findings`);
    const rules = await marked.locator('#findings-body tr td:nth-child(2)').allTextContents();
    expect(new Set(rules)).toEqual(new Set(['tracing-disabled']));
    expect(await marked.locator('#findings-body tr.is-new').count()).toBe(Math.min(fresh, 100));
    await marked.selectOption('#f-new', 'accepted');
    expect(await marked.locator('#f-count').textContent()).toBe(
      `${active.length - fresh} of ${active.length} findings`,
    );
    expect(await marked.locator('#findings-body tr.is-new').count()).toBe(0);
    await marked.close();
  });

  it('filters the findings past their SLA (--state and an sla section)', async () => {
    // Run one records every finding on 2026-11-01; all but tracing-disabled are then forgotten, so
    // on 2026-11-10 (SLA 5 days a severity) exactly the tracing-disabled ones are past it.
    const scan = async (day: string, ...args: string[]) => {
      const input = join(dir, `snapshot-${day}.json`);
      const snapshot = JSON.parse(readFileSync(join(dir, 'snapshot.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(input, JSON.stringify({ ...snapshot, generatedAt: `${day}T03:00:00.000Z` }));
      const { io } = captureIo({ cwd: dir });
      const base = ['node', 'lambda-audit', 'scan', '--input', input, '--as-of', day, '--state', 'sla-state.json'];
      const suppressions = ['--suppressions', join(repoRoot, 'test/fixtures/report/suppressions.yaml')];
      expect(await run([...base, ...suppressions, '--no-drift', '--fail-on', 'none', ...args], io)).toBe(0);
    };
    const config = join(dir, 'sla.yaml');
    writeFileSync(config, `rules: {}\nsla:\n${SEVERITIES.map((s) => `  ${s}: 5\n`).join('')}`);
    await scan('2026-11-01', '--config', config);
    const file = join(dir, 'sla-state.json');
    const state = parseState(file, readFileSync(file, 'utf8'));
    const kept = new Map([...state.findings].filter(([, e]) => e.ruleId === 'tracing-disabled'));
    writeFileSync(file, [...stateChunks({ ...state, findings: kept })].join(''));
    await scan('2026-11-10', '--config', config, '--output', 'html=report-sla.html', '--output', 'json=sla.json');

    const json = JSON.parse(readFileSync(join(dir, 'sla.json'), 'utf8')) as {
      findings: { ruleId: string; suppressed: boolean; pastSla: boolean }[];
    };
    const active = json.findings.filter((f) => !f.suppressed);
    const past = active.filter((f) => f.pastSla);
    expect(past.length).toBeGreaterThan(0);
    expect(new Set(past.map((f) => f.ruleId))).toEqual(new Set(['tracing-disabled']));
    const aged = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await aged.goto(`file://${join(dir, 'report-sla.html')}`);
    expect(await aged.locator('[data-total=past-sla] b').textContent()).toBe(String(past.length));
    await aged.selectOption('#f-sla', 'past');
    expect(await aged.locator('#f-count').textContent()).toBe(`${past.length} of ${active.length} findings`);
    const rules = await aged.locator('#findings-body tr td:nth-child(2)').allTextContents();
    expect(new Set(rules)).toEqual(new Set(['tracing-disabled']));
    const ages = await aged.locator('#findings-body tr td:nth-child(7)').allTextContents();
    expect(ages.every((a) => a === '9 (past SLA)')).toBe(true);
    await aged.selectOption('#f-sla', 'within');
    expect(await aged.locator('#f-count').textContent()).toBe(
      `${active.length - past.length} of ${active.length} findings`,
    );
    const within = await aged.locator('#findings-body tr td:nth-child(7)').allTextContents();
    expect(within.some((a) => a.includes('past SLA'))).toBe(false);
    await aged.close();
  });

  it('shows the summary with JavaScript off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(`file://${join(dir, 'report.html')}`);
    expect(await plain.locator('[data-total=findings] b').textContent()).toBe(String(report.summary.findings));
    expect(await plain.locator('#by-rule tbody tr').count()).toBeGreaterThan(5);
    expect(await plain.locator('#crawl tbody tr').count()).toBe(2);
    expect(await plain.locator('noscript').count()).toBe(1);
    await context.close();
  });
});
