/**
 * One Lambda Managed Instances capacity provider hosting functions of different trust. AWS
 * documents the capacity provider as the security boundary of the functions on it: functions share
 * its instances, and "containers do not provide strong security isolation between functions". A
 * function anyone may invoke next to one nobody outside the account may, or functions of different
 * teams (a tag), then share a boundary they should not.
 *
 * A combining check: exposure is what the exposure rules found, as in `role-shared`. It needs only
 * the functions' `CapacityProviderConfig` (the provider's ARN), never the provider read itself.
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
import { unknownPartFor } from '../unknown.js';
import { capacityProviderArnOf } from './vpc-single-az.js';

export interface CapacityProviderMixedTrustOptions {
  /** Rules whose finding makes a function reachable, and by whom (as in `role-shared`). */
  readonly reachable: Readonly<Record<string, 'anyone' | 'other-account'>>;
  /**
   * The tag naming a function's team: functions with different values on one provider are mixed.
   * Functions without the tag are not counted as a team. Empty string: not applied. @default 'team'
   */
  readonly tagKey: string;
}

type Exposure = Reachability;

interface ProviderUse {
  functions: number;
  readonly exposures: Record<Exposure, number>;
  readonly teams: Set<string>;
  /** A function on the provider whose exposure or team was not known, when any. */
  unknown?: UnknownPart;
}

export const capacityProviderMixedTrust: Check<CapacityProviderMixedTrustOptions> = {
  meta: {
    id: 'capacity-provider-mixed-trust',
    description: 'A capacity provider hosting functions of different exposure or of different teams.',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        reachable: REACHABLE_SCHEMA,
        tagKey: { type: 'string' },
      },
    },
    defaults: {
      reachable: DEFAULT_REACHABLE,
      tagKey: 'team',
    },
    vars: ['provider', 'functions', 'mix'],
    reads: ['configuration.CapacityProviderConfig'],
    combines: true,
  },
  create(options) {
    const reach = Object.entries(options.reachable);
    const exposureOf = (record: FunctionRecord, fleet: FleetContext): Exposure | UnknownPart =>
      reachabilityOf(record, fleet, options.reachable);
    const teamOf = (record: FunctionRecord): string | undefined | UnknownPart => {
      if (options.tagKey === '') return undefined;
      if (record.tagsError)
        return { path: 'tags', reason: 'denied', detail: record.tagsError.ErrorCode ?? 'TagsError' };
      const part = unknownPartFor(record, `tags.${options.tagKey}`);
      if (part) return part;
      const value = record.tags?.[options.tagKey];
      return value === '' ? undefined : value;
    };
    const usesOf = (fleet: FleetContext): ReadonlyMap<string, ProviderUse> =>
      cached(
        fleet,
        `capacity-provider-mixed-trust\u0000${options.tagKey}\u0000${reach.map(([id]) => id).join(',')}`,
        () => {
          const uses = new Map<string, ProviderUse>();
          for (const r of fleet.records) {
            // One function, one vote: published versions run on their function's provider.
            if (r.status === 'vanished' || r.qualifier !== '$LATEST') continue;
            const provider = capacityProviderArnOf(r);
            if (provider === undefined) continue;
            let use = uses.get(provider);
            if (!use)
              uses.set(
                provider,
                (use = { functions: 0, exposures: { anyone: 0, 'other-account': 0, private: 0 }, teams: new Set() }),
              );
            use.functions++;
            const exposure = exposureOf(r, fleet);
            if (typeof exposure === 'string') use.exposures[exposure]++;
            else use.unknown ??= exposure;
            const team = teamOf(r);
            if (typeof team === 'string') use.teams.add(team);
            else if (team !== undefined) use.unknown ??= team;
          }
          return uses;
        },
      );
    return (record, fleet) => {
      const provider = capacityProviderArnOf(record);
      if (provider === undefined || fleet === undefined) return undefined;
      const use = usesOf(fleet).get(provider);
      if (!use) return undefined;
      const kinds = (Object.keys(use.exposures) as Exposure[]).filter((k) => use.exposures[k] > 0);
      const mix: string[] = [];
      if (kinds.length > 1) mix.push(kinds.map((k) => `${use.exposures[k]} ${exposureText[k]}`).join(', '));
      if (use.teams.size > 1) mix.push(`${options.tagKey} ${[...use.teams].sort().join(', ')}`);
      if (mix.length === 0) return use.unknown && use.functions > 1 ? new NotJudged(use.unknown) : undefined;
      return { provider: provider.split(':').pop() ?? provider, functions: use.functions, mix: mix.join('; ') };
    };
  },
};

const exposureText = reachabilityText;
