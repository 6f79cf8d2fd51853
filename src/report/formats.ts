/**
 * Output formats: pure functions from a run to text. Adding a format is one file and one line here.
 */
import { asffReport } from './asff.js';
import { htmlReport, htmlReportChunks } from './html.js';
import { jsonDocumentChunks } from './json-chunks.js';
import { jsonReport, jsonReportChunks } from './json.js';
import { junitReport } from './junit.js';
import { markdownReport } from './markdown.js';
import { ocsfReport } from './ocsf.js';
import type { FormatOptions } from './options.js';
import type { RunResult } from './run.js';
import { sarifReport } from './sarif.js';
import { textReport } from './text.js';
import { FORMAT_NAMES, type FormatName } from './names.js';
import { toJson } from './write.js';

export type { RunResult } from './run.js';

export type Formatter = (run: RunResult, options: FormatOptions) => string;

export const formatters = {
  asff: asffReport,
  html: htmlReport,
  json: jsonReport,
  junit: junitReport,
  markdown: markdownReport,
  ocsf: ocsfReport,
  sarif: sarifReport,
  snapshot: (run) => toJson(run.snapshot),
  text: textReport,
} satisfies Record<FormatName, Formatter>;

// Defined in ./names.ts (main.ts defines --output with them without loading the formatters).
export { FORMAT_NAMES, type FormatName };

/**
 * Formats whose text may be too big for one string (100,000 functions: hundreds of MB), written in
 * chunks: the same text as their entry in `formatters`.
 */
export const chunkedFormatters = {
  html: htmlReportChunks,
  json: jsonReportChunks,
  snapshot: (run) => jsonDocumentChunks(run.snapshot),
} satisfies Partial<Record<FormatName, (run: RunResult, options: FormatOptions) => Iterable<string>>>;
