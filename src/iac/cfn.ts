/**
 * CloudFormation (and expanded SAM) templates -> planned functions. Each function is resolved once
 * per combination of parameter values and condition branches it depends on (`explore`); the first
 * combination (defaults, conditions true) is the function's record, the others are alternates that
 * are judged too (see `variants.ts`).
 */
import type { PermissionParameters } from '../snapshot/policy.js';
import { statementFromPermission } from '../snapshot/policy.js';
import type {
  EventInvokeInfo,
  EventSourceMappingInfo,
  FunctionUrlInfo,
  PolicyStatement,
  UnknownPart,
} from '../snapshot/types.js';
import {
  cfnCapacityProviderTable,
  cfnEventInvokeTable,
  cfnFunctionTable,
  cfnPermissionTable,
  cfnUrlTable,
} from './cfn-table.js';
import { inStackSourceArn, plannedMapping } from './event-sources.js';
import { PlanTime, Resolver, explore, type ParameterDef, type TemplateScope } from './intrinsics.js';
import {
  LOG_GROUP_NOT_DEFINED,
  applyDefaults,
  applyTable,
  asNumber,
  extractUnknown,
  keyPlaceholder,
  setPath,
  type Planned,
  type PlannedFunction,
} from './record.js';
import { templateSecurityGroups } from './cfn-security-groups.js';
import { templateRole, type RoleScope } from './roles.js';
import { isObject, templateResources, type TemplateResource } from './sam.js';

export interface TemplateSource {
  readonly template: Record<string, unknown>;
  /** Relative to the working directory, `/` separators. */
  readonly file: string;
  readonly line: (pointer: string) => number;
  /** The stack: the file's base name, or the CDK stack name. Names functions without a FunctionName. */
  readonly stackName: string;
  readonly region: string;
  readonly account: string;
  /** Pseudo parameters known before deploy (a CDK environment's region and account). */
  readonly pseudo: Readonly<Record<string, string>>;
}

export interface TemplateFunctions {
  readonly functions: { readonly primary: PlannedFunction; readonly alternates: PlannedFunction[] }[];
  /** Functions with more combinations than are judged. */
  readonly truncated: string[];
}

const TARGETS: Record<string, string> = {
  'AWS::Lambda::Permission': 'FunctionName',
  'AWS::Lambda::Url': 'TargetFunctionArn',
  'AWS::Lambda::EventInvokeConfig': 'FunctionName',
  'AWS::Lambda::EventSourceMapping': 'FunctionName',
};

export function functionsFromTemplate(source: TemplateSource, given: ReadonlyMap<string, string>): TemplateFunctions {
  const { template } = source;
  const resources = templateResources(template);
  const byId = new Map(resources.map((r) => [r.id, r]));
  const scope: TemplateScope = {
    parameters: (isObject(template.Parameters) ? template.Parameters : {}) as Record<string, ParameterDef>,
    given,
    conditions: isObject(template.Conditions) ? template.Conditions : {},
    mappings: isObject(template.Mappings) ? template.Mappings : {},
    pseudo: source.pseudo,
  };
  const functions = resources.filter((r) => r.Type === 'AWS::Lambda::Function');
  const literalNames = new Map<string, string>();
  for (const f of functions)
    if (typeof f.Properties.FunctionName === 'string') literalNames.set(f.Properties.FunctionName, f.id);
  const attached = new Map<string, TemplateResource[]>();
  for (const r of resources) {
    const property = TARGETS[r.Type];
    if (property === undefined) continue;
    const target = targetFunction(r.Properties[property], byId, literalNames);
    if (target !== undefined) attached.set(target, [...(attached.get(target) ?? []), r]);
  }
  const roles: RoleScope = { resources, byId, account: source.account, pseudo: source.pseudo };
  const out: TemplateFunctions = { functions: [], truncated: [] };
  for (const fn of functions) {
    const { results, truncated } = explore((choices) => {
      const resolver = new Resolver(scope, choices);
      if (fn.Condition !== undefined && !resolver.condition(fn.Condition)) return undefined;
      return plannedFunction(fn, attached.get(fn.id) ?? [], resolver, source, roles);
    });
    if (truncated) out.truncated.push(fn.id);
    const [primary, ...alternates] = results.filter((r): r is PlannedFunction => r !== undefined);
    // Every variant is the same function: it keeps the name (and so the ARN) of the first.
    if (primary) out.functions.push({ primary, alternates: alternates.map((a) => ({ ...a, name: primary.name })) });
  }
  return out;
}

