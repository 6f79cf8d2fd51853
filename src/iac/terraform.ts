/**
 * Terraform plans (`terraform show -json PLANFILE`, format_version 1.x) -> planned functions.
 * `after` holds the planned values and `after_unknown` marks those known only after apply; both
 * are walked together so unknown attributes become unknown parts. Resources being deleted are left
 * out. Locations point at the `.tf` resource block when the configuration sits next to the plan.
 */
import { join } from 'node:path';
import { statementFromPermission, type PermissionParameters } from '../snapshot/policy.js';
import type {
  EventInvokeInfo,
  EventSourceMappingInfo,
  FunctionUrlInfo,
  PolicyStatement,
  UnknownPart,
} from '../snapshot/types.js';
import { inStackSourceArn, plannedMapping } from './event-sources.js';
import { PlanTime } from './intrinsics.js';
import {
  LOG_GROUP_NOT_DEFINED,
  applyDefaults,
  applyTable,
  extractUnknown,
  keyPlaceholder,
  setPath,
  type Planned,
  type PlannedFunction,
} from './record.js';
import { isObject } from './sam.js';
import { planRoles } from './tf-roles.js';
import { planSecurityGroups, type PlanResource } from './tf-security-groups.js';
import { tfEventInvokeTable, tfFunctionTable, tfPermissionTable, tfUrlTable } from './tf-table.js';

interface Change {
  readonly address: string;
  readonly module: string;
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, unknown>;
  /** Every block of repeatable nested blocks (`values` keeps the first of each list of blocks). */
  readonly blocks?: Readonly<Record<string, unknown>>;
  /** The raw `after` (every block of a repeated block, where `values` keeps the first). */
  readonly raw: Record<string, unknown>;
}

const SECURITY_GROUP_TYPES = new Set([
  'aws_security_group',
  'aws_vpc_security_group_egress_rule',
  'aws_security_group_rule',
]);

export function isTerraformPlan(value: unknown): value is Record<string, unknown> {
  return (
    isObject(value) &&
    typeof value.format_version === 'string' &&
    ('resource_changes' in value || 'planned_values' in value || 'terraform_version' in value)
  );
}

export interface PlanSource {
  readonly plan: Record<string, unknown>;
  /** The plan file relative to the working directory. */
  readonly file: string;
  /** Absolute directory of the plan file, where the root module's .tf files are looked for. */
  readonly dir: string;
  /** Directory of the plan relative to the working directory (for .tf locations). */
  readonly relDir: string;
  readonly region: string;
  readonly account: string;
  /**
   * Reads a `.tf` file for locations (src/iac/safe-read.ts: inside the checkout, size-capped);
   * undefined: refused. Without it no `.tf` file is read and functions are located on the plan.
   */
  readonly read?: (abs: string) => string | undefined;
  /** Lists a module directory for `.tf` files; undefined: outside the checkout or unreadable. */
  readonly listDir?: (abs: string) => string[] | undefined;
}

