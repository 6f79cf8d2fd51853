// What a run could not read, as every report words it.
import { describe, expect, it } from 'vitest';
import { crawlGaps } from '../../src/report/gaps.js';
import type { RunResult } from '../../src/report/run.js';
import type { FunctionRecord, RegionStats } from '../../src/snapshot/types.js';
import { record } from '../helpers/rule-tester.js';

const region = (over: Partial<RegionStats> = {}): RegionStats => ({
  account: '111122223333',
  region: 'us-east-1',
  complete: true,
  listed: 2,
  fetched: 2,
  vanished: 0,
  denied: 0,
  failed: 0,
  versions: 0,
  throttled: 0,
  retries: 0,
  requests: 4,
  durationMs: 1,
  ...over,
});

const runOf = (regions: RegionStats[], functions: FunctionRecord[]): RunResult =>
  ({ snapshot: { regions, functions } }) as unknown as RunResult;

describe('crawl gaps', () => {
  it('is empty for a run that read everything', () => {
    expect(crawlGaps(runOf([region()], [record({ name: 'a' })]))).toEqual([]);
  });

  it('names parts that could not be read, grouped, but not parts skipped on purpose', () => {
    const denied = { path: 'policy', reason: 'denied' as const, detail: 'AccessDeniedException' };
    const functions = ['a', 'b', 'c'].map((name, i) =>
      record({ name, unknown: i < 2 ? [denied] : [{ path: 'functionUrl', reason: 'skipped' as const }] }),
    );
    expect(crawlGaps(runOf([region()], functions))).toEqual([
      {
        account: '111122223333',
        region: 'us-east-1',
        text: `policy of 2 function(s) could not be read (denied: AccessDeniedException): ${functions[0]!.arn}, ${functions[1]!.arn}`,
      },
    ]);
  });

  it('names a failed listing and unfetched functions, listing at most five ARNs', () => {
    const functions = Array.from({ length: 7 }, (_, i) => ({
      ...record({ name: `f${i}` }),
      status: 'failed' as const,
    }));
    const gaps = crawlGaps(
      runOf(
        [region({ complete: false, failed: 7, error: { code: 'ServiceException', message: 'x', attempts: 5 } })],
        functions,
      ),
    );
    expect(gaps.map((g) => g.text)).toEqual([
      'listing the functions failed (ServiceException: x); functions there may be missing',
      expect.stringMatching(/^7 function\(s\) could not be fetched \(0 denied, 7 failed\): .*f4 and 2 more$/),
    ]);
  });
});

describe('crawl gaps: execution roles', () => {
  it('names an account whose roles could not be read, once, at its first account-region; not a --no-roles skip', () => {
    const run = {
      snapshot: {
        regions: [region(), region({ region: 'eu-west-1' }), region({ account: '444455556666' })],
        functions: [],
        iam: [
          {
            account: '111122223333',
            roles: {},
            policies: {},
            unknown: { path: 'iam', reason: 'denied', detail: 'AccessDenied' },
          },
          { account: '444455556666', roles: {}, policies: {}, unknown: { path: 'iam', reason: 'skipped' } },
        ],
      },
    } as unknown as RunResult;
    expect(crawlGaps(run)).toEqual([
      {
        account: '111122223333',
        region: 'us-east-1',
        text: "the account's execution roles (IAM GetAccountAuthorizationDetails) could not be read (denied: AccessDenied); the role rules judge none of its functions",
      },
    ]);
  });
});
