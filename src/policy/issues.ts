/**
 * Validation problems in a user's file. Each one names file, line, column, YAML path, what was
 * expected and, for a misspelling, what was probably meant. Codes are stable (tests assert them).
 */
import { AuditError } from '../errors.js';

export type IssueCode =
  | 'yaml-syntax'
  | 'unreadable'
  | 'unknown-file-kind'
  | 'unknown-key'
  | 'missing-key'
  | 'invalid-type'
  | 'invalid-value'
  | 'unknown-operator'
  | 'operator-count'
  | 'unknown-path'
  | 'unknown-check'
  | 'invalid-options'
  | 'check-and-condition'
  | 'duplicate-id'
  | 'invalid-template'
  | 'secret-in-template'
  | 'unknown-rule';

export interface PolicyIssue {
  readonly code: IssueCode;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** `rules[0].condition.any[1]` */
  readonly path: string;
  readonly message: string;
}

export function formatIssue(issue: PolicyIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message} [${issue.code}]`;
}

/** More problems than this are counted, not listed: a broken file should not scroll for pages. */
export const MAX_ISSUES_SHOWN = 50;

/** One line per issue, the first MAX_ISSUES_SHOWN of them, then `... and N more problem(s)`. */
export function formatIssues(issues: readonly PolicyIssue[]): string[] {
  const lines = issues.slice(0, MAX_ISSUES_SHOWN).map(formatIssue);
  if (issues.length > MAX_ISSUES_SHOWN) lines.push(`... and ${issues.length - MAX_ISSUES_SHOWN} more problem(s)`);
  return lines;
}

export class PolicyValidationError extends AuditError {
  readonly issues: readonly PolicyIssue[];
  constructor(issues: readonly PolicyIssue[]) {
    super('E_POLICY', formatIssues(issues).join('\n'));
    this.issues = issues;
  }
}

/** `/rules/0/condition/any/1` -> `rules[0].condition.any[1]` */
export function yamlPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc === '' ? s : `${acc}.${s}`), '');
}

/** ` (did you mean "x"?)` when a candidate is close enough, else ''. */
export function didYouMean(got: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(got.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  const limit = Math.max(2, Math.floor(got.length / 3));
  return best !== undefined && bestDistance <= limit ? ` (did you mean "${best}"?)` : '';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length] ?? 0;
}
