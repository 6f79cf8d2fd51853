/**
 * SAM, expanded the way the SAM translator expands it, as far as the audit needs: each
 * `AWS::Serverless::Function` becomes its `AWS::Lambda::Function` (Globals merged), plus the
 * `AWS::Lambda::Url`, `AWS::Lambda::Permission` and `AWS::Lambda::EventInvokeConfig` resources
 * SAM adds for `FunctionUrlConfig`, `Events` and `EventInvokeConfig`; each
 * `AWS::Serverless::CapacityProvider` its `AWS::Lambda::CapacityProvider`. Other resources pass through.
 * `test/iac/sam-translator.test.ts` compares this with the real translator.
 */
import type { UnknownPart } from '../snapshot/types.js';
import { applyTable, setPath } from './record.js';
import { samRole } from './sam-role.js';
import { samCapacityProviderTable, samEventPermissions, samFunctionTable, samTags } from './sam-table.js';

export interface TemplateResource {
  readonly id: string;
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly Condition?: string;
  readonly Metadata?: Record<string, unknown>;
  /** Where the resource is in the source document (for SAM-generated ones: what generated them). */
  readonly pointer: string;
  /** A generated resource's parts that are not modelled (the role SAM creates: see sam-role.ts). */
  readonly unknown?: readonly UnknownPart[];
}

export function isSam(template: Record<string, unknown>): boolean {
  const transform = template.Transform;
  const transforms = Array.isArray(transform) ? transform : [transform];
  return transforms.some((t) => typeof t === 'string' && t.startsWith('AWS::Serverless'));
}

/** Resources of a template (SAM expanded), in document order. */
export function templateResources(template: Record<string, unknown>): TemplateResource[] {
  const resources = isObject(template.Resources) ? template.Resources : {};
  const sam = isSam(template);
  const globals = isObject(template.Globals) && isObject(template.Globals.Function) ? template.Globals.Function : {};
  const out: TemplateResource[] = [];
  for (const [id, raw] of Object.entries(resources)) {
    if (!isObject(raw) || typeof raw.Type !== 'string') continue;
    const base = {
      id,
      Type: raw.Type,
      Properties: isObject(raw.Properties) ? raw.Properties : {},
      ...(typeof raw.Condition === 'string' ? { Condition: raw.Condition } : {}),
      ...(isObject(raw.Metadata) ? { Metadata: raw.Metadata } : {}),
      pointer: `/Resources/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`,
    };
    if (sam && raw.Type === 'AWS::Serverless::Function') {
      out.push(...expandFunction(base, mergeGlobals(globals, raw.IgnoreGlobals, base.Properties)));
    } else if (sam && raw.Type === 'AWS::Serverless::CapacityProvider') {
      const properties: Record<string, unknown> = {};
      applyTable(samCapacityProviderTable, base.Properties, properties);
      out.push({ ...base, Type: 'AWS::Lambda::CapacityProvider', Properties: properties });
    } else {
      out.push(base);
    }
  }
  return out;
}

/** SAM's merge: maps merged recursively, lists concatenated, anything else (intrinsics too) the resource's. */
export function mergeGlobals(
  globals: Record<string, unknown>,
  ignore: unknown,
  local: Record<string, unknown>,
): Record<string, unknown> {
  if (ignore === '*') return local;
  const ignored = new Set(Array.isArray(ignore) ? ignore.map(String) : []);
  const kept = Object.fromEntries(Object.entries(globals).filter(([k]) => !ignored.has(k)));
  return merge(kept, local) as Record<string, unknown>;
}

function merge(global: unknown, local: unknown): unknown {
  const g = token(global);
  if (g !== token(local) || g === 'primitive') return local;
  if (g === 'list') return [...(global as unknown[]), ...(local as unknown[])];
  const out: Record<string, unknown> = { ...(global as Record<string, unknown>) };
  for (const [k, v] of Object.entries(local as Record<string, unknown>)) out[k] = k in out ? merge(out[k], v) : v;
  return out;
}

function token(v: unknown): 'primitive' | 'list' | 'map' {
  if (Array.isArray(v)) return 'list';
  if (!isObject(v)) return 'primitive';
  const keys = Object.keys(v);
  const intrinsic = keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0]?.startsWith('Fn::'));
  return intrinsic ? 'primitive' : 'map';
}

