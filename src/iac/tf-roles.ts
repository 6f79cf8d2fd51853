/**
 * Execution roles from a Terraform plan (`terraform show -json`): `aws_iam_role`
 * (`assume_role_policy`, `inline_policy` blocks, `managed_policy_arns`, `permissions_boundary`),
 * `aws_iam_role_policy`, `aws_iam_role_policy_attachment` and `aws_iam_policy`, with documents as
 * the plan shows them (`jsonencode(...)` and `data.aws_iam_policy_document` are rendered JSON when
 * Terraform could evaluate them at plan time; otherwise they are unknown).
 *
 * Values known only after apply (a role's `arn`, a policy's `arn`) are followed through the plan's
 * `configuration` expression references (`aws_iam_role.x.arn` -> the resource `aws_iam_role.x`).
 * A role without a known name gets `arn:aws:iam::<account>:role/<path><address>`; a policy,
 * `arn:aws:iam::<account>:policy/<path><name or address>`; the function's record holds the same.
 * `inline_policy` and `managed_policy_arns` left out of the configuration are not managed by the
 * role resource (the plan marks them unknown): they count as none, plus the attachments.
 */
import { MalformedPolicyError, normalisePolicy } from '../snapshot/policy.js';
import type { IamInlinePolicy, IamManagedPolicy, IamRole, PolicyDocument, UnknownPart } from '../snapshot/types.js';
import type { PlannedRole } from './roles.js';
import { isObject } from './sam.js';

interface Resource {
  readonly address: string;
  readonly module: string;
  readonly type: string;
  readonly after: Record<string, unknown>;
  readonly unknown: Record<string, unknown>;
  readonly expressions: Record<string, unknown>;
}

const TYPES = new Set([
  'aws_lambda_function',
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_iam_role_policy_attachment',
  'aws_iam_policy',
]);

/** Reads the plan's IAM once; `roleOf(address)` gives a function's role, when the plan defines it. */
export function planRoles(
  plan: Record<string, unknown>,
  account: string,
): (fnAddress: string) => PlannedRole | undefined {
  const resources = new Map<string, Resource>();
  for (const rc of Array.isArray(plan.resource_changes) ? plan.resource_changes : []) {
    if (!isObject(rc) || rc.mode === 'data' || !isObject(rc.change) || !TYPES.has(String(rc.type))) continue;
    const actions = Array.isArray(rc.change.actions) ? rc.change.actions : [];
    if (!actions.some((a) => a !== 'delete')) continue;
    const module = typeof rc.module_address === 'string' ? rc.module_address : '';
    resources.set(String(rc.address), {
      address: String(rc.address),
      module,
      type: String(rc.type),
      after: isObject(rc.change.after) ? rc.change.after : {},
      unknown: isObject(rc.change.after_unknown) ? rc.change.after_unknown : {},
      expressions: expressionsOf(plan, module, String(rc.type), String(rc.name)),
    });
  }
  const reader = new PlanRoleReader([...resources.values()], account);
  return (address) => {
    const fn = resources.get(address);
    const role = fn && reader.linked(fn, 'role', 'aws_iam_role');
    return role && reader.read(role);
  };
}

class PlanRoleReader {
  constructor(
    private readonly resources: readonly Resource[],
    private readonly account: string,
  ) {}

  /** A known value; `undefined` when unknown until apply or absent. */
  private known(r: Resource, attribute: string): unknown {
    if (r.unknown[attribute] === true) return undefined;
    return r.after[attribute] ?? undefined;
  }

  private isUnknown(r: Resource, attribute: string): boolean {
    return r.unknown[attribute] === true;
  }

  /** Addresses the configuration's expression for `attribute` refers to (in `r`'s module). */
  private references(r: Resource, attribute: string): string[] {
    const e = r.expressions[attribute];
    const refs = isObject(e) && Array.isArray(e.references) ? e.references : [];
    const prefix = r.module === '' ? '' : `${r.module}.`;
    return refs.map((ref) => `${prefix}${String(ref).split('.').slice(0, 2).join('.')}`);
  }

  private configured(r: Resource, attribute: string): boolean {
    return attribute in r.expressions;
  }

  /** The resource of `type` that `r.attribute` names: by its known value (name or ARN), else by reference. */
  linked(r: Resource, attribute: string, type: string): Resource | undefined {
    const value = this.known(r, attribute);
    const candidates = this.resources.filter((c) => c.type === type);
    if (typeof value === 'string') {
      const found = candidates.find((c) => value === this.arn(c) || value === this.name(c));
      if (found) return found;
    }
    const refs = this.references(r, attribute);
    return candidates.find((c) => refs.some((ref) => c.address === ref || c.address.startsWith(`${ref}[`)));
  }

  private name(r: Resource): string {
    const name = this.known(r, 'name');
    return typeof name === 'string' ? name : r.address;
  }

  private arn(r: Resource): string {
    const arn = this.known(r, 'arn');
    if (typeof arn === 'string') return arn;
    const path = this.known(r, 'path');
    const kind = r.type === 'aws_iam_role' ? 'role' : 'policy';
    return `arn:aws:iam::${this.account}:${kind}${typeof path === 'string' ? path : '/'}${this.name(r)}`;
  }

  /** A managed policy ARN attribute: its known value, or the `aws_iam_policy` it refers to. */
  private policyArn(r: Resource, attribute: string): string | undefined {
    const value = this.known(r, attribute);
    if (typeof value === 'string') return value;
    const policy = this.linked(r, attribute, 'aws_iam_policy');
    return policy && this.arn(policy);
  }

