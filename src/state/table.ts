/**
 * The findings of a state held as columns, not as one object per entry: a 500,000-finding state
 * as a Map held 500,000 entry objects, a million strings and the Map itself, and the garbage
 * collector spent most of a load walking them. Here each finding is a row, sorted by fingerprint:
 *
 * - its fingerprint (32 hex digits) and ARN as bytes in one buffer with their offsets (with the rule
 *   id, the part no run changes: the fingerprint and what it is a hash of), and the fingerprint's
 *   first 8 hex digits as a number, searched;
 * - the rule id and first sighting as indexes into tables of the distinct strings (a few hundred);
 * - severity as a byte, last sighting and resolution as date indexes ("not resolved" is 0).
 *
 * A `StateTable` is a `ReadonlyMap<string, StateEntry>`: entries are made when asked for (get,
 * iteration), never all at once. A run's changes make a new table sharing the rows' bytes, rule ids
 * and first sightings, with its own severities, last sightings and resolutions, plus whole entries
 * for what the columns cannot say (a finding new to the state, an entry read from a line outside
 * our layout). Pruning marks rows dropped. The writer copies each row's bytes, and pieces made once
 * per rule id, severity and date, into the file's lines.
 *
 * Rows hold only what the reader (file.ts) matched against our layout: ASCII, nothing to escape;
 * anything else is held as a whole entry and written the way file.ts writes any entry. Dates are
 * written as they are, as file.ts writes them. (Bytes are copied by native code: on a busy machine a
 * loop over bytes in JavaScript costs more than the pattern match of the line.)
 */
import { SEVERITIES, type Severity } from '../rules/types.js';
import type { StateEntry } from './state.js';

const FP = 32;
const SEVERITY_BYTES = SEVERITIES.map((s) => Buffer.from(s, 'latin1'));
const SEVERITY_INDEX = new Map<string, number>(SEVERITIES.map((s, i) => [s, i]));
/**
 * Buffer#latin1Write, Node's own (unlisted) and native; else Buffer#write, which spends longer
 * checking its arguments than copying the start of a line (a third of a load's CPU profile).
 */
const latin1Write: (this: Buffer, s: string, at: number, length: number) => number =
  (Buffer.prototype as unknown as { latin1Write?: (this: Buffer, s: string, at: number, length: number) => number })
    .latin1Write ??
  function (this: Buffer, s: string, at: number, length: number): number {
    return this.write(s, at, length, 'latin1');
  };
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const CONTROL = /[\u0000-\u001f]/;

/** Distinct strings of a column, each with its bytes; append-only, so tables that share it never see it change. */
class Strings {
  readonly values: string[] = [];
  readonly bytes: Buffer[] = [];
  private readonly byValue = new Map<string, number>();

  indexOf(value: string): number {
    const known = this.byValue.get(value);
    if (known !== undefined) return known;
    this.values.push(value);
    this.bytes.push(Buffer.from(value, 'utf8'));
    this.byValue.set(value, this.values.length - 1);
    return this.values.length - 1;
  }
}

/** The columns no run changes: the start of each row's line, rule ids, first sightings. */
interface Columns {
  readonly rows: number;
  /** Row i's fingerprint (32 hex digits) and ARN are text[textAt[i], textAt[i + 1]). */
  readonly text: Buffer;
  readonly textAt: Uint32Array;
  /** The first 8 hex digits of each fingerprint: sorted, so searched. */
  readonly head: Uint32Array;
  readonly rule: Uint32Array;
  readonly rules: Strings;
  readonly firstSeen: Uint32Array;
  /** Index 0 is no date (not resolved). */
  readonly dates: Strings;
}

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const AFTER_FP = bytes('": {"ruleId":"');
const AFTER_RULE = bytes('","arn":"');
const AFTER_ARN = bytes('","severity":"');
const AFTER_SEVERITY = bytes('","firstSeen":"');
const AFTER_FIRST = bytes('","lastSeen":"');
const RESOLVED = bytes('","resolvedAt":"');
/** Where row's ARN starts in the text: after its fingerprint. */
function arnStart(c: Columns, row: number): number {
  return c.textAt[row]! + FP;
}

/**
 * Fills the columns from the lines of a file, in file order. Lines in our exact layout go from
 * their bytes into the columns (their repeated strings, rule ids and dates, looked up in the
 * tables); the reader hands anything else over as an entry.
 */
