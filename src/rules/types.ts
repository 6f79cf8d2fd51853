/** The rules engine's vocabulary: severities, rules, findings. */
import type { AccountIam, FunctionRecord, SourceLocation, UnknownPart, UnknownReason } from '../snapshot/types.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse. */
export const severityRank: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export interface RuleMeta {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  readonly remediation: string;
  readonly docs: string;
  /** The policy file the rule came from. */
  readonly source: string;
  /** Controls of compliance frameworks this rule checks (see src/rules/compliance.ts). */
  readonly compliance?: readonly ComplianceRef[];
}

/** One control of one framework, for example `aws-foundational-security-best-practices` / `Lambda.2`. */
export interface ComplianceRef {
  readonly framework: string;
  readonly control: string;
}

/** Template variables a match contributes (on top of the record's own fields). */
export type MatchVars = Readonly<Record<string, string | number>>;

/**
 * A verdict that depends on a part of the record nobody saw (see `UnknownPart`): the rule neither
 * fires nor passes on that record, and the report counts it as not judged.
 */
export class NotJudged {
  constructor(readonly part: UnknownPart) {}
}

/**
 * A finding that names the findings it was built from (`exposure-path`): its traits and the rule
 * findings behind them, carried by the JSON, SARIF (related locations), ASFF and OCSF reports.
 */
export class Combined {
  constructor(
    readonly vars: MatchVars,
    readonly related: readonly RelatedFinding[],
    readonly traits: readonly string[],
    /** The finding's own severity; the rule's severity is its ceiling. */
    readonly severity?: Severity,
  ) {}
}

/** A finding another finding was built from: same function, another rule. */
export interface RelatedFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** The trait it contributes (`reachable`, `admin`, `escalation`, ...). */
  readonly trait: string;
  readonly message: string;
}

/** A rule's answer for one record: the template variables of a finding, `undefined` (passes) or not judged. */
export type Verdict = MatchVars | undefined | NotJudged | Combined;

/**
 * What a rule may know beyond its record, given at evaluation time: the snapshot's account-level
 * parts (IAM) and, for rules that combine other rules (`meta.combines`), what those said.
 */
export interface FleetContext {
  /** The snapshot's IAM, one entry per account read; undefined when roles were not read at all. */
  readonly iam: ReadonlyMap<string, AccountIam> | undefined;
  /** Every record evaluated (primary records; IaC variants are not included). */
  readonly records: readonly FunctionRecord[];
  /**
   * Combining rules only: the findings of the other rules on one record (by ARN), and the parts
   * that kept them from judging it.
   */
  readonly findingsOf: (arn: string) => ReadonlyMap<string, Finding>;
  readonly notJudgedOf: (arn: string) => ReadonlyMap<string, UnknownPart>;
  /** Memory shared by the checks of one evaluation (role analyses by ARN, records by role). */
  readonly cache: Map<string, unknown>;
}

/** A compiled rule: pure function of one record. */
export interface CompiledRule extends RuleMeta {
  readonly inScope: (record: FunctionRecord) => boolean;
  /**
   * The verdict for a record. Fully known records (every record of a complete crawl) never get
   * `NotJudged`; records with unknown parts get it when the verdict depends on one.
   */
  readonly test: (record: FunctionRecord, fleet?: FleetContext) => Verdict;
  readonly message: (record: FunctionRecord, verdict: MatchVars | Combined) => string;
  /** Evaluated after the other rules, over their findings (see `Check.meta.combines`). */
  readonly combines?: boolean;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly title: string;
  readonly message: string;
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  readonly functionName: string;
  readonly qualifier: string;
  readonly suppressed: boolean;
  readonly suppression?: { readonly reason: string; readonly owner: string; readonly expires: string };
  /** With `--accepted-findings`: false when the finding was accepted earlier. */
  readonly new?: boolean;
  /** Infrastructure as code: the file and line that define the function. */
  readonly location?: SourceLocation;
  /** Combined findings (`exposure-path`): the traits and the findings behind them. */
  readonly traits?: readonly string[];
  readonly related?: readonly RelatedFinding[];
}

/** How many in-scope records a rule could not judge, for one reason. */
export interface NotJudgedCount {
  readonly ruleId: string;
  readonly reason: UnknownReason;
  /** The unknown part, as a record path (`policy`, `tags`, `configuration.KMSKeyArn`). */
  readonly path: string;
  readonly count: number;
  /** ARNs of the records concerned, sorted. */
  readonly functions: readonly string[];
}

export interface Evaluation {
  /** Sorted by severity, rule id, ARN. */
  readonly findings: Finding[];
  /** Sorted by rule id, reason, path. */
  readonly notJudged: NotJudgedCount[];
}

/** What a named check is given besides the record. */
export interface CheckEnv {
  /** "Today" for date-based checks (`--as-of`). */
  readonly asOf: Date;
  readonly lifecycle: ReadonlyMap<string, RuntimeLifecycle>;
}

export interface RuntimeLifecycle {
  readonly id: string;
  readonly name: string;
  readonly deprecated: string | null;
  readonly block_create: string | null;
  readonly block_update: string | null;
}

/**
 * A check in code, for what YAML cannot say well. `create` compiles options once; the function it
 * returns is pure.
 */
export interface Check<Options> {
  readonly meta: {
    readonly id: string;
    readonly description: string;
    /** A closed JSON Schema for `options`. */
    readonly optionsSchema: Record<string, unknown>;
    readonly defaults: Options;
    /** Variables the check adds to message templates. */
    readonly vars: readonly string[];
    /**
     * Record paths the verdict always depends on: when one is unknown on a record, the check is not
     * called and the record is not judged. A check that needs a part only sometimes (a URL only when
     * the policy grants public URL access) leaves it out and returns `NotJudged` itself.
     */
    readonly reads: readonly string[];
    /**
     * The check combines what other rules found (`FleetContext.findingsOf`): it runs after every
     * rule that does not.
     */
    readonly combines?: boolean;
  };
  create(options: Options, env: CheckEnv): (record: FunctionRecord, fleet: FleetContext) => Verdict;
}
