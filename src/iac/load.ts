/**
 * `scan --iac PATH`: templates (CloudFormation, SAM), CDK output and Terraform plans as snapshot
 * records, with no AWS access. The format is recognised from the content; a directory is searched
 * for templates and plans (a directory with a `manifest.json` is a cdk.out).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { AuditError } from '../errors.js';
import { YamlSyntaxError } from '../policy/yaml.js';
import type { EnvHashKey } from '../snapshot/redact.js';
import { SNAPSHOT_SCHEMA_VERSION, type FunctionRecord, type RegionStats, type Snapshot } from '../snapshot/types.js';
import { functionsFromTemplate, type TemplateSource } from './cfn.js';
import { buildRecord, type PlannedFunction } from './record.js';
import { isObject } from './sam.js';
import { functionsFromPlan, isTerraformPlan } from './terraform.js';
import { withAlternates } from './variants.js';
import { parseTemplate } from './yaml.js';

export interface IacOptions {
  readonly cwd: string;
  readonly key: () => Promise<EnvHashKey>;
  /** `--iac-param KEY=VALUE`: template parameter values. */
  readonly parameters: ReadonlyMap<string, string>;
  /** Region for templates and plans that do not say (`--regions`, AWS_REGION). */
  readonly defaultRegion: string;
  readonly toolVersion: string;
  readonly now: Date;
  readonly log: (line: string) => void;
}

/** The account of records whose account is only known at deploy time. */
export const PLAN_ACCOUNT = '000000000000';

const TEMPLATE_EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.template']);
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.terraform', '.aws-sam']);

