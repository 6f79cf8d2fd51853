// Drift end to end: baseline from a crawl of the simulator, change the fleet, scan again.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffFunction } from '../../src/drift/diff.js';
import { runCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schemas.js';
import { withSimulator } from '../helpers/sim.js';
import type { LambdaSimulator } from '../../src/simulator/server.js';
import type { FieldChange } from '../../src/drift/diff.js';
import { tempDir } from '../helpers/temp.js';

const env = {
  AWS_ACCESS_KEY_ID: 'AKIDDRIFT',
  AWS_SECRET_ACCESS_KEY: 'drift',
  LAMBDA_AUDIT_ENV_HASH_KEY: 'drift-test-hash-key-0123456789',
};

interface Report {
  drift: { functions: { functionName: string; kind: string; changes: FieldChange[] }[] } | null;
  findings: { ruleId: string; functionName: string; message: string; new?: boolean }[];
}

async function scan(
  endpoint: string,
  cwd: string,
  extra: string[] = [],
): Promise<{ code: number | null; report: Report; stdout: string; stderr: string }> {
  const result = await runCli(
    [
      'scan',
      '--regions',
      'us-east-1',
      '--endpoint',
      endpoint,
      '--fail-on',
      'none',
      '--output',
      'json=report.json',
      ...extra,
    ],
    { cwd, env },
  );
  expect(result.code, result.stderr).not.toBe(2);
  const report = JSON.parse(readFileSync(join(cwd, 'report.json'), 'utf8')) as Report;
  return { ...result, report };
}

function names(sim: LambdaSimulator): string[] {
  return [...sim.fleet.get('us-east-1')!.keys()];
}

describe('drift', () => {
  it('reports every change at the right path, and nothing else', async () => {
    await withSimulator({ fleet: { functions: 30, regions: ['us-east-1'] } }, async (sim, endpoint) => {
      const cwd = tempDir('la-drift-');
      const taken = await runCli(['baseline', '--regions', 'us-east-1', '--endpoint', endpoint, '--quiet'], {
        cwd,
        env,
      });
      expect(taken.code, taken.stderr).toBe(0);

      const fns = sim.fleet.get('us-east-1')!;
      const withEnv = names(sim).filter(
        (n) => Object.keys(fns.get(n)!.configuration.Environment?.Variables ?? {}).length > 0,
      );
      const withLayer = names(sim).filter((n) => (fns.get(n)!.configuration.Layers ?? []).length > 0);
      const envFn = withEnv[0]!;
      const layerFn = withLayer.find((n) => n !== envFn)!;
      const [rt, mem, code, deleted] = names(sim).filter((n) => n !== envFn && n !== layerFn);
      const envVar = Object.keys(fns.get(envFn)!.configuration.Environment!.Variables!)[0]!;
      const secretValue = 'new-secret-value-Qz81!x';

      const originalRuntime = fns.get(rt!)!.configuration.Runtime ?? '(none)';
      fns.get(rt!)!.configuration.Runtime = 'python3.8';
      fns.get(mem!)!.configuration.MemorySize = 10240;
      fns.get(code!)!.configuration.CodeSha256 = 'bmV3LWNvZGUtaGFzaA==';
      fns.get(envFn)!.configuration.Environment!.Variables![envVar] = secretValue;
      const layer = fns.get(layerFn)!.configuration.Layers![0]!;
      const layerName = layer.Arn!.replace(/:\d+$/, '');
      layer.Arn = `${layerName}:999`;
      fns.delete(deleted!);
      fns.set('brand-new-fn', {
        ...structuredClone(fns.get(rt!)!),
        configuration: {
          ...structuredClone(fns.get(rt!)!.configuration),
          FunctionName: 'brand-new-fn',
          FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:brand-new-fn',
        },
      });
      // Volatile fields change on every deploy: not drift.
      for (const n of names(sim)) fns.get(n)!.configuration.RevisionId = 'changed-revision';

      const { code: exit, report, stdout } = await scan(endpoint, cwd);
      expect(exit).toBe(0);
      expect(schemaErrors('report', report)).toBeUndefined();
      const drift = report.drift!.functions.map((f) => [
        f.functionName,
        f.kind,
        f.changes.map((c) => `${c.kind} ${c.path}`),
      ]);
      expect(drift.sort()).toEqual(
        [
          [rt, 'changed', ['changed configuration.Runtime']],
          [mem, 'changed', ['changed configuration.MemorySize']],
          [code, 'changed', ['changed configuration.CodeSha256']],
          [envFn, 'changed', [`changed configuration.Environment.Variables.${envVar}`]],
          [layerFn, 'changed', [`changed configuration.Layers[${layerName}].Arn`]],
          [deleted, 'removed', []],
          ['brand-new-fn', 'added', []],
        ].sort(),
      );
      const envChange = report.drift!.functions.find((f) => f.functionName === envFn)!.changes[0]!;
      expect(envChange).not.toHaveProperty('old');
      expect(envChange).not.toHaveProperty('new');
      expect(readFileSync(join(cwd, 'report.json'), 'utf8')).not.toContain(secretValue);
      expect(stdout).not.toContain(secretValue);

      const ids = report.findings
        .filter((f) => f.ruleId.startsWith('drift/'))
        .map((f) => `${f.ruleId} ${f.functionName}`)
        .sort();
      expect(ids).toEqual(
        [
          `drift/runtime ${rt}`,
          `drift/memory-timeout ${mem}`,
          `drift/code ${code}`,
          `drift/environment ${envFn}`,
          `drift/layers ${layerFn}`,
          `drift/function-removed ${deleted}`,
          'drift/function-added brand-new-fn',
        ].sort(),
      );
      expect((await scan(endpoint, cwd, ['--fail-on-drift'])).code).toBe(1);
      expect(report.findings.find((f) => f.ruleId === 'drift/runtime')?.message).toContain(
        `configuration.Runtime changed from ${originalRuntime} to python3.8`,
      );
    });
  });

  it('a corrupt baseline gives exit 2, says why, and is left untouched (scan and baseline)', async () => {
    await withSimulator({ fleet: { functions: 5, regions: ['us-east-1'] } }, async (_sim, endpoint) => {
      const cwd = tempDir('la-corrupt-');
      const file = join(cwd, 'baselines/123456789012/us-east-1.json');
      await runCli(['baseline', '--regions', 'us-east-1', '--endpoint', endpoint, '--quiet'], { cwd, env });
      writeFileSync(file, '{"schemaVersion": 1, "kind": "lambda-audit-baseline", "functions": ');
      const scanned = await runCli(
        ['scan', '--regions', 'us-east-1', '--endpoint', endpoint, '--output', 'json=r.json'],
        { cwd, env },
      );
      expect(scanned.code).toBe(2);
      expect(scanned.stderr).toMatch(/us-east-1\.json:1:\d+: not a valid baseline: not valid JSON/);
      const retaken = await runCli(['baseline', '--regions', 'us-east-1', '--endpoint', endpoint], { cwd, env });
      expect(retaken.code).toBe(2);
      expect(retaken.stderr).toMatch(/refusing to overwrite .*us-east-1\.json:1:\d+: not a valid baseline/);
      expect(readFileSync(file, 'utf8')).toBe('{"schemaVersion": 1, "kind": "lambda-audit-baseline", "functions": ');
      writeFileSync(file, '{"schemaVersion": 7}');
      const future = await runCli(['baseline', '--regions', 'us-east-1', '--endpoint', endpoint], { cwd, env });
      expect(future.stderr).toMatch(/schemaVersion 7; this lambda-audit reads version 1/);
      const forced = await runCli(
        ['baseline', '--regions', 'us-east-1', '--endpoint', endpoint, '--force', '--quiet'],
        { cwd, env },
      );
      expect(forced.code).toBe(0);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ schemaVersion: 1, account: '123456789012' });
    });
  });

  it('baselines are deterministic: sorted keys, one trailing newline, same bytes from the same snapshot', async () => {
    await withSimulator({ fleet: { functions: 10, regions: ['us-east-1'] } }, async (_sim, endpoint) => {
      const cwd = tempDir('la-det-');
      await runCli(
        ['scan', '--regions', 'us-east-1', '--endpoint', endpoint, '--no-drift', '--output', 'snapshot=s.json'],
        { cwd, env },
      );
      await runCli(['baseline', '--input', 's.json', '--dir', 'a', '--quiet'], { cwd, env });
      await runCli(['baseline', '--input', 's.json', '--dir', 'b', '--quiet'], { cwd, env });
      const a = readFileSync(join(cwd, 'a/123456789012/us-east-1.json'), 'utf8');
      expect(a).toBe(readFileSync(join(cwd, 'b/123456789012/us-east-1.json'), 'utf8'));
      expect(a.endsWith('}\n')).toBe(true);
      expect(a).not.toMatch(/X-Amz-|awslambda-.*-tasks/);
      const keys = Object.keys(JSON.parse(a) as object);
      expect(keys).toEqual([...keys].sort());
    });
  });

  it('accepted findings: later scans mark new ones, and --only-new keeps only those', async () => {
    await withSimulator({ fleet: { functions: 12, regions: ['us-east-1'] } }, async (sim, endpoint) => {
      const cwd = tempDir('la-accept-');
      const first = await scan(endpoint, cwd, ['--no-drift', '--accept-findings', 'accepted.json']);
      expect(first.report.findings.length).toBeGreaterThan(0);
      const again = await scan(endpoint, cwd, ['--no-drift', '--accepted-findings', 'accepted.json']);
      expect(again.report.findings.every((f) => f.new === false)).toBe(true);
      const victim = names(sim)[0]!;
      sim.fleet.get('us-east-1')!.get(victim)!.configuration.State = 'Failed';
      const later = await scan(endpoint, cwd, ['--no-drift', '--accepted-findings', 'accepted.json', '--only-new']);
      expect(later.report.findings.map((f) => `${f.ruleId} ${f.functionName}`)).toEqual([
        `function-state-unhealthy ${victim}`,
      ]);
    });
  });
});

