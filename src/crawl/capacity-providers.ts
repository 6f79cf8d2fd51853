/**
 * Lambda Managed Instances: the region's capacity providers (ListCapacityProviders, read-only,
 * API path `/2025-11-30/capacity-providers`), attached to the functions that run on them.
 *
 * - Once per region, paginated, and only when a listed function has `CapacityProviderConfig`: an
 *   ordinary fleet pays nothing. The read starts as soon as the listing shows such a function.
 * - On the shared 15 rps control-plane lane, behind the listing's pages (which go first).
 * - Stored on each function that names the provider (`capacityProvider`): the rules stay pure
 *   functions of one record, and a region holds a handful of providers.
 * - Not fatal: refused or failed, every function on a provider there gets an unknown part
 *   `capacityProvider` (reason `denied` or `failed`); `--no-capacity-providers` gives `skipped`.
 *   The rules that need the provider are not judged; the rest of the crawl stands (as for tags and
 *   subnet zones, the run is not incomplete for it).
 */
import type { CapacityProvider, LambdaClient } from '@aws-sdk/client-lambda';
import type { CapacityProviderInfo, FunctionRecord, UnknownPart } from '../snapshot/types.js';
import { withSignal } from './client.js';
import type { QuotaLane } from './lane.js';
import { errorInfo } from './retry.js';
import { loadLambdaSdk } from './sdk.js';

// By require, not import (./sdk.ts).
const { ListCapacityProvidersCommand } = loadLambdaSdk();

/** Providers per ListCapacityProviders page (the API's maximum is 50). */
export const CAPACITY_PROVIDER_PAGE = 50;

/** The region's providers by ARN, or why they are unknown. */
export type CapacityProviders = ReadonlyMap<string, CapacityProviderInfo> | UnknownPart;

export async function readCapacityProviders(
  client: LambdaClient,
  lane: QuotaLane,
  signal: AbortSignal,
): Promise<CapacityProviders> {
  const providers = new Map<string, CapacityProviderInfo>();
  let marker: string | undefined;
  do {
    const next = marker;
    const res = await lane.call(
      (s) =>
        client.send(
          withSignal(
            new ListCapacityProvidersCommand({
              MaxItems: CAPACITY_PROVIDER_PAGE,
              ...(next === undefined ? {} : { Marker: next }),
            }),
            s,
          ),
        ),
      signal,
    );
    if (!res.ok) {
      const error = errorInfo(res.error, res.attempts);
      return {
        path: 'capacityProvider',
        reason: res.kind === 'denied' ? 'denied' : 'failed',
        detail: `lambda:ListCapacityProviders ${error.code}`,
      };
    }
    for (const p of res.value.CapacityProviders ?? []) {
      const info = providerInfo(p);
      if (info) providers.set(info.CapacityProviderArn, info);
    }
    marker = res.value.NextMarker;
  } while (marker);
  return providers;
}

/** Whether the function runs on a capacity provider, and which. */
export function capacityProviderOf(config: FunctionRecord['configuration']): string | undefined {
  return config.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig?.CapacityProviderArn;
}

/**
 * The records with `capacityProvider` on each function that names a provider, or the unknown part
 * that says why not (`skipped` when `providers` is undefined: not read by choice).
 */
export function withCapacityProviders(
  functions: readonly FunctionRecord[],
  providers: CapacityProviders | undefined,
): FunctionRecord[] {
  return functions.map((f) => {
    const arn = f.status === 'vanished' ? undefined : capacityProviderOf(f.configuration);
    if (arn === undefined) return f;
    if (providers === undefined)
      return withUnknown(f, { path: 'capacityProvider', reason: 'skipped', detail: '--no-capacity-providers' });
    if (isUnknown(providers)) return withUnknown(f, providers);
    const found = providers.get(arn);
    if (found) return { ...f, capacityProvider: found };
    // Created after the listing, or deleted since: a provider the function names cannot vanish
    // while the function uses it, so this is a read that did not see it.
    return withUnknown(f, { path: 'capacityProvider', reason: 'failed', detail: 'not found by ListCapacityProviders' });
  });
}

function isUnknown(providers: CapacityProviders): providers is UnknownPart {
  return 'reason' in providers;
}

function withUnknown(f: FunctionRecord, part: UnknownPart): FunctionRecord {
  return { ...f, unknown: [...(f.unknown ?? []), part] };
}

/** What a rule may need of a provider: no timestamps (drift would see every scaling event). */
function providerInfo(p: CapacityProvider): CapacityProviderInfo | undefined {
  if (p.CapacityProviderArn === undefined) return undefined;
  const vpc = p.VpcConfig;
  const req = p.InstanceRequirements;
  return {
    CapacityProviderArn: p.CapacityProviderArn,
    ...(p.State === undefined ? {} : { State: p.State }),
    ...(vpc === undefined
      ? {}
      : {
          VpcConfig: {
            ...(vpc.SubnetIds === undefined ? {} : { SubnetIds: [...vpc.SubnetIds] }),
            ...(vpc.SecurityGroupIds === undefined ? {} : { SecurityGroupIds: [...vpc.SecurityGroupIds] }),
          },
        }),
    ...(p.PermissionsConfig?.CapacityProviderOperatorRoleArn === undefined
      ? {}
      : {
          PermissionsConfig: { CapacityProviderOperatorRoleArn: p.PermissionsConfig.CapacityProviderOperatorRoleArn },
        }),
    ...(req === undefined
      ? {}
      : {
          InstanceRequirements: {
            ...(req.Architectures === undefined ? {} : { Architectures: [...req.Architectures] }),
            ...(req.AllowedInstanceTypes === undefined ? {} : { AllowedInstanceTypes: [...req.AllowedInstanceTypes] }),
            ...(req.ExcludedInstanceTypes === undefined
              ? {}
              : { ExcludedInstanceTypes: [...req.ExcludedInstanceTypes] }),
          },
        }),
    ...(p.KmsKeyArn === undefined || p.KmsKeyArn === '' ? {} : { KmsKeyArn: p.KmsKeyArn }),
  };
}
