/**
 * `scan --iac PATH`: templates (CloudFormation, SAM), CDK output and Terraform plans as snapshot
 * records, with no AWS access. The format is recognised from the content; a directory is searched
 * for templates and plans (a directory with a `manifest.json` is a cdk.out).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { AuditError } from '../errors.js';
import type { EnvHashKey } from '../snapshot/redact.js';
import { SNAPSHOT_SCHEMA_VERSION, type FunctionRecord, type Snapshot } from '../snapshot/types.js';
import { fileRegionStats } from '../snapshot/build.js';
import { cdkStacks } from './cdk.js';
import { functionsFromTemplate, type TemplateSource } from './cfn.js';
import { checkResources, parse, readText, relativePath } from './files.js';
import { buildRecord, PLAN_ACCOUNT, type PlannedFunction } from './record.js';
import { isObject } from './sam.js';
import { functionsFromPlan, isTerraformPlan } from './terraform.js';
import { withAlternates } from './variants.js';

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
    regions: fileRegionStats(functions, PLAN_ACCOUNT).sort((a, b) =>
      `${a.account}/${a.region}` < `${b.account}/${b.region}` ? -1 : 1,
    ),
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
      region: givenRegion(options),
      account: givenAccount(options),
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
        region: givenRegion(options),
        account: givenAccount(options),
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

function readCdkOut(dir: string, options: IacOptions): Found {
  const defaults = { cwd: options.cwd, region: givenRegion(options), account: givenAccount(options) };
  return cdkStacks(dir, defaults).flatMap((stack) => fromTemplate(stack, options));
}

function fromTemplate(source: TemplateSource, options: IacOptions): Found {
  const { functions, truncated } = functionsFromTemplate(source, options.parameters);
  for (const id of truncated)
    options.log(
      `${source.file}: ${id} has more parameter and condition combinations than are judged (64); pass --iac-param to fix some`,
    );
  return functions;
}

/** `--iac-param AWS::AccountId=...`: the account every template and plan deploys to, when the pipeline knows it. */
function givenAccount(options: IacOptions): string {
  return options.parameters.get('AWS::AccountId') ?? PLAN_ACCOUNT;
}

/** `--iac-param AWS::Region=...`, else `--regions` / AWS_REGION. */
function givenRegion(options: IacOptions): string {
  return options.parameters.get('AWS::Region') ?? options.defaultRegion;
}
