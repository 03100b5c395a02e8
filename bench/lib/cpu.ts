/**
 * Where the CPU went during a run, from Linux `/proc`: the app's process, the load generator (this
 * process, whose worker thread runs autocannon), PostgreSQL (the postmaster and all its children:
 * backends, WAL writer, checkpointer…), and the whole machine (`/proc/stat`), so that what is left
 * — other work on the shared machine — shows too. Everything degrades to null off Linux.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';

let ticksPerSecond: number | null = null;

/** `getconf CLK_TCK` (100 on Linux almost everywhere). */
function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Fields of `/proc/<pid>/stat` after the command name (which may contain spaces and parentheses). */
function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far, or null when it is gone. */
export function processCpuSeconds(pid: number): number | null {
  const f = statFields(pid);
  // After the name: state(3) ppid(4) … utime(14) stime(15), i.e. indices 11 and 12 here.
  if (!f) return null;
  return (Number(f[11]) + Number(f[12])) / clockTicks();
}

/** The parent pid of a process, or null. */
export function parentPid(pid: number): number | null {
  const f = statFields(pid);
  return f ? Number(f[1]) : null;
}

/** Pids of the direct children of `ppid`. */
export function childPids(ppid: number): number[] {
  if (!existsSync('/proc')) return [];
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    if (parentPid(Number(name)) === ppid) out.push(Number(name));
  }
  return out;
}

/**
 * The pid of the postmaster of the server `client` is connected to, when that server runs on this
 * machine (the parent of our backend, named `postgres`); null otherwise.
 */
export async function postmasterPid(client: pg.ClientBase): Promise<number | null> {
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  const backend = rows[0]?.pid;
  if (!backend) return null;
  const parent = parentPid(backend);
  if (!parent) return null;
  try {
    const comm = readFileSync(`/proc/${parent}/comm`, 'utf8').trim();
    return comm.startsWith('postgres') || comm.startsWith('postmaster') ? parent : null;
  } catch {
    return null;
  }
}

/** Machine-wide CPU time from `/proc/stat`, seconds summed over all cores. */
interface MachineCpu {
  readonly busy: number;
  readonly idle: number;
  readonly iowait: number;
  readonly steal: number;
}

function machineCpu(): MachineCpu | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const t = clockTicks();
    return {
      busy: (user + nice + system + irq + softirq) / t,
      idle: idle / t,
      iowait: iowait / t,
      steal: (steal ?? 0) / t,
    };
  } catch {
    return null;
  }
}

/** The processes to account for. */
export interface CpuTargets {
  /** The app under test (a child process). */
  readonly appPid: number | null;
  /** The load generator's process (this one, by default). */
  readonly loadPid?: number;
  /** The postmaster, when PostgreSQL runs on this machine. */
  readonly postmasterPid: number | null;
}

/** CPU counters at one instant. */
export interface CpuSnapshot {
  readonly atMs: number;
  readonly app: number | null;
  readonly load: number | null;
  /** Per pid, the postmaster and its children. */
  readonly postgres: ReadonlyMap<number, number> | null;
  readonly machine: MachineCpu | null;
}

/** Reads the counters of the targets now. */
export function cpuSnapshot(t: CpuTargets): CpuSnapshot {
  let postgres: Map<number, number> | null = null;
  if (t.postmasterPid) {
    postgres = new Map();
    for (const pid of [t.postmasterPid, ...childPids(t.postmasterPid)]) {
      const s = processCpuSeconds(pid);
      if (s !== null) postgres.set(pid, s);
    }
  }
  return {
    atMs: performance.now(),
    app: t.appPid ? processCpuSeconds(t.appPid) : null,
    load: processCpuSeconds(t.loadPid ?? process.pid),
    postgres,
    machine: machineCpu(),
  };
}

/** CPU used between two snapshots, in seconds (per process group), and the machine's share. */
export interface CpuUse {
  readonly wallS: number;
  readonly appS: number | null;
  readonly loadGeneratorS: number | null;
  /** Processes that exited between the snapshots are missed (short-lived autovacuum workers). */
  readonly postgresS: number | null;
  /** Busy CPU time of the whole machine (all processes, all cores). */
  readonly machineBusyS: number | null;
  /** machineBusy − app − load generator − PostgreSQL: the neighbours (and the kernel's own work). */
  readonly otherS: number | null;
  readonly machineIdleS: number | null;
  readonly iowaitS: number | null;
  readonly stealS: number | null;
}

/** The CPU used between `a` and `b`. */
export function cpuUse(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const d = (x: number | null, y: number | null) => (x !== null && y !== null ? y - x : null);
  let postgresS: number | null = null;
  if (a.postgres && b.postgres) {
    postgresS = 0;
    for (const [pid, end] of b.postgres) postgresS += end - (a.postgres.get(pid) ?? 0);
  }
  const appS = d(a.app, b.app);
  const loadGeneratorS = d(a.load, b.load);
  const machineBusyS = a.machine && b.machine ? b.machine.busy - a.machine.busy : null;
  const ours = (appS ?? 0) + (loadGeneratorS ?? 0) + (postgresS ?? 0);
  return {
    wallS: (b.atMs - a.atMs) / 1000,
    appS,
    loadGeneratorS,
    postgresS,
    machineBusyS,
    otherS: machineBusyS !== null ? Math.max(0, machineBusyS - ours) : null,
    machineIdleS: a.machine && b.machine ? b.machine.idle - a.machine.idle : null,
    iowaitS: a.machine && b.machine ? b.machine.iowait - a.machine.iowait : null,
    stealS: a.machine && b.machine ? b.machine.steal - a.machine.steal : null,
  };
}

/** A process's resident memory now, MiB (from /proc; NaN when it cannot be read). */
export function rssMiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
