// Drift of the event source mappings that invoke a function: the baseline keeps them per function,
// keyed by UUID so the listing's order is no change; a mapping added, removed or given another
// destination is drift/event-source. Mappings not read on either side are not compared.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselinesFrom, canonicalJson, readBaseline } from '../../src/drift/baseline.js';
import { compareWithBaselines } from '../../src/drift/compare.js';
import { driftFindings } from '../../src/drift/findings.js';
import { loadDriftPolicy } from '../../src/drift/policy.js';
import type { EventSourceMappingInfo, FunctionRecord, Snapshot } from '../../src/snapshot/types.js';
import { record } from '../helpers/rule-tester.js';
import { tempDir } from '../helpers/temp.js';

const FN = 'arn:aws:lambda:us-east-1:111122223333:function:api';
const kinesis: EventSourceMappingInfo = {
  UUID: 'a1b2c3d4-0000-4000-8000-000000000001',
  EventSourceArn: 'arn:aws:kinesis:us-east-1:111122223333:stream/clicks',
  FunctionArn: FN,
  State: 'Enabled',
  BatchSize: 100,
  StartingPosition: 'LATEST',
  DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:111122223333:dlq' } },
};
const sqs: EventSourceMappingInfo = {
  UUID: 'b1b2c3d4-0000-4000-8000-000000000002',
  EventSourceArn: 'arn:aws:sqs:us-east-1:111122223333:jobs',
  FunctionArn: `${FN}:live`,
  Qualifier: 'live',
  State: 'Enabled',
  BatchSize: 10,
};

function snapshotOf(fn: Partial<FunctionRecord>): Snapshot {
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
    functions: [record({ name: 'api', ...fn })],
  };
}

async function drift(before: Snapshot, after: Snapshot) {
  const policy = await loadDriftPolicy();
  const [baseline] = baselinesFrom(before);
  const file = 'baselines/111122223333/us-east-1.json';
  const report = compareWithBaselines(after, 'baselines', new Map([[file, baseline!]]), policy, []);
  return { report, findings: driftFindings(report.functions, policy) };
}

const changesOf = (r: Awaited<ReturnType<typeof drift>>) =>
  r.report.functions.flatMap((f) => f.changes.map((c) => `${c.kind} ${c.path}`));

describe('event source mapping drift', () => {
  it('keeps the mappings in the baseline, and the file validates', async () => {
    const [baseline] = baselinesFrom(snapshotOf({ eventSourceMappings: [kinesis, sqs] }));
    expect(baseline?.functions.api?.eventSourceMappings).toEqual([kinesis, sqs]);
    const dir = tempDir();
    const file = join(dir, 'b.json');
    await writeFile(file, canonicalJson(baseline));
    const read = await readBaseline(file);
    expect(read.ok).toBe(true);
  });

  it('the listing order is no change', async () => {
    const r = await drift(
      snapshotOf({ eventSourceMappings: [kinesis, sqs] }),
      snapshotOf({ eventSourceMappings: [sqs, kinesis] }),
    );
    expect(r.report.functions).toEqual([]);
  });

  it('a mapping added is drift/event-source', async () => {
    const r = await drift(
      snapshotOf({ eventSourceMappings: [kinesis] }),
      snapshotOf({ eventSourceMappings: [kinesis, sqs] }),
    );
    expect(changesOf(r)).toEqual([`added eventSourceMappings.${sqs.UUID}`]);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['drift/event-source']);
  });

  it('an on-failure destination removed and a mapping disabled are changes inside the mapping', async () => {
    const bare: EventSourceMappingInfo = { ...kinesis };
    delete (bare as { DestinationConfig?: unknown }).DestinationConfig;
    const r = await drift(
      snapshotOf({ eventSourceMappings: [kinesis, sqs] }),
      snapshotOf({ eventSourceMappings: [bare, { ...sqs, State: 'Disabled' }] }),
    );
    expect(changesOf(r)).toEqual([
      `removed eventSourceMappings.${kinesis.UUID}.DestinationConfig`,
      `changed eventSourceMappings.${sqs.UUID}.State`,
    ]);
    expect(new Set(r.findings.map((f) => f.ruleId))).toEqual(new Set(['drift/event-source']));
  });

  it('mappings not read now (denied, --no-event-sources) or then are not compared', async () => {
    const unread = snapshotOf({ unknown: [{ path: 'eventSourceMappings', reason: 'denied' }] });
    expect((await drift(snapshotOf({ eventSourceMappings: [kinesis] }), unread)).report.functions).toEqual([]);
    expect((await drift(unread, snapshotOf({ eventSourceMappings: [kinesis] }))).report.functions).toEqual([]);
  });
});