export function functionsFromPlan(source: PlanSource): PlannedFunction[] {
  const { plan } = source;
  const changes: Change[] = [];
  for (const rc of Array.isArray(plan.resource_changes) ? plan.resource_changes : []) {
    if (!isObject(rc) || rc.mode === 'data' || !isObject(rc.change)) continue;
    const actions = Array.isArray(rc.change.actions) ? rc.change.actions : [];
    if (!actions.some((a) => a !== 'delete')) continue;
    changes.push({
      address: String(rc.address),
      module: typeof rc.module_address === 'string' ? rc.module_address : '',
      type: String(rc.type),
      name: String(rc.name),
      raw: isObject(rc.change.after) ? rc.change.after : {},
      values: withUnknown(
        rc.change.after,
        rc.change.after_unknown,
        rc.change.after_sensitive,
        String(rc.address),
      ) as Record<string, unknown>,
      ...(rc.type === 'aws_lambda_event_source_mapping' &&
      isObject(rc.change.after) &&
      isObject(rc.change.after_unknown)
        ? {
            blocks: {
              source_access_configuration: withUnknownBlocks(
                rc.change.after.source_access_configuration,
                rc.change.after_unknown.source_access_configuration,
                `${String(rc.address)}.source_access_configuration`,
              ),
            },
          }
        : {}),
    });
  }
  // What the configuration leaves out is AWS's default, not an unknown (issue 21).
  for (const c of changes)
    if (c.type === 'aws_lambda_function') withConfiguredDefaults(c.values, plan, resourceConfig(plan, c), changes);
  // The provider copies `tags` into `tags_all` without the sensitive marks: carry them over.
  for (const c of changes) {
    const { tags, tags_all: all } = c.values;
    if (!isObject(tags) || !isObject(all)) continue;
    for (const [k, v] of Object.entries(tags)) if (v instanceof PlanTime && k in all) all[k] = v;
  }
  const region = providerRegion(plan) ?? source.region;
  const functions = changes.filter((c) => c.type === 'aws_lambda_function');
  const locate = locator(source, plan);
  const related = new Map<string, Change[]>();
  for (const c of changes) {
    if (
      ![
        'aws_lambda_permission',
        'aws_lambda_function_url',
        'aws_lambda_function_event_invoke_config',
        'aws_lambda_event_source_mapping',
      ].includes(c.type)
    )
      continue;
    const target = targetOf(c, functions, plan);
    if (target) related.set(target.address, [...(related.get(target.address) ?? []), c]);
  }
  const roleOf = planRoles(plan, source.account);
  // Security groups and their egress rules (tf-security-groups.ts).
  const asResource = (c: Change): PlanResource => {
    const expressions = resourceConfig(plan, c)?.expressions;
    return { ...c, expressions: isObject(expressions) ? expressions : undefined };
  };
  const groupResources = changes.filter((c) => SECURITY_GROUP_TYPES.has(c.type)).map(asResource);
  return functions.map((fn) => {
    const planned: Planned = { configuration: {}, tags: {} };
    applyTable(tfFunctionTable, fn.values, planned);
    const name = typeof fn.values.function_name === 'string' ? fn.values.function_name : fn.address;
    applyDefaults(planned.configuration, name);
    const unknown: UnknownPart[] = [];
    const securityGroups = planSecurityGroups(asResource(fn), groupResources);
    if (securityGroups?.ids) setPath(planned.configuration, 'VpcConfig.SecurityGroupIds', securityGroups.ids);
    const role = roleOf(fn.address);
    if (role) planned.configuration.Role = role.role.arn;
    else if (fn.values.role !== undefined)
      unknown.push({ path: 'configuration.Role', reason: 'plan-time', detail: 'the role is defined outside the plan' });
    const logGroup = planLogGroup(fn, planned, changes, plan);
    if (!logGroup) unknown.push(LOG_GROUP_NOT_DEFINED);
    const signing = planCodeSigning(fn, plan, changes, region, source.account);
    if (signing === undefined)
      unknown.push({
        path: 'codeSigning',
        reason: 'plan-time',
        detail: 'the code signing config is defined outside the plan',
      });
    const statements: PolicyStatement[] = [];
    let functionUrl: FunctionUrlInfo | null = null;
    let eventInvokeConfig: EventInvokeInfo | null = null;
    const eventSourceMappings: EventSourceMappingInfo[] = [];
    for (const r of related.get(fn.address) ?? []) {
      const out: Record<string, unknown> = {};
      if (r.type === 'aws_lambda_event_source_mapping') {
        const arn = `arn:aws:lambda:${region}:${source.account}:function:${name}`;
        eventSourceMappings.push(planMapping(r, arn, plan, changes, region, source.account, unknown));
      } else if (r.type === 'aws_lambda_permission') {
        applyTable(tfPermissionTable, r.values, out);
        const inPlan =
          out.SourceArn instanceof PlanTime ? inPlanArn(r, plan, changes, region, source.account) : undefined;
        if (inPlan !== undefined) out.SourceArn = inPlan;
        for (const [field, value] of Object.entries(out)) {
          if (!(value instanceof PlanTime)) continue;
          const path =
            field === 'Principal' || field === 'Action' ? `policy.Statement.${field}` : 'policy.Statement.Condition';
          unknown.push({ path, reason: 'plan-time', detail: value.detail });
          if (field === 'Principal' || field === 'Action') out[field] = '*';
          else delete out[field];
        }
        if (typeof out.StatementId !== 'string') out.StatementId = r.address;
        statements.push(statementFromPermission(out as unknown as PermissionParameters));
      } else if (r.type === 'aws_lambda_function_url') {
        applyTable(tfUrlTable, r.values, out);
        functionUrl = extractUnknown(out, 'functionUrl', unknown) as FunctionUrlInfo;
      } else {
        applyTable(tfEventInvokeTable, r.values, out);
        eventInvokeConfig = extractUnknown(out, 'eventInvokeConfig', unknown) as EventInvokeInfo;
      }
    }
    return {
      name,
      region,
      account: source.account,
      source: 'plan',
      planned,
      unknown,
      policy: statements.length > 0 ? { Statement: statements } : null,
      functionUrl,
      eventInvokeConfig,
      eventSourceMappings,
      location: { ...locate(fn), resource: fn.address },
      ...(role ? { role } : {}),
      ...(logGroup ? { logGroup } : {}),
      ...(signing === undefined ? {} : { codeSigning: signing }),
      ...(securityGroups ? { securityGroups: securityGroups.groups } : {}),
    };
  });
}

