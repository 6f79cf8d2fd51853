/**
 * What a run could not read, per account and region, in words: the reports that can say "this run
 * is incomplete" (SARIF's invocation, JUnit, Markdown, HTML) all say it the same way.
 */
import type { UnknownReason } from '../snapshot/types.js';
import type { RunResult } from './run.js';

export interface CrawlGap {
  readonly account: string;
  readonly region: string;
  /** One sentence naming what was not read. */
  readonly text: string;
}

/** How many ARNs a sentence names before it says "and N more". */
const NAMED = 5;

/** Reasons that mean "we tried and could not", as opposed to "not asked for" (skipped) or "not knowable". */
const unreadable: ReadonlySet<UnknownReason> = new Set(['denied', 'failed']);

export function crawlGaps(run: RunResult): CrawlGap[] {
  const gaps: CrawlGap[] = [];
  // IAM is global: an account's role read that failed is said once, at its first account-region.
  const iamGaps = new Map(
    (run.snapshot.iam ?? []).flatMap((a) =>
      a.unknown && unreadable.has(a.unknown.reason) ? [[a.account, a.unknown]] : [],
    ),
  );
  for (const r of run.snapshot.regions) {
    const here = run.snapshot.functions.filter((f) => f.account === r.account && f.region === r.region);
    const at = { account: r.account, region: r.region };
    // The service's own message says why (an SCP's explicit deny, a missing permission, a role not assumed).
    if (r.error)
      gaps.push({
        ...at,
        text: `listing the functions failed (${r.error.code}${r.error.message ? `: ${r.error.message}` : ''}); functions there may be missing`,
      });
    const iam = iamGaps.get(r.account);
    if (iam) {
      iamGaps.delete(r.account);
      gaps.push({
        ...at,
        text: `the account's execution roles (IAM GetAccountAuthorizationDetails) could not be read (${iam.reason}${iam.detail ? `: ${iam.detail}` : ''}); the role rules judge none of its functions`,
      });
    }
    const unfetched = here.filter((f) => f.status === 'denied' || f.status === 'failed');
    if (r.denied + r.failed > 0 || unfetched.length > 0)
      gaps.push({
        ...at,
        text: `${Math.max(r.denied + r.failed, unfetched.length)} function(s) could not be fetched (${r.denied} denied, ${r.failed} failed)${named(unfetched.map((f) => f.arn))}`,
      });
    const versions = here.filter((f) => f.versionsError);
    if (versions.length > 0)
      gaps.push({
        ...at,
        text: `the versions of ${versions.length} function(s) could not be listed${named(versions.map((f) => f.arn))}`,
      });
    const parts = new Map<string, string[]>();
    for (const f of here)
      for (const u of f.unknown ?? [])
        if (unreadable.has(u.reason)) {
          const key = `${u.path}\0${u.reason}\0${u.detail ?? ''}`;
          parts.set(key, [...(parts.get(key) ?? []), f.arn]);
        }
    for (const [key, arns] of [...parts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [path = '', reason = '', detail = ''] = key.split('\0');
      gaps.push({
        ...at,
        text: `${path} of ${arns.length} function(s) could not be read (${reason}${detail ? `: ${detail}` : ''})${named(arns)}`,
      });
    }
  }
  return gaps;
}

function named(arns: readonly string[]): string {
  if (arns.length === 0) return '';
  const shown = arns.slice(0, NAMED).join(', ');
  return `: ${shown}${arns.length > NAMED ? ` and ${arns.length - NAMED} more` : ''}`;
}
