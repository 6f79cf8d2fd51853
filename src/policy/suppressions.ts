/**
 * Suppressions: accepted risk with a reason, an owner and an expiry. Expired entries stop
 * suppressing and are reported; entries that match nothing are reported; suppressed findings stay
 * in the JSON report, marked.
 */
import { globToRegExp } from '../rules/condition.js';
import type { Finding } from '../rules/types.js';
import type { FunctionRecord } from '../snapshot/types.js';
import { didYouMean, type PolicyIssue } from './issues.js';
import { issueAt, schemaIssues, type IssueContext } from './schema-issues.js';
import { suppressionsFileSchema, validatorFor } from './schemas.js';

export interface Suppression {
  readonly rule: string;
  readonly resource: {
    readonly arn?: string;
    readonly name?: string;
    readonly tags?: Readonly<Record<string, string>>;
  };
  readonly reason: string;
  readonly expires: string;
  readonly owner: string;
  /** `file:line` of the entry. */
  readonly at: string;
}

export interface SuppressionStatus {
  readonly rule: string;
  readonly at: string;
  readonly owner: string;
  readonly expires: string;
  /** `active`: suppressing; `expired`: past its date, no longer suppressing; `unused`: matched no finding. */
  readonly status: 'active' | 'expired' | 'unused';
  readonly matched: number;
}

export function validateSuppressionsDocument(
  ctx: IssueContext,
  ruleIds: ReadonlySet<string>,
): { suppressions: Suppression[]; issues: PolicyIssue[] } {
  const value = ctx.doc.value as { suppressions?: unknown };
  const issues = schemaIssues(ctx, validatorFor(suppressionsFileSchema), value, '');
  const entries = Array.isArray(value?.suppressions) ? (value.suppressions as Omit<Suppression, 'at'>[]) : [];
  const suppressions: Suppression[] = [];
  entries.forEach((entry, i) => {
    if (entry === null || typeof entry !== 'object') return;
    if (typeof entry.rule === 'string' && entry.rule !== '*' && !ruleIds.has(entry.rule) && !entry.rule.includes('*')) {
      issues.push(
        issueAt(
          ctx,
          `/suppressions/${i}/rule`,
          'unknown-rule',
          `no rule has the id "${entry.rule}"${didYouMean(entry.rule, ruleIds)}`,
        ),
      );
    }
    const { line } = ctx.doc.position(`/suppressions/${i}`);
    suppressions.push({ ...entry, at: `${ctx.file}:${line}` });
  });
  return { suppressions, issues };
}

export function applySuppressions(
  findings: readonly Finding[],
  records: ReadonlyMap<string, FunctionRecord>,
  suppressions: readonly Suppression[],
  asOf: Date,
): { findings: Finding[]; statuses: SuppressionStatus[] } {
  const today = asOf.toISOString().slice(0, 10);
  const compiled = suppressions.map((s) => ({
    s,
    expired: s.expires < today,
    rule: globToRegExp(s.rule),
    arn: s.resource.arn === undefined ? undefined : globToRegExp(s.resource.arn),
    name: s.resource.name === undefined ? undefined : globToRegExp(s.resource.name),
    tags: Object.entries(s.resource.tags ?? {}).map(([k, v]) => [k, globToRegExp(v)] as const),
    matched: 0,
  }));
  const out = findings.map((f) => {
    const record = records.get(f.arn);
    for (const c of compiled) {
      if (!c.rule.test(f.ruleId)) continue;
      if (c.arn && !c.arn.test(f.arn)) continue;
      if (c.name && !c.name.test(f.functionName)) continue;
      if (c.tags.length > 0 && !c.tags.every(([k, g]) => record?.tags?.[k] !== undefined && g.test(record.tags[k])))
        continue;
      c.matched++;
      if (c.expired) continue;
      return { ...f, suppressed: true, suppression: { reason: c.s.reason, owner: c.s.owner, expires: c.s.expires } };
    }
    return f;
  });
  const statuses = compiled.map((c): SuppressionStatus => ({
    rule: c.s.rule,
    at: c.s.at,
    owner: c.s.owner,
    expires: c.s.expires,
    status: c.expired ? 'expired' : c.matched === 0 ? 'unused' : 'active',
    matched: c.matched,
  }));
  return { findings: out, statuses };
}