/**
 * The function's `aws_cloudwatch_log_group` in the plan: the one named like the function's log
 * group (`logging_config.log_group`, else `/aws/lambda/<function_name>`), or, when its name is known
 * only after apply, the one whose `name` expression refers to the function. `retention_in_days = 0`
 * is the provider's "never expire".
 */
function planLogGroup(
  fn: Change,
  planned: Planned,
  changes: readonly Change[],
  plan: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const named = (planned.configuration.LoggingConfig as Record<string, unknown> | undefined)?.LogGroup;
  const local = fn.address.slice(fn.module === '' ? 0 : fn.module.length + 1).replace(/\[.*$/, '');
  const group = changes.find((c) => {
    if (c.type !== 'aws_cloudwatch_log_group' || c.module !== fn.module) return false;
    if (typeof c.values.name === 'string') return c.values.name === named;
    const expressions = resourceConfig(plan, c)?.expressions;
    const refs = isObject(expressions) && isObject(expressions.name) ? expressions.name.references : undefined;
    return Array.isArray(refs) && refs.some((r) => String(r) === local || String(r).startsWith(`${local}.`));
  });
  if (!group) return undefined;
  const v = group.values;
  const retention = v.retention_in_days;
  return {
    logGroupName: typeof v.name === 'string' ? v.name : typeof named === 'string' ? named : group.address,
    ...(retention === undefined || retention === 0 ? {} : { retentionInDays: retention }),
    ...(v.kms_key_id === undefined || v.kms_key_id === '' ? {} : { kmsKeyId: keyPlaceholder(v.kms_key_id) }),
    ...(v.log_group_class === undefined ? {} : { logGroupClass: v.log_group_class }),
  };
}

/**
 * Code signing: `null` when the function names no config (`code_signing_config_arn` unset); the
 * `aws_lambda_code_signing_config` of this plan it names (by its known ARN, or, when the ARN is
 * known only after apply, by the configuration's reference `aws_lambda_code_signing_config.x.arn`),
 * read like ListCodeSigningConfigs' answer, the address standing in for the config id; undefined
 * when the config is not in the plan (a literal ARN of another stack, a variable).
 */
function planCodeSigning(
  fn: Change,
  plan: Record<string, unknown>,
  changes: readonly Change[],
  region: string,
  account: string,
): Record<string, unknown> | null | undefined {
  const value = fn.values.code_signing_config_arn;
  if (value === undefined || value === null || value === '') return null;
  const configs = changes.filter((c) => c.type === 'aws_lambda_code_signing_config');
  let config = typeof value === 'string' ? configs.find((c) => c.values.arn === value) : undefined;
  if (config === undefined && value instanceof PlanTime) {
    const expressions = resourceConfig(plan, fn)?.expressions;
    const expression = isObject(expressions) ? expressions.code_signing_config_arn : undefined;
    const refs = isObject(expression) && Array.isArray(expression.references) ? expression.references : [];
    const prefix = fn.module === '' ? '' : `${fn.module}.`;
    for (const ref of refs) {
      const address = `${prefix}${String(ref).split('.').slice(0, 2).join('.')}`;
      config = configs.find((c) => c.address === address || c.address.startsWith(`${address}[`));
      if (config) break;
    }
  }
  if (config === undefined) return undefined;
  const policies = config.values.policies;
  const policy = isObject(policies) ? policies.untrusted_artifact_on_deployment : undefined;
  const publishers = config.values.allowed_publishers;
  const arns = isObject(publishers) ? publishers.signing_profile_version_arns : undefined;
  return {
    CodeSigningConfigArn:
      typeof config.values.arn === 'string'
        ? config.values.arn
        : `arn:aws:lambda:${region}:${account}:code-signing-config:${config.address}`,
    // The API's default when no policy is given: Warn.
    UntrustedArtifactOnDeployment: policy ?? 'Warn',
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
 * `after` with `after_unknown` folded in: unknown attributes become `PlanTime`; one-block lists
 * become the block. Values `after_sensitive` marks are printed in clear by `show -json`: environment
 * values are hashed like any other, every other sensitive value is not read (unknown), so it never
 * reaches a report.
 */
function withUnknown(after: unknown, unknown: unknown, sensitive: unknown, path: string): unknown {
  if (unknown === true) return new PlanTime(`${path} (known after apply)`);
  if (sensitive === true && after !== null && !/\.environment\[0\]\.variables(\.|$)/.test(path))
    return new PlanTime(`${path} (sensitive: not read)`);
  if (Array.isArray(after)) {
    const items = after.map((v, i) => withUnknown(v, at(unknown, i), at(sensitive, i), `${path}[${i}]`));
    if (after.length > 0 && after.every(isObject)) return items[0];
    return items;
  }
  if (isObject(after)) {
    const u = isObject(unknown) ? unknown : {};
    const out: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(after), ...Object.keys(u)]))
      out[key] = withUnknown(after[key], u[key], isObject(sensitive) ? sensitive[key] : undefined, `${path}.${key}`);
    return out;
  }
  return after === null ? undefined : after;
}

