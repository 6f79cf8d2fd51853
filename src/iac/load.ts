/**
 * `scan --iac PATH`: templates (CloudFormation, SAM), CDK output and Terraform plans as snapshot
 * records, with no AWS access. The format is recognised from the content; a directory is searched
 * for templates and plans (a directory with a `manifest.json` is a cdk.out).
 */
import { lstatSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { AuditError } from '../errors.js';
import type { EnvHashKey } from '../snapshot/redact.js';
import { SNAPSHOT_SCHEMA_VERSION, type FunctionRecord, type Snapshot } from '../snapshot/types.js';
import { fileRegionStats } from '../snapshot/build.js';
import { cdkStacks } from './cdk.js';
import { functionsFromTemplate, type TemplateSource } from './cfn.js';
import { checkResources, parse, relativePath } from './files.js';
import { buildRecord, PLAN_ACCOUNT, type PlannedFunction } from './record.js';
import { isObject } from './sam.js';
import { functionsFromPlan, isTerraformPlan } from './terraform.js';
import { accountIam } from './account-iam.js';
import { withAlternates } from './variants.js';
import {
  DEFAULT_IAC_LIMITS,
  isInside,
  makeRoot,
  readInside,
  RefusedPath,
  resolveInside,
  type IacLimits,
  type Root,
} from './safe-read.js';

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
  /** Size, depth and count caps (`--iac-max-bytes`). @default DEFAULT_IAC_LIMITS */
  readonly limits?: Partial<IacLimits>;
}

/**
 * What one `--iac` argument's reading knows: its limits, the files already read (a file reached
 * under two names is read once), and what to do with a refused path: named on the command line
 * it ends the run (exit 2), met in a directory walk it is a warning and a skip.
 */
interface Reading {
  readonly options: IacOptions;
  readonly limits: IacLimits;
  readonly seen: Set<string>;
  /** Throws for a path named on the command line; logs and skips inside a walk. */
  refused(error: RefusedPath): void;
  /** Counts of the current walk. */
  files: number;
  entries: number;
}

const TEMPLATE_EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.template']);
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.terraform', '.aws-sam']);

