/**
 * A parsed YAML document with its positions (what `parseYaml` in ./yaml.ts builds), without the
 * parser: the package's own documents come precompiled (./builtin.ts), and a scan that reads no
 * other YAML never loads js-yaml.
 */

export interface Position {
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly column: number;
}

export interface YamlDocument {
  readonly value: unknown;
  /** Where the value at `pointer` starts (or its key, when `key` is true); falls back to the nearest parent. */
  position(pointer: string, key?: boolean): Position;
}

/** Where each node starts in the text (a character offset), by JSON pointer; mapping keys apart. */
export interface NodeOffsets {
  readonly values: ReadonlyMap<string, number>;
  readonly keys: ReadonlyMap<string, number>;
}

/** The document of `value`; a pointer with no node of its own falls back to its nearest parent. */
export function documentOf(
  value: unknown,
  offsets: NodeOffsets,
  toPosition: (offset: number) => Position,
): YamlDocument {
  return {
    value,
    position(pointer, key = false) {
      for (let p = pointer; ; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
        const offset = (key ? offsets.keys.get(p) : undefined) ?? offsets.values.get(p);
        if (offset !== undefined) return toPosition(offset);
        if (p === '') return { line: 1, column: 1 };
      }
    },
  };
}

/** Maps a character offset in `text` to its 1-based line and column (binary search over line starts). */
export function positionFinder(text: string): (offset: number) => Position {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
  };
}
