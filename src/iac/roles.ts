/**
 * Execution roles from CloudFormation (and expanded SAM, and cdk.out) templates: the role a
 * function's `Role` points at (`!GetAtt R.Arn`, `!Ref`, `!Sub`, or a literal ARN naming a role of
 * the template), read into the crawler's `IamRole` shape with the policies attached to it in the
 * same template (`Policies`, `ManagedPolicyArns`, `PermissionsBoundary`, `AssumeRolePolicyDocument`,
 * `AWS::IAM::Policy`, `AWS::IAM::RolePolicy`, `AWS::IAM::ManagedPolicy`).
 *
 * A role without `RoleName` gets `arn:aws:iam::<account>:role/<path><logical id>` (CloudFormation
 * would add the stack name and a random suffix); the record's `configuration.Role` holds the same
 * ARN. In documents, a reference to another resource of the template (`!GetAtt Table.Arn`, `${Bucket}`)
 * names one specific resource known at deploy: it is kept as `(unknown: EXPR)` inside the string,
 * which matches no pattern but itself and is never a wildcard. Anything else unresolved (a
 * parameter with no value, an import) could be anything, `*` included: the document is unknown.
 */
import { MalformedPolicyError, normalisePolicy } from '../snapshot/policy.js';
import type { IamInlinePolicy, IamManagedPolicy, IamRole, PolicyDocument, UnknownPart } from '../snapshot/types.js';
import { containsPlanTime, PlanTime, type Resolver } from './intrinsics.js';
import { isObject, type TemplateResource } from './sam.js';

/** A role of the template, as the function's record and the account's IAM hold it. */
export interface PlannedRole {
  readonly role: IamRole;
  /** Customer managed policies of the template attached to the role (known documents only). */
  readonly policies: readonly IamManagedPolicy[];
}

export interface RoleScope {
  readonly resources: readonly TemplateResource[];
  readonly byId: ReadonlyMap<string, TemplateResource>;
  readonly account: string;
  /** Pseudo parameters known for the template (a CDK environment's). */
  readonly pseudo: Readonly<Record<string, string>>;
}

/** Pseudo parameters the resolver cannot know before deploy: one specific value each, never a wildcard. */
const DEPLOY_PSEUDO = new Set(['AWS::Region', 'AWS::StackName', 'AWS::StackId', 'AWS::NotificationARNs']);

/**
 * The role of the template that `value` (a function's raw `Role`) points at, or undefined when the
 * role is defined outside the template (a literal ARN of another role, a parameter, an import).
 */
export function templateRole(value: unknown, scope: RoleScope, resolver: Resolver): PlannedRole | undefined {
  const reader = new RoleReader(scope, resolver);
  const id = reader.roleId(value);
  return id === undefined ? undefined : reader.read(id);
}

class RoleReader {
  constructor(
    private readonly scope: RoleScope,
    private readonly resolver: Resolver,
  ) {}

  private live(r: TemplateResource | undefined): r is TemplateResource {
    return r !== undefined && (r.Condition === undefined || this.resolver.condition(r.Condition));
  }

  private isRole(id: string): boolean {
    return this.live(this.scope.byId.get(id)) && this.scope.byId.get(id)?.Type === 'AWS::IAM::Role';
  }

