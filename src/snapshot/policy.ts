/**
 * Resource-based policies in one normalised shape, whoever produced them: GetPolicy's JSON string,
 * a CloudFormation `AWS::Lambda::Permission`, a Terraform `aws_lambda_permission`. Rules and YAML
 * conditions then see one shape: every single value becomes a one-element list, and
 * `"Principal": "*"` becomes `{ "AWS": ["*"] }` (IAM treats the two alike).
 */
import type { PolicyStatement, ResourcePolicy } from './types.js';

/** A policy document that is not JSON or not a policy. The message never quotes the document. */
export class MalformedPolicyError extends Error {
  override readonly name = 'MalformedPolicyError';
}

/** Parses GetPolicy's `Policy` string (or an already parsed document) into the normalised shape. */
export function normalisePolicy(document: unknown): ResourcePolicy {
  let doc: unknown = document;
  if (typeof document === 'string') {
    try {
      doc = JSON.parse(document);
    } catch {
      throw new MalformedPolicyError('the resource-based policy is not valid JSON');
    }
  }
  if (doc === null || typeof doc !== 'object') throw new MalformedPolicyError('the policy is not a JSON object');
  const raw = (doc as { Statement?: unknown }).Statement;
  const statements = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return { Statement: statements.map(normaliseStatement) };
}

function normaliseStatement(raw: unknown): PolicyStatement {
  if (raw === null || typeof raw !== 'object') throw new MalformedPolicyError('a policy statement is not an object');
  const s = raw as Record<string, unknown>;
  const effect = s.Effect === 'Deny' ? 'Deny' : s.Effect === 'Allow' ? 'Allow' : undefined;
  if (effect === undefined) throw new MalformedPolicyError('a policy statement has no Effect of Allow or Deny');
  return {
    ...(typeof s.Sid === 'string' ? { Sid: s.Sid } : {}),
    Effect: effect,
    ...optional('Principal', principal(s.Principal)),
    ...optional('NotPrincipal', principal(s.NotPrincipal)),
    ...optional('Action', list(s.Action)),
    ...optional('NotAction', list(s.NotAction)),
    ...optional('Resource', list(s.Resource)),
    ...optional('NotResource', list(s.NotResource)),
    ...optional('Condition', condition(s.Condition)),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function list(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return (Array.isArray(value) ? value : [value]).map(String);
}

function principal(value: unknown): Record<string, string[]> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { AWS: [value] };
  if (typeof value !== 'object' || Array.isArray(value)) return { AWS: list(value) ?? [] };
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, list(v) ?? []]));
}

function condition(value: unknown): Record<string, Record<string, string[]>> | undefined {
  if (value === undefined || value === null || typeof value !== 'object') return undefined;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([operator, keys]) => [
      operator,
      Object.fromEntries(
        Object.entries((keys ?? {}) as Record<string, unknown>).map(([key, v]) => [key, list(v) ?? []]),
      ),
    ]),
  );
}

/**
 * The parameters of AddPermission (CloudFormation `AWS::Lambda::Permission`, Terraform
 * `aws_lambda_permission`), with the service's names.
 */
export interface PermissionParameters {
  readonly StatementId?: string;
  readonly Action: string;
  /** `*`, an account id, an IAM ARN, or a service principal (`s3.amazonaws.com`). */
  readonly Principal: string;
  readonly SourceArn?: string;
  readonly SourceAccount?: string;
  readonly PrincipalOrgID?: string;
  readonly EventSourceToken?: string;
  /** `NONE` or `AWS_IAM`: the grant applies to the function URL only. */
  readonly FunctionUrlAuthType?: string;
  /** With `lambda:InvokeFunction`: the grant applies to calls through the function URL only. */
  readonly InvokedViaFunctionUrl?: boolean;
}

/**
 * The statement Lambda writes for AddPermission, as GetPolicy returns it (normalised): an account
 * id becomes `arn:aws:iam::<id>:root`, a service principal goes under `Service`, and each source
 * restriction becomes the condition Lambda adds.
 */
export function statementFromPermission(p: PermissionParameters, functionArn?: string): PolicyStatement {
  const principalKey = /^[\w.-]+\.amazonaws\.com(\.cn)?$|^[\w.-]+\.amazon\.com$/.test(p.Principal) ? 'Service' : 'AWS';
  const principalValue = /^\d{12}$/.test(p.Principal) ? `arn:aws:iam::${p.Principal}:root` : p.Principal;
  const conditions: Record<string, Record<string, string[]>> = {};
  const add = (operator: string, key: string, value: string): void => {
    conditions[operator] = { ...conditions[operator], [key]: [value] };
  };
  if (p.SourceAccount !== undefined) add('StringEquals', 'AWS:SourceAccount', p.SourceAccount);
  if (p.PrincipalOrgID !== undefined) add('StringEquals', 'aws:PrincipalOrgID', p.PrincipalOrgID);
  if (p.EventSourceToken !== undefined) add('StringEquals', 'lambda:EventSourceToken', p.EventSourceToken);
  if (p.FunctionUrlAuthType !== undefined) add('StringEquals', 'lambda:FunctionUrlAuthType', p.FunctionUrlAuthType);
  if (p.InvokedViaFunctionUrl === true) add('Bool', 'lambda:InvokedViaFunctionUrl', 'true');
  if (p.SourceArn !== undefined) add('ArnLike', 'AWS:SourceArn', p.SourceArn);
  const action = p.Action.includes(':') ? p.Action : `lambda:${p.Action}`;
  return {
    ...(p.StatementId === undefined ? {} : { Sid: p.StatementId }),
    Effect: 'Allow',
    Principal: { [principalKey]: [principalValue] },
    Action: [action],
    ...(functionArn === undefined ? {} : { Resource: [functionArn] }),
    ...(Object.keys(conditions).length === 0 ? {} : { Condition: conditions }),
  };
}