export class TableBuilder {
  private rows = 0;
  private cap: number;
  private text: Buffer;
  private textLen = 0;
  private textAt: Uint32Array;
  private head: Uint32Array;
  private rule: Uint32Array;
  private severity: Uint8Array;
  private firstSeen: Uint32Array;
  private lastSeen: Uint32Array;
  private resolvedAt: Uint32Array;
  private readonly rules = new Strings();
  private readonly dates = new Strings();
  private readonly over = new Map<number, StateEntry>();
  private sorted = true;
  private lastText = '';
  private lastIndex = 0;
  private resolvedText = '';
  private resolvedIndex = 0;

  /** `expected`: about how many rows (a guess from the file's size); more are made room for. */
  constructor(expected = 1024) {
    this.cap = Math.max(16, expected);
    this.text = Buffer.allocUnsafe(this.cap * 100); // a line's start is most of it; grown when not enough
    this.textAt = new Uint32Array(this.cap + 1);
    this.head = new Uint32Array(this.cap);
    this.rule = new Uint32Array(this.cap);
    this.severity = new Uint8Array(this.cap);
    this.firstSeen = new Uint32Array(this.cap);
    this.lastSeen = new Uint32Array(this.cap);
    this.resolvedAt = new Uint32Array(this.cap);
    this.dates.indexOf(''); // index 0: none
  }

  private grow(): void {
    const cap = this.cap * 2;
    const more = <T extends Uint32Array | Uint8Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.textAt = more(this.textAt, cap + 1);
    this.head = more(this.head, cap);
    this.rule = more(this.rule, cap);
    this.severity = more(this.severity, cap);
    this.firstSeen = more(this.firstSeen, cap);
    this.lastSeen = more(this.lastSeen, cap);
    this.resolvedAt = more(this.resolvedAt, cap);
    this.cap = cap;
  }

  /**
   * Appends a row's text, its fingerprint and ARN (latin1: characters are bytes), and notes its head
   * and order. (The text is kept to these two: in a virtual machine, the first touch of each fresh
   * page of memory costs more than the copying into it.)
   */
  private push(fp: string, arn: string): number {
    if (this.rows === this.cap) this.grow();
    const length = FP + arn.length;
    if (this.textLen + length > this.text.length) {
      const text = Buffer.allocUnsafe(Math.max(this.text.length * 2, this.textLen + length));
      this.text.copy(text, 0, 0, this.textLen);
      this.text = text;
    }
    const n = this.rows;
    const at = this.textLen;
    latin1Write.call(this.text, fp, at, FP);
    latin1Write.call(this.text, arn, at + FP, arn.length);
    this.textLen += length;
    this.textAt[n + 1] = this.textLen;
    const t = this.text;
    let h = 0;
    for (let i = at; i < at + 8; i++) {
      const c = t[i]!;
      h = h * 16 + (c <= 57 ? c - 48 : c - 87); // checked lower-case hex
    }
    this.head[n] = h;
    if (n > 0 && this.sorted) {
      const before = this.head[n - 1]!;
      if (before > h) this.sorted = false;
      else if (before === h)
        this.sorted = t.compare(t, at + 8, at + FP, this.textAt[n - 1]! + 8, this.textAt[n - 1]! + FP) < 0;
    }
    this.rows = n + 1;
    return n;
  }

  /**
   * One finding line that file.ts's OWN_ENTRY pattern matched (`m`, on the line's bytes as latin1,
   * so characters are bytes), into the columns; false (nothing added) when its ARN holds a
   * control character, which the pattern lets by in its first parts but the file must escape: that
   * entry is to be held whole.
   */
  addMatch(m: RegExpExecArray): boolean {
    const ruleId = m[2]!;
    const arn = m[3]!;
    if (CONTROL.test(arn)) return false;
    const n = this.push(m[1]!, arn);
    this.rule[n] = this.rules.indexOf(ruleId);
    this.severity[n] = SEVERITY_INDEX.get(m[4]!)!;
    this.firstSeen[n] = this.dates.indexOf(m[5]!);
    // Most rows share their last sighting (and resolution): compared with the row before, not looked up.
    const last = m[6]!;
    if (last !== this.lastText) {
      this.lastText = last;
      this.lastIndex = this.dates.indexOf(last);
    }
    this.lastSeen[n] = this.lastIndex;
    const resolvedAt = m[7];
    if (resolvedAt !== undefined && resolvedAt !== this.resolvedText) {
      this.resolvedText = resolvedAt;
      this.resolvedIndex = this.dates.indexOf(resolvedAt);
    }
    this.resolvedAt[n] = resolvedAt === undefined ? 0 : this.resolvedIndex;
    return true;
  }