/** The function a permission, URL or invoke config targets: by `Ref`/`GetAtt` (through aliases and versions) or name. */
function targetFunction(
  value: unknown,
  byId: ReadonlyMap<string, TemplateResource>,
  literalNames: ReadonlyMap<string, string>,
): string | undefined {
  let id: string | undefined;
  if (isObject(value) && typeof value.Ref === 'string') id = value.Ref;
  else if (isObject(value) && Array.isArray(value['Fn::GetAtt'])) id = String(value['Fn::GetAtt'][0]);
  else if (typeof value === 'string') {
    // A name, or an ARN (possibly qualified) whose function name is the 7th field.
    const name = value.startsWith('arn:') ? value.split(':')[6] : value;
    return name === undefined ? undefined : literalNames.get(name);
  }
  const resource = id === undefined ? undefined : byId.get(id);
  if (!resource) return undefined;
  if (resource.Type === 'AWS::Lambda::Function') return resource.id;
  if (resource.Type === 'AWS::Lambda::Alias' || resource.Type === 'AWS::Lambda::Version')
    return targetFunction(resource.Properties.FunctionName, byId, literalNames);
  return undefined;
}

/**
 * A `SourceArn` naming a resource of the same stack (`!GetAtt Rule.Arn`, `!Ref Topic`): its ARN is
 * unknown before deploy, but it is in the stack's own account, which is what the exposure rules ask.
 * The stand-in ARN says so (service from the resource type, the logical id as the resource part);
 * an S3 bucket's ARN has no account field, but a bucket of the stack lives and dies with the
 * permission, so it cannot be claimed by another account while the grant exists.
 */
function inStackArn(
  value: unknown,
  byId: ReadonlyMap<string, TemplateResource>,
  source: TemplateSource,
): string | undefined {
  let id: unknown;
  if (isObject(value) && typeof value.Ref === 'string') id = value.Ref;
  else if (isObject(value) && value['Fn::GetAtt'] !== undefined) {
    const arg = value['Fn::GetAtt'];
    const [resource, attribute] =
      typeof arg === 'string' ? arg.split('.', 2) : Array.isArray(arg) ? (arg as unknown[]) : [];
    if (attribute !== 'Arn') return undefined;
    id = resource;
  }
  const resource = typeof id === 'string' ? byId.get(id) : undefined;
  if (!resource) return undefined;
  const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'cloudformation';
  return `arn:aws:${service}:${source.region}:${source.account}:${resource.id}`;
}

