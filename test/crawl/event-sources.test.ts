// Event source mappings end to end: the real AWS SDK over HTTP against the simulator's
// ListEventSourceMappings (`/2015-03-31/event-source-mappings/`, restJson1), then the built-in pack.
import { describe, expect, it } from 'vitest';
import type { CrawlResult } from '../../src/crawl/crawler.js';
import { loadRuleSet } from '../../src/policy/load.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { Evaluation } from '../../src/rules/types.js';
import { ESM_RULES } from '../../src/simulator/event-sources.js';
import type { SimFunction } from '../../src/simulator/fleet.js';
import type { LambdaSimulator, SimulatorOptions } from '../../src/simulator/server.js';
import { runCli } from '../helpers/cli.js';
import { AS_OF } from '../helpers/rule-tester.js';
import { crawlSimulator, withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const QUOTAS = { getFunction: 2000, controlPlane: 500, getPolicy: 500 };
const FLEET = { fleet: { functions: 120, regions: ['us-east-1', 'eu-west-1'], eventSources: true }, quotas: QUOTAS };

async function crawlAndJudge(
  options: SimulatorOptions,
  extra: { eventSources?: boolean } = {},
  prepare?: (sim: LambdaSimulator) => void,
): Promise<{ sim: LambdaSimulator; result: CrawlResult; evaluation: Evaluation; calls: number }> {
  return withSimulator(options, async (sim, endpoint) => {
    prepare?.(sim);
    const result = await crawlSimulator(sim, endpoint, {
      quotas: QUOTAS,
      ...extra,
      retry: { maxTransientAttempts: 2, maxThrottleAttempts: 30, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const evaluation = evaluate(result.functions, await loadRuleSet({ asOf: AS_OF }));
    return { sim, result, evaluation, calls: sim.stats.byOperation.ListEventSourceMappings ?? 0 };
  });
}

const allOf = (sim: LambdaSimulator): SimFunction[] => [...sim.fleet.values()].flatMap((m) => [...m.values()]);
const reported = (e: Evaluation, ruleId: string) =>
  new Set(e.findings.filter((f) => f.ruleId === ruleId).map((f) => f.arn));
const notJudged = (e: Evaluation, ruleId: string) =>
  new Map(e.notJudged.filter((n) => n.ruleId === ruleId).flatMap((n) => n.functions.map((arn) => [arn, n.reason])));

describe('ListEventSourceMappings against the simulator', () => {
  it('attaches every mapping to its function and fires exactly where the fleet planted it', async () => {
    const { sim, result, evaluation, calls } = await crawlAndJudge(FLEET);
    expect(calls).toBe(2); // once per region, one page each
    expect(result.regions.every((r) => r.complete)).toBe(true);
    const planted = allOf(sim).filter((f) => f.eventSources !== undefined);
    expect(planted.length).toBe(14);
    for (const rule of ESM_RULES) {
      const expected = planted
        .filter((f) => f.eventSources?.expected.includes(rule))
        .map((f) => f.configuration.FunctionArn ?? '');
      expect(expected.length, rule).toBeGreaterThan(0);
      expect([...reported(evaluation, rule)].sort(), rule).toEqual(expected.sort());
      expect(notJudged(evaluation, rule).size, rule).toBe(0);
    }
    // Every function's own record says what it has: `[]` when none; versions hold none.
    const latest = result.functions.filter((f) => f.source !== 'ListVersionsByFunction' && f.status === 'ok');
    expect(latest.every((f) => Array.isArray(f.eventSourceMappings))).toBe(true);
    expect(latest.filter((f) => (f.eventSourceMappings?.length ?? 0) > 0)).toHaveLength(14);
    // A qualified mapping goes to its function with the qualifier; no timestamps or state reasons.
    const dynamo = latest
      .flatMap((f) => f.eventSourceMappings ?? [])
      .filter((m) => m.EventSourceArn?.includes(':dynamodb:'));
    expect(dynamo).toHaveLength(2);
    for (const m of dynamo) {
      expect(m.DestinationConfig?.OnFailure?.Destination).toMatch(/^arn:aws:sqs:/);
      if (m.Qualifier !== undefined) expect(m.FunctionArn?.endsWith(`:${m.Qualifier}`)).toBe(true);
      expect(Object.keys(m)).not.toContain('LastModified');
      expect(Object.keys(m)).not.toContain('StateTransitionReason');
      expect(Object.keys(m)).not.toContain('LastProcessingResult');
    }
    const kafka = latest.flatMap((f) => f.eventSourceMappings ?? []).find((m) => m.SelfManagedEventSource);
    expect(
      kafka?.SourceAccessConfigurations?.every((c) => Object.keys(c).every((k) => k === 'Type' || k === 'URI')),
    ).toBe(true);
    // The finding names the mapping and its source.
    const finding = evaluation.findings.find((f) => f.ruleId === 'esm-cross-account-source');
    expect(finding?.message).toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-.* \(arn:aws:(sqs|kafka):/);
  });

  it('follows NextMarker: 250 mappings in one region take three pages', async () => {
    const { result, calls } = await crawlAndJudge(
      { fleet: { functions: 50, regions: ['us-east-1'] }, quotas: QUOTAS },
      {},
      (sim) => {
        const all = [...(sim.fleet.get('us-east-1')?.values() ?? [])];
        all.forEach((fn, i) => {
          const arn = fn.configuration.FunctionArn ?? '';
          fn.eventSources = {
            mappings: Array.from({ length: 5 }, (_, j) => ({
              UUID: `00000000-0000-4000-8000-${String(i * 5 + j).padStart(12, '0')}`,
              FunctionArn: arn,
              EventSourceArn: `arn:aws:sqs:us-east-1:${sim.account}:q-${i}-${j}`,
              BatchSize: 10,
              State: 'Enabled',
            })),
            expected: [],
          };
        });
      },
    );
    expect(calls).toBe(3);
    const own = result.functions.filter((f) => f.source !== 'ListVersionsByFunction');
    expect(own.every((f) => f.eventSourceMappings?.length === 5)).toBe(true);
  });

  it('denied: every function is not judged (denied) by the three rules; the run stands', async () => {
    const { sim, result, evaluation, calls } = await crawlAndJudge({ ...FLEET, eventSources: { deny: true } });
    expect(calls).toBe(2); // refused once per region, not retried
    expect(result.regions.every((r) => r.complete)).toBe(true);
    const arns = allOf(sim).map((f) => f.configuration.FunctionArn ?? '');
    for (const rule of ESM_RULES) {
      expect(reported(evaluation, rule).size, rule).toBe(0);
      const unjudged = notJudged(evaluation, rule);
      for (const arn of arns) expect(unjudged.get(arn), `${rule} ${arn}`).toBe('denied');
    }
    const record = result.functions.find((f) => f.source !== 'ListVersionsByFunction');
    expect(record?.eventSourceMappings).toBeUndefined();
    expect(record?.unknown?.filter((p) => p.path === 'eventSourceMappings')).toEqual([
      { path: 'eventSourceMappings', reason: 'denied', detail: 'lambda:ListEventSourceMappings AccessDeniedException' },
    ]);
  });

  it('failed: unknown (failed) after the retries', async () => {
    const { evaluation, calls } = await crawlAndJudge({ ...FLEET, eventSources: { fail: true } });
    expect(calls).toBe(4); // two attempts per region
    expect(new Set(notJudged(evaluation, 'esm-kafka-unauthenticated').values())).toEqual(new Set(['failed']));
  });

  it('--no-event-sources: no call, skipped', async () => {
    const { result, evaluation, calls } = await crawlAndJudge(FLEET, { eventSources: false });
    expect(calls).toBe(0);
    const record = result.functions.find((f) => f.source !== 'ListVersionsByFunction');
    expect(record?.unknown?.filter((p) => p.path === 'eventSourceMappings')).toEqual([
      { path: 'eventSourceMappings', reason: 'skipped', detail: '--no-event-sources' },
    ]);
    expect(new Set(notJudged(evaluation, 'esm-failure-destination-missing').values())).toEqual(new Set(['skipped']));
  });

  it('the CLI: the findings in the JSON report; --no-event-sources leaves the three rules not judged (skipped)', async () => {
    const creds = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };
    await withSimulator(
      { fleet: { functions: 60, regions: ['us-east-1'], eventSources: true }, quotas: QUOTAS },
      async (sim, endpoint) => {
        const env = { ...creds, AWS_ENDPOINT_URL_LAMBDA: endpoint };
        const cwd = tempDir('la-esm-');
        type Report = { findings: { ruleId: string }[]; notJudged: { ruleId: string; reason: string }[] };
        const scan = async (extra: string[]): Promise<Report> => {
          const r = await runCli(
            ['scan', '--output', 'json=r.json', '--fail-on', 'none', '--no-drift', '--no-roles', ...extra],
            { cwd, env },
          );
          expect(r.code, r.stderr).toBe(0);
          return JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as Report;
        };
        const read = await scan([]);
        expect(read.findings.filter((f) => f.ruleId.startsWith('esm-')).length).toBeGreaterThan(0);
        expect(sim.stats.byOperation.ListEventSourceMappings).toBe(1);
        sim.resetStats();
        const skipped = await scan(['--no-event-sources']);
        expect(sim.stats.byOperation.ListEventSourceMappings).toBeUndefined();
        expect(skipped.findings.filter((f) => f.ruleId.startsWith('esm-'))).toEqual([]);
        expect(
          skipped.notJudged
            .filter((n) => n.ruleId.startsWith('esm-'))
            .map((n) => `${n.ruleId} ${n.reason}`)
            .sort(),
        ).toEqual([
          'esm-cross-account-source skipped',
          'esm-failure-destination-missing skipped',
          'esm-kafka-unauthenticated skipped',
        ]);
      },
    );
  }, 120_000);
});
