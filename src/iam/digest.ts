/**
 * A short digest of what a role can do: its permission documents (identity and boundary)
 * reduced to a canonical form, so that drift can tell "the role's permissions changed" from
 * "a policy was renamed, split, reordered or re-Sid'ed". Statements are pooled per side (which
 * identity policy holds a statement does not change what the role can do), Sids dropped, actions
 * lower-cased (IAM matches them case-insensitively), lists sorted and deduplicated, keys sorted,
 * statements sorted and deduplicated.
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

/** A document's canonical statements, once per document object (managed policies are shared). */
const statementsOf = new WeakMap<PolicyDocument, readonly string[]>();

function pool(documents: readonly PolicyDocument[]): string[] {
  const all: string[] = [];
  for (const d of documents) {
    let statements = statementsOf.get(d);
    if (statements === undefined) {
      statements = d.Statement.map(canonicalStatement);
      statementsOf.set(d, statements);
    }
    all.push(...statements);
  }
  return [...new Set(all)].sort();
}

const lower = (list: readonly string[]): string[] => list.map((a) => a.toLowerCase());

function canonicalStatement(s: PolicyStatement): string {
  return JSON.stringify([
    s.Effect,
    s.Action && sorted(lower(s.Action)),
    s.NotAction && sorted(lower(s.NotAction)),
    s.Resource && sorted(s.Resource),
    s.NotResource && sorted(s.NotResource),
    s.Principal && lists(s.Principal),
    s.NotPrincipal && lists(s.NotPrincipal),
    s.Condition &&
      Object.keys(s.Condition)
        .sort()
        .map((operator) => [operator, lists(s.Condition?.[operator] ?? {})]),
  ]);
}

function sorted(list: readonly string[]): readonly string[] {
  return list.length < 2 ? list : [...new Set(list)].sort();
}

function lists(map: Readonly<Record<string, readonly string[]>>): [string, readonly string[]][] {
  return Object.keys(map)
    .sort()
    .map((k) => [k, sorted(map[k] ?? [])]);
}