/** A list of nested blocks with `after_unknown` folded in, every block kept. */
function withUnknownBlocks(after: unknown, unknown: unknown, path: string): unknown {
  if (unknown === true) return new PlanTime(`${path} (known after apply)`);
  if (!Array.isArray(after)) return undefined;
  return after.map((b, i) => withUnknown(b, at(unknown, i), undefined, `${path}[${i}]`));
}

/**
 * An `aws_lambda_event_source_mapping` in CloudFormation's property names (event-sources.ts reads
 * both): the address stands for the UUID; a source the plan creates gets a stand-in ARN in the
 * plan's account; a qualified function_name keeps its qualifier.
 */
function planMapping(
  r: Change,
  functionArn: string,
  plan: Record<string, unknown>,
  changes: readonly Change[],
  region: string,
  account: string,
  unknown: UnknownPart[],
): EventSourceMappingInfo {
  const v = r.values;
  const block = (value: unknown): Record<string, unknown> | undefined => (isObject(value) ? value : undefined);
  const onFailure = block(block(v.destination_config)?.on_failure);
  const endpoints = block(block(v.self_managed_event_source)?.endpoints);
  const access = r.blocks?.source_access_configuration;
  const qualifier =
    typeof v.function_name === 'string' && v.function_name.startsWith('arn:')
      ? v.function_name.split(':')[7]
      : undefined;
  const filters = block(v.filter_criteria)?.filter;
  const props: Record<string, unknown> = {
    EventSourceArn: v.event_source_arn,
    Enabled: v.enabled,
    BatchSize: v.batch_size,
    StartingPosition: v.starting_position,
    ...(onFailure === undefined || onFailure.destination_arn === undefined
      ? {}
      : { DestinationConfig: { OnFailure: { Destination: onFailure.destination_arn } } }),
    ...(endpoints === undefined
      ? {}
      : {
          SelfManagedEventSource: {
            Endpoints: Object.fromEntries(
              Object.entries(endpoints).map(([k, e]) => [k, typeof e === 'string' ? e.split(',') : e]),
            ),
          },
        }),
    ...(access instanceof PlanTime
      ? { SourceAccessConfigurations: access }
      : Array.isArray(access)
        ? {
            SourceAccessConfigurations: access.map((c) => (isObject(c) ? { Type: c.type, URI: c.uri } : {})),
          }
        : {}),
    Topics: v.topics,
    Queues: v.queues,
    ...(filters === undefined
      ? {}
      : {
          FilterCriteria: {
            Filters: (Array.isArray(filters) ? filters : [filters]).map((f) => ({ Pattern: block(f)?.pattern })),
          },
        }),
    MaximumRetryAttempts: v.maximum_retry_attempts,
    BisectBatchOnFunctionError: v.bisect_batch_on_function_error,
    MaximumRecordAgeInSeconds: v.maximum_record_age_in_seconds,
    KmsKeyArn: v.kms_key_arn,
    AmazonManagedKafkaEventSourceConfig: block(v.amazon_managed_kafka_event_source_config)
      ? { ConsumerGroupId: block(v.amazon_managed_kafka_event_source_config)?.consumer_group_id }
      : undefined,
    SelfManagedKafkaEventSourceConfig: block(v.self_managed_kafka_event_source_config)
      ? { ConsumerGroupId: block(v.self_managed_kafka_event_source_config)?.consumer_group_id }
      : undefined,
  };
  const inPlan = v.event_source_arn instanceof PlanTime ? inPlanSource(r, plan, changes, region, account) : undefined;
  return plannedMapping(r.address, props, functionArn, qualifier, unknown, inPlan);
}

