/**
 * Exposure paths: one finding per function that somebody outside can reach AND that holds
 * something worth reaching (a powerful role, unpatched code, secrets, an unlimited bill). It is
 * built from what the other rules found on the same function (a combining check: it runs after
 * them), and ranks the combination by a documented matrix (docs/roles.md):
 *
 * | trait                       | reachable by anyone | from another account |
 * | --------------------------- | ------------------- | -------------------- |
 * | admin role, escalation      | critical            | high                 |
 * | data wildcard, secrets      | high                | medium               |
 * | deprecated runtime          | high                | medium               |
 * | no reserved concurrency     | medium              | (no path)            |
 *
 * A function anyone may only read (GetFunction granted to `*`, no invoke) is a path only when its
 * environment holds secrets (high): reading it cannot run the role or the old code.
 * The rule's own severity is the ceiling (a config can lower it). Without reachability there is
 * no path; reachability not judged (a policy not read) leaves the function not judged when it has
 * a trait, and a reachable function whose traits could not be judged is not judged either.
 */
import type { FunctionRecord } from '../../snapshot/types.js';
import { DEFAULT_REACHABLE, REACHABLE_SCHEMA, type ReachableRules } from '../reachability.js';
import { unknownPartFor } from '../unknown.js';
import { invokeGrants } from './resource-policy.js';
import { Combined, NotJudged, severityRank, type Check, type RelatedFinding, type Severity } from '../types.js';

type Reach = 'anyone' | 'other-account' | 'read';
type Trait = 'admin' | 'escalation' | 'data' | 'secrets' | 'unpatched';

export interface ExposurePathOptions {
  /** Rules whose finding makes the function reachable, and by whom. */
  readonly reachable: ReachableRules;
  /** Rules whose finding is a trait of the path. */
  readonly traits: Readonly<Record<string, Trait>>;
  /**
   * A function reachable by anyone without reserved concurrency can spend the account's whole
   * concurrency (denial of wallet, and of every other function).
   * @default true
   */
  readonly concurrency: boolean;
}

const matrix: Record<Trait | 'no-concurrency-limit', Record<Reach, Severity | undefined>> = {
  admin: { anyone: 'critical', 'other-account': 'high', read: undefined },
  escalation: { anyone: 'critical', 'other-account': 'high', read: undefined },
  data: { anyone: 'high', 'other-account': 'medium', read: undefined },
  secrets: { anyone: 'high', 'other-account': 'medium', read: 'high' },
  unpatched: { anyone: 'high', 'other-account': 'medium', read: undefined },
  'no-concurrency-limit': { anyone: 'medium', 'other-account': undefined, read: undefined },
};

const traitText: Record<Trait | 'no-concurrency-limit', string> = {
  admin: 'an admin execution role',
  escalation: 'an execution role that can escalate privileges',
  data: 'an execution role with wildcard data access',
  secrets: 'secrets in its environment',
  unpatched: 'a deprecated runtime',
  'no-concurrency-limit': 'no reserved concurrency',
};

const reachText: Record<Reach, string> = {
  anyone: 'anyone',
  'other-account': 'another account',
  read: 'anyone (to read, not to invoke)',
};

export const exposurePath: Check<ExposurePathOptions> = {
  meta: {
    id: 'exposure-path',
    description: 'Reachable functions combined with what reaching them gives: role power, old code, secrets, cost.',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        reachable: REACHABLE_SCHEMA,
        traits: {
          type: 'object',
          additionalProperties: { enum: ['admin', 'escalation', 'data', 'secrets', 'unpatched'] },
        },
        concurrency: { type: 'boolean' },
      },
    },
    defaults: {
      reachable: DEFAULT_REACHABLE,
      traits: {
        'role-admin-access': 'admin',
        'role-privilege-escalation': 'escalation',
        'role-data-wildcard': 'data',
        'runtime-deprecated': 'unpatched',
        'env-secret-suspected': 'secrets',
      },
      concurrency: true,
    },
    vars: ['reach', 'traits', 'count'],
    reads: [],
    combines: true,
  },
  create(options) {
    const reachRules = Object.entries(options.reachable);
    const traitRules = Object.entries(options.traits);
    return (record, fleet) => {
      const found = fleet.findingsOf(record.arn);
      const unjudged = fleet.notJudgedOf(record.arn);
      const related: RelatedFinding[] = [];
      let reach: Reach | undefined;
      for (const [ruleId, by] of reachRules) {
        const f = found.get(ruleId);
        if (!f) continue;
        related.push({ ruleId, severity: f.severity, trait: `reachable by ${reachText[by]}`, message: f.message });
        if (reach === undefined || by === 'anyone') reach = by;
      }
      const traits: (Trait | 'no-concurrency-limit')[] = [];
      for (const [ruleId, trait] of traitRules) {
        const f = found.get(ruleId);
        if (!f) continue;
        if (!traits.includes(trait)) traits.push(trait);
        related.push({ ruleId, severity: f.severity, trait, message: f.message });
      }
      const traitUnknown = traitRules.map(([ruleId]) => unjudged.get(ruleId)).find((p) => p !== undefined);
      if (reach === undefined) {
        // Not reachable as far as we know; if reachability itself is unknown and there is something to reach, say so.
        const reachUnknown = reachRules.map(([ruleId]) => unjudged.get(ruleId)).find((p) => p !== undefined);
        return reachUnknown && (traits.length > 0 || traitUnknown) ? new NotJudged(reachUnknown) : undefined;
      }
      // A public grant of read actions only: the code and environment are open, the role is not.
      if (reach === 'anyone' && !invocableByAnyone(record)) reach = 'read';
      if (options.concurrency && reach === 'anyone') {
        const unknown = unknownPartFor(record, 'reservedConcurrency');
        if (!unknown && record.reservedConcurrency === undefined) traits.push('no-concurrency-limit');
      }
      const severities = traits.flatMap((t) => matrix[t][reach] ?? []);
      if (severities.length === 0) return traitUnknown ? new NotJudged(traitUnknown) : undefined;
      const worst = severities.reduce((a, b) => (severityRank[b] > severityRank[a] ? b : a));
      const ordered = traits.filter((t) => matrix[t][reach] !== undefined);
      return new Combined(
        {
          reach: reachText[reach],
          traits: ordered.map((t) => traitText[t]).join(', '),
          count: ordered.length,
        },
        related,
        [reach === 'read' ? 'readable-by-anyone' : `reachable-by-${reach}`, ...ordered],
        worst,
      );
    };
  },
};

/** Anyone may invoke the function: directly, or through an `AuthType: NONE` URL. */
function invocableByAnyone(record: FunctionRecord): boolean {
  const open = invokeGrants(record.policy).filter(
    (g) => g.audience.kind === 'public' || g.audience.kind === 'unbound-service',
  );
  return open.some((g) => g.invoke) || (open.some((g) => g.url) && record.functionUrl?.AuthType === 'NONE');
}
