/**
 * Anyone may invoke the function directly (Security Hub Lambda.1, Prowler
 * `awslambda_function_not_publicly_accessible`). A grant that only applies through the function URL
 * is `public-url`'s business.
 */
import { NotJudged, type Check } from '../types.js';
import { policyKnowledge } from './policy-unknown.js';
import { grantVars, invokeGrants } from './resource-policy.js';

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
    vars: ['statements', 'sids', 'principals', 'count'],
    // The policy is always needed; policyKnowledge() tells a wholly unknown one from unknown conditions.
    reads: [],
  },
  create(options) {
    return (record) => {
      const known = policyKnowledge(record);
      if (known.kind === 'unknown') return new NotJudged(known.part);
      const grants = invokeGrants(record.policy).filter(
        (g) =>
          g.invoke &&
          (g.audience.kind === 'public' || (options.serviceWithoutSource && g.audience.kind === 'unbound-service')),
      );
      if (grants.length === 0) return undefined;
      // An unknown condition may tie these callers down.
      if (known.kind === 'conditions-unknown') return new NotJudged(known.part);
      return { ...grantVars(grants), count: grants.length };
    };
  },
};