function expandFunction(
  base: Omit<TemplateResource, 'Type'> & { Type: string },
  props: Record<string, unknown>,
): TemplateResource[] {
  const { id } = base;
  const properties: Record<string, unknown> = {};
  applyTable(samFunctionTable, props, properties);
  setPath(properties, 'Tags', samTags(props.Tags));
  const ref = { Ref: id };
  const related = (suffix: string, Type: string, Properties: Record<string, unknown>): TemplateResource => ({
    id: `${id}${suffix}`,
    Type,
    Properties,
    ...(base.Condition === undefined ? {} : { Condition: base.Condition }),
    pointer: base.pointer,
  });
  const out: TemplateResource[] = [{ ...base, Type: 'AWS::Lambda::Function', Properties: properties }];
  if (props.Role === undefined) {
    // No Role: SAM creates one, <id>Role, and the function's Role is its ARN.
    const role = samRole(id, props);
    properties.Role = { 'Fn::GetAtt': [`${id}Role`, 'Arn'] };
    out.push({
      ...related('Role', 'AWS::IAM::Role', role.properties),
      ...(role.unknown.length > 0 ? { unknown: role.unknown } : {}),
    });
  }
  const url = props.FunctionUrlConfig;
  if (isObject(url)) {
    out.push(related('Url', 'AWS::Lambda::Url', { ...url, TargetFunctionArn: ref }));
    // With no IAM auth, SAM grants the world InvokeFunctionUrl, and InvokeFunction through the URL.
    if (url.AuthType === 'NONE')
      out.push(
        related('UrlPublicPermissions', 'AWS::Lambda::Permission', {
          Action: 'lambda:InvokeFunctionUrl',
          FunctionName: ref,
          Principal: '*',
          FunctionUrlAuthType: 'NONE',
        }),
        related('URLInvokeAllowPublicAccess', 'AWS::Lambda::Permission', {
          Action: 'lambda:InvokeFunction',
          FunctionName: ref,
          Principal: '*',
          InvokedViaFunctionUrl: true,
        }),
      );
  }
  const invoke = props.EventInvokeConfig;
  if (isObject(invoke)) {
    const destinations = isObject(invoke.DestinationConfig) ? invoke.DestinationConfig : {};
    const destination = (d: unknown): Record<string, unknown> | undefined =>
      isObject(d)
        ? { Destination: d.Destination ?? { 'Fn::GetAtt': [`${id}EventInvokeConfig${String(d.Type)}`, 'Arn'] } }
        : undefined;
    const onSuccess = destination(destinations.OnSuccess);
    const onFailure = destination(destinations.OnFailure);
    out.push(
      related('EventInvokeConfig', 'AWS::Lambda::EventInvokeConfig', {
        FunctionName: ref,
        Qualifier: '$LATEST',
        ...(invoke.MaximumEventAgeInSeconds === undefined
          ? {}
          : { MaximumEventAgeInSeconds: invoke.MaximumEventAgeInSeconds }),
        ...(invoke.MaximumRetryAttempts === undefined ? {} : { MaximumRetryAttempts: invoke.MaximumRetryAttempts }),
        ...(onSuccess || onFailure
          ? {
              DestinationConfig: {
                ...(onSuccess ? { OnSuccess: onSuccess } : {}),
                ...(onFailure ? { OnFailure: onFailure } : {}),
              },
            }
          : {}),
      }),
    );
  }
  for (const [name, event] of Object.entries(isObject(props.Events) ? props.Events : {})) {
    if (!isObject(event) || typeof event.Type !== 'string') continue;
    const mapping = samEventSourceMapping(event.Type, isObject(event.Properties) ? event.Properties : {});
    if (mapping !== undefined) {
      out.push(related(name, 'AWS::Lambda::EventSourceMapping', { ...mapping, FunctionName: ref }));
      continue;
    }
    const grant = samEventPermissions[event.Type];
    if (!grant) continue;
    const eventProps = isObject(event.Properties) ? event.Properties : {};
    const source =
      grant.source === 'EventSourceToken'
        ? eventProps.SkillId
        : grant.source === 'SourceAccount'
          ? { Ref: 'AWS::AccountId' }
          : { 'Fn::GetAtt': [`${id}${name}`, 'Arn'] };
    // The rule SAM creates for the event, in the same stack: its ARN is in the stack's own account.
    const generated = SAM_GENERATED_SOURCES[event.Type];
    if (generated !== undefined) out.push(related(name, generated, {}));
    out.push(
      related(`${name}Permission`, 'AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: ref,
        Principal: grant.principal,
        ...(source === undefined ? {} : { [grant.source]: source }),
      }),
    );
  }
  return out;
}

/**
 * SAM stream and queue events: the `AWS::Lambda::EventSourceMapping` SAM creates (`<Function><Event>`),
 * with CloudFormation's property names. `Stream`/`Queue` is the source ARN; self-managed Kafka's
 * `KafkaBootstrapServers` become `SelfManagedEventSource`; `ConsumerGroupId` goes to its Kafka config.
 */
function samEventSourceMapping(type: string, p: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!['Kinesis', 'DynamoDB', 'MSK', 'SelfManagedKafka', 'SQS', 'MQ', 'DocumentDB'].includes(type)) return undefined;
  const { Stream, Queue, Broker, Cluster, KafkaBootstrapServers, ConsumerGroupId, ...rest } = p;
  const source = Stream ?? Queue ?? Broker ?? Cluster;
  return {
    ...rest,
    ...(source === undefined ? {} : { EventSourceArn: source }),
    ...(KafkaBootstrapServers === undefined
      ? {}
      : { SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: KafkaBootstrapServers } } }),
    ...(ConsumerGroupId === undefined
      ? {}
      : type === 'MSK'
        ? { AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId } }
        : type === 'SelfManagedKafka'
          ? { SelfManagedKafkaEventSourceConfig: { ConsumerGroupId } }
          : {}),
  };
}

/** Event types for which SAM creates the source resource (`<Function><Event>`) in the stack. */
const SAM_GENERATED_SOURCES: Readonly<Record<string, string>> = {
  CloudWatchEvent: 'AWS::Events::Rule',
  EventBridgeRule: 'AWS::Events::Rule',
  IoTRule: 'AWS::IoT::TopicRule',
  Schedule: 'AWS::Events::Rule',
};

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
