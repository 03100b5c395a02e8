import { closeSync, fstatSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The embedded database's data directory belongs to one process at a time. PGlite (PostgreSQL
 * compiled to WebAssembly, inside the process) has no postmaster and locks nothing: two processes
 * on one directory each keep their own buffers and WAL position and overwrite each other's files —
 * what one of them wrote is lost, the other's pages break. So the process that opens a directory
 * takes this lock file in it first and keeps it for as long as the database is open; any other
 * process — or a second open in the same one — is refused at once ({@link DataDirInUseError}).
 *
 * The file is created atomically (`wx`: O_CREAT | O_EXCL) and names its owner: the pid and, on
 * Linux, the boot id and the process's start time, so that a pid used again after a crash (a
 * container restarted, the server pid 1 again) is not taken for the owner. A lock whose owner is
 * gone — killed, crashed, a restarted machine — is stale and taken over. Two processes taking over
 * the same stale lock do it one at a time under a second file, `<lock>.break`: each checks, while
 * holding it, that the lock is still the very file it found stale (content, inode, time) before
 * deleting it, then all race on `wx` again, so exactly one gets the directory (a test races four
 * processes, round after round).
 *
 * Node has no flock, so this is a pid file; it assumes the processes that share a directory see
 * one another's pids (one machine, one pid namespace), as the embedded database itself does.
 */
export const DATA_DIR_LOCK_FILE = 'tiemchung.lock';

/** The data directory is held by another process (or already open in this one). */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
  constructor(
    readonly dir: string,
    /** The holder's pid; null when its lock file could not be read. */
    readonly pid: number | null,
  ) {
    const vi = pid === null ? 'một tiến trình khác' : `tiến trình ${pid}`;
    const en = pid === null ? 'another process' : `process ${pid}`;
    super(
      `Cơ sở dữ liệu nhúng ở ${dir} đang được ${vi} sử dụng (máy chủ đang chạy?). ` +
        'Hãy dừng máy chủ trước, hoặc dùng giao diện/API khi máy chủ đang chạy.\n' +
        `The embedded database in ${dir} is in use by ${en} (is the server running?). ` +
        'Stop the server first, or use the screens/API while it is running.',
    );
  }
}

export interface DataDirLock {
  /** The lock file. */
  readonly file: string;
  /** Gives the directory up (deletes the lock file if it is still this one's). Idempotent. */
  release(): void;
}

/** Who holds a lock: written into the lock file as JSON. */
interface Owner {
  readonly pid: number;
  /** Linux: /proc/sys/kernel/random/boot_id when the lock was taken. */
  readonly boot?: string;
  /** Linux: the owner's start time (field 22 of /proc/<pid>/stat, clock ticks since boot). */
  readonly start?: string;
}

/** The locks this process holds: lock file → its content. Deleted when the process exits. */
const held = new Map<string, string>();
let exitHook = false;

/** How long a lock file may be empty or unreadable (its creator writing it) before it counts as stale. */
const UNWRITTEN_GRACE_MS = 2000;
const ATTEMPTS = 200;

/**
 * Takes the lock of the data directory `dir` (which must exist), waiting only for a stale lock to
 * be taken over; throws {@link DataDirInUseError} when another live process holds it.
 */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const resolved = path.resolve(dir);
  const file = path.join(resolved, DATA_DIR_LOCK_FILE);
  const mine = `${JSON.stringify(selfOwner())}\n`;
  let lastOwner: Owner | null = null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (createExclusive(file, mine)) {
      if (!exitHook) {
        exitHook = true;
        process.on('exit', releaseAllOnExit);
      }
      held.set(file, mine);
      let released = false;
      return {
        file,
        release() {
          if (released) return;
          released = true;
          held.delete(file);
          removeIfStill(file, mine);
        },
      };
    }
    const seen = readFile(file);
    if (seen === null) continue; // released meanwhile: try again
    const owner = parseOwner(seen.content);
    if (owner) {
      lastOwner = owner;
      if (isAlive(owner, file)) throw new DataDirInUseError(resolved, owner.pid);
    } else if (Date.now() - seen.mtimeMs <= UNWRITTEN_GRACE_MS) {
      // Just created, its owner about to write it.
      await sleep(10);
      continue;
    }
    if (!breakStale(file, seen, mine)) await sleep(5 + Math.random() * 20);
  }
  throw new DataDirInUseError(resolved, lastOwner?.pid ?? null);
}

