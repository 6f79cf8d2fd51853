// ASFF (Security Hub) and OCSF (Detection Finding) against the attributes each format requires,
// on the report fixture (two accounts, a suppression, a denied function).
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/rules/fingerprint.js';
import { repoRoot } from '../helpers/cli.js';
import { scanFixture } from '../helpers/fixture-scan.js';
import { validAsff, validOcsf } from '../helpers/finding-formats.js';
import { tempDir } from '../helpers/temp.js';

type Asff = {
  Id: string;
  GeneratorId: string;
  AwsAccountId: string;
  Resources: { Id: string; Region: string }[];
  Workflow: { Status: string };
  RecordState: string;
  Compliance?: { Status: string; SecurityControlId?: string; RelatedRequirements: string[] };
  Note?: { Text: string };
}[];
type Ocsf = {
  status_id: number;
  type_uid: number;
  finding_info: { uid: string; types: string[] };
  resources: { uid: string }[];
  compliance?: { control: string; standards: string[] };
}[];

const asff = async (extra: string[] = []): Promise<Asff> =>
  JSON.parse((await scanFixture('asff', ['--fail-on', 'none', ...extra])).stdout) as Asff;
const ocsf = async (extra: string[] = []): Promise<Ocsf> =>
  (await scanFixture('ocsf', ['--fail-on', 'none', ...extra])).stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Ocsf[number]);

const hasBotocore = spawnSync('python3', ['-c', 'import botocore']).status === 0;
if (!hasBotocore)
  console.warn('asff-ocsf.test: python3 with botocore is missing; skipping the BatchImportFindings shape check');

describe('ASFF', () => {
  it.skipIf(!hasBotocore)("passes botocore's validation of BatchImportFindings, in calls of 100", async () => {
    const file = join(tempDir('la-asff-'), 'findings.json');
    writeFileSync(file, JSON.stringify(await asff()));
    const out = JSON.parse(
      execFileSync('python3', [join(repoRoot, 'test/fixtures/report/asff_validate.py'), file], { encoding: 'utf8' }),
    ) as { batches: number; errors: string[] };
    expect(out).toEqual({ batches: 1, errors: [] });
  });

  it.skipIf(!hasBotocore)('the botocore check fails on a finding Security Hub would refuse', () => {
    const file = join(tempDir('la-asff-'), 'findings.json');
    writeFileSync(file, JSON.stringify([{ Id: 'x', Resources: [{ Type: 'AwsLambdaFunction' }], Severity: 'HIGH' }]));
    const out = JSON.parse(
      execFileSync('python3', [join(repoRoot, 'test/fixtures/report/asff_validate.py'), file], { encoding: 'utf8' }),
    ) as { errors: string[] };
    expect(out.errors.join('\n')).toMatch(/Missing required parameter in Findings\[0\]: "SchemaVersion"/);
  });

  it('has every required attribute, in the shapes Security Hub accepts', async () => {
    const findings = await asff();
    expect(findings.length).toBeGreaterThan(10);
    expect(validAsff(findings), JSON.stringify(validAsff.errors?.slice(0, 3))).toBe(true);
    for (const f of findings) expect(f.Resources[0]!.Id).toContain(`:${f.AwsAccountId}:`);
  });

  it('uses the fingerprint as a stable, unique Id', async () => {
    const [a, b] = [await asff(), await asff()];
    expect(a.map((f) => f.Id)).toEqual(b.map((f) => f.Id));
    expect(new Set(a.map((f) => f.Id)).size).toBe(a.length);
    for (const f of a) expect(f.Id).toBe(fingerprint({ ruleId: f.GeneratorId, arn: f.Resources[0]!.Id }));
  });

  it('marks suppressed findings SUPPRESSED with the reason and names the Security Hub control', async () => {
    const findings = await asff();
    const suppressed = findings.filter((f) => f.Workflow.Status === 'SUPPRESSED');
    expect(suppressed.length).toBeGreaterThan(0);
    for (const f of suppressed) {
      expect(f.GeneratorId).toBe('dlq-missing');
      expect(f.Resources[0]!.Id).toMatch(/:function:payments-/);
      expect(f.Note?.Text).toMatch(/synchronously only/);
    }
    const runtime = findings.find((f) => f.GeneratorId === 'runtime-deprecated')!;
    expect(runtime.Compliance).toMatchObject({ Status: 'FAILED', SecurityControlId: 'Lambda.2' });
    expect(runtime.Compliance!.RelatedRequirements).toEqual([
      'AWS Foundational Security Best Practices v1.0.0/Lambda.2',
    ]);
    expect(findings.find((f) => f.GeneratorId === 'dlq-missing')!.Compliance).toBeUndefined();
  });

  it('archives an accepted finding that is gone, but not one whose function could not be read', async () => {
    const report = JSON.parse((await scanFixture('json', ['--fail-on', 'none', '--report-snapshot'])).stdout) as {
      findings: { ruleId: string; arn: string }[];
      snapshot: { functions: { arn: string; status: string }[] };
    };
    const firing = new Set(report.findings.map((f) => `${f.ruleId} ${f.arn}`));
    const readable = report.snapshot.functions.find(
      (f) => f.status === 'ok' && !firing.has(`tracing-disabled ${f.arn}`),
    );
    const denied = report.snapshot.functions.find((f) => f.status === 'denied')!;
    expect(readable).toBeDefined();
    const entry = (ruleId: string, arn: string) => ({ fingerprint: fingerprint({ ruleId, arn }), ruleId, arn });
    const file = join(tempDir('la-accepted-'), 'accepted.json');
    writeFileSync(
      file,
      JSON.stringify({
        schemaVersion: 1,
        kind: 'lambda-audit-accepted-findings',
        findings: [entry('tracing-disabled', readable!.arn), entry('tracing-disabled', denied.arn)],
      }),
    );
    const findings = await asff(['--accepted-findings', file]);
    const archived = findings.filter((f) => f.RecordState === 'ARCHIVED');
    expect(archived.map((f) => f.Resources[0]!.Id)).toEqual([readable!.arn]);
    expect(archived[0]).toMatchObject({ Workflow: { Status: 'RESOLVED' }, Compliance: { Status: 'PASSED' } });
    expect(validAsff(findings), JSON.stringify(validAsff.errors?.slice(0, 3))).toBe(true);
    const lines = await ocsf(['--accepted-findings', file]);
    expect(lines.filter((l) => l.status_id === 4).map((l) => [l.type_uid, l.resources[0]!.uid])).toEqual([
      [200403, readable!.arn],
    ]);
  });
});

describe('OCSF', () => {
  it('writes one Detection Finding per line with the attributes OCSF 1.3.0 requires', async () => {
    const lines = await ocsf();
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(validOcsf(line), JSON.stringify(validOcsf.errors?.slice(0, 3))).toBe(true);
  });

  it('agrees with ASFF on identities and marks suppressed findings and compliance controls', async () => {
    const [lines, findings] = [await ocsf(), await asff()];
    expect(lines.map((l) => l.finding_info.uid)).toEqual(findings.map((f) => f.Id));
    expect(lines.filter((l) => l.status_id === 3).length).toBe(
      findings.filter((f) => f.Workflow.Status === 'SUPPRESSED').length,
    );
    const tags = lines.find((l) => l.finding_info.types[0] === 'tags-required');
    expect(tags?.compliance).toEqual(
      expect.objectContaining({ control: 'Lambda.6', standards: ['AWS Foundational Security Best Practices v1.0.0'] }),
    );
  });
});