  /** A finding read some other way (a line outside our layout), held whole. `id` is 32 lower-case hex digits. */
  addEntry(id: string, entry: StateEntry): void {
    const n = this.push(id, '');
    this.over.set(n, entry);
  }

  /**
   * The findings: a table, or (rows out of order or repeated, as no file of ours has them) a Map in
   * file order, the last of a repeated key winning, as JSON.parse does.
   */
  finish(): ReadonlyMap<string, StateEntry> {
    const table = new StateTable(
      {
        rows: this.rows,
        text: this.text,
        textAt: this.textAt,
        head: this.head,
        rule: this.rule,
        rules: this.rules,
        firstSeen: this.firstSeen,
        dates: this.dates,
      },
      this.severity,
      this.lastSeen,
      this.resolvedAt,
      undefined,
      this.over,
      new Map(),
    );
    if (this.sorted) return table;
    const map = new Map<string, StateEntry>();
    for (let row = 0; row < this.rows; row++) map.set(table.idAt(row), table.entryAt(row));
    return map;
  }
}

/** The findings of a state, as columns; see the module comment. */
export class StateTable implements ReadonlyMap<string, StateEntry> {
  readonly size: number;
  private sortedAdded: string[] | undefined;

  constructor(
    private readonly cols: Columns,
    private readonly severity: Uint8Array,
    private readonly lastSeen: Uint32Array,
    private readonly resolvedAt: Uint32Array,
    /** Rows pruned (1), when any are. */
    private readonly dropped: Uint8Array | undefined,
    /** Rows held as whole entries, by row. */
    private readonly over: ReadonlyMap<number, StateEntry>,
    /** Findings not among the rows, by fingerprint. */
    private readonly added: ReadonlyMap<string, StateEntry>,
  ) {
    let size = cols.rows + added.size;
    if (dropped) for (let i = 0; i < cols.rows; i++) size -= dropped[i]!;
    this.size = size;
  }