describe('diffFunction', () => {
  const base = {
    configuration: {
      FunctionName: 'f',
      VpcConfig: { VpcId: 'vpc-1', SubnetIds: ['subnet-a', 'subnet-b'], SecurityGroupIds: ['sg-1', 'sg-2'] },
      Architectures: ['x86_64'],
    },
  };
  it('reordered subnets and security groups are not drift', () => {
    const reordered = {
      configuration: {
        FunctionName: 'f',
        VpcConfig: { VpcId: 'vpc-1', SubnetIds: ['subnet-b', 'subnet-a'], SecurityGroupIds: ['sg-2', 'sg-1'] },
        Architectures: ['x86_64'],
      },
    };
    expect(diffFunction(base, reordered)).toEqual([]);
  });
  it('an added subnet is reported as a member added to the set', () => {
    const more = structuredClone(base);
    more.configuration.VpcConfig.SubnetIds.push('subnet-c');
    expect(diffFunction(base, more)).toEqual([
      { path: 'configuration.VpcConfig.SubnetIds.subnet-c', kind: 'added', new: 'subnet-c' },
    ]);
  });
  it('tags and reserved concurrency are compared too', () => {
    expect(
      diffFunction({ ...base, tags: { team: 'a' } }, { ...base, tags: { team: 'b' }, reservedConcurrency: 5 }).map(
        (c) => `${c.kind} ${c.path}`,
      ),
    ).toEqual(['changed reservedConcurrency', 'changed tags.team']);
  });
});

