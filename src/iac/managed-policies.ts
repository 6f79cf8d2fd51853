/**
 * AWS managed policies, offline: the documents of the ones execution roles commonly hold, shipped
 * as dated data (`policies/aws-managed-policies.json`, from moto's copy of AWS's documents; see
 * scripts/iam-policy-data.py). A template or plan names a managed policy by ARN (or, in SAM, by
 * name); a policy that is not in the data is left out of `AccountIam.policies`, which makes it
 * unknown to the role rules, never empty.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normalisePolicy } from '../snapshot/policy.js';
import type { IamManagedPolicy } from '../snapshot/types.js';

export const MANAGED_POLICIES_FILE = fileURLToPath(
  new URL('../../policies/aws-managed-policies.json', import.meta.url),
);

interface ManagedPolicyData {
  readonly source: string;
  readonly taken: string;
  readonly policies: Readonly<Record<string, { name: string; version: string; updated: string; document: unknown }>>;
}

let loaded: { byArn: Map<string, IamManagedPolicy>; byName: Map<string, string>; data: ManagedPolicyData } | undefined;

function data(): NonNullable<typeof loaded> {
  if (!loaded) {
    const raw = JSON.parse(readFileSync(MANAGED_POLICIES_FILE, 'utf8')) as ManagedPolicyData;
    const byArn = new Map<string, IamManagedPolicy>();
    const byName = new Map<string, string>();
    for (const [arn, p] of Object.entries(raw.policies)) {
      byArn.set(arn, { arn, name: p.name, version: p.version, document: normalisePolicy(p.document) });
      byName.set(p.name, arn);
    }
    loaded = { byArn, byName, data: raw };
  }
  return loaded;
}

/** Where the data comes from and the day it was taken (for docs and reports). */
export function managedPolicySource(): { readonly source: string; readonly taken: string } {
  const { source, taken } = data().data;
  return { source, taken };
}

/** The AWS managed policy with this ARN (default version), or undefined when the data does not hold it. */
export function awsManagedPolicy(arn: string): IamManagedPolicy | undefined {
  const known = data().byArn.get(awsPartitionArn(arn));
  return known && { ...known, arn };
}

/** True for `arn:<partition>:iam::aws:policy/...`: AWS's, not the account's. */
export function isAwsManagedArn(arn: string): boolean {
  return /^arn:aws[\w-]*:iam::aws:policy\//.test(arn);
}

/**
 * A managed policy as SAM's `Policies` names it: an ARN stays; an AWS managed policy's name becomes
 * its ARN (with its path, `service-role/` for the Lambda execution roles). A name the data does not
 * know becomes `arn:aws:iam::aws:policy/NAME` (SAM looks it up in its own list; unknown to us either way).
 */
export function managedPolicyArn(nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return data().byName.get(nameOrArn) ?? `arn:aws:iam::aws:policy/${nameOrArn}`;
}

/** The data is for the `aws` partition; the documents are the same in the others. */
function awsPartitionArn(arn: string): string {
  return arn.replace(/^arn:aws[\w-]*:/, 'arn:aws:');
}
