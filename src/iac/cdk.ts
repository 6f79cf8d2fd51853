/**
 * A cdk.out cloud assembly: `manifest.json` names the stack templates (artifacts of type
 * `aws:cloudformation:stack`) and their environments; nested assemblies (`cdk:cloud-assembly`, CDK
 * stages) are followed. Each template is then read like any CloudFormation template; the
 * `aws:cdk:path` metadata of its resources names the construct.
 */
import { join } from 'node:path';
import { AuditError } from '../errors.js';
import type { TemplateSource } from './cfn.js';
import { checkResources, parse, relativePath } from './files.js';
import { isObject } from './sam.js';

export interface CdkDefaults {
  readonly cwd: string;
  readonly region: string;
  readonly account: string;
}

/**
 * Reads a file of the assembly: the caller keeps it inside the cdk.out (a `templateFile` of
 * `../../etc/passwd` is refused) and returns undefined for a file it refused and skipped.
 */
export type AssemblyReader = (abs: string, rel: string, namedBy?: string) => string | undefined;

/** Nested assemblies (CDK stages) deeper than this are not followed: a manifest naming itself would loop. */
const MAX_NESTING = 8;

/** The stack templates of the assembly in `dir`. */
export function cdkStacks(dir: string, defaults: CdkDefaults, read: AssemblyReader, nesting = 0): TemplateSource[] {
  const manifestPath = join(dir, 'manifest.json');
  const rel = relativePath(defaults.cwd, manifestPath);
  if (nesting > MAX_NESTING)
    throw new AuditError(
      'E_INPUT',
      `${rel}: cdk.out assemblies nested more than ${MAX_NESTING} deep (a manifest naming itself?)`,
    );
  const text = read(manifestPath, rel, nesting > 0 ? 'a nested assembly' : undefined);
  if (text === undefined) return [];
  const manifest = parse(text, rel).value;
  if (!isObject(manifest) || !isObject(manifest.artifacts))
    throw new AuditError('E_INPUT', `${rel}: not a cdk.out manifest (expected an "artifacts" map)`);
  const out: TemplateSource[] = [];
  for (const [name, artifact] of Object.entries(manifest.artifacts)) {
    if (!isObject(artifact) || !isObject(artifact.properties)) continue;
    if (artifact.type === 'cdk:cloud-assembly' && typeof artifact.properties.directoryName === 'string') {
      out.push(...cdkStacks(join(dir, artifact.properties.directoryName), defaults, read, nesting + 1));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack' || typeof artifact.properties.templateFile !== 'string') continue;
    const abs = join(dir, artifact.properties.templateFile);
    const file = relativePath(defaults.cwd, abs);
    const text = read(abs, file, `templateFile of ${rel}`);
    if (text === undefined) continue;
    const doc = parse(text, file);
    if (!isObject(doc.value))
      throw new AuditError('E_INPUT', `${file}: expected a CloudFormation template (a JSON object)`);
    checkResources(doc.value, file, (p, k) => doc.position(p, k));
    // `aws://123456789012/eu-west-1`, or `unknown-account`/`unknown-region` for environment-agnostic stacks.
    const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(typeof artifact.environment === 'string' ? artifact.environment : '');
    const account = env && /^\d{12}$/.test(env[1] ?? '') ? (env[1] as string) : undefined;
    const region = env && env[2] !== 'unknown-region' ? env[2] : undefined;
    const stackName = typeof artifact.properties.stackName === 'string' ? artifact.properties.stackName : name;
    out.push({
      template: doc.value,
      file,
      line: (p) => doc.position(p, true).line,
      stackName,
      region: region ?? defaults.region,
      account: account ?? defaults.account,
      pseudo: {
        'AWS::StackName': stackName,
        ...(region === undefined ? {} : { 'AWS::Region': region }),
        ...(account === undefined ? {} : { 'AWS::AccountId': account }),
      },
    });
  }
  return out;
}