export async function loadIac(paths: readonly string[], options: IacOptions): Promise<Snapshot> {
  const planned: { primary: PlannedFunction; alternates: PlannedFunction[] }[] = [];
  const limits = { ...DEFAULT_IAC_LIMITS, ...options.limits };
  const seen = new Set<string>();
  for (const path of paths) {
    const abs = resolve(options.cwd, path);
    const rel = relativePath(options.cwd, abs);
    try {
      lstatSync(abs);
    } catch (error) {
      throw new AuditError(
        'E_INPUT',
        `--iac ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        {
          cause: error,
        },
      );
    }
    // A path given on the command line may be a symlink only to somewhere in its own directory.
    const parent = makeRoot(dirname(abs), relativePath(options.cwd, dirname(abs)));
    const real = resolveInside(abs, parent, rel);
    const reading: Reading = {
      options,
      limits,
      seen,
      refused: (error) => options.log(`warning: ${error.message}; skipped`),
      files: 0,
      entries: 0,
    };
    // Named on the command line, a refusal ends the run (a file, or a cdk.out and the files it names).
    const strict: Reading = {
      ...reading,
      refused: (error) => {
        throw error;
      },
    };
    const isDir = statSync(real).isDirectory();
    const found = !isDir
      ? readFile(abs, parent, strict, true)
      : isManifest(join(real, 'manifest.json'))
        ? readCdkOut(real, makeRoot(real, rel), strict)
        : readDirectory(real, rel, makeRoot(real, rel), 0, reading);
    if (found.length === 0 && isDir)
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
  // Every variant's role: a part that differs between variants is unknown (account-iam.ts).
  const iam = accountIam(
    planned.flatMap((p, i) => {
      const account = (records[i] as FunctionRecord).account;
      return [p.primary, ...p.alternates].map((f) => ({ account, role: f.role }));
    }),
  );
  const snapshot: Snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    tool: { name: 'lambda-audit', version: options.toolVersion },
    generatedAt: options.now.toISOString(),
    envHashKeyId: key.id,
    regions: fileRegionStats(functions, PLAN_ACCOUNT).sort((a, b) =>
      `${a.account}/${a.region}` < `${b.account}/${b.region}` ? -1 : 1,
    ),
    functions,
    iam,
  };
  return withAlternates(snapshot, alternates);
}

type Found = { primary: PlannedFunction; alternates: PlannedFunction[] }[];

/**
 * A directory walk: template candidates by extension, a sub-directory with a `manifest.json` as a
 * cdk.out. Symlinked directories are not followed (in the tree, their target is walked under its
 * own name; out of it, they are refused), so a walk cannot loop or leave its root.
 */
function readDirectory(dir: string, rel: string, root: Root, depth: number, reading: Reading): Found {
  if (isManifest(join(dir, 'manifest.json'))) return readCdkOut(dir, makeRoot(dir, rel), reading);
  if (depth > reading.limits.maxDepth) {
    reading.refused(new RefusedPath(rel, `deeper than ${reading.limits.maxDepth} directory levels below ${root.name}`));
    return [];
  }
  const out: Found = [];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    reading.refused(new RefusedPath(rel, `cannot list (${(error as NodeJS.ErrnoException).code ?? 'error'})`));
    return [];
  }
  reading.entries += entries.length;
  if (reading.entries > reading.limits.maxEntries)
    throw new AuditError(
      'E_INPUT',
      `--iac ${root.name}: more than ${reading.limits.maxEntries.toLocaleString('en-US')} directory entries; name the directories that hold templates (--iac infra/)`,
    );
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    const childRel = rel === '.' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.'))
        out.push(...readDirectory(path, childRel, root, depth + 1, reading));
      continue;
    }
    if (entry.isSymbolicLink() && !TEMPLATE_EXTENSIONS.has(extname(entry.name))) {
      // A symlinked directory is not followed; out of the tree it is said so.
      try {
        resolveInside(path, root, childRel);
      } catch (error) {
        if (error instanceof RefusedPath) reading.refused(error);
        else throw error;
      }
      continue;
    }
    if (!TEMPLATE_EXTENSIONS.has(extname(entry.name))) continue;
    reading.files += 1;
    if (reading.files > reading.limits.maxFiles)
      throw new AuditError(
        'E_INPUT',
        `--iac ${root.name}: more than ${reading.limits.maxFiles.toLocaleString('en-US')} template candidates (.yaml, .yml, .json, .template); name the directories that hold templates (--iac infra/)`,
      );
    out.push(...readFile(path, root, reading, false));
  }
  return out;
}

/** A `manifest.json` that is a regular file or a symlink (the reader checks where it leads). */
function isManifest(path: string): boolean {
  try {
    const stat = lstatSync(path);
    return stat.isFile() || stat.isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * One file: a template, a plan or a cdk.out manifest. `explicit`: named on the command line, so a
 * file of neither format is an error; found in a directory, it is skipped (package.json, ...).
 */
function readFile(abs: string, root: Root, reading: Reading, explicit: boolean): Found {
  const { options } = reading;
  const rel = relativePath(options.cwd, abs);
  let text: string;
  try {
    const read = readInside(abs, root, rel, reading.limits.maxBytes);
    if (reading.seen.has(read.real)) return [];
    reading.seen.add(read.real);
    text = read.text;
  } catch (error) {
    if (!(error instanceof RefusedPath)) throw error;
    reading.refused(error);
    return [];
  }
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
    // .tf files for locations: within the working directory (the checkout), or the plan's own.
    const cwd = makeRoot(options.cwd, '.');
    const tfRoot = isInside(cwd.real, makeRoot(dir, '').real) ? cwd : makeRoot(dir, relativePath(options.cwd, dir));
    return functionsFromPlan({
      plan: value,
      file: rel,
      dir,
      relDir: relativePath(options.cwd, dir),
      region: givenRegion(options),
      account: givenAccount(options),
      read: (path) => {
        try {
          return readInside(path, tfRoot, relativePath(options.cwd, path), reading.limits.maxBytes).text;
        } catch (error) {
          if (!(error instanceof RefusedPath)) throw error;
          options.log(`warning: ${error.message}; not used to locate resources`);
          return undefined;
        }
      },
      listDir: (path) => {
        try {
          return isInside(tfRoot.real, makeRoot(path, '').real) ? readdirSync(path) : undefined;
        } catch {
          return undefined;
        }
      },
    }).map((primary) => ({ primary, alternates: [] }));
  }
  if (isObject(value) && isObject(value.artifacts) && basename(abs) === 'manifest.json') {
    const dir = dirname(abs);
    return readCdkOut(dir, makeRoot(dir, relativePath(options.cwd, dir)), reading);
  }
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

function readCdkOut(dir: string, root: Root, reading: Reading): Found {
  const { options } = reading;
  const defaults = { cwd: options.cwd, region: givenRegion(options), account: givenAccount(options) };
  const read = (abs: string, file: string, namedBy?: string): string | undefined => {
    try {
      return readInside(abs, root, namedBy === undefined ? file : `${file} (${namedBy})`, reading.limits.maxBytes).text;
    } catch (error) {
      if (!(error instanceof RefusedPath)) throw error;
      reading.refused(error);
      return undefined;
    }
  };
  return cdkStacks(dir, defaults, read).flatMap((stack) => fromTemplate(stack, options));
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