  /** The row of a fingerprint (not dropped), or -1. */
  rowOf(id: string): number {
    if (id.length !== FP) return -1;
    const { head, text, textAt, rows } = this.cols;
    const h = Number.parseInt(id.slice(0, 8), 16);
    let lo = 0;
    let hi = rows;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (head[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    for (let row = lo; row < rows && head[row] === h; row++) {
      // All 32: parseInt took upper case (or a 0x) for the same head.
      let i = 0;
      const at = textAt[row]!;
      while (i < FP && text[at + i] === id.charCodeAt(i)) i++;
      if (i === FP) return this.dropped?.[row] === 1 ? -1 : row;
    }
    return -1;
  }

  idAt(row: number): string {
    const at = this.cols.textAt[row]!;
    return this.cols.text.toString('latin1', at, at + FP);
  }

  entryAt(row: number): StateEntry {
    const whole = this.over.size === 0 ? undefined : this.over.get(row);
    if (whole !== undefined) return whole;
    const c = this.cols;
    const ruleId = c.rules.values[c.rule[row]!]!;
    const arn = c.text.toString('latin1', arnStart(c, row), c.textAt[row + 1]);
    const severity = SEVERITIES[this.severity[row]!]!;
    const firstSeen = c.dates.values[c.firstSeen[row]!]!;
    const lastSeen = c.dates.values[this.lastSeen[row]!]!;
    const r = this.resolvedAt[row]!;
    return r === 0
      ? { ruleId, arn, severity, firstSeen, lastSeen }
      : { ruleId, arn, severity, firstSeen, lastSeen, resolvedAt: c.dates.values[r]! };
  }

  get(id: string): StateEntry | undefined {
    const row = this.rowOf(id);
    return row >= 0 ? this.entryAt(row) : this.added.get(id);
  }

  has(id: string): boolean {
    return this.rowOf(id) >= 0 || this.added.has(id);
  }

  /** The fingerprints not among the rows, sorted (made once). */
  private addedIds(): string[] {
    this.sortedAdded ??= [...this.added.keys()].sort();
    return this.sortedAdded;
  }

  /** Whether `id` sorts before row's fingerprint. */
  private before(id: string, row: number): boolean {
    const { text, textAt } = this.cols;
    const at = textAt[row]!;
    for (let i = 0; i < FP; i++) {
      const a = id.charCodeAt(i);
      const b = text[at + i]!;
      if (a !== b) return a < b;
    }
    return false;
  }

  /** The fingerprints and rows (row -1: an added finding, by its id), in fingerprint order. */
  private *order(): Generator<[string, number], undefined, unknown> {
    const added = this.addedIds();
    let a = 0;
    const { rows } = this.cols;
    for (let row = 0; row < rows; row++) {
      if (this.dropped?.[row] === 1) continue;
      while (a < added.length && this.before(added[a]!, row)) yield [added[a++]!, -1];
      yield [this.idAt(row), row];
    }
    while (a < added.length) yield [added[a++]!, -1];
    return undefined;
  }

  *entries(): Generator<[string, StateEntry], undefined, unknown> {
    for (const [id, row] of this.order()) yield [id, row < 0 ? this.added.get(id)! : this.entryAt(row)];
    return undefined;
  }

  *keys(): Generator<string, undefined, unknown> {
    for (const [id] of this.order()) yield id;
    return undefined;
  }

  *values(): Generator<StateEntry, undefined, unknown> {
    for (const [, entry] of this.entries()) yield entry;
    return undefined;
  }

  [Symbol.iterator](): Generator<[string, StateEntry], undefined, unknown> {
    return this.entries();
  }

  forEach(
    callback: (value: StateEntry, key: string, map: ReadonlyMap<string, StateEntry>) => void,
    thisArg?: unknown,
  ): void {
    for (const [id, entry] of this.entries()) callback.call(thisArg, entry, id, this);
  }

  /** A copy of this table's per-run columns to change for the next run (`advanceState`). */
  draft(at: string): TableDraft {
    return new TableDraft(
      this.cols,
      this.cols.dates.indexOf(at),
      this.severity,
      this.lastSeen,
      this.resolvedAt,
      this.dropped,
      this.over,
      this.added,
    );
  }

  /**
   * Resolves in `draft` each open entry not seen this run (`draft.seen`, `seen` for the entries not
   * among the rows) that `judged` says this run judged; returns them, resolved. Only an entry's
   * rule id and ARN go to `judged`: no entry is made for the many still open.
   */
  resolveUnseen(
    draft: TableDraft,
    seen: (id: string) => boolean,
    judged: (key: Pick<StateEntry, 'ruleId' | 'arn'>) => boolean,
  ): (StateEntry & { readonly fingerprint: string })[] {
    const c = this.cols;
    const { rows, rules, rule } = c;
    const at = draft.at;
    const resolved: (StateEntry & { readonly fingerprint: string })[] = [];
    for (let row = 0; row < rows; row++) {
      if (draft.seen[row] === 1 || this.dropped?.[row] === 1) continue;
      const whole = this.over.size === 0 ? undefined : this.over.get(row);
      if (whole === undefined ? this.resolvedAt[row] !== 0 : whole.resolvedAt !== undefined) continue;
      const key = whole ?? {
        ruleId: rules.values[rule[row]!]!,
        arn: c.text.toString('latin1', arnStart(c, row), c.textAt[row + 1]),
      };
      if (!judged(key)) continue;
      const done = { ...(whole ?? this.entryAt(row)), resolvedAt: at };
      if (whole === undefined) draft.resolveRow(row);
      else draft.setRow(row, done);
      resolved.push({ fingerprint: this.idAt(row), ...done });
    }
    for (const [id, entry] of this.added) {
      if (seen(id) || entry.resolvedAt !== undefined || !judged(entry)) continue;
      const done = { ...entry, resolvedAt: at };
      draft.add(id, done);
      resolved.push({ fingerprint: id, ...done });
    }
    return resolved;
  }

  /** Whether row's entry is resolved; its first sighting; whether its rule id and ARN are these. */
  isResolved(row: number): boolean {
    const whole = this.over.size === 0 ? undefined : this.over.get(row);
    return whole === undefined ? this.resolvedAt[row] !== 0 : whole.resolvedAt !== undefined;
  }

  firstSeenOf(row: number): string {
    const whole = this.over.size === 0 ? undefined : this.over.get(row);
    return whole === undefined ? this.cols.dates.values[this.cols.firstSeen[row]!]! : whole.firstSeen;
  }

  /** Whether a row's columns hold these rule id and ARN (false for a row held whole). */
  holds(row: number, ruleId: string, arn: string): boolean {
    if (this.over.size !== 0 && this.over.has(row)) return false;
    const c = this.cols;
    if (c.rules.values[c.rule[row]!] !== ruleId) return false;
    const from = arnStart(c, row);
    const to = c.textAt[row + 1]!;
    // A string and a native comparison: cheaper than a loop over the characters.
    return to - from === arn.length && c.text.toString('latin1', from, to) === arn;
  }

  /** An entry not among the rows (a finding new to the state since it was read). */
  addedEntry(id: string): StateEntry | undefined {
    return this.added.get(id);
  }

  /** The table without the entries resolved before `cutoff` (ms since the epoch); undefined when none is. */
  prune(cutoff: number): StateTable | undefined {
    const { rows, dates } = this.cols;
    const old = dates.values.map((d, i) => i !== 0 && Date.parse(d) < cutoff);
    let dropped: Uint8Array | undefined;
    const drop = (row: number): void => {
      dropped ??= this.dropped ? this.dropped.slice() : new Uint8Array(rows);
      dropped[row] = 1;
    };
    for (let row = 0; row < rows; row++) {
      if (this.dropped?.[row] === 1) continue;
      const whole = this.over.size === 0 ? undefined : this.over.get(row);
      if (
        whole === undefined
          ? old[this.resolvedAt[row]!]
          : whole.resolvedAt !== undefined && Date.parse(whole.resolvedAt) < cutoff
      )
        drop(row);
    }
    const added = new Map<string, StateEntry>();
    for (const [id, e] of this.added)
      if (e.resolvedAt === undefined || Date.parse(e.resolvedAt) >= cutoff) added.set(id, e);
    if (dropped === undefined && added.size === this.added.size) return undefined;
    const kept = dropped;
    const over = kept === undefined ? this.over : new Map([...this.over].filter(([row]) => kept[row] !== 1));
    return new StateTable(this.cols, this.severity, this.lastSeen, this.resolvedAt, kept ?? this.dropped, over, added);
  }

  /**
   * The findings' lines of the state file in fingerprint order, as file.ts's `stateChunks` writes
   * them (`line` writes an entry held whole), each with the separator before it, in buffers of
   * about `size` bytes. A row's line is copied from the rows' bytes and the pieces after it, made
   * once per severity and date.
   */
  *fileLines(line: (id: string, entry: StateEntry) => string, size = 1 << 18): Generator<Buffer, undefined, unknown> {
    const { rows, text, textAt, rule, firstSeen, dates } = this.cols;
    const { severity, lastSeen, resolvedAt, dropped, over } = this;
    const piece = (...parts: (Buffer | string)[]): Buffer =>
      Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
    // `": {"ruleId":"<rule>","arn":"`, `","severity":"high","firstSeen":"`, `<date>","lastSeen":"`,
    // `<date>"}` and `<date>","resolvedAt":"`.
    const afterFp = this.cols.rules.bytes.map((r) => piece(AFTER_FP, r, AFTER_RULE));
    const afterArn = SEVERITY_BYTES.map((s) => piece(AFTER_ARN, s, AFTER_SEVERITY));
    const afterFirst = dates.bytes.map((d) => piece(d, AFTER_FIRST));
    const closing = dates.bytes.map((d) => piece(d, '"}'));
    const beforeResolved = dates.bytes.map((d) => piece(d, RESOLVED));
    const added = this.addedIds();
    let a = 0;
    let out = Buffer.allocUnsafe(size);
    let pos = 0;
    let first = true;
    for (let row = 0; row <= rows; row++) {
      if (row < rows && dropped?.[row] === 1) continue;
      // The findings new to the state that sort before this row (or, past the last row, all left).
      for (; a < added.length && (row === rows || this.before(added[a]!, row)); a++) {
        const s = `${first ? '' : ','}\n${line(added[a]!, this.added.get(added[a]!)!)}`;
        const n = Buffer.byteLength(s, 'utf8');
        if (pos + n > out.length) {
          if (pos > 0) yield out.subarray(0, pos);
          out = Buffer.allocUnsafe(Math.max(size, n));
          pos = 0;
        }
        pos += out.write(s, pos, 'utf8');
        first = false;
      }
      if (row === rows) break;
      const whole = over.size === 0 ? undefined : over.get(row);
      const from = textAt[row]!;
      const to = textAt[row + 1]!;
      const s = whole === undefined ? '' : `${first ? '' : ','}\n${line(this.idAt(row), whole)}`;
      // A row's line: its text, its rule's piece and at most 176 bytes more.
      const n = whole === undefined ? 256 + (to - from) + afterFp[rule[row]!]!.length : Buffer.byteLength(s, 'utf8');
      if (pos + n > out.length) {
        if (pos > 0) yield out.subarray(0, pos);
        out = Buffer.allocUnsafe(Math.max(size, n));
        pos = 0;
      }
      if (whole !== undefined) pos += out.write(s, pos, 'utf8');
      else {
        if (!first) out[pos++] = 44;
        out[pos++] = 10;
        out[pos++] = 34;
        out.set(text.subarray(from, from + FP), pos);
        pos += FP;
        const s0 = afterFp[rule[row]!]!;
        out.set(s0, pos);
        pos += s0.length;
        out.set(text.subarray(from + FP, to), pos);
        pos += to - from - FP;
        const r = resolvedAt[row]!;
        const s1 = afterArn[severity[row]!]!;
        out.set(s1, pos);
        pos += s1.length;
        const s2 = afterFirst[firstSeen[row]!]!;
        out.set(s2, pos);
        pos += s2.length;
        const s3 = r === 0 ? closing[lastSeen[row]!]! : beforeResolved[lastSeen[row]!]!;
        out.set(s3, pos);
        pos += s3.length;
        if (r !== 0) {
          const s4 = closing[r]!;
          out.set(s4, pos);
          pos += s4.length;
        }
      }
      first = false;
    }
    if (pos > 0) yield out.subarray(0, pos);
    return undefined;
  }
}

/** The next run's table in the making: copies of the per-run columns, changed row by row. */
export class TableDraft {
  /** Rows seen this run (1). */
  readonly seen: Uint8Array;
  private readonly severity: Uint8Array;
  private readonly lastSeen: Uint32Array;
  private readonly resolvedAt: Uint32Array;
  private readonly over: Map<number, StateEntry>;
  readonly added: Map<string, StateEntry>;

  constructor(
    private readonly cols: Columns,
    private readonly atIndex: number,
    severity: Uint8Array,
    lastSeen: Uint32Array,
    resolvedAt: Uint32Array,
    private readonly dropped: Uint8Array | undefined,
    over: ReadonlyMap<number, StateEntry>,
    added: ReadonlyMap<string, StateEntry>,
  ) {
    this.seen = new Uint8Array(cols.rows);
    this.severity = severity.slice(0, cols.rows);
    this.lastSeen = lastSeen.slice(0, cols.rows);
    this.resolvedAt = resolvedAt.slice(0, cols.rows);
    this.over = new Map(over);
    this.added = new Map(added);
  }

  get at(): string {
    return this.cols.dates.values[this.atIndex]!;
  }

  /** A row seen this run, with these severity and (the row's own) rule id and ARN: open from now. */
  seeRow(row: number, severity: Severity): boolean {
    const s = SEVERITY_INDEX.get(severity);
    if (s === undefined) return false;
    this.seen[row] = 1;
    this.severity[row] = s;
    this.lastSeen[row] = this.atIndex;
    this.resolvedAt[row] = 0;
    return true;
  }

  /** A row seen this run, held whole from now. */
  seeWhole(row: number, entry: StateEntry): void {
    this.seen[row] = 1;
    this.over.set(row, entry);
  }

  /** A row held whole from now (seen with a rule id or ARN other than its columns', or held whole before). */
  setRow(row: number, entry: StateEntry): void {
    this.over.set(row, entry);
  }

  resolveRow(row: number): void {
    this.resolvedAt[row] = this.atIndex;
  }

  add(id: string, entry: StateEntry): void {
    this.added.set(id, entry);
  }

  /** The next table; the draft is done with (the table holds its maps and arrays). */
  build(): StateTable {
    return new StateTable(
      this.cols,
      this.severity,
      this.lastSeen,
      this.resolvedAt,
      this.dropped,
      this.over,
      this.added,
    );
  }
}
