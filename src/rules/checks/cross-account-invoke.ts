/**
 * Another account may invoke the function (directly or through its URL), and it is not on the
 * allow list. Public grants are `public-invoke`'s and `public-url`'s business and are not repeated
 * here, except a public URL grant on an `AWS_IAM` URL: that lets any signed-in principal of any
 * account call the URL, which no other rule reports.
 */
import type { FunctionRecord } from '../../snapshot/types.js';
import { NotJudged, type Check } from '../types.js';
import { unknownPartFor } from '../unknown.js';
import { policyKnowledge } from './policy-unknown.js';
import { grantVars, invokeGrants, type Grant } from './resource-policy.js';

export interface CrossAccountInvokeOptions {
  /** Partner account ids that may invoke the organisation's functions. */
  readonly allowedAccounts: readonly string[];
  /**
   * Report grants tied to an AWS Organization (`aws:PrincipalOrgID`, `aws:SourceOrgPaths`, ...).
   * Off by default: an organization is usually your own, and its accounts are not "another account"
   * in the sense this rule means.
   * @default false
   */
  readonly includeOrganizations: boolean;
}

const ANY_ACCOUNT = 'any AWS account';

export const crossAccountInvoke: Check<CrossAccountInvokeOptions> = {
  meta: {
    id: 'cross-account-invoke',
    description: 'Resource-based policy statements that let other accounts invoke the function.',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        allowedAccounts: { type: 'array', items: { type: 'string', pattern: '^\\d{12}$' } },
        includeOrganizations: { type: 'boolean' },
      },
    },
    defaults: { allowedAccounts: [], includeOrganizations: false },
    vars: ['accounts', 'statements', 'sids', 'principals', 'count'],
    // The policy is always needed; policyKnowledge() tells a wholly unknown one from unknown conditions.
    // The function's own account only when a statement names accounts (a template's account may be
    // known only at deploy time).
    reads: [],
  },
  create(options) {
    const allowed = new Set(options.allowedAccounts);
    return (record) => {
      const known = policyKnowledge(record);
      if (known.kind === 'unknown') return new NotJudged(known.part);
      const grants = invokeGrants(record.policy);
      // An unknown condition can tie any grant not already tied to trusted accounts to another account.
      if (
        known.kind === 'conditions-unknown' &&
        grants.some(
          (g) =>
            (g.invoke || g.url) &&
            !(
              g.audience.kind === 'accounts' && g.audience.accounts.every((a) => a === record.account || allowed.has(a))
            ),
        )
      )
        return new NotJudged(known.part);
      const flagged: Grant[] = [];
      const accounts = new Set<string>();
      for (const grant of grants) {
        // lambda:InvokeFunction through the URL only is half of a URL grant: on its own it opens nothing.
        if (!grant.invoke && !grant.url) continue;
        const { audience } = grant;
        if (audience.kind === 'accounts') {
          const foreign = audience.accounts.filter((a) => a !== record.account && !allowed.has(a));
          if (foreign.length === 0) continue;
          const ownAccount = unknownPartFor(record, 'account');
          if (ownAccount) return new NotJudged(ownAccount);
          foreign.forEach((a) => accounts.add(a));
        } else if (audience.kind === 'organization') {
          // A Deny guard may let some accounts through besides the organization.
          const foreign = (audience.accounts ?? []).filter((a) => a !== record.account && !allowed.has(a));
          if (foreign.length > 0) {
            const ownAccount = unknownPartFor(record, 'account');
            if (ownAccount) return new NotJudged(ownAccount);
            foreign.forEach((a) => accounts.add(a));
          }
          if (options.includeOrganizations) accounts.add('accounts of an AWS Organization');
          else if (foreign.length === 0) continue;
        } else if (audience.kind === 'authenticated' || (audience.kind === 'public' && !grant.invoke)) {
          // A URL grant to everyone: any account's principals when the URL uses AWS_IAM. The
          // crawler reads the URL wherever a statement could grant lambda:InvokeFunctionUrl.
          const auth = urlAuthType(record);
          if (auth instanceof NotJudged) return auth;
          // A grant tied to AuthType NONE does not apply to calls to an AWS_IAM URL.
          if (auth !== 'AWS_IAM' || !(grant.urlAuthTypes?.includes('AWS_IAM') ?? true)) continue;
          accounts.add(ANY_ACCOUNT);
        } else {
          continue;
        }
        flagged.push(grant);
      }
      if (flagged.length === 0) return undefined;
      return { ...grantVars(flagged), accounts: [...accounts].sort().join(', '), count: flagged.length };
    };
  },
};

function urlAuthType(record: FunctionRecord): string | null | NotJudged {
  const unknown = unknownPartFor(record, 'functionUrl.AuthType');
  if (unknown) return new NotJudged(unknown);
  return record.functionUrl?.AuthType ?? null;
}