/** `event_source_arn = aws_kinesis_stream.x.arn` (or a table's `stream_arn`) of a resource this plan creates. */
function inPlanSource(
  mapping: Change,
  plan: Record<string, unknown>,
  changes: readonly Change[],
  region: string,
  account: string,
): string | undefined {
  const config = resourceConfig(plan, mapping);
  const expressions = config && isObject(config.expressions) ? config.expressions : undefined;
  const expr = expressions && isObject(expressions.event_source_arn) ? expressions.event_source_arn : undefined;
  const refs = expr && Array.isArray(expr.references) ? (expr.references as unknown[]) : [];
  const prefix = mapping.module === '' ? '' : `${mapping.module}.`;
  for (const ref of refs) {
    const parts = String(ref).split('.');
    if (parts.length !== 3 || (parts[2] !== 'arn' && parts[2] !== 'stream_arn')) continue;
    const address = `${prefix}${parts.slice(0, 2).join('.')}`;
    const found = changes.find((c) => c.address === address || c.address.startsWith(`${address}[`));
    const provider = typeof config?.provider_config_key === 'string' ? config.provider_config_key : 'aws';
    const target = found && resourceConfig(plan, found);
    // A resource of another (aliased) provider may live in another account.
    if (found && (target?.provider_config_key ?? 'aws') === provider)
      return inStackSourceArn(found.type, address, region, account);
  }
  return undefined;
}

function at(list: unknown, i: number): unknown {
  return Array.isArray(list) ? list[i] : undefined;
}

function targetOf(change: Change, functions: readonly Change[], plan: Record<string, unknown>): Change | undefined {
  const value = change.values.function_name;
  if (typeof value === 'string') {
    const name = value.startsWith('arn:') ? value.split(':')[6] : value;
    const found = functions.find((f) => f.values.function_name === name);
    if (found) return found;
  }
  // Unknown at plan time: follow the configuration's reference (`aws_lambda_function.api.function_name`).
  const references = resourceConfig(plan, change)?.expressions;
  const refs =
    isObject(references) && isObject(references.function_name) ? references.function_name.references : undefined;
  for (const ref of Array.isArray(refs) ? refs : []) {
    const address = `${change.module === '' ? '' : `${change.module}.`}${String(ref).split('.').slice(0, 2).join('.')}`;
    const found = functions.find((f) => f.address === address || f.address.startsWith(`${address}[`));
    if (found) return found;
  }
  return undefined;
}

/**
 * Blocks and attributes of `aws_lambda_function` that the provider computes when the configuration
 * leaves them out: the plan shows them as known after apply, but what deploys is AWS's default
 * (applyDefaults: tracing PassThrough, log format Text, log group /aws/lambda/NAME).
 */
const DEFAULTED: Readonly<Record<string, readonly string[]>> = {
  tracing_config: ['mode'],
  logging_config: ['log_format', 'log_group'],
};

/**
 * Removes the unknown markers the provider puts on attributes the user did not write (the plan's
 * `configuration` section says what was written), so the defaults apply; and `tags_all`, unknown
 * whenever `tags` is, becomes `tags` plus the provider's constant `default_tags`. An attribute
 * written as an expression known only after apply stays unknown.
 */