/** A file as read once: its content, and which file it was (a new one made since has another). */
interface Seen {
  readonly content: string;
  readonly ino: number;
  readonly mtimeMs: number;
}

const sameFile = (a: Seen | null, b: Seen) =>
  a !== null && a.content === b.content && a.ino === b.ino && a.mtimeMs === b.mtimeMs;

/**
 * Deletes the stale lock `file` if it is still the one `seen` — not a new owner's, made since
 * (by content, inode and time: an empty stale file and a new one not yet written read the same) —
 * holding `<file>.break` meanwhile; false when another process is doing it (the caller waits and
 * looks again).
 */
function breakStale(file: string, seen: Seen, mine: string): boolean {
  const breaker = `${file}.break`;
  if (!createExclusive(breaker, mine)) {
    // A breaker that died in the middle (its owner gone, or it never wrote itself) is removed.
    const other = readFile(breaker);
    if (other === null) return false;
    const owner = parseOwner(other.content);
    const dead = owner ? !isAlive(owner, breaker) : Date.now() - other.mtimeMs > UNWRITTEN_GRACE_MS;
    if (dead && sameFile(readFile(breaker), other)) unlinkQuietly(breaker);
    return false;
  }
  try {
    if (sameFile(readFile(file), seen)) unlinkQuietly(file);
  } finally {
    removeIfStill(breaker, mine);
  }
  return true;
}

function releaseAllOnExit(): void {
  for (const [file, content] of held) removeIfStill(file, content);
  held.clear();
}

/** Creates `file` with `content`, failing when it exists (atomically); false when it existed. */
function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
  } catch (err) {
    closeSync(fd);
    unlinkQuietly(file);
    throw err;
  }
  closeSync(fd);
  return true;
}

/** `file`'s content and identity, read through one descriptor; null when there is none. */
function readFile(file: string): Seen | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const stat = fstatSync(fd);
    return { content: readFileSync(fd, 'utf8'), ino: stat.ino, mtimeMs: stat.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/** Deletes `file` if it still holds `content` (this process's own lock: never someone else's). */
function removeIfStill(file: string, content: string): void {
  try {
    if (readFile(file)?.content === content) unlinkQuietly(file);
  } catch {
    // On exit or on release: a lock left behind is found stale by the next one.
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function parseOwner(content: string): Owner | null {
  try {
    const o = JSON.parse(content) as Partial<Owner>;
    if (!o || typeof o !== 'object' || !Number.isSafeInteger(o.pid) || (o.pid as number) <= 0) return null;
    return {
      pid: o.pid as number,
      ...(typeof o.boot === 'string' ? { boot: o.boot } : {}),
      ...(typeof o.start === 'string' ? { start: o.start } : {}),
    };
  } catch {
    return null;
  }
}

/** Whether the process that wrote `owner` into `file` is still running. */
function isAlive(owner: Owner, file: string): boolean {
  const boot = bootId();
  // Written before the machine last started: no process of then is left.
  if (owner.boot && boot && owner.boot !== boot) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: it exists, another user's.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const stat = procStat(owner.pid);
  if (stat) {
    // Exited, not yet reaped by its parent: it writes nothing any more.
    if (stat.state === 'Z' || stat.state === 'X') return false;
    // The same pid, another process (this one among them: a container restarted).
    if (owner.start) return stat.start === owner.start;
  }
  // Without /proc: a lock naming this very process is its own only if it holds it.
  if (owner.pid === process.pid) return held.has(file);
  return true;
}

function selfOwner(): Owner {
  const boot = bootId();
  const start = procStat(process.pid)?.start;
  return { pid: process.pid, ...(boot ? { boot } : {}), ...(start ? { start } : {}) };
}

let cachedBootId: string | null | undefined;
function bootId(): string | null {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      cachedBootId = null;
    }
  }
  return cachedBootId;
}

/** Linux: a process's state and start time from /proc/<pid>/stat; null elsewhere or when it is gone. */
function procStat(pid: number): { state: string; start: string } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses; the fields follow the last ")".
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const start = fields[19];
  return state && start ? { state, start } : null;
}
