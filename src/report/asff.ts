/**
 * AWS Security Finding Format (ASFF) for Security Hub's BatchImportFindings, as a custom
 * integration: a JSON array of findings, ready for
 * `aws securityhub batch-import-findings --findings file://...` once split into calls of at most
 * 100 findings and grouped by region (each finding's ProductArn names its own region; see
 * docs/reports.md). Required top-level attributes (AwsAccountId, CreatedAt, Description,
 * GeneratorId, Id, ProductArn, Resources, SchemaVersion, Severity, Title, Types, UpdatedAt) are
 * always present.
 *
 * - `Id` is the finding's fingerprint, so a re-import updates the same finding;
 * - `Severity` and `Types` are in `FindingProviderFields`, the provider's side of them (Security Hub
 *   copies it to the top level on creation; the top-level ones are the customer's after that);
 * - suppressed findings: `Workflow.Status` SUPPRESSED;
 * - with `--accepted-findings`, an accepted finding known to be gone: `RecordState` ARCHIVED,
 *   `Workflow.Status` RESOLVED, `Compliance.Status` PASSED.
 *
 * With `--state` the import follows the finding's life (BatchImportFindings' rules for updates):
 * `CreatedAt` and `FirstObservedAt` are its first sighting, `UpdatedAt` and `LastObservedAt` this run;
 * top-level `Severity` and `Types`, `Workflow` and `Note` are sent only on its first import (status
 * `new`), since after that they belong to the customer; a finding fixed in this run is sent once
 * more, `RecordState` ARCHIVED and `Compliance.Status` PASSED, and then no longer.
 */
import { controlsOf, FRAMEWORKS, frameworkTitle, FSBP } from '../rules/compliance.js';
import { fingerprint } from '../rules/fingerprint.js';
import type { Finding, RuleMeta, Severity } from '../rules/types.js';
import { goneEntries, historyOf, type GoneEntry } from './history.js';
import type { RunResult } from './run.js';
import { toJson } from './write.js';
import { inert } from './escape.js';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
/** BatchImportFindings takes at most this many findings per call. */
export const ASFF_BATCH_LIMIT = 100;

const label: Record<Severity, string> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFORMATIONAL',
};

/** ASFF types are `namespace/category/classifier`; most of our rules are configuration checks. */
const SECRET_TYPES = ['Sensitive Data Identifications/Passwords'];
const CONFIG_TYPES = ['Software and Configuration Checks/AWS Security Best Practices'];
const DRIFT_TYPES = ['Software and Configuration Checks/Industry and Regulatory Standards'];

/** ASFF's limits on Title and Description (characters). */
const TITLE_MAX = 256;
const DESCRIPTION_MAX = 1024;

export function asffReport(run: RunResult): string {
  const rules = new Map(run.rules.map((r) => [r.id, r]));
  const now = run.snapshot.generatedAt;
  const lifecycle = run.history !== undefined;
  const active = run.findings.map((f) => {
    const h = historyOf(run, f);
    return asffFinding(f, rules.get(f.ruleId), now, {
      createdAt: h?.firstSeen ?? now,
      firstImport: !lifecycle || h?.status === 'new',
    });
  });
  const gone = goneEntries(run).map((e) => archivedFinding(e, rules.get(e.ruleId), now, lifecycle));
  return toJson([...active, ...gone]);
}

interface Resource {
  readonly arn: string;
  readonly account: string;
  readonly region: string;
}

function typesOf(ruleId: string): string[] {
  return ruleId.startsWith('drift/') ? DRIFT_TYPES : ruleId === 'env-secret-suspected' ? SECRET_TYPES : CONFIG_TYPES;
}

/** When the finding was first seen (`--state`), and whether this is its first import. */
interface Lifecycle {
  readonly createdAt: string;
  readonly firstImport: boolean;
}

function base(
  resource: Resource,
  rule: RuleMeta | undefined,
  ruleId: string,
  now: string,
  times: { readonly createdAt: string; readonly lastObservedAt: string },
): Record<string, unknown> {
  const partition = resource.arn.split(':')[1] ?? 'aws';
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    ProductArn: productArn(resource),
    ProductName: 'lambda-audit',
    CompanyName: 'lambda-audit',
    GeneratorId: ruleId,
    AwsAccountId: resource.account,
    Region: resource.region,
    CreatedAt: times.createdAt,
    UpdatedAt: now,
    FirstObservedAt: times.createdAt,
    LastObservedAt: times.lastObservedAt,
    Resources: [{ Type: 'AwsLambdaFunction', Id: resource.arn, Partition: partition, Region: resource.region }],
    ...(rule === undefined
      ? {}
      : { Remediation: { Recommendation: { Text: clip(rule.remediation, 512), Url: rule.docs } } }),
  };
}

