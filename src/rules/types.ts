/** The rules engine's vocabulary: severities, rules, findings. */
import type { FunctionRecord } from '../snapshot/types.js';

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
}

/** Template variables a match contributes (on top of the record's own fields). */
export type MatchVars = Readonly<Record<string, string | number>>;

/** A compiled rule: pure function of one record. */
export interface CompiledRule extends RuleMeta {
  readonly inScope: (record: FunctionRecord) => boolean;
  /** Returns the template variables when the record violates the rule, else undefined. */
  readonly test: (record: FunctionRecord) => MatchVars | undefined;
  readonly message: (record: FunctionRecord, vars: MatchVars) => string;
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
  };
  create(options: Options, env: CheckEnv): (record: FunctionRecord) => MatchVars | undefined;
}