  read(role: Resource): PlannedRole {
    const unknown: UnknownPart[] = [];
    const part = (path: string, detail: string): void => {
      unknown.push({ path, reason: 'plan-time', detail });
    };
    const trust = document(this.known(role, 'assume_role_policy'));
    if (typeof trust === 'string') part('trustPolicy', `${role.address}.assume_role_policy ${trust}`);

    const inline: IamInlinePolicy[] = [];
    const addInline = (name: unknown, policy: unknown, where: string): void => {
      const doc = document(policy);
      if (typeof doc === 'string') part('inlinePolicies', `${where} ${doc}`);
      else inline.push({ name: typeof name === 'string' ? name : where, document: doc });
    };
    if (this.configured(role, 'inline_policy')) {
      const blocks = role.after.inline_policy;
      const flags = Array.isArray(role.unknown.inline_policy) ? role.unknown.inline_policy : [];
      if (!Array.isArray(blocks)) part('inlinePolicies', `${role.address}.inline_policy (known after apply)`);
      else
        blocks.forEach((block, i) => {
          const flag: unknown = flags[i];
          const policyUnknown = isObject(flag) && flag.policy === true;
          if (isObject(block))
            addInline(block.name, policyUnknown ? undefined : block.policy, `${role.address}.inline_policy[${i}]`);
        });
    }

    const managed: string[] = [];
    const addManaged = (arn: string): void => {
      if (!managed.includes(arn)) managed.push(arn);
    };
    if (this.configured(role, 'managed_policy_arns')) {
      const listed = role.after.managed_policy_arns;
      const flags = role.unknown.managed_policy_arns;
      const policies = this.references(role, 'managed_policy_arns')
        .map((ref) => this.resources.find((c) => c.type === 'aws_iam_policy' && c.address === ref))
        .filter((c): c is Resource => c !== undefined);
      if (flags === true || (Array.isArray(flags) && flags.some((f) => f === true))) {
        // Some ARNs are known only after apply: the policies of the plan it refers to stand for them.
        if (policies.length === 0) part('managedPolicies', `${role.address}.managed_policy_arns (known after apply)`);
        for (const p of policies) addManaged(this.arn(p));
      }
      if (Array.isArray(listed))
        listed.forEach((arn, i) => {
          if (typeof arn === 'string' && !(Array.isArray(flags) && flags[i] === true)) addManaged(arn);
        });
    }

    let permissionsBoundary: string | undefined;
    if (this.known(role, 'permissions_boundary') !== undefined || this.isUnknown(role, 'permissions_boundary')) {
      permissionsBoundary = this.policyArn(role, 'permissions_boundary');
      if (permissionsBoundary === undefined)
        part('permissionsBoundary', `${role.address}.permissions_boundary (known after apply)`);
    }

    for (const r of this.resources) {
      if (r.type === 'aws_iam_role_policy' && this.linked(r, 'role', 'aws_iam_role') === role)
        addInline(this.known(r, 'name'), this.known(r, 'policy'), r.address);
      if (r.type === 'aws_iam_role_policy_attachment' && this.linked(r, 'role', 'aws_iam_role') === role) {
        const arn = this.policyArn(r, 'policy_arn');
        if (arn === undefined) part('managedPolicies', `${r.address}.policy_arn (known after apply)`);
        else addManaged(arn);
      }
    }

    const policies: IamManagedPolicy[] = [];
    for (const arn of [...managed, ...(permissionsBoundary === undefined ? [] : [permissionsBoundary])]) {
      const p = this.resources.find((c) => c.type === 'aws_iam_policy' && this.arn(c) === arn);
      const doc = p && document(this.known(p, 'policy'));
      // A policy whose document is unknown is left out of `policies`: unknown to the rules.
      if (p && doc !== undefined && typeof doc !== 'string') policies.push({ arn, name: this.name(p), document: doc });
    }

    const iamRole: IamRole = {
      arn: this.arn(role),
      name: this.name(role),
      trustPolicy: typeof trust === 'string' ? { Statement: [] } : trust,
      inlinePolicies: inline,
      managedPolicies: managed,
      ...(permissionsBoundary === undefined ? {} : { permissionsBoundary }),
      ...(unknown.length > 0 ? { unknown } : {}),
    };
    return { role: iamRole, policies };
  }
}

/** A policy JSON string as the plan shows it, normalised; or why it is unknown. */
function document(value: unknown): PolicyDocument | string {
  if (typeof value !== 'string') return '(known after apply)';
  try {
    return normalisePolicy(value);
  } catch (error) {
    if (error instanceof MalformedPolicyError) return '(not a policy document)';
    throw error;
  }
}

function expressionsOf(
  plan: Record<string, unknown>,
  module: string,
  type: string,
  name: string,
): Record<string, unknown> {
  let at: unknown = isObject(plan.configuration) ? plan.configuration.root_module : undefined;
  for (const m of module.matchAll(/module\.([\w-]+)/g)) {
    const call = isObject(at) && isObject(at.module_calls) ? at.module_calls[m[1] as string] : undefined;
    at = isObject(call) ? call.module : undefined;
  }
  const resources = isObject(at) && Array.isArray(at.resources) ? at.resources : [];
  const found = resources.find((r): r is Record<string, unknown> => isObject(r) && r.type === type && r.name === name);
  return found && isObject(found.expressions) ? found.expressions : {};
}