function asffFinding(f: Finding, rule: RuleMeta | undefined, now: string, life: Lifecycle): Record<string, unknown> {
  const severity = { Label: label[f.severity], Original: f.severity };
  const types = typesOf(f.ruleId);
  return {
    ...base(f, rule, f.ruleId, now, { createdAt: life.createdAt, lastObservedAt: now }),
    Id: fingerprint(f),
    ...(life.firstImport ? { Severity: severity, Types: types } : {}),
    FindingProviderFields: { Severity: severity, Types: types },
    Title: clip(inert(f.title), TITLE_MAX),
    Description: clip(inert(f.message), DESCRIPTION_MAX),
    ...compliance(rule, 'FAILED'),
    ...(life.firstImport ? { Workflow: { Status: f.suppressed ? 'SUPPRESSED' : 'NEW' } } : {}),
    RecordState: 'ACTIVE',
    ...(f.suppression === undefined || !life.firstImport
      ? {}
      : {
          Note: {
            Text: clip(inert(`Suppressed until ${f.suppression.expires}: ${f.suppression.reason}`), 512),
            UpdatedBy: clip(f.suppression.owner, 512),
            UpdatedAt: now,
          },
        }),
    // An exposure path names the findings it is made of: same product, their ids (fingerprints).
    ...(f.related === undefined
      ? {}
      : {
          RelatedFindings: f.related.slice(0, 10).map((r) => ({
            ProductArn: productArn(f),
            Id: fingerprint({ ruleId: r.ruleId, arn: f.arn }),
          })),
        }),
    ProductFields: {
      'lambda-audit/RuleId': f.ruleId,
      'lambda-audit/FunctionName': f.functionName,
      'lambda-audit/Qualifier': f.qualifier,
      ...(f.traits === undefined ? {} : { 'lambda-audit/Traits': f.traits.join(',') }),
    },
  };
}

function productArn(resource: Resource): string {
  const partition = resource.arn.split(':')[1] ?? 'aws';
  return `arn:${partition}:securityhub:${resource.region}:${resource.account}:product/${resource.account}/default`;
}

function archivedFinding(
  e: GoneEntry,
  rule: RuleMeta | undefined,
  now: string,
  lifecycle: boolean,
): Record<string, unknown> {
  const [, , , region = '', account = '', , name = ''] = e.arn.split(':');
  const severity = { Label: 'INFORMATIONAL', Original: e.severity ?? rule?.severity ?? 'info' };
  const types = typesOf(e.ruleId);
  return {
    ...base({ arn: e.arn, account, region }, rule, e.ruleId, now, {
      createdAt: e.firstSeen ?? now,
      lastObservedAt: e.lastSeen ?? now,
    }),
    Id: e.fingerprint,
    // An update of a finding imported before: the provider's fields only (see the module comment).
    ...(lifecycle ? {} : { Severity: severity, Types: types }),
    FindingProviderFields: { Severity: severity, Types: types },
    Title: clip(inert(rule?.title ?? e.ruleId), TITLE_MAX),
    Description: clip(
      inert(
        e.source === 'state'
          ? `${name}: no longer found by ${e.ruleId} (fixed since the last run)`
          : `${name}: no longer found by ${e.ruleId} (accepted earlier, fixed since)`,
      ),
      DESCRIPTION_MAX,
    ),
    // PASSED even for a rule mapped to no control: it is how Security Hub reads "fixed".
    Compliance: { Status: 'PASSED' },
    ...compliance(rule, 'PASSED'),
    ...(lifecycle ? {} : { Workflow: { Status: 'RESOLVED' } }),
    RecordState: 'ARCHIVED',
    ProductFields: { 'lambda-audit/RuleId': e.ruleId, 'lambda-audit/FunctionName': name },
  };
}

/** Security Hub's own control id for FSBP, related requirements for every mapped control. */
function compliance(rule: RuleMeta | undefined, status: 'FAILED' | 'PASSED'): Record<string, unknown> {
  const refs = rule?.compliance ?? [];
  if (refs.length === 0) return {};
  const fsbp = rule === undefined ? [] : controlsOf(rule, FSBP);
  const standards = [...new Set(refs.map((r) => FRAMEWORKS[r.framework]?.standardsId))].filter(
    (s): s is string => s !== undefined,
  );
  return {
    Compliance: {
      Status: status,
      ...(fsbp[0] === undefined ? {} : { SecurityControlId: fsbp[0] }),
      RelatedRequirements: refs.slice(0, 32).map((r) => `${frameworkTitle(r.framework)}/${r.control}`),
      ...(standards.length === 0 ? {} : { AssociatedStandards: standards.map((StandardsId) => ({ StandardsId })) }),
    },
  };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
