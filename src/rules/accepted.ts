/**
 * Accepted findings (Checkov's `--baseline`, for live infrastructure): `--accept-findings FILE`
 * records the current findings; `--accepted-findings FILE` marks later findings new or existing;
 * `--only-new` keeps only the new ones for reports and the gate.
 */
import { readFile } from 'node:fs/promises';
import { AuditError } from '../errors.js';
import { parseJsonFile } from '../json.js';
import { validatorFor } from '../policy/schemas.js';
import { canonicalJson } from '../drift/baseline.js';
import { fingerprint } from './fingerprint.js';
import type { Finding } from './types.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['schemaVersion', 'kind', 'findings'],
  properties: {
    schemaVersion: { const: 1 },
    kind: { const: 'lambda-audit-accepted-findings' },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['fingerprint', 'ruleId', 'arn'],
        properties: { fingerprint: { type: 'string' }, ruleId: { type: 'string' }, arn: { type: 'string' } },
      },
    },
  },
} as const;

export function acceptedFindingsDocument(findings: readonly Finding[]): string {
  const entries = findings
    .filter((f) => !f.suppressed)
    .map((f) => ({ fingerprint: fingerprint(f), ruleId: f.ruleId, arn: f.arn }));
  const unique = [...new Map(entries.map((e) => [e.fingerprint, e])).values()].sort((a, b) =>
    a.fingerprint < b.fingerprint ? -1 : 1,
  );
  return canonicalJson({ schemaVersion: 1, kind: 'lambda-audit-accepted-findings', findings: unique });
}

/** One entry of an accepted-findings file. */
export interface AcceptedEntry {
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly arn: string;
}

export async function readAcceptedEntries(file: string): Promise<AcceptedEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AuditError(
      'E_INPUT',
      `${file}: cannot read accepted findings (${(error as NodeJS.ErrnoException).code ?? 'error'}); write one with --accept-findings`,
      { cause: error },
    );
  }
  const value = parseJsonFile(file, text);
  const validate = validatorFor(schema);
  if (!validate(value))
    throw new AuditError(
      'E_INPUT',
      `${file}: not an accepted-findings file: ${validate.errors?.[0]?.instancePath || '(top level)'} ${validate.errors?.[0]?.message ?? ''}`,
    );
  return (value as { findings: AcceptedEntry[] }).findings;
}

/**
 * Accepted findings that are gone now, where that is known: the function was read in full and the
 * rule ran and judged it. A finding whose function could not be read, or whose rule was off or could
 * not judge, may still be there, so it is not reported as gone.
 */
export function goneSinceAccepted(
  accepted: readonly AcceptedEntry[],
  findings: readonly Finding[],
  judged: {
    readonly rules: ReadonlySet<string>;
    readonly readInFull: ReadonlySet<string>;
    readonly notJudged: ReadonlySet<string>;
  },
): AcceptedEntry[] {
  const present = new Set(findings.map((f) => fingerprint(f)));
  return accepted.filter(
    (e) =>
      !present.has(e.fingerprint) &&
      judged.rules.has(e.ruleId) &&
      judged.readInFull.has(e.arn) &&
      !judged.notJudged.has(`${e.ruleId}\0${e.arn}`),
  );
}

export function markNew(findings: readonly Finding[], accepted: ReadonlySet<string>): Finding[] {
  return findings.map((f) => ({ ...f, new: !accepted.has(fingerprint(f)) }));
}
