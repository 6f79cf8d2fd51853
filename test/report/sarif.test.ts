// SARIF against the official OASIS schema and GitHub's upload rules.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv4 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { sarifReport } from '../../src/report/sarif.js';
import type { RunResult } from '../../src/report/run.js';
import type { Finding, RuleMeta } from '../../src/rules/types.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schemas.js';
import { scanFixture } from '../helpers/fixture-scan.js';
import { tempDir } from '../helpers/temp.js';
import { validAsff, validOcsf } from '../helpers/finding-formats.js';

interface SarifLog {
  runs: {
    automationDetails: { id: string };
    invocations: {
      executionSuccessful: boolean;
      toolExecutionNotifications?: { level: string; message: { text: string } }[];
    }[];
    tool: {
      driver: {
        rules: {
          id: string;
          shortDescription: { text: string };
          fullDescription: { text: string };
          help: { text: string; markdown: string };
          defaultConfiguration: { level: string };
          properties: { 'security-severity'?: string; tags: string[]; compliance?: unknown };
        }[];
      };
    };
    results: {
      ruleId: string;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
      partialFingerprints: { primaryLocationLineHash: string };
      properties: { arn: string };
    }[];
  }[];
}

const ajv = new Ajv4.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(
  JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object,
);

async function sarif(): Promise<SarifLog> {
  return JSON.parse((await scanFixture('sarif', ['--fail-on', 'none'])).stdout) as SarifLog;
}

