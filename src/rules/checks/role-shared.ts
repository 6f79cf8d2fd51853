/**
 * One execution role serving functions whose exposure differs: whoever compromises the reachable
 * function holds the role, and with it everything the unreachable ones can do (lambda-security-
 * scanner's "shared role"). Exposure is what the exposure rules found (a combining check): anyone,
 * another account, or neither. Optionally also a role serving more than `maxFunctions` functions.
 */
import { cached } from '../fleet.js';
import {
  DEFAULT_REACHABLE,
  REACHABLE_SCHEMA,
  reachabilityOf,
  reachabilityText,
  type Reachability,
} from '../reachability.js';
import { NotJudged, type Check, type FleetContext } from '../types.js';
import type { FunctionRecord, UnknownPart } from '../../snapshot/types.js';

export interface RoleSharedOptions {
  /** Rules whose finding makes a function reachable, and by whom (as in `exposure-path`). */
  readonly reachable: Readonly<Record<string, 'anyone' | 'other-account'>>;
  /**
   * Also report a role serving more functions than this, whatever their exposure; 0: not applied.
   * @default 0
   */
  readonly maxFunctions: number;
}

type Exposure = Reachability;

interface RoleUse {
  readonly functions: number;
  readonly counts: Readonly<Record<Exposure, number>>;
  /** A function on the role whose exposure was not judged, when any. */
  readonly unknown?: UnknownPart;
}

export const roleShared: Check<RoleSharedOptions> = {
  meta: {
    id: 'role-shared',
    description: 'An execution role shared by functions of different exposure (or by too many functions).',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        reachable: REACHABLE_SCHEMA,
        maxFunctions: { type: 'integer', minimum: 0 },
      },
    },
    defaults: {
      reachable: DEFAULT_REACHABLE,
      maxFunctions: 0,
    },
    vars: ['role', 'functions', 'exposures'],
    reads: ['configuration.Role'],
    combines: true,
  },
  create(options) {
    const reach = Object.entries(options.reachable);
    const exposureOf = (record: FunctionRecord, fleet: FleetContext): Exposure | UnknownPart =>
      reachabilityOf(record, fleet, options.reachable);
    const usesOf = (fleet: FleetContext): ReadonlyMap<string, RoleUse> =>
      cached(fleet, `role-shared\u0000${reach.map(([id]) => id).join(',')}`, () => {
        const uses = new Map<string, { functions: number; counts: Record<Exposure, number>; unknown?: UnknownPart }>();
        for (const r of fleet.records) {
          // One function, one vote: published versions share their function's role and exposure.
          if (r.status === 'vanished' || r.qualifier !== '$LATEST') continue;
          const role = r.configuration.Role;
          if (role === undefined) continue;
          let use = uses.get(role);
          if (!use) uses.set(role, (use = { functions: 0, counts: { anyone: 0, 'other-account': 0, private: 0 } }));
          use.functions++;
          const exposure = exposureOf(r, fleet);
          if (typeof exposure === 'string') use.counts[exposure]++;
          else use.unknown ??= exposure;
        }
        return uses;
      });
    return (record, fleet) => {
      const role = record.configuration.Role;
      if (role === undefined) return undefined;
      const use = usesOf(fleet).get(role);
      if (!use) return undefined;
      const kinds = (Object.keys(use.counts) as Exposure[]).filter((k) => use.counts[k] > 0);
      const tooMany = options.maxFunctions > 0 && use.functions > options.maxFunctions;
      if (kinds.length < 2 && !tooMany)
        return use.unknown && kinds.length === 1 ? new NotJudged(use.unknown) : undefined;
      return {
        role: role.split('/').pop() ?? role,
        functions: use.functions,
        exposures: kinds.map((k) => `${use.counts[k]} ${exposureText[k]}`).join(', '),
      };
    };
  },
};

const exposureText = reachabilityText;
