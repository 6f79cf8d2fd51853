/**
 * The names `--output` and `--fail-on` accept, in a module of their own: src/cli/main.ts defines the
 * flags with them, and importing the formatters or the gate for that would load them on every run
 * (see the lazy-loading rule at the top of src/cli/main.ts).
 */

/** Every output format; `formatters` in ./formats.ts has exactly these keys (checked by its type). */
export const FORMAT_NAMES = ['asff', 'html', 'json', 'junit', 'markdown', 'ocsf', 'sarif', 'snapshot', 'text'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export const FAIL_ON = ['critical', 'high', 'medium', 'low', 'info', 'none'] as const;
export type FailOn = (typeof FAIL_ON)[number];
