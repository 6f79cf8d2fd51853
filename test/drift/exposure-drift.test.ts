// Drift of who can invoke a function: policy statements keyed by Sid, the URL's AuthType, the
// on-failure destination; parts not read on either side are not compared.
import { describe, expect, it } from 'vitest';
import { baselinesFrom, type BaselineFunction } from '../../src/drift/baseline.js';
import { diffFunction, driftRegion } from '../../src/drift/diff.js';
import { buildSnapshot } from '../../src/snapshot/build.js';
import { crawlSimulator, testKey, withSimulator } from '../helpers/sim.js';

const statement = (sid: string, principal: string) => ({
  Sid: sid,
  Effect: 'Allow' as const,
  Principal: { AWS: [principal] },
  Action: ['lambda:InvokeFunction'],
});
const base: BaselineFunction = {
  configuration: { FunctionName: 'f' },
  policy: { Statement: [statement('ops', 'arn:aws:iam::111122223333:role/ops')] },
  functionUrl: { AuthType: 'AWS_IAM', FunctionUrl: 'https://u.lambda-url.us-east-1.on.aws/' },
  eventInvokeConfig: {
    MaximumRetryAttempts: 2,
    DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:111122223333:failed' } },
  },
};

describe('exposure drift', () => {
  it('a statement added is one change named by its Sid; a removed one likewise', () => {
    const added = { ...base, policy: { Statement: [...base.policy!.Statement, statement('partner', '210987654321')] } };
    expect(diffFunction(base, added)).toEqual([
      { path: 'policy.Statement.partner', kind: 'added', new: statement('partner', '210987654321') },
    ]);
    expect(diffFunction(added, base).map((c) => `${c.kind} ${c.path}`)).toEqual(['removed policy.Statement.partner']);
  });

  it('a changed principal inside a statement is field level', () => {
    const changed = { ...base, policy: { Statement: [statement('ops', '*')] } };
    expect(diffFunction(base, changed).map((c) => `${c.kind} ${c.path}`)).toEqual([
      'changed policy.Statement.ops.Principal.AWS[0]',
    ]);
  });

  it('AuthType changed and the on-failure destination removed', () => {
    const now: BaselineFunction = {
      ...base,
      functionUrl: { ...base.functionUrl!, AuthType: 'NONE' },
      eventInvokeConfig: { MaximumRetryAttempts: 2 },
    };
    expect(diffFunction(base, now)).toEqual([
      {
        path: 'eventInvokeConfig.DestinationConfig',
        kind: 'removed',
        old: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:111122223333:failed' } },
      },
      { path: 'functionUrl.AuthType', kind: 'changed', old: 'AWS_IAM', new: 'NONE' },
    ]);
  });

  it('a part read on one side only is not a change; read as none on both is none', () => {
    const notRead: BaselineFunction = { configuration: base.configuration };
    expect(diffFunction(base, notRead)).toEqual([]);
    expect(diffFunction(notRead, base)).toEqual([]);
    expect(diffFunction({ ...notRead, policy: null }, { ...notRead, policy: null })).toEqual([]);
    expect(diffFunction({ ...notRead, functionUrl: null }, { ...notRead, functionUrl: base.functionUrl! })).toEqual([
      { path: 'functionUrl', kind: 'changed', old: null, new: base.functionUrl },
    ]);
  });

  it('end to end against the simulator: a public grant added and a destination removed since the baseline', async () => {
    await withSimulator(
      {
        fleet: { functions: 60, regions: ['us-east-1'] },
        quotas: { getFunction: 5000, controlPlane: 5000, getPolicy: 5000 },
      },
      async (sim, endpoint) => {
        const quotas = { getFunction: 5000, controlPlane: 5000, getPolicy: 5000 };
        const first = buildSnapshot(await crawlSimulator(sim, endpoint, { quotas }), testKey, 't', new Date(0));
        const [baseline] = baselinesFrom(first);
        const fns = [...sim.fleet.get('us-east-1')!.values()];
        const withDestination = fns.find(
          (f) => !f.configuration.DeadLetterConfig && f.exposure?.eventInvokeConfig?.DestinationConfig?.OnFailure,
        )!;
        const quiet = fns.find((f) => !f.exposure?.policy)!;
        delete withDestination.exposure!.eventInvokeConfig!.DestinationConfig;
        quiet.exposure!.policy = {
          Version: '2012-10-17',
          Id: 'default',
          Statement: [{ Sid: 'oops', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction' }],
        };
        const second = buildSnapshot(await crawlSimulator(sim, endpoint, { quotas }), testKey, 't', new Date(0));
        const drift = driftRegion(baseline!, second.functions, { ignore: [], compareEnvironmentValues: true });
        expect(drift.map((d) => [d.functionName, d.changes.map((c) => `${c.kind} ${c.path}`)])).toEqual(
          [
            [withDestination.configuration.FunctionName, ['removed eventInvokeConfig.DestinationConfig']],
            [quiet.configuration.FunctionName, ['changed policy']],
          ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        );
      },
    );
  });
});