function withConfiguredDefaults(
  values: Record<string, unknown>,
  plan: Record<string, unknown>,
  config: Record<string, unknown> | undefined,
  changes: readonly Change[],
): void {
  const written = config && isObject(config.expressions) ? config.expressions : undefined;
  if (written === undefined) return;
  for (const [block, attributes] of Object.entries(DEFAULTED)) {
    const value = values[block];
    if (value instanceof PlanTime) {
      if (!(block in written)) delete values[block];
      continue;
    }
    if (!isObject(value)) continue;
    const blockWritten = firstBlock(written[block]);
    for (const attribute of attributes)
      if (value[attribute] instanceof PlanTime && !(isObject(blockWritten) && attribute in blockWritten))
        delete value[attribute];
  }
  // A set of ids unknown until apply is unknown as a whole in the plan, but the configuration may
  // say how many: `[aws_subnet.a.id, aws_subnet.b.id]` is two subnets, whatever their ids.
  const vpc = values.vpc_config;
  if (isObject(vpc)) {
    const vpcWritten = firstBlock(written.vpc_config);
    for (const attribute of ['subnet_ids', 'security_group_ids']) {
      if (!(vpc[attribute] instanceof PlanTime) || !isObject(vpcWritten)) continue;
      const count = singleResourceIds(vpcWritten[attribute], changes);
      if (count !== undefined) vpc[attribute] = Array.from({ length: count }, () => vpc[attribute]);
    }
  }
  if (values.tags_all instanceof PlanTime && config !== undefined) {
    const defaults = providerDefaultTags(plan, config);
    if (defaults === undefined) return;
    const tags = isObject(values.tags) ? values.tags : values.tags instanceof PlanTime ? values.tags : {};
    values.tags_all = tags instanceof PlanTime ? tags : { ...defaults, ...tags };
  }
}

/**
 * How many ids an expression lists when it is a list of `<type>.<name>.id` of single resources
 * (no count or for_each) this plan creates; `undefined` for anything else (a variable, a splat).
 */
function singleResourceIds(expression: unknown, changes: readonly Change[]): number | undefined {
  const refs = isObject(expression) && Array.isArray(expression.references) ? (expression.references as unknown[]) : [];
  const ids = new Set<string>();
  for (const ref of refs.map(String)) {
    const parts = ref.split('.');
    if (parts.length === 3 && parts[2] === 'id') ids.add(parts.slice(0, 2).join('.'));
    else if (parts.length !== 2) return undefined;
  }
  for (const ref of refs.map(String)) if (ref.split('.').length === 2 && !ids.has(ref)) return undefined;
  if (ids.size === 0) return undefined;
  // Only resources created once (the module's own address, no index) count as one id each.
  for (const id of ids) if (!changes.some((c) => c.address === id)) return undefined;
  return ids.size;
}

/** A nested block in the configuration: a list of one object, or the object. */
function firstBlock(value: unknown): unknown {
  return Array.isArray(value) ? (value as unknown[])[0] : value;
}

/** The provider's `default_tags` when they are constants; `{}` with none; `undefined` when not known. */
function providerDefaultTags(
  plan: Record<string, unknown>,
  config: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const providers = isObject(plan.configuration) ? plan.configuration.provider_config : undefined;
  const key = typeof config.provider_config_key === 'string' ? config.provider_config_key : 'aws';
  const provider = isObject(providers) ? (providers[key] ?? providers[key.split(':').pop() ?? key]) : undefined;
  // No provider block at all: the provider's defaults, without default_tags.
  if (provider === undefined) return isObject(providers) && Object.keys(providers).length > 0 ? undefined : {};
  const expressions = isObject(provider) && isObject(provider.expressions) ? provider.expressions : {};
  const block = firstBlock(expressions.default_tags);
  if (block === undefined) return {};
  const tags = isObject(block) && isObject(block.tags) ? block.tags : undefined;
  if (tags === undefined) return {};
  return isObject(tags.constant_value) ? tags.constant_value : undefined;
}

/**
 * A permission's `source_arn` that references a resource this plan creates (`aws_cloudwatch_event_rule.x.arn`):
 * unknown until apply, but in the account the plan deploys to (the same provider). The stand-in ARN
 * says so: the resource address in place of the resource part.
 */
