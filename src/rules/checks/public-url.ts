/**
 * A function URL anyone can call: AuthType NONE and a policy that grants `lambda:InvokeFunctionUrl`
 * to everyone (Prowler `awslambda_function_url_public`), optionally with CORS open to any origin.
 *
 * The URL is read only when needed: a crawler may skip GetFunctionUrlConfig for a function whose
 * policy cannot grant URL access, so the URL is not in `reads`. Without a public URL grant the
 * check passes; with one and the URL unknown, it is not judged.
 */
import { NotJudged, type Check } from '../types.js';
import { unknownPartFor } from '../unknown.js';
import { policyKnowledge } from './policy-unknown.js';
import { grantVars, invokeGrants } from './resource-policy.js';

export interface PublicUrlOptions {
  /** `public`: the URL is public. `cors-wildcard`: the URL is public and its CORS allows any origin. */
  readonly when: 'public' | 'cors-wildcard';
}

export const publicUrl: Check<PublicUrlOptions> = {
  meta: {
    id: 'public-url',
    description: 'Function URLs without authentication that the policy opens to everyone.',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { when: { enum: ['public', 'cors-wildcard'] } },
    },
    defaults: { when: 'public' },
    vars: ['statements', 'sids', 'principals', 'count', 'url', 'origins', 'credentials'],
    // The policy is always needed; policyKnowledge() tells a wholly unknown one from unknown conditions.
    reads: [],
  },
  create(options) {
    return (record) => {
      const known = policyKnowledge(record);
      if (known.kind === 'unknown') return new NotJudged(known.part);
      const grants = invokeGrants(record.policy).filter((g) => g.url && g.audience.kind === 'public');
      if (grants.length === 0) return undefined;
      // An unknown condition may tie these callers down.
      if (known.kind === 'conditions-unknown') return new NotJudged(known.part);
      const unknown = unknownPartFor(record, 'functionUrl.AuthType');
      if (unknown) return new NotJudged(unknown);
      const url = record.functionUrl;
      // No URL: the grant is left over from a deleted URL, and nothing can be called through it.
      if (!url || url.AuthType !== 'NONE') return undefined;
      const vars = { ...grantVars(grants), count: grants.length, url: url.FunctionUrl ?? '(no address)' };
      if (options.when === 'public') return { ...vars, origins: '', credentials: '' };
      const corsUnknown = unknownPartFor(record, 'functionUrl.Cors.AllowOrigins');
      if (corsUnknown) return new NotJudged(corsUnknown);
      const origins = url.Cors?.AllowOrigins ?? [];
      if (!origins.includes('*')) return undefined;
      return {
        ...vars,
        origins: origins.join(', '),
        credentials: url.Cors?.AllowCredentials === true ? 'allowed' : 'not allowed',
      };
    };
  },
};