export async function loadIac(paths: readonly string[], options: IacOptions): Promise<Snapshot> {
  const planned: { primary: PlannedFunction; alternates: PlannedFunction[] }[] = [];
  for (const path of paths) {
    const abs = resolve(options.cwd, path);
    let stat;
    try {
      stat = statSync(abs);
    } catch (error) {
      throw new AuditError(
        'E_INPUT',
        `--iac ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        {
          cause: error,
        },
      );
    }
    const found = stat.isDirectory() ? readDirectory(abs, options) : readFile(abs, options, true);
    if (found.length === 0 && stat.isDirectory())
      options.log(`--iac ${path}: no CloudFormation/SAM template, cdk.out or Terraform plan found`);
    planned.push(...found);
  }
  const key = await options.key();
  const records = planned.map((p) => buildRecord(p.primary, key));
  const alternates = planned.flatMap((p) => p.alternates.map((a) => buildRecord(a, key)));
  const byArn = new Map<string, FunctionRecord>();
  for (const r of records) {
    const earlier = byArn.get(r.arn);
    if (earlier)
      throw new AuditError(
        'E_INPUT',
        `two functions are named ${r.name}: ${earlier.location?.file}:${earlier.location?.line} and ${r.location?.file}:${r.location?.line}; give them distinct FunctionName values`,
      );
    byArn.set(r.arn, r);
  }
  const functions = [...byArn.values()].sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  const snapshot: Snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    tool: { name: 'lambda-audit', version: options.toolVersion },
    generatedAt: options.now.toISOString(),
    envHashKeyId: key.id,
    regions: regionStats(functions),
    functions,
  };
  return withAlternates(snapshot, alternates);
}

type Found = { primary: PlannedFunction; alternates: PlannedFunction[] }[];

function readDirectory(dir: string, options: IacOptions): Found {
  if (existsSync(join(dir, 'manifest.json'))) return readCdkOut(dir, options);
  const out: Found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) out.push(...readDirectory(path, options));
    } else if (TEMPLATE_EXTENSIONS.has(extname(entry.name))) {
      out.push(...readFile(path, options, false));
    }
  }
  return out;
}

/**
 * One file: a template, a plan or a cdk.out manifest. `explicit`: named on the command line, so a
 * file of neither format is an error; found in a directory, it is skipped (package.json, ...).
 */
function readFile(abs: string, options: IacOptions, explicit: boolean): Found {
  const rel = relativePath(options.cwd, abs);
  const text = readText(abs, rel);
  const doc = parse(text, rel);
  const value = doc.value;
  if (isTerraformPlan(value)) {
    const version = String(value.format_version);
    if (!version.startsWith('1.'))
      throw new AuditError(
        'E_INPUT',
        `${rel}: Terraform plan format_version ${version} is not supported (expected 1.x)`,
      );
    const dir = dirname(abs);
    return functionsFromPlan({
      plan: value,
      file: rel,
      dir,
      relDir: relativePath(options.cwd, dir),
      region: options.defaultRegion,
      account: PLAN_ACCOUNT,
    }).map((primary) => ({ primary, alternates: [] }));
  }
  if (isObject(value) && isObject(value.artifacts) && basename(abs) === 'manifest.json')
    return readCdkOut(dirname(abs), options);
  if (isObject(value) && (isObject(value.Resources) || 'AWSTemplateFormatVersion' in value)) {
    checkResources(value, rel, (p, k) => doc.position(p, k));
    return fromTemplate(
      {
        template: value,
        file: rel,
        line: (p) => doc.position(p, true).line,
        stackName: basename(abs).replace(/\.(template\.)?(json|ya?ml|template)$/, ''),
        region: options.defaultRegion,
        account: PLAN_ACCOUNT,
        pseudo: {},
      },
      options,
    );
  }
  if (!explicit) return [];
  throw new AuditError(
    'E_INPUT',
    `${rel}: not a CloudFormation or SAM template (no Resources map), not a Terraform plan from "terraform show -json" (no format_version and resource_changes), and not a cdk.out manifest.json (no artifacts)`,
  );
}

function fromTemplate(source: TemplateSource, options: IacOptions): Found {
  const { functions, truncated } = functionsFromTemplate(source, options.parameters);
  for (const id of truncated)
    options.log(
      `${source.file}: ${id} has more parameter and condition combinations than are judged (64); pass --iac-param to fix some`,
    );
  return functions;
}

/** A cdk.out cloud assembly: each `aws:cloudformation:stack` artifact's template; nested assemblies too. */
function readCdkOut(dir: string, options: IacOptions): Found {
  const manifestPath = join(dir, 'manifest.json');
  const rel = relativePath(options.cwd, manifestPath);
  const manifest = parse(readText(manifestPath, rel), rel).value;
  if (!isObject(manifest) || !isObject(manifest.artifacts))
    throw new AuditError('E_INPUT', `${rel}: not a cdk.out manifest (expected an "artifacts" map)`);
  const out: Found = [];
  for (const [name, artifact] of Object.entries(manifest.artifacts)) {
    if (!isObject(artifact) || !isObject(artifact.properties)) continue;
    if (artifact.type === 'cdk:cloud-assembly' && typeof artifact.properties.directoryName === 'string') {
      out.push(...readCdkOut(join(dir, artifact.properties.directoryName), options));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack' || typeof artifact.properties.templateFile !== 'string') continue;
    const abs = join(dir, artifact.properties.templateFile);
    const file = relativePath(options.cwd, abs);
    const doc = parse(readText(abs, file), file);
    if (!isObject(doc.value))
      throw new AuditError('E_INPUT', `${file}: expected a CloudFormation template (a JSON object)`);
    checkResources(doc.value, file, (p, k) => doc.position(p, k));
    // `aws://123456789012/eu-west-1`, or `unknown-account`/`unknown-region` for environment-agnostic stacks.
    const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(typeof artifact.environment === 'string' ? artifact.environment : '');
    const account = env && /^\d{12}$/.test(env[1] ?? '') ? (env[1] as string) : undefined;
    const region = env && env[2] !== 'unknown-region' ? env[2] : undefined;
    const stackName = typeof artifact.properties.stackName === 'string' ? artifact.properties.stackName : name;
    out.push(
      ...fromTemplate(
        {
          template: doc.value,
          file,
          line: (p) => doc.position(p, true).line,
          stackName,
          region: region ?? options.defaultRegion,
          account: account ?? PLAN_ACCOUNT,
          pseudo: {
            'AWS::StackName': stackName,
            ...(region === undefined ? {} : { 'AWS::Region': region }),
            ...(account === undefined ? {} : { 'AWS::AccountId': account }),
          },
        },
        options,
      ),
    );
  }
  return out;
}

function parse(text: string, rel: string): ReturnType<typeof parseTemplate> {
  // JSON is YAML, but YAML forgives what CloudFormation and Terraform do not (a trailing comma).
  if (text.trimStart().startsWith('{')) {
    try {
      JSON.parse(text);
    } catch (error) {
      const offset = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? 0);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - before.lastIndexOf('\n');
      const reason = (error as Error).message.replace(/ in JSON at position \d+.*$/s, '').replace(/,? ?".*$/s, '');
      throw new AuditError(
        'E_INPUT',
        `${rel}:${line}:${column}: not valid JSON (${reason}); expected a CloudFormation template, a cdk.out manifest or a Terraform plan JSON`,
        { cause: error },
      );
    }
  }
  try {
    return parseTemplate(text, rel);
  } catch (error) {
    if (error instanceof YamlSyntaxError)
      throw new AuditError(
        'E_INPUT',
        `${rel}:${error.position.line}:${error.position.column}: not valid YAML or JSON: ${error.reason}; expected a CloudFormation/SAM template, a cdk.out manifest or a Terraform plan JSON`,
        { cause: error },
      );
    throw error;
  }
}

/** Every resource must be a map with a `Type`: say where one is not (never quoting the value). */
function checkResources(
  template: Record<string, unknown>,
  rel: string,
  position: (pointer: string, key?: boolean) => { line: number; column: number },
): void {
  const at = (pointer: string): string => {
    const p = position(pointer, true);
    return `${rel}:${p.line}:${p.column}`;
  };
  if (!isObject(template.Resources))
    throw new AuditError('E_INPUT', `${at('/Resources')}: Resources: expected a map of logical id to resource`);
  for (const [id, resource] of Object.entries(template.Resources)) {
    const pointer = `/Resources/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!isObject(resource) || typeof resource.Type !== 'string')
      throw new AuditError('E_INPUT', `${at(pointer)}: Resources.${id}: expected a map with a Type string`);
    if (resource.Properties !== undefined && !isObject(resource.Properties))
      throw new AuditError('E_INPUT', `${at(`${pointer}/Properties`)}: Resources.${id}.Properties: expected a map`);
  }
}

function readText(abs: string, rel: string): string {
  try {
    return readFileSync(abs, 'utf8');
  } catch (error) {
    throw new AuditError('E_INPUT', `cannot read ${rel} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: error,
    });
  }
}

function relativePath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs).split('\\').join('/');
  return rel === '' ? '.' : rel;
}

function regionStats(records: readonly FunctionRecord[]): RegionStats[] {
  const groups = new Map<string, FunctionRecord[]>();
  for (const r of records)
    groups.set(`${r.account}/${r.region}`, [...(groups.get(`${r.account}/${r.region}`) ?? []), r]);
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, group]) => ({
      account: group[0]?.account ?? PLAN_ACCOUNT,
      region: group[0]?.region ?? 'unknown',
      complete: true,
      listed: group.length,
      fetched: group.length,
      vanished: 0,
      denied: 0,
      failed: 0,
      versions: 0,
      throttled: 0,
      retries: 0,
      requests: 0,
      durationMs: 0,
    }));
}
