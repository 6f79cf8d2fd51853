/**
 * Code signing: the region's code signing configs (ListCodeSigningConfigs) and, per config, the
 * functions that use it (ListFunctionsByCodeSigningConfig), attached to those functions as
 * `codeSigning`. Read-only, API path `/2020-04-22/code-signing-configs`.
 *
 * - Once per region plus once per config (a region holds a handful), paginated; never a call per
 *   function (GetFunctionCodeSigningConfig is not used).
 * - Only when a listed function is a Zip function: image functions cannot use code signing, so a
 *   region of container images pays nothing. The read starts as soon as the listing shows a Zip
 *   function, on the shared 15 rps control-plane lane behind the listing's pages, and overlaps the
 *   GetFunction and GetPolicy calls.
 * - `codeSigning` is the config (policy and allowed publishers), or `null` when the read succeeded
 *   and no config names the function.
 * - Not fatal: refused or failed, every Zip function of the region gets an unknown part
 *   `codeSigning` (reason `denied` or `failed`); `--no-code-signing` gives `skipped`. The code
 *   signing rules are not judged there; the run is not incomplete for it (as for tags).
 */
import type { CodeSigningConfig, LambdaClient } from '@aws-sdk/client-lambda';
import type { CodeSigningInfo, FunctionRecord, UnknownPart } from '../snapshot/types.js';
import { withSignal } from './client.js';
import type { QuotaLane } from './lane.js';
import { errorInfo } from './retry.js';
import { loadLambdaSdk } from './sdk.js';

// By require, not import (./sdk.ts).
const { ListCodeSigningConfigsCommand, ListFunctionsByCodeSigningConfigCommand } = loadLambdaSdk();

/** Items per page of either listing. */
export const CODE_SIGNING_PAGE = 50;

/** Each function's config, keyed by its unqualified ARN; or why they are unknown. */
export type CodeSigningConfigs = ReadonlyMap<string, CodeSigningInfo> | UnknownPart;

export async function readCodeSigning(
  client: LambdaClient,
  lane: QuotaLane,
  signal: AbortSignal,
): Promise<CodeSigningConfigs> {
  const configs: CodeSigningInfo[] = [];
  let marker: string | undefined;
  do {
    const next = marker;
    const res = await lane.call(
      (s) =>
        client.send(
          withSignal(
            new ListCodeSigningConfigsCommand({
              MaxItems: CODE_SIGNING_PAGE,
              ...(next === undefined ? {} : { Marker: next }),
            }),
            s,
          ),
        ),
      signal,
    );
    if (!res.ok) return unknownFrom('ListCodeSigningConfigs', res.kind, errorInfo(res.error, res.attempts).code);
    // An answer without a body (a stub, a proxy) lists nothing.
    const page = res.value as Partial<typeof res.value> | undefined;
    for (const c of page?.CodeSigningConfigs ?? []) {
      const info = configInfo(c);
      if (info) configs.push(info);
    }
    marker = page?.NextMarker;
  } while (marker);

  // The configs' function lists at once: each is a few pages at most, and the lane paces them.
  const lists = await Promise.all(configs.map((c) => readFunctions(client, lane, signal, c.CodeSigningConfigArn)));
  const byFunction = new Map<string, CodeSigningInfo>();
  for (const [i, list] of lists.entries()) {
    if (!Array.isArray(list)) return list;
    const config = configs[i];
    if (config === undefined) continue;
    for (const arn of list) byFunction.set(unqualifiedArn(arn), config);
  }
  return byFunction;
}

async function readFunctions(
  client: LambdaClient,
  lane: QuotaLane,
  signal: AbortSignal,
  configArn: string,
): Promise<string[] | UnknownPart> {
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    const next = marker;
    const res = await lane.call(
      (s) =>
        client.send(
          withSignal(
            new ListFunctionsByCodeSigningConfigCommand({
              CodeSigningConfigArn: configArn,
              MaxItems: CODE_SIGNING_PAGE,
              ...(next === undefined ? {} : { Marker: next }),
            }),
            s,
          ),
        ),
      signal,
    );
    if (!res.ok) {
      // Deleted between the two listings: it names no function any more.
      if (res.kind === 'not-found') return arns;
      return unknownFrom('ListFunctionsByCodeSigningConfig', res.kind, errorInfo(res.error, res.attempts).code);
    }
    const page = res.value as Partial<typeof res.value> | undefined;
    arns.push(...(page?.FunctionArns ?? []));
    marker = page?.NextMarker;
  } while (marker);
  return arns;
}

function unknownFrom(action: string, kind: string, code: string): UnknownPart {
  return { path: 'codeSigning', reason: kind === 'denied' ? 'denied' : 'failed', detail: `lambda:${action} ${code}` };
}

/**
 * `arn:aws:lambda:r:a:function:name[:qualifier]` -> `arn:aws:lambda:r:a:function:name`: a config
 * applies to the function, whichever ARN form the listing gives.
 */
export function unqualifiedArn(arn: string): string {
  return arn.split(':').slice(0, 7).join(':');
}

/** Image functions cannot use code signing (`PackageType` absent means Zip). */
export function isZipFunction(config: { readonly PackageType?: string | undefined }): boolean {
  return config.PackageType !== 'Image';
}

/**
 * The records with `codeSigning` on each function (the config, or `null`), or the unknown part on
 * each Zip function that says why not (`skipped` when `configs` is undefined: not read by choice).
 * Not called for a region without a Zip function: nothing was read there and nothing is attached.
 */
export function withCodeSigning(
  functions: readonly FunctionRecord[],
  configs: CodeSigningConfigs | undefined,
): FunctionRecord[] {
  return functions.map((f) => {
    if (f.status === 'vanished') return f;
    if (configs !== undefined && !isUnknown(configs))
      return { ...f, codeSigning: configs.get(unqualifiedArn(f.arn)) ?? null };
    if (!isZipFunction(f.configuration)) return f;
    const part: UnknownPart = configs ?? { path: 'codeSigning', reason: 'skipped', detail: '--no-code-signing' };
    return { ...f, unknown: [...(f.unknown ?? []), part] };
  });
}

function isUnknown(configs: CodeSigningConfigs): configs is UnknownPart {
  return 'reason' in configs;
}

/** What the rules and drift need of a config: its policy and publishers (no timestamps). */
function configInfo(c: CodeSigningConfig): CodeSigningInfo | undefined {
  if (c.CodeSigningConfigArn === undefined) return undefined;
  return {
    CodeSigningConfigArn: c.CodeSigningConfigArn,
    // The API's default is Warn: a config without a policy does not block unsigned code.
    UntrustedArtifactOnDeployment: c.CodeSigningPolicies?.UntrustedArtifactOnDeployment ?? 'Warn',
    AllowedPublishers: {
      SigningProfileVersionArns: [...(c.AllowedPublishers?.SigningProfileVersionArns ?? [])].sort(),
    },
  };
}
