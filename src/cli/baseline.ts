/** `lambda-audit baseline`: write `baselines/<account>/<region>.json` from a crawl or `--input`. */
import { resolve } from 'node:path';
import {
  baselinePath,
  baselinesFrom,
  canonicalJson,
  DEFAULT_BASELINE_DIR,
  describeProblem,
  readBaseline,
} from '../drift/baseline.js';
import { ExitCode } from '../errors.js';
import { writeFileSafely } from '../report/write.js';
import { logTo, type CliIo } from './io.js';
import { acquireSnapshot, type SourceFlags } from './source.js';

export interface BaselineFlags extends SourceFlags {
  readonly dir?: string;
  readonly force: boolean;
}

export async function runBaseline(flags: BaselineFlags, io: CliIo): Promise<ExitCode> {
  const log = logTo(io, false);
  const dir = resolve(io.cwd, flags.dir ?? DEFAULT_BASELINE_DIR);
  const snapshot = await acquireSnapshot({ ...flags, requireArn: true }, io, logTo(io, flags.quiet));
  const baselines = baselinesFrom(snapshot);
  // Check every existing file before writing any, so a refusal leaves all of them untouched.
  if (!flags.force) {
    for (const baseline of baselines) {
      const file = baselinePath(dir, baseline.account, baseline.region);
      const existing = await readBaseline(file);
      if (!existing.ok && existing.problem.kind !== 'missing') {
        log(
          `lambda-audit: refusing to overwrite ${describeProblem(file, existing.problem)}; inspect it, then run again with --force to replace it`,
        );
        return ExitCode.usage;
      }
    }
  }
  let exit: ExitCode = ExitCode.ok;
  for (const baseline of baselines) {
    const file = baselinePath(dir, baseline.account, baseline.region);
    const stats = snapshot.regions.find((r) => r.account === baseline.account && r.region === baseline.region);
    if (stats && !stats.complete && !flags.force) {
      log(
        `not writing ${file}: the crawl of ${baseline.account}/${baseline.region} is incomplete, and a baseline without some functions would report them as added later (use --force to write what was fetched)`,
      );
      exit = ExitCode.crawlIncomplete;
      continue;
    }
    await writeFileSafely(file, canonicalJson(baseline));
    log(`wrote ${file} (${Object.keys(baseline.functions).length} functions)`);
  }
  return exit;
}