describe('the demo scan', () => {
  it('writes SARIF, JSON, Markdown, JUnit, ASFF and OCSF in one run; SARIF, JSON, ASFF and OCSF validate', async () => {
    const cwd = tempDir('la-four-');
    const result = await runCli(
      [
        'scan',
        '--demo',
        '--quiet',
        '--output',
        'sarif=r.sarif',
        '--output',
        'json=r.json',
        '--output',
        'markdown=r.md',
        '--output',
        'junit=r.xml',
        '--output',
        'asff=r.asff.json',
        '--output',
        'ocsf=r.ocsf.jsonl',
      ],
      { cwd },
    );
    expect(result.code).toBe(1); // the demo fleet has high findings: the default gate fails
    const log = JSON.parse(readFileSync(join(cwd, 'r.sarif'), 'utf8')) as SarifLog;
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(log.runs[0]!.results.length).toBeGreaterThan(1000);
    expect(schemaErrors('report', JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')))).toBeUndefined();
    expect(readFileSync(join(cwd, 'r.md'), 'utf8')).toMatch(/^## lambda-audit: \d+ findings/);
    const asff = JSON.parse(readFileSync(join(cwd, 'r.asff.json'), 'utf8')) as unknown[];
    expect(validAsff(asff), JSON.stringify(validAsff.errors?.slice(0, 3))).toBe(true);
    if (spawnSync('python3', ['-c', 'import botocore']).status === 0) {
      const check = execFileSync(
        'python3',
        [join(repoRoot, 'test/fixtures/report/asff_validate.py'), join(cwd, 'r.asff.json')],
        { encoding: 'utf8' },
      );
      expect(JSON.parse(check)).toEqual({ batches: Math.ceil(asff.length / 100), errors: [] });
    } else console.warn('sarif.test: python3 with botocore is missing; the demo ASFF is not checked against it');
    const ocsf = readFileSync(join(cwd, 'r.ocsf.jsonl'), 'utf8').trimEnd().split('\n');
    expect(ocsf).toHaveLength(asff.length);
    for (const line of ocsf) expect(validOcsf(JSON.parse(line)), JSON.stringify(validOcsf.errors?.[0])).toBe(true);
    expect(readFileSync(join(cwd, 'r.xml'), 'utf8')).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="lambda-audit"/,
    );
  }, 180_000); // the demo crawls 1,000 functions with GetPolicy at 15 rps
});

describe('SARIF', () => {
  it('validates against the OASIS SARIF 2.1.0 schema', async () => {
    const log = await sarif();
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it('meets GitHub code scanning rules: relative scheme-less uri at line 1, ARN in message and properties', async () => {
    const log = await sarif();
    const results = log.runs.flatMap((r) => r.results);
    expect(results.length).toBeGreaterThan(10);
    for (const r of results) {
      const location = r.locations[0]!.physicalLocation;
      expect(location.artifactLocation.uri).toMatch(/^aws\/\d{12}\/[a-z0-9-]+\/lambda\/[A-Za-z0-9_.-]+(\/\d+)?$/);
      expect(location.artifactLocation.uri).not.toMatch(/^[a-z]+:/);
      expect(location.region.startLine).toBe(1);
      expect(r.message.text).toContain(r.properties.arn);
      expect(r.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('has one run per account with its own category, every rule fully described', async () => {
    const log = await sarif();
    expect(log.runs.map((r) => r.automationDetails.id)).toEqual([
      'lambda-audit/111111111111/',
      'lambda-audit/222222222222/',
    ]);
    for (const rule of log.runs[0]!.tool.driver.rules) {
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.fullDescription.text.length).toBeGreaterThan(0);
      expect(rule.help.text).toMatch(/https:\/\//);
      expect(rule.help.markdown).toMatch(/\[Documentation\]\(https:\/\//);
      expect(rule.properties.tags).toContain('security');
    }
  });

  it('gives info rules level note and no security-severity, so GitHub does not count them as Low alerts', async () => {
    const log = await sarif();
    const rules = log.runs[0]!.tool.driver.rules;
    const infoIds = ['log-format-text', 'vpc-ipv6-dual-stack-disabled', 'log-group-kms-missing'];
    const info = rules.filter((r) => infoIds.includes(r.id));
    expect(info).toHaveLength(infoIds.length);
    for (const rule of info) {
      expect(rule.properties['security-severity']).toBeUndefined();
      expect(rule.defaultConfiguration.level).toBe('note');
    }
    for (const rule of rules.filter((r) => !info.includes(r)))
      expect(['9.5', '8.0', '5.5', '2.0']).toContain(rule.properties['security-severity']);
    const infoResults = log.runs.flatMap((r) => r.results).filter((r) => r.ruleId === 'log-format-text');
    expect(infoResults.length).toBeGreaterThan(0);
    for (const r of infoResults) expect(r.level).toBe('note');
  });

  it('names compliance controls in rule tags and properties', async () => {
    const rules = (await sarif()).runs[0]!.tool.driver.rules;
    const runtime = rules.find((r) => r.id === 'runtime-deprecated')!;
    expect(runtime.properties.tags).toContain('aws-foundational-security-best-practices/Lambda.2');
    expect(runtime.properties.compliance).toEqual([
      { framework: 'aws-foundational-security-best-practices', control: 'Lambda.2' },
    ]);
    expect(rules.find((r) => r.id === 'dlq-missing')!.properties.compliance).toBeUndefined();
  });

  it('marks an incomplete crawl: executionSuccessful false and a notification naming what was not read', async () => {
    const log = await sarif();
    // The fixture's account 111111111111 was read in full; 222222222222 has a denied function.
    expect(log.runs[0]!.invocations).toEqual([{ executionSuccessful: true }]);
    const incomplete = log.runs[1]!.invocations[0]!;
    expect(incomplete.executionSuccessful).toBe(false);
    expect(incomplete.toolExecutionNotifications).toHaveLength(1);
    expect(incomplete.toolExecutionNotifications![0]!.message.text).toMatch(
      /^222222222222\/us-east-1: 1 function\(s\) could not be fetched \(1 denied, 0 failed\): arn:aws:lambda:us-east-1:222222222222:function:platform-notify-00005$/,
    );
  });

  it('fingerprints are stable across runs and leave suppressed findings out', async () => {
    const a = await sarif();
    const b = await sarif();
    const prints = (log: SarifLog) =>
      log.runs.flatMap((r) => r.results.map((x) => `${x.ruleId} ${x.partialFingerprints.primaryLocationLineHash}`));
    expect(prints(a)).toEqual(prints(b));
    // dlq-missing on payments-* is suppressed in the fixture's suppressions.
    expect(
      a.runs
        .flatMap((r) => r.results)
        .filter(
          (r) =>
            r.ruleId === 'dlq-missing' && r.locations[0]!.physicalLocation.artifactLocation.uri.includes('/payments-'),
        ),
    ).toEqual([]);
  });

  it('past the per-run limit, drops the lowest severities first and says so', () => {
    const rule = (id: string, severity: RuleMeta['severity']): RuleMeta => ({
      id,
      title: id,
      severity,
      description: 'd',
      remediation: 'r',
      docs: 'https://docs.aws.amazon.com/lambda/',
      source: 'x',
    });
    const finding = (i: number, severity: Finding['severity']): Finding => ({
      ruleId: severity,
      severity,
      title: 't',
      message: 'm',
      arn: `arn:aws:lambda:us-east-1:111111111111:function:f${i}`,
      account: '111111111111',
      region: 'us-east-1',
      functionName: `f${i}`,
      qualifier: '$LATEST',
      suppressed: false,
    });
    const findings = [
      ...Array.from({ length: 5 }, (_, i) => finding(i, 'low')),
      ...Array.from({ length: 3 }, (_, i) => finding(100 + i, 'high')),
    ];
    const runResult = {
      snapshot: {
        tool: { version: '0' },
        regions: [{ account: '111111111111', region: 'us-east-1', complete: true, denied: 0, failed: 0 }],
        functions: [],
      },
      asOf: '2026-11-22',
      rules: [rule('high', 'high'), rule('low', 'low')],
      findings,
      suppressions: [],
      drift: undefined,
    } as unknown as RunResult;
    const warnings: string[] = [];
    const log = JSON.parse(
      sarifReport(
        runResult,
        { color: false, warn: (w) => warnings.push(w) },
        { resultsPerRun: 4, rulesPerRun: 10, runsPerFile: 20, gzippedBytes: 10 * 1024 * 1024 },
      ),
    ) as SarifLog;
    expect(log.runs[0]!.results.map((r) => r.ruleId)).toEqual(['high', 'high', 'high', 'low']);
    expect(warnings[0]).toMatch(/8 results; GitHub accepts 4 per run, so 4 of the lowest severities/);
  });
});
