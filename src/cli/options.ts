/** Flag parsers: each turns a string into a value or throws a usage error that names the flag. */
import { InvalidArgumentError } from 'commander';
import { parseShard, type Shard } from '../org/shard.js';

const regionPattern = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

export function parseRegions(value: string): string[] {
  const regions = value
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
  if (regions.length === 0)
    throw new InvalidArgumentError('expected a comma-separated list of regions, for example us-east-1,eu-west-1');
  for (const region of regions) {
    if (!regionPattern.test(region))
      throw new InvalidArgumentError(`"${region}" is not a region name; expected for example us-east-1`);
  }
  return [...new Set(regions)];
}

export function positiveNumber(flag: string, { integer = false, max = Infinity } = {}) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)) || n > max) {
      throw new InvalidArgumentError(
        `${flag} expects a positive ${integer ? 'integer' : 'number'}${max < Infinity ? ` up to ${max}` : ''}, got "${value}"`,
      );
    }
    return n;
  };
}

export function parseEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`expected a URL such as http://127.0.0.1:5000, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError(`expected an http or https URL, got "${value}"`);
  return value;
}

export interface OutputSpec {
  readonly format: string;
  /** Undefined: standard output. */
  readonly path?: string;
}

export function outputParser(formats: readonly string[]) {
  return (value: string, previous: OutputSpec[] = []): OutputSpec[] => {
    const eq = value.indexOf('=');
    const format = eq < 0 ? value : value.slice(0, eq);
    const path = eq < 0 ? undefined : value.slice(eq + 1);
    if (!formats.includes(format))
      throw new InvalidArgumentError(
        `unknown format "${format}"; expected one of ${formats.join(', ')}, as FORMAT or FORMAT=PATH`,
      );
    if (path === '')
      throw new InvalidArgumentError(
        `"${value}" has an empty path; write ${format}=PATH, or ${format} alone for standard output`,
      );
    const spec = path === undefined ? { format } : { format, path };
    if (spec.path === undefined && previous.some((p) => p.path === undefined))
      throw new InvalidArgumentError(
        'at most one --output may go to standard output; give the others a path (FORMAT=PATH)',
      );
    return [...previous, spec];
  };
}

export function parseDate(value: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    throw new InvalidArgumentError(`expected a date as YYYY-MM-DD, got "${value}"`);
  return date;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`--port expects 0 to 65535 (0: any free port), got "${value}"`);
  return n;
}

/** `--iac-param KEY=VALUE` (repeatable): a template parameter's value, or `AWS::AccountId` / `AWS::Region`. */
export function parseIacParam(value: string, previous: Map<string, string> = new Map()): Map<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0)
    throw new InvalidArgumentError(
      `expected KEY=VALUE (a template parameter and its value), got "${value.slice(0, 40)}"`,
    );
  const key = value.slice(0, eq);
  const given = value.slice(eq + 1);
  if (key === 'AWS::AccountId' && !/^\d{12}$/.test(given))
    throw new InvalidArgumentError(`AWS::AccountId expects a 12-digit account id, got "${given.slice(0, 40)}"`);
  if (key === 'AWS::Region' && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(given))
    throw new InvalidArgumentError(`AWS::Region expects a region such as eu-west-1, got "${given.slice(0, 40)}"`);
  return new Map([...previous, [key, given]]);
}

/** A JavaScript string holds at most 2^29 - 24 UTF-16 units: a larger file could not be read as text. */
const MAX_IAC_BYTES = 512 * 1024 * 1024;

/** `--iac-max-bytes SIZE`: bytes, or with a unit (`100MB`, `1.5G`; 1 MB = 1,048,576 bytes). */
export function parseByteSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(value.trim());
  const unit = (m?.[2] ?? 'b').toLowerCase()[0] as 'b' | 'k' | 'm' | 'g';
  const bytes = m ? Math.floor(Number(m[1]) * { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[unit]) : NaN;
  if (!Number.isFinite(bytes) || bytes < 1 || bytes > MAX_IAC_BYTES)
    throw new InvalidArgumentError(
      `--iac-max-bytes expects a size from 1 byte to 512MB, such as 104857600 or 100MB, got "${value.slice(0, 40)}"`,
    );
  return bytes;
}

/** `--regions` of scan and baseline: a list, or `all` (the regions enabled in each account). */
export function parseRegionsOrAll(value: string): string[] | 'all' {
  return value.trim() === 'all' ? 'all' : parseRegions(value);
}

/** `--accounts` / `--exclude-accounts`: 12-digit account ids, comma-separated; repeatable. */
export function parseAccountIds(flag: string) {
  return (value: string, previous: string[] = []): string[] => {
    const ids = value
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a.length > 0);
    if (ids.length === 0) throw new InvalidArgumentError(`${flag} expects account ids, for example 111122223333`);
    for (const id of ids)
      if (!/^\d{12}$/.test(id))
        throw new InvalidArgumentError(
          `"${id}" is not an AWS account id; expected 12 digits, for example 111122223333`,
        );
    return [...new Set([...previous, ...ids])];
  };
}

/** `--role-name`: an IAM role name, optionally with a path (`audit/LambdaAudit`). */
export function parseRoleName(value: string): string {
  if (!/^[\w+=,.@/-]{1,512}$/.test(value) || value.startsWith('arn:'))
    throw new InvalidArgumentError(
      `expected the name of a role (for example LambdaAuditRole), not an ARN; the account comes from --org or --accounts, got "${value}"`,
    );
  return value;
}

/** `--shard K/N`. */
export function parseShardFlag(value: string): Shard {
  try {
    return parseShard(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