function inPlanArn(
  permission: Change,
  plan: Record<string, unknown>,
  changes: readonly Change[],
  region: string,
  account: string,
): string | undefined {
  const config = resourceConfig(plan, permission);
  const expressions = config && isObject(config.expressions) ? config.expressions : undefined;
  const sourceArn = expressions && isObject(expressions.source_arn) ? expressions.source_arn : undefined;
  const refs = sourceArn && Array.isArray(sourceArn.references) ? (sourceArn.references as unknown[]) : [];
  const prefix = permission.module === '' ? '' : `${permission.module}.`;
  for (const ref of refs) {
    const parts = String(ref).split('.');
    if (parts[2] !== 'arn' || parts.length !== 3) continue;
    const address = `${prefix}${parts.slice(0, 2).join('.')}`;
    const found = changes.find((c) => c.address === address || c.address.startsWith(`${address}[`));
    const provider = config && typeof config.provider_config_key === 'string' ? config.provider_config_key : 'aws';
    // A resource of another (aliased) provider may live in another account.
    const target = found && resourceConfig(plan, found);
    const sameProvider = (target?.provider_config_key ?? 'aws') === provider;
    if (found && sameProvider) return `arn:aws:${found.type.split('_')[1] ?? 'aws'}:${region}:${account}:${address}`;
  }
  return undefined;
}

function moduleConfig(plan: Record<string, unknown>, moduleAddress: string): Record<string, unknown> | undefined {
  let at: unknown = isObject(plan.configuration) ? plan.configuration.root_module : undefined;
  for (const name of moduleCalls(moduleAddress)) {
    const call = isObject(at) && isObject(at.module_calls) ? at.module_calls[name] : undefined;
    at = isObject(call) ? call.module : undefined;
  }
  return isObject(at) ? at : undefined;
}

function resourceConfig(plan: Record<string, unknown>, change: Change): Record<string, unknown> | undefined {
  const mod = moduleConfig(plan, change.module);
  const resources = mod && Array.isArray(mod.resources) ? mod.resources : [];
  return resources.find(
    (r): r is Record<string, unknown> => isObject(r) && r.type === change.type && r.name === change.name,
  );
}

/** `module.a["x"].module.b[0]` -> `['a', 'b']`. */
function moduleCalls(address: string): string[] {
  return [...address.matchAll(/module\.([\w-]+)/g)].map((m) => m[1] as string);
}

function providerRegion(plan: Record<string, unknown>): string | undefined {
  const config = isObject(plan.configuration) ? plan.configuration.provider_config : undefined;
  const aws = isObject(config) ? config.aws : undefined;
  const region = isObject(aws) && isObject(aws.expressions) ? aws.expressions.region : undefined;
  return isObject(region) && typeof region.constant_value === 'string' ? region.constant_value : undefined;
}

/** Finds `resource "TYPE" "NAME"` in the module's .tf files next to the plan; else the plan file, line 1. */
function locator(source: PlanSource, plan: Record<string, unknown>): (c: Change) => { file: string; line: number } {
  const files = new Map<string, { name: string; text: string }[]>();
  const tfFiles = (dir: string): { name: string; text: string }[] => {
    let cached = files.get(dir);
    if (!cached) {
      cached = (source.listDir?.(dir) ?? [])
        .filter((f) => f.endsWith('.tf'))
        .sort()
        .flatMap((name) => {
          const text = source.read?.(join(dir, name));
          return text === undefined ? [] : [{ name, text }];
        });
      files.set(dir, cached);
    }
    return cached;
  };
  return (change) => {
    let rel = '';
    let at: unknown = isObject(plan.configuration) ? plan.configuration.root_module : undefined;
    for (const name of moduleCalls(change.module)) {
      const call = isObject(at) && isObject(at.module_calls) ? at.module_calls[name] : undefined;
      const src = isObject(call) && typeof call.source === 'string' ? call.source : undefined;
      if (src === undefined || !/^\.\.?\//.test(src)) return { file: source.file, line: 1 };
      rel = join(rel, src);
      at = isObject(call) ? call.module : undefined;
    }
    const pattern = new RegExp(`^[ \\t]*resource[ \\t]+"${change.type}"[ \\t]+"${change.name}"`, 'm');
    for (const f of tfFiles(join(source.dir, rel))) {
      const m = pattern.exec(f.text);
      if (m) {
        const line = f.text.slice(0, m.index).split('\n').length;
        return { file: join(source.relDir, rel, f.name).split('\\').join('/'), line };
      }
    }
    return { file: source.file, line: 1 };
  };
}
