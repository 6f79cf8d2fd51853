/**
 * Verdicts worked out ahead of the evaluation, while a crawl waits on its quota: a record the
 * crawler has completed (the same object the snapshot will hold) is judged by every rule whose
 * verdict on it depends on the record alone, and `evaluate` takes those verdicts instead of
 * judging again. A rule that reads the fleet (the other records, IAM, the cache, other rules'
 * findings) on a record is left to the evaluation for that record: `FleetProbe` notices the read.
 *
 * Sound because a rule is a pure function of its record and the fleet (types.ts), and records are
 * never changed once built (every step of the crawl makes a new object): a verdict is kept by the
 * record object it was worked out on, so a record replaced after that is judged afresh.
 */
import type { FunctionRecord } from '../snapshot/types.js';
import { NotJudged, type CompiledRule, type FleetContext, type Verdict } from './types.js';

/** A verdict worked out ahead, with its finding's message when it is one. */
export interface VerdictAhead {
  readonly verdict: Verdict;
  readonly message?: string;
}

/** The rule does not apply to the record (`inScope` said no). */
export const OUT_OF_SCOPE: VerdictAhead = Object.freeze({ verdict: undefined });
/** The record passes the rule. */
const PASSES: VerdictAhead = Object.freeze({ verdict: undefined });

export class VerdictsAhead {
  readonly #rules: readonly CompiledRule[];
  readonly #index: ReadonlyMap<CompiledRule, number>;
  readonly #byRecord = new WeakMap<FunctionRecord, readonly (VerdictAhead | undefined)[]>();
  readonly #probe = new FleetProbe();
  #records = 0;

  /** Verdicts of these rules (those that combine others are left to the evaluation). */
  constructor(rules: readonly CompiledRule[]) {
    this.#rules = rules.filter((r) => r.combines !== true);
    this.#index = new Map(this.#rules.map((r, i) => [r, i]));
  }

  /**
   * Judges `record` by each rule, keeping the verdicts that read nothing but the record. A rule
   * that throws is left to the evaluation (which throws again).
   */
  add(record: FunctionRecord): void {
    if (record.status === 'vanished') return;
    const verdicts: (VerdictAhead | undefined)[] = [];
    const probe = this.#probe;
    for (const rule of this.#rules) {
      let ahead: VerdictAhead | undefined;
      try {
        if (!rule.inScope(record)) ahead = OUT_OF_SCOPE;
        else {
          probe.read = false;
          const verdict = rule.test(record, probe);
          if (!probe.read)
            ahead =
              verdict === undefined
                ? PASSES
                : verdict instanceof NotJudged
                  ? { verdict }
                  : { verdict, message: rule.message(record, verdict) };
        }
      } catch {
        ahead = undefined;
      }
      verdicts.push(ahead);
    }
    this.#byRecord.set(record, verdicts);
    this.#records++;
  }

  /** Where a rule's verdict is in what `of` returns, or -1: a rule never judged ahead. */
  indexOf(rule: CompiledRule): number {
    return this.#index.get(rule) ?? -1;
  }

  /** The verdicts worked out on this very record object (`undefined`: left to the evaluation). */
  of(record: FunctionRecord): readonly (VerdictAhead | undefined)[] | undefined {
    return this.#byRecord.get(record);
  }

  /** How many records were judged ahead. */
  get records(): number {
    return this.#records;
  }
}

const NONE: ReadonlyMap<string, never> = new Map<string, never>();

/** A fleet with nothing in it that notes whether a rule looked. */
class FleetProbe implements FleetContext {
  read = false;

  get iam(): FleetContext['iam'] {
    this.read = true;
    return undefined;
  }

  get records(): readonly FunctionRecord[] {
    this.read = true;
    return [];
  }

  get cache(): Map<string, unknown> {
    this.read = true;
    return new Map();
  }

  readonly findingsOf = (): ReadonlyMap<string, never> => {
    this.read = true;
    return NONE;
  };

  readonly notJudgedOf = (): ReadonlyMap<string, never> => {
    this.read = true;
    return NONE;
  };
}
