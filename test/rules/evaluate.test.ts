import { describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../src/policy/load.js';
import { applySuppressions, type Suppression } from '../../src/policy/suppressions.js';
import { evaluate } from '../../src/rules/evaluate.js';
import { AS_OF, record } from '../helpers/rule-tester.js';
import { repoRoot } from '../helpers/cli.js';

const legacy = record({
  name: 'legacy-report',
  configuration: { Runtime: 'python3.8', TracingConfig: { Mode: 'Active' } },
  tags: { team: 'a', owner: 'b', 'cost-center': 'c' },
});
const modern = record({ name: 'modern', configuration: { Runtime: 'python3.13' } });

describe('evaluate', () => {
  it('is deterministic: same records, rules and as-of date give the same findings in the same order', async () => {
    const rules = await loadRuleSet({ asOf: AS_OF });
    const a = evaluate([modern, legacy], rules).findings;
    const b = evaluate([legacy, modern], rules).findings;
    expect(a).toEqual(b);
    expect(a[0]?.severity).toBe('high'); // worst first
  });

  it('skips vanished functions', async () => {
    const rules = await loadRuleSet({ asOf: AS_OF });
    expect(evaluate([{ ...legacy, status: 'vanished' }], rules).findings).toEqual([]);
  });

  it('applies a config: rules off, severity and options changed', async () => {
    const rules = await loadRuleSet({
      asOf: AS_OF,
      configFile: `${repoRoot}/test/fixtures/policies/valid/config.yaml`,
    });
    expect(rules.find((r) => r.id === 'log-format-text')).toBeUndefined();
    expect(rules.find((r) => r.id === 'dlq-missing')?.severity).toBe('info');
    const tags = rules.filter((r) => r.id === 'tags-required');
    expect(evaluate([record({ tags: { team: 'a', owner: 'b' } })], tags).findings).toEqual([]); // cost-center no longer required
  });

  it('honours scope and exclusions in a user policy', async () => {
    const rules = await loadRuleSet({
      asOf: AS_OF,
      builtin: false,
      policyFiles: [`${repoRoot}/test/fixtures/policies/valid/team-policy.yaml`],
    });
    const big = (name: string, env: string) =>
      record({ name, tags: { env }, configuration: { MemorySize: 4096, Architectures: ['x86_64'] } });
    const found = evaluate([big('api', 'prod'), big('api-batch-1', 'prod'), big('api-dev', 'dev')], rules).findings.map(
      (f) => f.functionName,
    );
    expect(found).toEqual(['api']);
  });
});

describe('unknown parts', () => {
  it('a rule whose verdict depends on an unknown part is not judged, and counted per rule and reason', async () => {
    const rules = (await loadRuleSet({ asOf: AS_OF })).filter((r) =>
      ['env-kms-cmk-missing', 'tags-required', 'runtime-deprecated'].includes(r.id),
    );
    const kmsUnknown = record({
      name: 'kms-unknown',
      configuration: { Environment: { Variables: { A: 'x' } } },
      tags: { team: 'a', owner: 'b', 'cost-center': 'c' },
      unknown: [{ path: 'configuration.KMSKeyArn', reason: 'plan-time', detail: '!GetAtt Key.Arn' }],
    });
    const tagsDenied = record({
      name: 'tags-denied',
      configuration: { Runtime: 'python3.8' },
      unknown: [{ path: 'tags', reason: 'denied', detail: 'AccessDeniedException' }],
    });
    const { findings, notJudged } = evaluate([kmsUnknown, tagsDenied], rules);
    // The runtime is known, so runtime-deprecated still fires on tags-denied; nothing else does.
    expect(findings.map((f) => `${f.ruleId} ${f.functionName}`)).toEqual(['runtime-deprecated tags-denied']);
    expect(notJudged.map(({ ruleId, reason, path, count }) => ({ ruleId, reason, path, count }))).toEqual([
      { ruleId: 'env-kms-cmk-missing', reason: 'plan-time', path: 'configuration.KMSKeyArn', count: 1 },
      { ruleId: 'tags-required', reason: 'denied', path: 'tags', count: 1 },
    ]);
  });

  it('three-valued conditions: a known false part decides an `all` whatever is unknown', async () => {
    const rules = (await loadRuleSet({ asOf: AS_OF })).filter((r) => r.id === 'env-kms-cmk-missing');
    // No environment variables at all: the rule passes even though the key is unknown.
    const noEnv = record({ unknown: [{ path: 'configuration.KMSKeyArn', reason: 'plan-time' }] });
    expect(evaluate([noEnv], rules)).toEqual({ findings: [], notJudged: [] });
  });

  it('a record without a separately read part (old snapshot, input file) is not judged on it', async () => {
    const rules = await loadRuleSet({
      asOf: AS_OF,
      builtin: false,
      policyFiles: [`${repoRoot}/test/fixtures/policies/valid/policy-paths.yaml`],
    });
    const unread = record({ name: 'unread' });
    delete (unread as { policy?: unknown }).policy;
    const read = record({ name: 'read', policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: ['*'] } }] } });
    const { findings, notJudged } = evaluate([unread, read], rules);
    expect(findings.map((f) => f.functionName)).toEqual(['read']);
    expect(notJudged[0]).toMatchObject({ reason: 'skipped', path: 'policy', count: 1 });
  });
});