function plannedFunction(
  fn: TemplateResource,
  related: readonly TemplateResource[],
  resolver: Resolver,
  source: TemplateSource,
  roles: RoleScope,
): PlannedFunction {
  const properties = resolver.resolve(fn.Properties);
  const planned: Planned = { configuration: {}, tags: {} };
  applyTable(cfnFunctionTable, properties, planned);
  const resolvedName = planned.configuration.FunctionName;
  // CloudFormation names an unnamed function <stack>-<logical id>-<random>; the random part is left out.
  const name = typeof resolvedName === 'string' ? resolvedName : `${source.stackName}-${fn.id}`;
  delete planned.configuration.FunctionName;
  applyDefaults(planned.configuration, name);
  const unknown: UnknownPart[] = [];
  if (resolvedName instanceof PlanTime)
    unknown.push({ path: 'configuration.FunctionName', reason: 'plan-time', detail: resolvedName.detail });
  const role = fn.Properties.Role === undefined ? undefined : templateRole(fn.Properties.Role, roles, resolver);
  if (role) planned.configuration.Role = role.role.arn;
  else if (fn.Properties.Role !== undefined)
    unknown.push({
      path: 'configuration.Role',
      reason: 'plan-time',
      detail: 'the role is defined outside the template',
    });
  const provider = templateCapacityProvider(fn, resolver, source, roles.byId);
  if (provider) {
    setPath(
      planned.configuration,
      'CapacityProviderConfig.LambdaManagedInstancesCapacityProviderConfig.CapacityProviderArn',
      provider.CapacityProviderArn,
    );
  } else if (fn.Properties.CapacityProviderConfig !== undefined) {
    unknown.push({
      path: 'capacityProvider',
      reason: 'plan-time',
      detail: 'the capacity provider is defined outside the template',
    });
  }
  const logGroup = templateLogGroup(fn, planned, resolver, roles);
  if (!logGroup) unknown.push(LOG_GROUP_NOT_DEFINED);
  const signing = templateCodeSigning(fn, resolver, source, roles.byId);
  if (signing === undefined)
    unknown.push({
      path: 'codeSigning',
      reason: 'plan-time',
      detail: 'the code signing config is defined outside the template',
    });
  const vpc = planned.configuration.VpcConfig as Record<string, unknown> | undefined;
  // The security groups that the template defines (cfn-security-groups.ts): the function's own,
  // or (on a capacity provider of the template) the provider's.
  const ownVpc = fn.Properties.VpcConfig;
  const providerVpc = provider ? capacityProviderResource(fn, roles.byId)?.Properties.VpcConfig : undefined;
  const rawVpc = isObject(ownVpc) && Array.isArray(ownVpc.SecurityGroupIds) ? ownVpc : providerVpc;
  const securityGroups = isObject(rawVpc)
    ? templateSecurityGroups(rawVpc.SecurityGroupIds, resolver, roles.resources, roles.byId)
    : undefined;
  // Lambda derives the VPC from the subnets when the function deploys.
  if (vpc && vpc.SubnetIds !== undefined)
    unknown.push({ path: 'configuration.VpcConfig.VpcId', reason: 'plan-time', detail: 'the VPC of the subnets' });

  const statements: PolicyStatement[] = [];
  let functionUrl: FunctionUrlInfo | null = null;
  let eventInvokeConfig: EventInvokeInfo | null = null;
  const eventSourceMappings: EventSourceMappingInfo[] = [];
  for (const r of related) {
    if (r.Condition !== undefined && !resolver.condition(r.Condition)) continue;
    const props = resolver.resolve(r.Properties);
    if (r.Type === 'AWS::Lambda::EventSourceMapping') {
      eventSourceMappings.push(templateMapping(r, props, name, resolver, source, roles.byId, unknown));
    } else if (r.Type === 'AWS::Lambda::Permission') {
      const p: Record<string, unknown> = {};
      applyTable(cfnPermissionTable, props, p);
      const inStack = inStackArn(r.Properties.SourceArn, roles.byId, source);
      if (inStack !== undefined && p.SourceArn instanceof PlanTime) p.SourceArn = inStack;
      const parts: UnknownPart[] = [];
      for (const [field, path] of [
        ['Action', 'policy.Statement.Action'],
        ['Principal', 'policy.Statement.Principal'],
      ] as const) {
        const value = p[field];
        if (value instanceof PlanTime) {
          parts.push({ path, reason: 'plan-time', detail: value.detail });
          p[field] = '*';
        }
      }
      for (const [field, value] of Object.entries(p)) {
        if (value instanceof PlanTime) {
          parts.push({ path: 'policy.Statement.Condition', reason: 'plan-time', detail: `${field}: ${value.detail}` });
          delete p[field];
        }
      }
      unknown.push(...parts);
      statements.push(statementFromPermission({ StatementId: r.id, ...(p as unknown as PermissionParameters) }));
    } else if (r.Type === 'AWS::Lambda::Url') {
      const url: Record<string, unknown> = {};
      applyTable(cfnUrlTable, props, url);
      functionUrl = extractUnknown(url, 'functionUrl', unknown) as FunctionUrlInfo;
    } else {
      const eic: Record<string, unknown> = {};
      applyTable(cfnEventInvokeTable, props, eic);
      eventInvokeConfig = extractUnknown(eic, 'eventInvokeConfig', unknown) as EventInvokeInfo;
    }
  }
  const cdkPath = fn.Metadata?.['aws:cdk:path'];
  return {
    name,
    region: source.region,
    account: source.account,
    source: 'template',
    planned,
    unknown,
    policy: statements.length > 0 ? { Statement: statements } : null,
    functionUrl,
    eventInvokeConfig,
    eventSourceMappings,
    location: {
      file: source.file,
      line: source.line(fn.pointer),
      resource: typeof cdkPath === 'string' ? `${fn.id} (${cdkPath})` : fn.id,
    },
    ...(role ? { role } : {}),
    ...(provider ? { capacityProvider: provider } : {}),
    ...(logGroup ? { logGroup } : {}),
    ...(signing === undefined ? {} : { codeSigning: signing }),
    ...(securityGroups ? { securityGroups } : {}),
  };
}

