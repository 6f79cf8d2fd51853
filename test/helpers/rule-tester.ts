// RuleTester in the style of ESLint's: valid and invalid records per built-in rule, asserting the
// rule id (and, where given, what the message names), not the prose.
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../src/policy/load.js';
import { NotJudged, type CompiledRule } from '../../src/rules/types.js';
import type { FunctionRecord } from '../../src/snapshot/types.js';

export const AS_OF = new Date('2026-11-22T00:00:00Z');

type RecordInput = Omit<Partial<FunctionRecord>, 'configuration'> & { configuration?: FunctionConfiguration };

export function record(input: RecordInput = {}): FunctionRecord {
  const name = input.name ?? 'fn';
  return {
    arn: `arn:aws:lambda:us-east-1:111122223333:function:${name}`,
    account: '111122223333',
    region: 'us-east-1',
    name,
    qualifier: '$LATEST',
    status: 'ok',
    source: 'GetFunction',
    // A fully read record: no policy, no URL, no invoke config (tests override what they need).
    policy: null,
    functionUrl: null,
    eventInvokeConfig: null,
    ...input,
    configuration: { FunctionName: name, Runtime: 'python3.13', ...input.configuration },
  };
}

export interface RuleCases {
  readonly valid: readonly FunctionRecord[];
  readonly invalid: readonly {
    readonly record: FunctionRecord;
    readonly messageIncludes?: readonly string[];
    /** Template variables the finding must carry (a check's message ids, rather than prose). */
    readonly vars?: Readonly<Record<string, string | number>>;
  }[];
  /** Records the rule cannot judge (a part it needs is unknown), with the unknown path it names. */
  readonly notJudged?: readonly { readonly record: FunctionRecord; readonly path: string }[];
  readonly asOf?: Date;
}

export function ruleTester(ruleId: string, cases: RuleCases): void {
  describe(`rule ${ruleId}`, () => {
    let rule: CompiledRule;
    beforeAll(async () => {
      const rules = await loadRuleSet({ asOf: cases.asOf ?? AS_OF });
      const found = rules.find((r) => r.id === ruleId);
      if (!found) throw new Error(`no built-in rule ${ruleId}`);
      rule = found;
    });
    cases.valid.forEach((r, i) => {
      it(`valid #${i}`, () => {
        expect(rule.inScope(r) ? rule.test(r) : undefined).toBeUndefined();
      });
    });
    cases.invalid.forEach(({ record: r, messageIncludes, vars: expectedVars }, i) => {
      it(`invalid #${i}`, () => {
        const vars = rule.test(r);
        if (vars === undefined || vars instanceof NotJudged)
          throw new Error(`expected a finding, got ${vars === undefined ? 'a pass' : 'not judged'}`);
        const message = rule.message(r, vars);
        for (const part of messageIncludes ?? []) expect(message).toContain(part);
        if (expectedVars) expect(vars).toMatchObject(expectedVars);
      });
    });
    (cases.notJudged ?? []).forEach(({ record: r, path }, i) => {
      it(`not judged #${i}`, () => {
        const verdict = rule.test(r);
        expect(verdict).toBeInstanceOf(NotJudged);
        expect((verdict as NotJudged).part.path).toBe(path);
      });
    });
  });
}