describe('suppressions', () => {
  const base = { reason: 'migration planned', owner: 'team@example.com', at: 'sup.yaml:3' };
  it('suppresses until expiry, then stops and says so; reports entries that match nothing', async () => {
    const rules = (await loadRuleSet({ asOf: AS_OF })).filter((r) => r.id === 'runtime-deprecated');
    const { findings } = evaluate([legacy], rules);
    const records = new Map([[legacy.arn, legacy]]);
    const entries: Suppression[] = [
      { ...base, rule: 'runtime-deprecated', resource: { name: 'legacy-*' }, expires: '2027-01-31' },
      { ...base, rule: 'runtime-deprecated', resource: { name: 'nothing-*' }, expires: '2027-01-31' },
    ];
    const active = applySuppressions(findings, records, entries, AS_OF);
    expect(active.findings[0]).toMatchObject({ suppressed: true, suppression: { reason: 'migration planned' } });
    expect(active.statuses.map((s) => s.status)).toEqual(['active', 'unused']);

    const later = applySuppressions(findings, records, entries, new Date('2027-02-01T00:00:00Z'));
    expect(later.findings[0]?.suppressed).toBe(false);
    expect(later.statuses[0]).toMatchObject({ status: 'expired', matched: 1 });
  });

  it('matches by tags', async () => {
    const rules = (await loadRuleSet({ asOf: AS_OF })).filter((r) => r.id === 'runtime-deprecated');
    const { findings } = evaluate([legacy], rules);
    const { findings: out } = applySuppressions(
      findings,
      new Map([[legacy.arn, legacy]]),
      [{ ...base, rule: '*', resource: { tags: { team: 'a' } }, expires: '2027-01-31' }],
      AS_OF,
    );
    expect(out[0]?.suppressed).toBe(true);
  });
});

describe('partly unknown maps', () => {
  it('a map with an unknown value is still there and not empty: env-kms-cmk-missing judges it', async () => {
    const rules = (await loadRuleSet({ asOf: AS_OF })).filter((r) => r.id === 'env-kms-cmk-missing');
    // The template's only variable is a `!Ref`: the IaC reader drops the value and marks it unknown.
    const onlyUnknown = record({
      name: 'only-unknown',
      configuration: { Environment: { Variables: {} } },
      unknown: [{ path: 'configuration.Environment.Variables.DB_URL', reason: 'plan-time', detail: '!Ref DbUrl' }],
    });
    const { findings, notJudged } = evaluate([onlyUnknown], rules);
    expect(findings.map((f) => f.functionName)).toEqual(['only-unknown']);
    expect(notJudged).toEqual([]);
    // The whole map unknown: nothing is known about it.
    const wholeMap = record({
      name: 'whole-map',
      unknown: [{ path: 'configuration.Environment.Variables', reason: 'plan-time' }],
    });
    expect(evaluate([wholeMap], rules).notJudged).toMatchObject([{ path: 'configuration.Environment.Variables' }]);
  });
});