describe('driftRegion', () => {
  it('reports no removals when the listing failed', async () => {
    const { driftRegion } = await import('../../src/drift/diff.js');
    const baseline = {
      schemaVersion: 1 as const,
      kind: 'lambda-audit-baseline' as const,
      account: '1',
      region: 'r',
      envHashKeyId: 'k',
      functions: { gone: { configuration: {} } },
    };
    expect(driftRegion(baseline, [], { ignore: [], compareEnvironmentValues: true }).map((d) => d.kind)).toEqual([
      'removed',
    ]);
    expect(driftRegion(baseline, [], { ignore: [], compareEnvironmentValues: true, listingComplete: false })).toEqual(
      [],
    );
  });
});

describe('markdown drift section', () => {
  it('lists drifted functions with their changed paths', async () => {
    const { markdownReport } = await import('../../src/report/markdown.js');
    const run = {
      snapshot: { functions: [], regions: [] },
      asOf: '2026-11-22',
      rules: [],
      findings: [],
      notJudged: [],
      suppressions: [],
      drift: {
        baselineDir: 'b',
        regions: [],
        functions: [
          {
            key: 'f',
            arn: 'a',
            account: '1',
            region: 'us-east-1',
            functionName: 'f',
            qualifier: '$LATEST',
            kind: 'changed',
            changes: [{ path: 'configuration.Runtime', kind: 'changed', old: 'a', new: 'b' }],
          },
        ],
      },
    } as unknown as Parameters<typeof markdownReport>[0];
    expect(markdownReport(run)).toContain('| `f` | `us-east-1` | changed `configuration.Runtime` |');
  });
});
