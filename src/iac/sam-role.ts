/**
 * The execution role SAM creates for an `AWS::Serverless::Function` without `Role`, as the SAM
 * translator builds it (`construct_role_for_resource`, the policy templates plugin, the event
 * sources' `_link_policy`): an `AWS::IAM::Role` named `<function id>Role`, trusted by Lambda, with
 * AWSLambdaBasicExecutionRole (+ X-Ray for `Tracing`, VPC access for `VpcConfig`, the pull event
 * sources' managed policies), the `Policies` (inline statements, managed policies by ARN or name,
 * policy templates expanded) and the policies SAM adds for `DeadLetterQueue` and
 * `EventInvokeConfig` destinations. The role is then read like any template role (roles.ts).
 * `test/iac/sam-translator.test.ts` compares it with the real translator's.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { UnknownPart } from '../snapshot/types.js';
import { managedPolicyArn } from './managed-policies.js';

export const SAM_POLICY_TEMPLATES_FILE = fileURLToPath(
  new URL('../../policies/sam-policy-templates.json', import.meta.url),
);

interface PolicyTemplate {
  readonly Parameters: Readonly<Record<string, unknown>>;
  readonly Definition: Record<string, unknown>;
}

let templates: Readonly<Record<string, PolicyTemplate>> | undefined;

function policyTemplates(): Readonly<Record<string, PolicyTemplate>> {
  templates ??= (
    JSON.parse(readFileSync(SAM_POLICY_TEMPLATES_FILE, 'utf8')) as { Templates: Record<string, PolicyTemplate> }
  ).Templates;
  return templates;
}

// SAM resolves the partition when it translates (`aws` in the regions lambda-audit models).
const aws = (name: string): string => `arn:aws:iam::aws:policy/${name}`;

/** Pull event sources: the managed policy SAM attaches to the generated role. */
const eventPolicies: Readonly<Record<string, string>> = {
  DynamoDB: 'service-role/AWSLambdaDynamoDBExecutionRole',
  Kinesis: 'service-role/AWSLambdaKinesisExecutionRole',
  MSK: 'service-role/AWSLambdaMSKExecutionRole',
  SQS: 'service-role/AWSLambdaSQSQueueExecutionRole',
};
/** Event sources whose SAM-added inline statements are not modelled: the role's inline policies are unknown. */
const unmodelledEvents = new Set(['MQ', 'SelfManagedKafka', 'DocumentDB']);

/** SAM's destination policies for EventInvokeConfig (`_add_event_invoke_managed_policy`). */
const destinationPolicies: Readonly<Record<string, (arn: unknown) => readonly Record<string, unknown>[]>> = {
  SQS: (arn) => [{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: arn }],
  SNS: (arn) => [{ Action: 'sns:publish', Effect: 'Allow', Resource: arn }],
  EventBridge: (arn) => [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: arn }],
  Lambda: (arn) => [{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: arn }],
  S3Bucket: (arn) => [
    { Action: 's3:PutObject', Effect: 'Allow', Resource: { 'Fn::Join': ['/', [arn, '*']] } },
    { Action: 's3:ListBucket', Effect: 'Allow', Resource: arn },
  ],
};
const destinationSuffix: Readonly<Record<string, string>> = {
  SQS: 'SQSPolicy',
  SNS: 'SNSPolicy',
  EventBridge: 'EventBridgePolicy',
  Lambda: 'LambdaPolicy',
  S3Bucket: 'S3Policy',
};

export interface SamRole {
  /** The `AWS::IAM::Role` properties SAM generates (intrinsics left for the resolver). */
  readonly properties: Record<string, unknown>;
  /** What is not modelled (relative to the role: `inlinePolicies`). */
  readonly unknown: readonly UnknownPart[];
}

