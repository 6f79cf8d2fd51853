/**
 * Code signing in the demo fleet: per region, a few Zip functions get a code signing config, one
 * that enforces (`Enforce`: nothing fires) and one that only warns (`Warn`:
 * `code-signing-not-enforced`); every other Zip function has none (`code-signing-missing`); image
 * functions cannot use code signing and are not judged. A config that names no function is listed
 * too, as in a real account. Planted after every other draw, from the function index alone.
 *
 * Served as Lambda does (`/2020-04-22/code-signing-configs`, restJson1). moto has no code-signing
 * listing: this simulator is where ListCodeSigningConfigs and ListFunctionsByCodeSigningConfig are
 * exercised.
 */
import type { CodeSigningConfig } from '@aws-sdk/client-lambda';
import type { Fleet, SimFunction } from './fleet.js';

export const CODE_SIGNING_RULES = ['code-signing-missing', 'code-signing-not-enforced'] as const;
export type CodeSigningRuleId = (typeof CODE_SIGNING_RULES)[number];

/** The code signing rules that should fire on the function. */
export function expectedCodeSigning(fn: SimFunction): CodeSigningRuleId[] {
  if (fn.configuration.PackageType === 'Image') return [];
  const policy = fn.codeSigning?.CodeSigningPolicies?.UntrustedArtifactOnDeployment;
  if (fn.codeSigning === undefined) return ['code-signing-missing'];
  return policy === 'Enforce' ? [] : ['code-signing-not-enforced'];
}

/** The ARN ListFunctionsByCodeSigningConfig gives for a function: every other one qualified, as Lambda may. */
export function listedArn(fn: SimFunction, i: number): string {
  const arn = fn.configuration.FunctionArn ?? '';
  return i % 2 === 0 ? arn : `${arn}:$LATEST`;
}

/** One account-region's configs: those its functions use and its unused one, by ARN. */
export function codeSigningConfigsOf(
  functions: Iterable<SimFunction>,
  account: string,
  region: string,
): CodeSigningConfig[] {
  const byArn = new Map<string, CodeSigningConfig>();
  for (const fn of functions) {
    const c = fn.codeSigning;
    if (c?.CodeSigningConfigArn !== undefined) byArn.set(c.CodeSigningConfigArn, c);
  }
  if (byArn.size > 0) {
    const unused = makeConfig(account, region, 'csc-0000000000000000f', 'Enforce');
    byArn.set(unused.CodeSigningConfigArn ?? '', unused);
  }
  return [...byArn.values()].sort((a, b) => ((a.CodeSigningConfigArn ?? '') < (b.CodeSigningConfigArn ?? '') ? -1 : 1));
}

/** The functions a config names, in the fleet's order. */
export function functionsOfConfig(functions: Iterable<SimFunction>, configArn: string): SimFunction[] {
  return [...functions].filter((f) => f.codeSigning?.CodeSigningConfigArn === configArn);
}

function makeConfig(account: string, region: string, id: string, policy: 'Enforce' | 'Warn'): CodeSigningConfig {
  return {
    CodeSigningConfigId: id,
    CodeSigningConfigArn: `arn:aws:lambda:${region}:${account}:code-signing-config:${id}`,
    Description: policy === 'Enforce' ? 'release pipeline: signed artifacts only' : 'signing rollout: warn only',
    AllowedPublishers: {
      SigningProfileVersionArns: [`arn:aws:signer:${region}:${account}:/signing-profiles/release/a1b2c3d4e5`],
    },
    CodeSigningPolicies: { UntrustedArtifactOnDeployment: policy },
    LastModified: '2026-10-01T09:00:00.000+0000',
  };
}

/** Gives a few Zip functions of each region a config: every 25th enforces, every 25th (offset) only warns. */
export function plantCodeSigning(fleet: Fleet, account: string): void {
  for (const [region, functions] of fleet) {
    const zip = [...functions.values()]
      .filter((f) => f.configuration.PackageType !== 'Image')
      .sort((a, b) => ((a.configuration.FunctionName ?? '') < (b.configuration.FunctionName ?? '') ? -1 : 1));
    if (zip.length < 4) continue;
    const enforce = makeConfig(account, region, 'csc-0e0f0000000000001', 'Enforce');
    const warn = makeConfig(account, region, 'csc-0a0a0000000000002', 'Warn');
    zip.forEach((fn, i) => {
      if (i % 25 === 1) fn.codeSigning = enforce;
      else if (i % 25 === 2) fn.codeSigning = warn;
    });
  }
}
