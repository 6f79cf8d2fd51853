/** Drift for a whole snapshot: every account-region that has a baseline in the directory. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '../snapshot/types.js';
import { baselineError, baselinePath, readBaseline } from './baseline.js';
import { driftRegion, type FunctionDrift } from './diff.js';
import type { DriftPolicy } from './policy.js';

export interface DriftReport {
  readonly baselineDir: string;
  readonly regions: readonly { readonly account: string; readonly region: string; readonly baseline: string; readonly compared: boolean; readonly note?: string }[];
  readonly functions: readonly FunctionDrift[];
}

/** True when `dir` holds at least one `<account>/<region>.json` (an empty baselines/ is no baseline). */
export async function hasBaselines(dir: string): Promise<boolean> {
  try {
    for (const account of await readdir(dir, { withFileTypes: true })) {
      if (!account.isDirectory()) continue;
      if ((await readdir(join(dir, account.name))).some((f) => f.endsWith('.json'))) return true;
    }
  } catch {
    // no directory: no baselines
  }
  return false;
}

/** A corrupt or unknown-version baseline stops the run (exit 2) and is left untouched. */
export async function compareWithBaselines(snapshot: Snapshot, dir: string, policy: DriftPolicy, extraIgnore: readonly string[]): Promise<DriftReport> {
  const regions: DriftReport['regions'][number][] = [];
  const functions: FunctionDrift[] = [];
  for (const region of snapshot.regions) {
    const file = baselinePath(dir, region.account, region.region);
    const read = await readBaseline(file);
    if (!read.ok) {
      if (read.problem.kind === 'missing') {
        regions.push({ account: region.account, region: region.region, baseline: file, compared: false, note: 'no baseline for this account-region' });
        continue;
      }
      throw baselineError(file, read.problem);
    }
    const sameKey = read.baseline.envHashKeyId === snapshot.envHashKeyId;
    const listingComplete = region.error === undefined;
    functions.push(...driftRegion(read.baseline, snapshot.functions, { ignore: [...policy.ignore, ...extraIgnore], compareEnvironmentValues: sameKey, listingComplete }));
    const notes = [
      ...(sameKey ? [] : ['the baseline hashed environment values under another key: only added and removed variables are compared']),
      ...(listingComplete ? [] : ['the listing failed, so functions not seen are not reported as removed']),
    ];
    regions.push({ account: region.account, region: region.region, baseline: file, compared: true, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) });
  }
  return { baselineDir: dir, regions, functions };
}