/** The role SAM generates for function `id` with (Globals-merged) properties `props`. */
export function samRole(id: string, props: Record<string, unknown>): SamRole {
  const roleId = `${id}Role`;
  const unknown: UnknownPart[] = [];
  const managed: unknown[] = [
    aws(
      props.DurableConfig === undefined
        ? 'service-role/AWSLambdaBasicExecutionRole'
        : 'service-role/AWSLambdaBasicDurableExecutionRolePolicy',
    ),
  ];
  const addManaged = (arn: unknown): void => {
    if (!managed.some((m) => JSON.stringify(m) === JSON.stringify(arn))) managed.push(arn);
  };
  if (props.Tracing !== undefined && props.Tracing !== 'Disabled') managed.push(aws('AWSXrayWriteOnlyAccess'));
  if (props.VpcConfig !== undefined) managed.push(aws('service-role/AWSLambdaVPCAccessExecutionRole'));

  const documents: unknown[] = [];
  const dlq = props.DeadLetterQueue;
  if (isMap(dlq) && (dlq.Type === 'SQS' || dlq.Type === 'SNS'))
    documents.push({
      PolicyName: 'DeadLetterQueuePolicy',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: dlq.Type === 'SQS' ? 'sqs:SendMessage' : 'sns:Publish', Resource: dlq.TargetArn, Effect: 'Allow' },
        ],
      },
    });
  const invoke = isMap(props.EventInvokeConfig) ? props.EventInvokeConfig : {};
  const destinations = isMap(invoke.DestinationConfig) ? invoke.DestinationConfig : {};
  for (const config of ['OnSuccess', 'OnFailure']) {
    const d = destinations[config];
    if (!isMap(d) || typeof d.Type !== 'string') continue;
    const statements = destinationPolicies[d.Type];
    if (!statements) continue;
    const created =
      d.Type === 'SQS'
        ? { 'Fn::GetAtt': [`${id}EventInvokeConfig${config}Queue`, 'Arn'] }
        : d.Type === 'SNS'
          ? { Ref: `${id}EventInvokeConfig${config}Topic` }
          : undefined;
    const arn = d.Destination ?? created;
    if (arn === undefined) continue;
    documents.push({
      PolicyName: `${id}EventInvokeConfig${config}${destinationSuffix[d.Type] ?? ''}`,
      PolicyDocument: { Statement: statements(arn) },
    });
  }

  const policies =
    props.Policies === undefined ? [] : Array.isArray(props.Policies) ? props.Policies : [props.Policies];
  policies.forEach((entry, index) => {
    const name = `${roleId}Policy${index}`;
    const converted = convertPolicy(entry, name, unknown);
    if (converted === undefined) return;
    if (converted.kind === 'managed') addManaged(converted.value);
    else documents.push(converted.value);
  });

  for (const event of Object.values(isMap(props.Events) ? props.Events : {})) {
    if (!isMap(event) || typeof event.Type !== 'string') continue;
    const policy = eventPolicies[event.Type];
    if (policy !== undefined) addManaged(aws(policy));
    if (unmodelledEvents.has(event.Type))
      unknown.push({
        path: 'inlinePolicies',
        reason: 'plan-time',
        detail: `the statements SAM adds for a ${event.Type} event are not modelled`,
      });
  }

  const properties: Record<string, unknown> = {
    AssumeRolePolicyDocument: props.AssumeRolePolicyDocument ?? {
      Version: '2012-10-17',
      Statement: [{ Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] } }],
    },
    ManagedPolicyArns: managed,
    ...(documents.length > 0 ? { Policies: documents } : {}),
    ...(props.RolePath === undefined ? {} : { Path: props.RolePath }),
    ...(props.PermissionsBoundary === undefined ? {} : { PermissionsBoundary: props.PermissionsBoundary }),
  };
  return { properties, unknown };
}

type Converted = { kind: 'managed'; value: unknown } | { kind: 'statement'; value: unknown };

/** One `Policies` entry, typed as SAM's ResourcePolicies types it. */
function convertPolicy(entry: unknown, name: string, unknown: UnknownPart[]): Converted | undefined {
  if (typeof entry === 'string') return { kind: 'managed', value: managedPolicyArn(entry) };
  if (!isMap(entry)) return notModelled(unknown, 'a Policies entry that is neither a policy, a name nor a template');
  const keys = Object.keys(entry);
  if (keys.length === 1 && keys[0] === 'Fn::If' && Array.isArray(entry['Fn::If'])) {
    const [condition, whenTrue, whenFalse] = entry['Fn::If'] as unknown[];
    const branch = (v: unknown): Converted | undefined => (isNoValue(v) ? undefined : convertPolicy(v, name, unknown));
    const a = branch(whenTrue);
    const b = branch(whenFalse);
    const kind = a?.kind ?? b?.kind;
    if (kind === undefined || (a && b && a.kind !== b.kind))
      return notModelled(unknown, 'an Fn::If in Policies whose branches are of different kinds');
    return {
      kind,
      value: { 'Fn::If': [condition, a?.value ?? { Ref: 'AWS::NoValue' }, b?.value ?? { Ref: 'AWS::NoValue' }] },
    };
  }
  // Any other intrinsic is a managed policy ARN (SAM's default for intrinsics).
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]?.startsWith('Fn::'))) return { kind: 'managed', value: entry };
  if ('Statement' in entry) return { kind: 'statement', value: { PolicyName: name, PolicyDocument: entry } };
  const template = keys.length === 1 ? policyTemplates()[keys[0] as string] : undefined;
  if (template === undefined)
    return notModelled(unknown, `the policy template ${keys.length === 1 ? String(keys[0]) : ''} is not known`);
  const values = entry[keys[0] as string];
  const parameters = Object.keys(template.Parameters);
  if (!isMap(values) || parameters.some((p) => !(p in values)))
    return notModelled(unknown, `the policy template ${String(keys[0])} lacks a parameter value`);
  return {
    kind: 'statement',
    value: { PolicyName: name, PolicyDocument: expandTemplate(template.Definition, values, parameters) },
  };
}

/** SAM's policy template expansion: `Ref: <parameter>` becomes the parameter's value; nothing else is touched. */
export function expandTemplate(node: unknown, values: Record<string, unknown>, parameters: readonly string[]): unknown {
  if (Array.isArray(node)) return node.map((n) => expandTemplate(n, values, parameters));
  if (!isMap(node)) return node;
  const keys = Object.keys(node);
  if (keys.length === 1 && keys[0] === 'Ref' && typeof node.Ref === 'string' && parameters.includes(node.Ref))
    return values[node.Ref];
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, expandTemplate(v, values, parameters)]));
}

function notModelled(unknown: UnknownPart[], detail: string): undefined {
  unknown.push({ path: 'inlinePolicies', reason: 'plan-time', detail });
  return undefined;
}

function isNoValue(v: unknown): boolean {
  return isMap(v) && v.Ref === 'AWS::NoValue';
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
