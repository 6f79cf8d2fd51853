// Code signing end to end: the real AWS SDK over HTTP against the simulator's
// ListCodeSigningConfigs and ListFunctionsByCodeSigningConfig (`/2020-04-22/code-signing-configs`,
// restJson1), then the built-in pack. moto has no code-signing listing: the simulator's planted
// configs are the ground truth.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CrawlResult } from '../../src/crawl/crawler.js';
import { unqualifiedArn, withCodeSigning } from '../../src/crawl/code-signing.js';
import { loadRuleSet } from '../../src/policy/load.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { Evaluation } from '../../src/rules/types.js';
import { CODE_SIGNING_RULES, expectedCodeSigning } from '../../src/simulator/code-signing.js';
import type { LambdaSimulator, SimulatorOptions } from '../../src/simulator/server.js';
import { runCli } from '../helpers/cli.js';
import { AS_OF, record } from '../helpers/rule-tester.js';
import { crawlSimulator, withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';

const QUOTAS = { getFunction: 2000, controlPlane: 500, getPolicy: 500 };
const FLEET = { fleet: { functions: 120, regions: ['us-east-1', 'eu-west-1'] }, quotas: QUOTAS };

async function crawlAndJudge(
  options: SimulatorOptions,
  extra: { codeSigning?: boolean } = {},
  prepare?: (sim: LambdaSimulator) => void,
): Promise<{ sim: LambdaSimulator; result: CrawlResult; evaluation: Evaluation; lists: number; byConfig: number }> {
  return withSimulator(options, async (sim, endpoint) => {
    prepare?.(sim);
    const result = await crawlSimulator(sim, endpoint, { quotas: QUOTAS, ...extra });
    const evaluation = evaluate(result.functions, await loadRuleSet({ asOf: AS_OF }));
    return {
      sim,
      result,
      evaluation,
      lists: sim.stats.byOperation.ListCodeSigningConfigs ?? 0,
      byConfig: sim.stats.byOperation.ListFunctionsByCodeSigningConfig ?? 0,
    };
  });
}

const all = (sim: LambdaSimulator) => [...sim.fleet.values()].flatMap((m) => [...m.values()]);
const reported = (e: Evaluation, ruleId: string) =>
  new Set(e.findings.filter((f) => f.ruleId === ruleId).map((f) => f.arn));
const notJudged = (e: Evaluation, ruleId: string) =>
  new Map(e.notJudged.filter((n) => n.ruleId === ruleId).flatMap((n) => n.functions.map((arn) => [arn, n.reason])));

describe('code signing against the simulator', () => {
  it('each rule fires exactly where the fleet planted it; image functions are not judged', async () => {
    const { sim, result, evaluation, lists, byConfig } = await crawlAndJudge(FLEET);
    expect(result.regions.every((r) => r.complete)).toBe(true);
    // Once per region, and once per config (two used and one unused per region).
    expect(lists).toBe(2);
    expect(byConfig).toBe(6);
    const fleet = all(sim);
    const kinds = new Map<string, number>();
    for (const fn of fleet) {
      const kind =
        fn.configuration.PackageType === 'Image'
          ? 'image'
          : (fn.codeSigning?.CodeSigningPolicies?.UntrustedArtifactOnDeployment ?? 'none');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    // The four planted cases: Zip without a config, Enforce, Warn, image without a config.
    expect(kinds.get('none')).toBeGreaterThan(10);
    expect(kinds.get('Enforce')).toBeGreaterThanOrEqual(2);
    expect(kinds.get('Warn')).toBeGreaterThanOrEqual(2);
    expect(kinds.get('image')).toBeGreaterThanOrEqual(1);
    for (const rule of CODE_SIGNING_RULES) {
      const expected = fleet
        .filter((f) => expectedCodeSigning(f).includes(rule))
        .map((f) => f.configuration.FunctionArn);
      expect(expected.length, rule).toBeGreaterThan(0);
      expect([...reported(evaluation, rule)].sort(), rule).toEqual(expected.sort());
      expect(notJudged(evaluation, rule).size, rule).toBe(0);
    }
    // The record holds the config, matched whether the listing gave a qualified ARN or not.
    const warned = fleet.filter((f) => f.codeSigning?.CodeSigningPolicies?.UntrustedArtifactOnDeployment === 'Warn');
    expect(warned.length).toBeGreaterThanOrEqual(2);
    for (const fn of warned) {
      const rec = result.functions.find((f) => f.arn === fn.configuration.FunctionArn);
      expect(rec?.codeSigning).toEqual({
        CodeSigningConfigArn: fn.codeSigning?.CodeSigningConfigArn,
        UntrustedArtifactOnDeployment: 'Warn',
        AllowedPublishers: { SigningProfileVersionArns: fn.codeSigning?.AllowedPublishers?.SigningProfileVersionArns },
      });
    }
    const image = fleet.find((f) => f.configuration.PackageType === 'Image');
    expect(result.functions.find((f) => f.arn === image?.configuration.FunctionArn)?.codeSigning).toBeNull();
  });

  it('denied: Zip functions have codeSigning unknown (denied), both rules not judged, the run stands', async () => {
    const { sim, result, evaluation, lists } = await crawlAndJudge({ ...FLEET, codeSigning: { deny: true } });
    expect(lists).toBe(2); // refused once per region, not retried
    expect(result.regions.every((r) => r.complete)).toBe(true);
    const zip = all(sim).filter((f) => f.configuration.PackageType !== 'Image');
    for (const rule of CODE_SIGNING_RULES) {
      expect(reported(evaluation, rule).size, rule).toBe(0);
      const unjudged = notJudged(evaluation, rule);
      for (const fn of zip) expect(unjudged.get(fn.configuration.FunctionArn ?? ''), rule).toBe('denied');
      expect(unjudged.size, rule).toBe(zip.length); // image functions are not counted
    }
    const rec = result.functions.find((f) => f.arn === zip[0]?.configuration.FunctionArn);
    expect(rec?.codeSigning).toBeUndefined();
    expect(rec?.unknown?.filter((p) => p.path === 'codeSigning')).toEqual([
      { path: 'codeSigning', reason: 'denied', detail: 'lambda:ListCodeSigningConfigs AccessDeniedException' },
    ]);
  });

  it('--no-code-signing: no call, Zip functions skipped', async () => {
    const { sim, result, lists, byConfig, evaluation } = await crawlAndJudge(FLEET, { codeSigning: false });
    expect(lists + byConfig).toBe(0);
    const zip = all(sim).find((f) => f.configuration.PackageType !== 'Image');
    expect(result.functions.find((f) => f.arn === zip?.configuration.FunctionArn)?.unknown).toContainEqual({
      path: 'codeSigning',
      reason: 'skipped',
      detail: '--no-code-signing',
    });
    expect(notJudged(evaluation, 'code-signing-missing').get(zip?.configuration.FunctionArn ?? '')).toBe('skipped');
  });

  it('a region of image functions only reads nothing', async () => {
    const { result, lists, evaluation } = await crawlAndJudge(
      { fleet: { functions: 12, regions: ['us-east-1'] }, quotas: QUOTAS },
      {},
      (sim) => {
        for (const fn of all(sim)) {
          fn.configuration.PackageType = 'Image';
          delete fn.codeSigning;
        }
      },
    );
    expect(lists).toBe(0);
    expect(
      result.functions.every((f) => f.codeSigning === undefined && !f.unknown?.some((p) => p.path === 'codeSigning')),
    ).toBe(true);
    expect(notJudged(evaluation, 'code-signing-missing').size).toBe(0);
  });

  it('follows NextMarker on both listings: 60 configs, 60 functions on one', async () => {
    const { result, lists, byConfig } = await crawlAndJudge(
      { fleet: { functions: 120, regions: ['us-east-1'] }, quotas: QUOTAS },
      {},
      (sim) => {
        const zip = all(sim).filter((f) => f.configuration.PackageType !== 'Image');
        zip.forEach((fn, i) => {
          const id = `csc-${String(i < 60 ? 0 : i).padStart(17, '0')}`;
          fn.codeSigning = {
            CodeSigningConfigId: id,
            CodeSigningConfigArn: `arn:aws:lambda:us-east-1:${sim.account}:code-signing-config:${id}`,
            AllowedPublishers: { SigningProfileVersionArns: [] },
            CodeSigningPolicies: { UntrustedArtifactOnDeployment: 'Enforce' },
            LastModified: '2026-10-01T09:00:00.000+0000',
          };
        });
      },
    );
    const zipCount = result.functions.filter((f) => f.configuration.PackageType !== 'Image').length;
    const configs = zipCount - 60 + 1 + 1; // one shared by 60, one each for the rest, and the unused one
    expect(configs).toBeGreaterThan(50);
    expect(lists).toBe(Math.ceil(configs / 50));
    expect(byConfig).toBe(configs + 1); // the shared config's 60 functions take two pages
    expect(
      result.functions.filter((f) => f.configuration.PackageType !== 'Image').every((f) => f.codeSigning !== null),
    ).toBe(true);
  });
});

describe('the CLI', () => {
  it('--no-code-signing: no code signing call, both rules not judged (skipped), exit as usual', async () => {
    await withSimulator({ fleet: { functions: 30, regions: ['us-east-1'] }, quotas: QUOTAS }, async (sim, endpoint) => {
      const env = {
        AWS_ACCESS_KEY_ID: 'AKIDTEST',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_LAMBDA: endpoint,
      };
      const cwd = tempDir('la-csc-');
      const result = await runCli(
        ['scan', '--no-code-signing', '--no-drift', '--fail-on', 'none', '--output', 'json=r.json'],
        { cwd, env },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(
        (sim.stats.byOperation.ListCodeSigningConfigs ?? 0) +
          (sim.stats.byOperation.ListFunctionsByCodeSigningConfig ?? 0),
      ).toBe(0);
      const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as Evaluation;
      expect(report.findings.filter((f) => f.ruleId.startsWith('code-signing-'))).toEqual([]);
      const zip = all(sim).filter((f) => f.configuration.PackageType !== 'Image').length;
      for (const rule of CODE_SIGNING_RULES)
        expect(report.notJudged.filter((n) => n.ruleId === rule).map((n) => [n.reason, n.functions.length])).toEqual([
          ['skipped', zip],
        ]);
    });
  });
});

describe('withCodeSigning', () => {
  it('matches a qualified or unqualified listed ARN to the function and its versions', () => {
    expect(unqualifiedArn('arn:aws:lambda:us-east-1:111122223333:function:fn:$LATEST')).toBe(
      'arn:aws:lambda:us-east-1:111122223333:function:fn',
    );
    const info = {
      CodeSigningConfigArn: 'arn:aws:lambda:us-east-1:111122223333:code-signing-config:csc-1',
      UntrustedArtifactOnDeployment: 'Enforce',
      AllowedPublishers: { SigningProfileVersionArns: [] },
    };
    const v3 = { ...record(), arn: `${record().arn}:3`, qualifier: '3' };
    const out = withCodeSigning([record(), v3, record({ name: 'other' })], new Map([[record().arn, info]]));
    expect(out.map((f) => f.codeSigning)).toEqual([info, info, null]);
  });
});
