/**
 * Reading files a pull request wrote: `scan --iac` runs on untrusted trees (a fork's checkout, in
 * a CI job whose environment holds secrets). A file is read only when it is a regular file inside
 * its root (the directory given, or the named file's own directory), not under /proc, /sys or
 * /dev, and no larger than the size cap. The checks are made on the opened descriptor
 * (O_NOFOLLOW | O_NONBLOCK, then fstat, then on Linux the path the kernel opened), so swapping a
 * file for a symlink or a FIFO between the check and the read changes nothing: a FIFO is never
 * waited on, a device never read.
 */
import { closeSync, constants, fstatSync, openSync, readSync, readlinkSync, realpathSync, type Stats } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { AuditError } from '../errors.js';

/** Bounds on what one `--iac` run reads. */
export interface IacLimits {
  /** Bytes per input file (`--iac-max-bytes`); a larger file is refused before it is read. @default 50 MiB */
  readonly maxBytes: number;
  /** Directory levels a walk goes down below the directory given; deeper ones are skipped with a warning. @default 32 */
  readonly maxDepth: number;
  /** Candidate files (.yaml, .yml, .json, .template) one directory walk reads; past it, exit 2. @default 10,000 */
  readonly maxFiles: number;
  /** Directory entries one walk lists (files and directories); past it, exit 2. @default 200,000 */
  readonly maxEntries: number;
}

export const DEFAULT_IAC_LIMITS: IacLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxDepth: 32,
  maxFiles: 10_000,
  maxEntries: 200_000,
};

/** Never read, wherever a symlink or a flag points: the kernel's and the devices' pseudo-files. */
const FORBIDDEN_ROOTS = ['/proc', '/sys', '/dev'];

/**
 * A file `scan --iac` would not read, and why. Named on the command line it ends the run (exit 2);
 * met inside a directory walk it is a warning and the file is skipped.
 */
export class RefusedPath extends AuditError {
  readonly path: string;
  readonly reason: string;
  constructor(path: string, reason: string) {
    super('E_INPUT', `--iac: refused ${path}: ${reason}`);
    this.path = path;
    this.reason = reason;
  }
}

/** True when `path` is `root` or below it (both absolute and resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function forbidden(path: string): boolean {
  return FORBIDDEN_ROOTS.some((r) => path === r || path.startsWith(`${r}/`));
}

/** The tree paths must stay in: its real path, and how messages name it. */
export interface Root {
  readonly abs: string;
  readonly real: string;
  readonly name: string;
}

/** `abs` as a root (its real path resolved once), named `name` in messages. */
export function makeRoot(abs: string, name: string): Root {
  return { abs, real: realpathSync(abs), name };
}

/**
 * The real path of `abs`, which must stay inside `root`. Throws `RefusedPath` naming `rel` and why:
 * a symlink leading out of the tree (to the target), into /proc, /sys or /dev, or a dangling one.
 */
export function resolveInside(abs: string, root: Root, rel: string): string {
  if (forbidden(abs)) throw new RefusedPath(rel, 'under /proc, /sys or /dev; only regular files are read');
  // Named by an input (`templateFile: ../../etc/passwd`): out of the tree before any symlink.
  if (!isInside(root.abs, abs) && !isInside(root.real, abs))
    throw new RefusedPath(rel, `outside ${root.name}; only files inside it are read`);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new RefusedPath(
      rel,
      code === 'ENOENT'
        ? 'not found (or a dangling symlink)'
        : code === 'ELOOP'
          ? 'a symlink loop'
          : `cannot resolve (${code})`,
    );
  }
  if (forbidden(real))
    throw new RefusedPath(rel, `leads to ${real}, under /proc, /sys or /dev; only regular files are read`);
  if (!isInside(root.real, real))
    throw new RefusedPath(rel, `leads out of ${root.name} (to ${real}); only files inside it are read`);
  return real;
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * The text of the regular file `abs`, inside `root`, at most `maxBytes` long. `rel` names it in
 * messages. Throws `RefusedPath` for anything else, or `AuditError` when a regular file cannot be read.
 */
export function readInside(abs: string, root: Root, rel: string, maxBytes: number): { text: string; real: string } {
  const real = resolveInside(abs, root, rel);
  let fd: number;
  try {
    fd = openSync(real, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    // ELOOP: the last component became a symlink after it was resolved; ENXIO: a socket.
    if (code === 'ELOOP') throw new RefusedPath(rel, 'a symlink swapped in while reading; not followed');
    if (code === 'ENXIO') throw new RefusedPath(rel, 'a socket, not a regular file');
    throw new AuditError('E_INPUT', `cannot read ${rel} (${code})`, { cause: error });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new RefusedPath(rel, `${kind(stat)}, not a regular file`);
    // What the kernel opened (Linux): a directory swapped for a symlink mid-way cannot lead out.
    const opened = openedPath(fd);
    if (opened !== undefined && (forbidden(opened) || !isInside(root.real, opened)))
      throw new RefusedPath(rel, `opened ${opened}, outside ${root.name}; only files inside it are read`);
    if (stat.size > maxBytes) throw new RefusedPath(rel, tooLarge(mb(stat.size), maxBytes));
    return { text: readBounded(fd, rel, maxBytes), real };
  } finally {
    closeSync(fd);
  }
}

/** Reads at most `maxBytes` (a file that grows past its fstat size is refused, not read on). */
function readBounded(fd: number, rel: string, maxBytes: number): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.allocUnsafe(1024 * 1024);
  for (;;) {
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    total += n;
    if (total > maxBytes) throw new RefusedPath(rel, tooLarge(`more than ${mb(maxBytes)}`, maxBytes));
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function tooLarge(size: string, maxBytes: number): string {
  return `${size}, larger than the ${mb(maxBytes)} limit per file (raise it with --iac-max-bytes)`;
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Number((bytes / 1024 / 1024).toFixed(1))} MB` : `${bytes} bytes`;
}

export function kind(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isSymbolicLink()) return 'a symlink';
  return 'a special file';
}

function openedPath(fd: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return readlinkSync(`/proc/self/fd/${fd}`).replace(/ \(deleted\)$/, '');
  } catch {
    return undefined;
  }
}
