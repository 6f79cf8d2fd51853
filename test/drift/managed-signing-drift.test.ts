// Drift of a function's capacity provider and of its code signing: the baseline keeps both as
// read; a change is drift/capacity-provider or drift/code-signing. A part not read on either side
// is not compared.
import { describe, expect, it } from 'vitest';
import { baselinesFrom } from '../../src/drift/baseline.js';
import { compareWithBaselines } from '../../src/drift/compare.js';
import { driftFindings } from '../../src/drift/findings.js';
import { loadDriftPolicy } from '../../src/drift/policy.js';
import type { CapacityProviderInfo, CodeSigningInfo, FunctionRecord, Snapshot } from '../../src/snapshot/types.js';
import { onProvider, provider } from '../helpers/managed.js';
import { record } from '../helpers/rule-tester.js';

function snapshotOf(fn: FunctionRecord): Snapshot {
  return {
    schemaVersion: 1,
    tool: { name: 'lambda-audit', version: '0.0.0' },
    generatedAt: '2026-12-01T00:00:00.000Z',
    envHashKeyId: 'k',
    regions: [
      {
        account: '111122223333',
        region: 'us-east-1',
        complete: true,
        listed: 1,
        fetched: 1,
        vanished: 0,
        denied: 0,
        failed: 0,
        versions: 0,
        throttled: 0,
        retries: 0,
        requests: 1,
        durationMs: 1,
      },
    ],
    functions: [fn],
  };
}

async function drift(before: FunctionRecord, after: FunctionRecord) {
  const policy = await loadDriftPolicy();
  const [baseline] = baselinesFrom(snapshotOf(before));
  const file = 'baselines/111122223333/us-east-1.json';
  const report = compareWithBaselines(snapshotOf(after), 'baselines', new Map([[file, baseline!]]), policy, []);
  return {
    changes: report.functions[0]?.changes.map((c) => `${c.kind} ${c.path}`) ?? [],
    findings: driftFindings(report.functions, policy).map((f) => f.ruleId),
  };
}

const onCp = (p: CapacityProviderInfo) => record({ name: 'api', configuration: onProvider('cp'), capacityProvider: p });
const signed = (policy: string, publishers = ['arn:aws:signer:us-east-1:111122223333:/signing-profiles/a/v1']) =>
  record({
    name: 'api',
    codeSigning: {
      CodeSigningConfigArn: 'arn:aws:lambda:us-east-1:111122223333:code-signing-config:csc-1',
      UntrustedArtifactOnDeployment: policy,
      AllowedPublishers: { SigningProfileVersionArns: publishers },
    } satisfies CodeSigningInfo,
  });

describe('capacity provider drift', () => {
  it('keeps the provider in the baseline', () => {
    const [baseline] = baselinesFrom(snapshotOf(onCp(provider('cp'))));
    expect(baseline?.functions.api?.capacityProvider?.CapacityProviderArn).toContain('capacity-provider:cp');
  });

  it("the provider's key removed is drift/capacity-provider; subnets compare as a set", async () => {
    const keyed = provider('cp', { KmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/k' });
    const { changes, findings } = await drift(onCp(keyed), onCp(provider('cp')));
    expect(changes).toEqual(['removed capacityProvider.KmsKeyArn']);
    expect(findings).toEqual(['drift/capacity-provider']);
    const subnets = provider('cp').VpcConfig?.SubnetIds ?? [];
    expect(subnets.length).toBeGreaterThan(1);
    const reordered = {
      ...provider('cp'),
      VpcConfig: { ...provider('cp').VpcConfig, SubnetIds: [...subnets].reverse() },
    };
    expect((await drift(onCp(provider('cp')), onCp(reordered))).changes).toEqual([]);
  });

  it('a provider not read on one side is not compared', async () => {
    const unread = record({ name: 'api', configuration: onProvider('cp') });
    expect((await drift(onCp(provider('cp')), unread)).changes).toEqual([]);
  });
});

describe('code signing drift', () => {
  it('keeps code signing in the baseline, null included', () => {
    expect(
      baselinesFrom(snapshotOf(record({ name: 'api', codeSigning: null })))[0]?.functions.api?.codeSigning,
    ).toBeNull();
    expect(baselinesFrom(snapshotOf(record({ name: 'api' })))[0]?.functions.api).not.toHaveProperty('codeSigning');
  });

  it('Enforce to Warn, a publisher added, a config detached: drift/code-signing', async () => {
    expect(await drift(signed('Enforce'), signed('Warn'))).toEqual({
      changes: ['changed codeSigning.UntrustedArtifactOnDeployment'],
      findings: ['drift/code-signing'],
    });
    const more = [
      'arn:aws:signer:us-east-1:111122223333:/signing-profiles/a/v1',
      'arn:aws:signer:us-east-1:444455556666:/signing-profiles/b/v1',
    ];
    const added = await drift(signed('Enforce'), signed('Enforce', more));
    expect(added.findings).toEqual(['drift/code-signing']);
    expect(added.changes).toEqual([`added codeSigning.AllowedPublishers.SigningProfileVersionArns[${more[1]}]`]);
    const detached = await drift(signed('Enforce'), record({ name: 'api', codeSigning: null }));
    expect(detached.findings).toEqual(['drift/code-signing']);
  });

  it('not read on one side (--no-code-signing): not compared', async () => {
    expect((await drift(signed('Enforce'), record({ name: 'api' }))).changes).toEqual([]);
  });
});