/** The template's `AWS::Lambda::CapacityProvider` the function names (`!GetAtt P.Arn`, `!Ref P`). */
function capacityProviderResource(
  fn: TemplateResource,
  byId: ReadonlyMap<string, TemplateResource>,
): TemplateResource | undefined {
  const config = fn.Properties.CapacityProviderConfig;
  const inner = isObject(config) ? config.LambdaManagedInstancesCapacityProviderConfig : undefined;
  const value = isObject(inner) ? inner.CapacityProviderArn : undefined;
  let id: unknown;
  if (isObject(value) && typeof value.Ref === 'string') id = value.Ref;
  else if (isObject(value) && value['Fn::GetAtt'] !== undefined) {
    const arg = value['Fn::GetAtt'];
    id = typeof arg === 'string' ? arg.split('.', 1)[0] : Array.isArray(arg) ? (arg as unknown[])[0] : undefined;
  }
  const resource = typeof id === 'string' ? byId.get(id) : undefined;
  return resource?.Type === 'AWS::Lambda::CapacityProvider' ? resource : undefined;
}

/**
 * Code signing: `null` when the function names no config (`CodeSigningConfigArn` absent or
 * `AWS::NoValue`); the config when the template defines it (`!Ref Config` or `!GetAtt
 * Config.CodeSigningConfigArn`), read like ListCodeSigningConfigs' answer with the ARN it will have
 * (the logical id as its id); undefined when it is defined elsewhere (a literal ARN, a parameter,
 * an import): what it enforces is then unknown.
 */
function templateCodeSigning(
  fn: TemplateResource,
  resolver: Resolver,
  source: TemplateSource,
  byId: ReadonlyMap<string, TemplateResource>,
): Record<string, unknown> | null | undefined {
  const value = fn.Properties.CodeSigningConfigArn;
  if (value === undefined || value === null) return null;
  let id: unknown;
  if (isObject(value) && typeof value.Ref === 'string') id = value.Ref;
  else if (isObject(value) && value['Fn::GetAtt'] !== undefined) {
    const arg = value['Fn::GetAtt'];
    const [resource, attribute] =
      typeof arg === 'string' ? arg.split('.', 2) : Array.isArray(arg) ? (arg as unknown[]) : [];
    if (attribute === 'CodeSigningConfigArn') id = resource;
  }
  const resource = typeof id === 'string' ? byId.get(id) : undefined;
  if (resource?.Type !== 'AWS::Lambda::CodeSigningConfig') {
    const resolved = resolver.resolve(value);
    return resolved === undefined || resolved === null ? null : undefined;
  }
  const props = resolver.resolve(resource.Properties);
  const policies = isObject(props) ? props.CodeSigningPolicies : undefined;
  const publishers = isObject(props) ? props.AllowedPublishers : undefined;
  const arns = isObject(publishers) ? publishers.SigningProfileVersionArns : undefined;
  return {
    CodeSigningConfigArn: `arn:aws:lambda:${source.region}:${source.account}:code-signing-config:${resource.id}`,
    // CloudFormation's default, as the API's: Warn.
    UntrustedArtifactOnDeployment: (isObject(policies) ? policies.UntrustedArtifactOnDeployment : undefined) ?? 'Warn',
    AllowedPublishers: {
      SigningProfileVersionArns: Array.isArray(arns)
        ? [...(arns as unknown[])].sort()
        : arns instanceof PlanTime
          ? arns
          : [],
    },
  };
}

/**
 * The function's log group when the template defines it (`AWS::Logs::LogGroup`): the one its
 * `LoggingConfig.LogGroup` names by `!Ref`, or the one whose `LogGroupName` is the function's log
 * group name (a literal `/aws/lambda/<name>`, or `!Sub '/aws/lambda/${Fn}'` /
 * `!Join ['', ['/aws/lambda/', !Ref Fn]]` naming the function's logical id).
 */
function templateLogGroup(
  fn: TemplateResource,
  planned: Planned,
  resolver: Resolver,
  scope: RoleScope,
): Record<string, unknown> | undefined {
  const isGroup = (r: TemplateResource | undefined): r is TemplateResource =>
    r?.Type === 'AWS::Logs::LogGroup' && (r.Condition === undefined || resolver.condition(r.Condition) === true);
  const named = (planned.configuration.LoggingConfig as Record<string, unknown> | undefined)?.LogGroup;
  const raw = isObject(fn.Properties.LoggingConfig) ? fn.Properties.LoggingConfig.LogGroup : undefined;
  let group = isObject(raw) && typeof raw.Ref === 'string' ? scope.byId.get(raw.Ref) : undefined;
  if (!isGroup(group))
    group = scope.resources.find(
      (r) =>
        isGroup(r) &&
        (namesFunction(r.Properties.LogGroupName, fn.id) ||
          (typeof named === 'string' && resolver.resolve(r.Properties.LogGroupName) === named)),
    );
  if (!isGroup(group)) return undefined;
  const props = resolver.resolve(group.Properties);
  const p = isObject(props) ? props : {};
  const name = p.LogGroupName;
  return {
    logGroupName: typeof name === 'string' ? name : typeof named === 'string' ? named : `(${group.id})`,
    ...(p.RetentionInDays === undefined ? {} : { retentionInDays: asNumber(p.RetentionInDays) }),
    ...(p.KmsKeyId === undefined ? {} : { kmsKeyId: keyPlaceholder(p.KmsKeyId) }),
    ...(p.LogGroupClass === undefined ? {} : { logGroupClass: p.LogGroupClass }),
  };
}

