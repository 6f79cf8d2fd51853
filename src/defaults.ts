/**
 * Defaults the CLI's help names, in a module of their own: src/cli/main.ts defines the flags with
 * them, and importing the modules they belong to (re-exported there) would load those on every run
 * (see the lazy-loading rule at the top of src/cli/main.ts).
 */

/** Where baselines live unless --baseline / --dir say otherwise (relative to the working directory). */
export const DEFAULT_BASELINE_DIR = 'baselines';

/**
 * Days a resolved entry stays in the state (`--state-keep-resolved-days`): long enough that a
 * finding that comes back within a quarter is `reopened` with its first sighting, short enough that
 * a fleet's churn does not grow the file without end.
 * @default 90
 */
export const KEEP_RESOLVED_DAYS = 90;

/**
 * Account-regions crawled at once. Each holds up to `--concurrency` + 8 sockets (40 by default):
 * 20 of them stay under 1,024 file descriptors, the usual `ulimit -n`, and 20 x 100 GetFunction
 * answers per second to parse and redact is about what one Node process on 2 cores keeps up with.
 * More at once would add memory and sockets, not speed; the rest wait their turn.
 */
export const ACCOUNT_REGIONS_AT_ONCE = 20;
