/**
 * Anyone may invoke the function directly, or read it (`lambda:GetFunction`,
 * `lambda:GetFunctionConfiguration`: the code and the environment), Security Hub Lambda.1 ("may
 * allow unintended access to your function code"), Prowler
 * `awslambda_function_not_publicly_accessible`. A grant that only applies through the function URL
 * is `public-url`'s business. The `access` variable says which: `invoked`, `read`, `invoked and read`.
 */
import { NotJudged, type Check } from '../types.js';
import { policyKnowledge } from './policy-unknown.js';
import { grantVars, invokeGrants, readGrants } from './resource-policy.js';

export interface PublicInvokeOptions {
  /**
   * Also report a service principal (`s3.amazonaws.com`, `sns.amazonaws.com`) granted without a
   * source account, ARN or organization: any customer of that service can make it invoke the
   * function. AWS Config and Security Hub Lambda.1 fail this case too.
   * @default true
   */
  readonly serviceWithoutSource: boolean;
}

export const publicInvoke: Check<PublicInvokeOptions> = {
  meta: {
    id: 'public-invoke',
    description: 'Resource-based policy statements that let anyone invoke the function.',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { serviceWithoutSource: { type: 'boolean' } },
    },
    defaults: { serviceWithoutSource: true },
    vars: ['statements', 'sids', 'principals', 'count', 'access'],
    // The policy is always needed; policyKnowledge() tells a wholly unknown one from unknown conditions.
    reads: [],
  },
  create(options) {
    return (record) => {
      const known = policyKnowledge(record);
      if (known.kind === 'unknown') return new NotJudged(known.part);
      const invoke = invokeGrants(record.policy).filter(
        (g) =>
          g.invoke &&
          (g.audience.kind === 'public' || (options.serviceWithoutSource && g.audience.kind === 'unbound-service')),
      );
      // Reading is exposure when everyone may do it; a service principal has no reason to read a function.
      const read = readGrants(record.policy).filter((g) => g.audience.kind === 'public');
      if (invoke.length === 0 && read.length === 0) return undefined;
      // An unknown condition may tie these callers down.
      if (known.kind === 'conditions-unknown') return new NotJudged(known.part);
      // A statement granting both is named once.
      const seen = new Set<string>();
      const grants = [...invoke, ...read].filter((g) => {
        const key = JSON.stringify([g.sid, g.principal]);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      const access = invoke.length === 0 ? 'read' : read.length === 0 ? 'invoked' : 'invoked and read';
      return { ...grantVars(grants), count: grants.length, access };
    };
  },
};
