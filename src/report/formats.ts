/**
 * Output formats: pure functions from a run to text. Adding a format is one file and one line here.
 */
import type { Snapshot } from '../snapshot/types.js';
import { toJson } from './write.js';

/** Everything a run produced, which every formatter reads. */
export interface RunResult {
  readonly snapshot: Snapshot;
}

export type Formatter = (run: RunResult) => string;

export const formatters = {
  snapshot: (run) => toJson(run.snapshot),
} satisfies Record<string, Formatter>;

export type FormatName = keyof typeof formatters;
export const FORMAT_NAMES = Object.keys(formatters) as FormatName[];
