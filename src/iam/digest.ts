/**
 * A short digest of what a role can do: its permission documents (identity and boundary)
 * reduced to a canonical form, so that drift can tell "the role's permissions changed" from
 * "a policy was renamed, split, reordered or re-Sid'ed". Statements are pooled per side (which
 * identity policy holds a statement does not change what the role can do), Sids dropped, lists
 * sorted and deduplicated, keys sorted, statements sorted and deduplicated.
 */
import { createHash } from 'node:crypto';
import type { PolicyDocument, PolicyStatement } from '../snapshot/types.js';

export function permissionsDigest(
  identity: readonly PolicyDocument[],
  boundary: readonly PolicyDocument[] | undefined,
): string {
  const canonical = JSON.stringify({
    identity: pool(identity),
    boundary: boundary === undefined ? null : pool(boundary),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

function pool(documents: readonly PolicyDocument[]): string[] {
  const statements = documents.flatMap((d) => d.Statement.map(canonicalStatement));
  return [...new Set(statements)].sort();
}

function canonicalStatement(s: PolicyStatement): string {
  const rest: Record<string, unknown> = { ...s };
  delete rest.Sid;
  // Actions are case-insensitive: `s3:GetObject` and `s3:getobject` grant the same.
  const lower = (list: readonly string[] | undefined) => list?.map((a) => a.toLowerCase());
  return JSON.stringify(
    canonical({ ...rest, ...optional('Action', lower(s.Action)), ...optional('NotAction', lower(s.NotAction)) }),
  );
}

function optional(key: string, value: unknown): Record<string, unknown> {
  return value === undefined ? {} : { [key]: value };
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value))
    return [...new Set(value.map((v) => JSON.stringify(canonical(v))))].sort().map((v) => JSON.parse(v) as unknown);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