/** `!Sub '/aws/lambda/${Fn}'` or `!Join ['', ['/aws/lambda/', !Ref Fn]]`: the log group Lambda names for function `id`. */
function namesFunction(value: unknown, id: string): boolean {
  if (!isObject(value)) return false;
  const sub = value['Fn::Sub'];
  const template: unknown = Array.isArray(sub) ? (sub as unknown[])[0] : sub;
  if (typeof template === 'string') return template === `/aws/lambda/\${${id}}`;
  const join = value['Fn::Join'];
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) return false;
  const [prefix, ref, ...rest] = join[1] as unknown[];
  return prefix === '/aws/lambda/' && isObject(ref) && ref.Ref === id && rest.length === 0;
}

/**
 * Lambda Managed Instances: the function's capacity provider when the template defines it
 * (`!GetAtt Provider.Arn` or `!Ref Provider`), read like ListCapacityProviders' answer, with the
 * ARN it will have (its `CapacityProviderName`, else the logical id).
 */
function templateCapacityProvider(
  fn: TemplateResource,
  resolver: Resolver,
  source: TemplateSource,
  byId: ReadonlyMap<string, TemplateResource>,
): Record<string, unknown> | undefined {
  const resource = capacityProviderResource(fn, byId);
  if (resource === undefined) return undefined;
  const props = resolver.resolve(resource.Properties);
  const out: Record<string, unknown> = {};
  applyTable(cfnCapacityProviderTable, props, out);
  const name = isObject(props) ? props.CapacityProviderName : undefined;
  out.CapacityProviderArn =
    name instanceof PlanTime
      ? name
      : `arn:aws:lambda:${source.region}:${source.account}:capacity-provider:${typeof name === 'string' ? name : resource.id}`;
  return out;
}

/**
 * An `AWS::Lambda::EventSourceMapping` (or a SAM stream or queue event) of this function, read like
 * ListEventSourceMappings' answer: the logical id stands for the UUID; a FunctionName naming an
 * alias of the template keeps the alias as the qualifier; a source created by the stack gets a
 * stand-in ARN in the stack's account (event-sources.ts).
 */
function templateMapping(
  r: TemplateResource,
  props: unknown,
  name: string,
  resolver: Resolver,
  source: TemplateSource,
  byId: ReadonlyMap<string, TemplateResource>,
  unknown: UnknownPart[],
): EventSourceMappingInfo {
  const target = r.Properties.FunctionName;
  const targetId = isObject(target) && typeof target.Ref === 'string' ? target.Ref : undefined;
  const alias = targetId === undefined ? undefined : byId.get(targetId);
  const aliasName = alias?.Type === 'AWS::Lambda::Alias' ? resolver.resolve(alias.Properties.Name) : undefined;
  const raw = r.Properties.EventSourceArn;
  let sourceId: unknown;
  if (isObject(raw) && typeof raw.Ref === 'string') sourceId = raw.Ref;
  else if (isObject(raw) && raw['Fn::GetAtt'] !== undefined) {
    const arg = raw['Fn::GetAtt'];
    sourceId = typeof arg === 'string' ? arg.split('.', 1)[0] : Array.isArray(arg) ? arg[0] : undefined;
  }
  const sourceResource = typeof sourceId === 'string' ? byId.get(sourceId) : undefined;
  // `!Ref Queue` is the queue's URL, not its ARN; every other source's Ref or GetAtt is its ARN.
  const inStack =
    sourceResource === undefined || (sourceResource.Type === 'AWS::SQS::Queue' && isObject(raw) && 'Ref' in raw)
      ? undefined
      : inStackSourceArn(sourceResource.Type, sourceResource.id, source.region, source.account);
  return plannedMapping(
    r.id,
    isObject(props) ? props : {},
    `arn:aws:lambda:${source.region}:${source.account}:function:${name}`,
    typeof aliasName === 'string' ? aliasName : undefined,
    unknown,
    inStack,
  );
}
