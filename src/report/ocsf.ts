/**
 * OCSF Detection Finding (class 2004, category 2 Findings) records, one JSON object per line, for
 * SIEMs and Amazon Security Lake. Pinned to OCSF 1.3.0; the attributes that version requires of a
 * Detection Finding (activity_id, category_uid, class_uid, type_uid, severity_id, time, metadata
 * with product and version, finding_info with uid and title) are always present.
 *
 * Accepted findings known to be gone since `--accepted-findings` are Close activities with status
 * Resolved; suppressed findings have status Suppressed.
 */
import { frameworkTitle } from '../rules/compliance.js';
import { fingerprint } from '../rules/fingerprint.js';
import { goneEntries, historyOf, type GoneEntry } from './history.js';
import type { Finding, RuleMeta, Severity } from '../rules/types.js';
import type { RunResult } from './run.js';
import { inert, jsonInert } from './escape.js';

export const OCSF_VERSION = '1.3.0';
const CLASS_UID = 2004;
const CATEGORY_UID = 2;

const severityId: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const severityName: Record<Severity, string> = {
  info: 'Informational',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};
const activity = {
  create: { id: 1, name: 'Create' },
  update: { id: 2, name: 'Update' },
  close: { id: 3, name: 'Close' },
} as const;
const status = {
  new: { id: 1, name: 'New' },
  suppressed: { id: 3, name: 'Suppressed' },
  resolved: { id: 4, name: 'Resolved' },
} as const;

export function ocsfReport(run: RunResult): string {
  const rules = new Map(run.rules.map((r) => [r.id, r]));
  const lines = [
    ...run.findings.map((f) => record(run, f, rules.get(f.ruleId))),
    ...goneEntries(run).map((e) => resolvedRecord(run, e, rules.get(e.ruleId))),
  ];
  return lines.map((l) => `${jsonInert(JSON.stringify(l))}\n`).join('');
}

interface Common {
  readonly uid: string;
  readonly ruleId: string;
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly severity: Severity;
  readonly title: string;
  readonly desc: string;
  /** With `--state`: first and last sighting (ISO), our status. */
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  readonly lifecycle?: string;
}

function envelope(
  run: RunResult,
  c: Common,
  rule: RuleMeta | undefined,
  act: (typeof activity)[keyof typeof activity],
  st: (typeof status)[keyof typeof status],
): Record<string, unknown> {
  const partition = c.arn.split(':')[1] ?? 'aws';
  const refs = rule?.compliance ?? [];
  return {
    activity_id: act.id,
    activity_name: act.name,
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    class_uid: CLASS_UID,
    class_name: 'Detection Finding',
    type_uid: CLASS_UID * 100 + act.id,
    type_name: `Detection Finding: ${act.name}`,
    severity_id: severityId[c.severity],
    severity: severityName[c.severity],
    status_id: st.id,
    status: st.name,
    ...(c.lifecycle === undefined ? {} : { status_detail: c.lifecycle }),
    time: Date.parse(run.snapshot.generatedAt),
    time_dt: run.snapshot.generatedAt,
    message: inert(c.desc),
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'lambda-audit', vendor_name: 'lambda-audit', version: run.snapshot.tool.version },
    },
    finding_info: {
      uid: c.uid,
      title: inert(c.title),
      desc: inert(c.desc),
      types: [c.ruleId],
      ...(c.firstSeen === undefined
        ? {}
        : { first_seen_time: Date.parse(c.firstSeen), first_seen_time_dt: c.firstSeen }),
      ...(c.lastSeen === undefined ? {} : { last_seen_time: Date.parse(c.lastSeen), last_seen_time_dt: c.lastSeen }),
      analytic: { uid: c.ruleId, name: c.ruleId, type_id: 1, type: 'Rule' },
      ...(rule === undefined ? {} : { src_url: rule.docs }),
    },
    cloud: { provider: 'AWS', region: c.region, account: { uid: c.account, type_id: 10, type: 'AWS Account' } },
    resources: [
      {
        uid: c.arn,
        name: c.name,
        type: 'AWS::Lambda::Function',
        region: c.region,
        cloud_partition: partition,
      },
    ],
    ...(refs.length === 0
      ? {}
      : {
          compliance: {
            standards: [...new Set(refs.map((r) => frameworkTitle(r.framework)))],
            control: refs.map((r) => r.control).join(', '),
            requirements: refs.map((r) => `${r.framework}/${r.control}`),
            status_id: st === status.resolved ? 1 : 3,
            status: st === status.resolved ? 'Pass' : 'Fail',
          },
        }),
    ...(rule === undefined ? {} : { remediation: { desc: rule.remediation, references: [rule.docs] } }),
  };
}

function record(run: RunResult, f: Finding, rule: RuleMeta | undefined): Record<string, unknown> {
  const common: Common = {
    uid: fingerprint(f),
    ruleId: f.ruleId,
    arn: f.arn,
    account: f.account,
    region: f.region,
    name: f.functionName,
    severity: f.severity,
    title: f.title,
    desc: f.message,
    ...lifecycleOf(run, f),
  };
  // A finding seen before is an update of the one reported then (OCSF activity Update).
  const act = common.lifecycle === 'open' ? activity.update : activity.create;
  const out = envelope(run, common, rule, act, f.suppressed ? status.suppressed : status.new);
  // An exposure path: its traits as finding types, and the findings it is made of as related events.
  if (f.related !== undefined) {
    const info = out.finding_info as Record<string, unknown>;
    out.finding_info = {
      ...info,
      types: [f.ruleId, ...(f.traits ?? [])],
      related_events: f.related.map((r) => ({
        uid: fingerprint({ ruleId: r.ruleId, arn: f.arn }),
        type: r.ruleId,
        severity_id: severityId[r.severity],
        severity: severityName[r.severity],
        desc: r.message,
      })),
    };
  }
  return { ...out, ...(f.suppression === undefined ? {} : { unmapped: { suppression: f.suppression } }) };
}

function lifecycleOf(run: RunResult, f: Finding): Pick<Common, 'firstSeen' | 'lastSeen' | 'lifecycle'> {
  const h = historyOf(run, f);
  return h === undefined ? {} : { firstSeen: h.firstSeen, lastSeen: h.lastSeen, lifecycle: h.status };
}

function resolvedRecord(run: RunResult, e: GoneEntry, rule: RuleMeta | undefined): Record<string, unknown> {
  const [, , , region = '', account = '', , name = ''] = e.arn.split(':');
  return envelope(
    run,
    {
      uid: e.fingerprint,
      ruleId: e.ruleId,
      arn: e.arn,
      account,
      region,
      name,
      severity: e.severity ?? rule?.severity ?? 'info',
      title: rule?.title ?? e.ruleId,
      desc:
        e.source === 'state'
          ? `${name}: no longer found by ${e.ruleId} (fixed since the last run)`
          : `${name}: no longer found by ${e.ruleId} (accepted earlier, fixed since)`,
      ...(e.firstSeen === undefined ? {} : { firstSeen: e.firstSeen }),
      ...(e.lastSeen === undefined ? {} : { lastSeen: e.lastSeen }),
      ...(e.source === 'state' ? { lifecycle: 'resolved' } : {}),
    },
    rule,
    activity.close,
    status.resolved,
  );
}