  roleId(value: unknown): string | undefined {
    if (isObject(value)) {
      const [key, arg] = Object.entries(value)[0] ?? [];
      if (key === 'Fn::If' && Array.isArray(arg))
        return this.roleId(this.resolver.condition(String(arg[0])) ? arg[1] : arg[2]);
      if (key === 'Fn::GetAtt') {
        const [id] = typeof arg === 'string' ? arg.split('.') : Array.isArray(arg) ? arg.map(String) : [];
        return id !== undefined && this.isRole(id) ? id : undefined;
      }
      if (key === 'Ref') return typeof arg === 'string' && this.isRole(arg) ? arg : undefined;
      if (key === 'Fn::Sub') {
        const text = typeof arg === 'string' ? arg : Array.isArray(arg) ? String(arg[0]) : '';
        for (const m of text.matchAll(/\$\{([^}!.]+)(\.Arn)?\}/g)) if (this.isRole(m[1] as string)) return m[1];
      }
    }
    // A literal (or resolvable) ARN that names a role of the template.
    const resolved = this.resolver.resolve(value);
    if (typeof resolved !== 'string') return undefined;
    for (const r of this.scope.resources)
      if (
        r.Type === 'AWS::IAM::Role' &&
        this.live(r) &&
        resolved.endsWith(`:role${this.rolePath(r)}${this.roleName(r)}`)
      )
        return r.id;
    return undefined;
  }

  private text(value: unknown, fallback: string): string {
    const v = value === undefined ? undefined : this.resolver.resolve(value);
    return typeof v === 'string' ? v : fallback;
  }

  private roleName(r: TemplateResource): string {
    return this.text(r.Properties.RoleName, r.id);
  }

  private rolePath(r: TemplateResource): string {
    return this.text(r.Properties.Path, '/');
  }

  private roleArn(r: TemplateResource): string {
    return `arn:aws:iam::${this.scope.account}:role${this.rolePath(r)}${this.roleName(r)}`;
  }

  private policyArn(r: TemplateResource): string {
    const name = this.text(r.Properties.ManagedPolicyName, r.id);
    return `arn:aws:iam::${this.scope.account}:policy${this.text(r.Properties.Path, '/')}${name}`;
  }

  read(id: string): PlannedRole {
    const r = this.scope.byId.get(id) as TemplateResource;
    const name = this.roleName(r);
    const unknown: UnknownPart[] = [...(r.unknown ?? [])];
    const part = (path: string, detail: string): void => {
      unknown.push({ path, reason: 'plan-time', detail });
    };
    const p = r.Properties;
    const trust = this.document(p.AssumeRolePolicyDocument);
    if (typeof trust === 'string') part('trustPolicy', trust);

    const inline: IamInlinePolicy[] = [];
    const addInline = (policyName: unknown, document: unknown, resolved = false): void => {
      const doc = this.document(document, resolved);
      if (typeof doc === 'string') part('inlinePolicies', doc);
      else inline.push({ name: typeof policyName === 'string' ? policyName : 'policy', document: doc });
    };
    const listed = this.value(p.Policies ?? []);
    if (!Array.isArray(listed)) part('inlinePolicies', `Policies: ${(listed as PlanTime).detail}`);
    else
      for (const entry of listed)
        if (isObject(entry)) addInline(entry.PolicyName, entry.PolicyDocument, true);
        else part('inlinePolicies', 'a policy of Policies is unknown until deploy');

    const managed: string[] = [];
    const listedArns = this.value(p.ManagedPolicyArns ?? []);
    if (!Array.isArray(listedArns)) part('managedPolicies', 'ManagedPolicyArns is unknown until deploy');
    else
      for (const arn of listedArns as unknown[])
        if (typeof arn === 'string') managed.push(arn);
        else part('managedPolicies', `a managed policy ARN is ${arn instanceof PlanTime ? arn.detail : 'unknown'}`);

    const policies: IamManagedPolicy[] = [];
    const ownPolicy = (arn: string): void => {
      const found = this.scope.resources.find((m) => m.Type === 'AWS::IAM::ManagedPolicy' && this.policyArn(m) === arn);
      if (!found || policies.some((x) => x.arn === arn)) return;
      const doc = this.document(found.Properties.PolicyDocument);
      // Unknown document: left out of `policies`, so the policy is unknown to the rules.
      if (typeof doc !== 'string')
        policies.push({ arn, name: this.text(found.Properties.ManagedPolicyName, found.id), document: doc });
    };

    for (const other of this.scope.resources) {
      if (!this.live(other)) continue;
      const props = other.Properties;
      if (other.Type === 'AWS::IAM::Policy' && this.names(props.Roles).includes(name))
        addInline(this.value(props.PolicyName), props.PolicyDocument);
      else if (other.Type === 'AWS::IAM::RolePolicy' && this.value(props.RoleName) === name)
        addInline(this.value(props.PolicyName), props.PolicyDocument);
      else if (other.Type === 'AWS::IAM::ManagedPolicy' && this.names(props.Roles).includes(name)) {
        const arn = this.policyArn(other);
        if (!managed.includes(arn)) managed.push(arn);
      }
    }
    let permissionsBoundary: string | undefined;
    if (p.PermissionsBoundary !== undefined) {
      const b = this.value(p.PermissionsBoundary);
      if (typeof b === 'string') permissionsBoundary = b;
      else part('permissionsBoundary', b instanceof PlanTime ? b.detail : 'not an ARN');
    }
    for (const arn of [...managed, ...(permissionsBoundary === undefined ? [] : [permissionsBoundary])]) ownPolicy(arn);
    const role: IamRole = {
      arn: this.roleArn(r),
      name,
      trustPolicy: typeof trust === 'string' ? { Statement: [] } : trust,
      inlinePolicies: inline,
      managedPolicies: managed,
      ...(permissionsBoundary === undefined ? {} : { permissionsBoundary }),
      ...(unknown.length > 0 ? { unknown } : {}),
    };
    return { role, policies };
  }

  /** Role names a `Roles` list holds (a `Ref` to a role of the template is its name). */
  private names(value: unknown): string[] {
    const v = this.value(value ?? []);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }

  /** A normalised document, or why it is unknown. `resolved`: `raw` went through `value` already. */
  private document(raw: unknown, resolved = false): PolicyDocument | string {
    if (raw === undefined) return 'no document';
    const v = resolved ? raw : this.value(raw);
    if (containsPlanTime(v)) return `a document with ${firstPlanTime(v)?.detail ?? 'a value'} unknown until deploy`;
    try {
      return normalisePolicy(v);
    } catch (error) {
      if (error instanceof MalformedPolicyError) return 'not a policy document';
      throw error;
    }
  }

  /** Resolves `raw` with this template's resources named (see the module comment). */
  private value(raw: unknown): unknown {
    return this.resolver.resolve(this.name(raw));
  }

  private name(node: unknown): unknown {
    if (node instanceof PlanTime) return node;
    if (Array.isArray(node)) return node.map((n) => this.name(n));
    if (!isObject(node)) return node;
    const entries = Object.entries(node);
    const [key, arg] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref' && typeof arg === 'string') return this.reference(arg) ?? node;
    if (entries.length === 1 && key === 'Fn::GetAtt') {
      const [id, attribute] = typeof arg === 'string' ? arg.split('.', 2) : Array.isArray(arg) ? arg.map(String) : [];
      if (id !== undefined && attribute !== undefined) return this.reference(id, attribute) ?? node;
    }
    if (entries.length === 1 && key === 'Fn::Sub') {
      const [text, vars]: unknown[] =
        typeof arg === 'string' ? [arg, undefined] : Array.isArray(arg) ? (arg as unknown[]) : [arg, undefined];
      const variables = isObject(vars) ? vars : {};
      const named = String(text).replace(/\$\{([^}!]+)\}/g, (whole, expr: string) => {
        if (expr in variables) return whole;
        const [id, attribute] = expr.split('.', 2) as [string, string | undefined];
        return this.reference(id, attribute) ?? whole;
      });
      return { 'Fn::Sub': isObject(vars) ? [named, this.name(vars)] : named };
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.name(v)]));
  }

  /** What a `Ref`/`GetAtt` of the template stands for here, or undefined to leave it to the resolver. */
  private reference(id: string, attribute?: string): string | undefined {
    if (id.startsWith('AWS::'))
      return DEPLOY_PSEUDO.has(id) && this.scope.pseudo[id] === undefined ? `(unknown: ${id})` : undefined;
    const r = this.scope.byId.get(id);
    if (!r) return undefined;
    if (r.Type === 'AWS::IAM::Role' && attribute === undefined) return this.roleName(r);
    if (r.Type === 'AWS::IAM::Role' && attribute === 'Arn') return this.roleArn(r);
    if (r.Type === 'AWS::IAM::ManagedPolicy' && (attribute === undefined || attribute === 'PolicyArn'))
      return this.policyArn(r);
    return `(unknown: ${attribute === undefined ? `Ref ${id}` : `${id}.${attribute}`})`;
  }
}

function firstPlanTime(value: unknown): PlanTime | undefined {
  if (value instanceof PlanTime) return value;
  if (Array.isArray(value)) return value.map(firstPlanTime).find((v) => v !== undefined);
  if (isObject(value))
    return Object.values(value)
      .map(firstPlanTime)
      .find((v) => v !== undefined);
  return undefined;
}
