/** Drift for a whole snapshot: every account-region that has a baseline in the directory. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '../snapshot/types.js';
import { baselineError, baselinePath, readBaseline, roleSummaries, type Baseline } from './baseline.js';
import { driftRegion, type FunctionDrift } from './diff.js';
import type { DriftPolicy } from './policy.js';

export interface DriftReport {
  readonly baselineDir: string;
  readonly regions: readonly {
    readonly account: string;
    readonly region: string;
    readonly baseline: string;
    readonly compared: boolean;
    readonly note?: string;
  }[];
  readonly functions: readonly FunctionDrift[];
}

/** Every baseline under `dir`, by file path. */
export type BaselineSet = ReadonlyMap<string, Baseline>;

/**
 * Reads and validates every `<account>/<region>.json` under `dir`, before anything is crawled: a
 * corrupt or unknown-version baseline stops the run (exit 2) and is left untouched. A missing or
 * empty directory is an empty set.
 */
export async function loadBaselines(dir: string): Promise<BaselineSet> {
  const set = new Map<string, Baseline>();
  let accounts;
  try {
    accounts = await readdir(dir, { withFileTypes: true });
  } catch {
    return set;
  }
  for (const account of accounts.filter((a) => a.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    for (const name of (await readdir(join(dir, account.name))).filter((f) => f.endsWith('.json')).sort()) {
      const file = join(dir, account.name, name);
      const read = await readBaseline(file);
      if (!read.ok) throw baselineError(file, read.problem);
      set.set(file, read.baseline);
    }
  }
  return set;
}

export function compareWithBaselines(
  snapshot: Snapshot,
  dir: string,
  baselines: BaselineSet,
  policy: DriftPolicy,
  extraIgnore: readonly string[],
): DriftReport {
  const regions: DriftReport['regions'][number][] = [];
  const roleOf = roleSummaries(snapshot.iam);
  const functions: FunctionDrift[] = [];
  for (const region of snapshot.regions) {
    const file = baselinePath(dir, region.account, region.region);
    const baseline = baselines.get(file);
    if (!baseline) {
      regions.push({
        account: region.account,
        region: region.region,
        baseline: file,
        compared: false,
        note: 'no baseline for this account-region',
      });
      continue;
    }
    const sameKey = baseline.envHashKeyId === snapshot.envHashKeyId;
    const listingComplete = region.error === undefined;
    functions.push(
      ...driftRegion(baseline, snapshot.functions, {
        ignore: [...policy.ignore, ...extraIgnore],
        compareEnvironmentValues: sameKey,
        listingComplete,
        roleOf,
      }),
    );
    const notes = [
      ...(sameKey
        ? []
        : ['the baseline hashed environment values under another key: only added and removed variables are compared']),
      ...(listingComplete ? [] : ['the listing failed, so functions not seen are not reported as removed']),
    ];
    regions.push({
      account: region.account,
      region: region.region,
      baseline: file,
      compared: true,
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    });
  }
  return { baselineDir: dir, regions, functions };
}
