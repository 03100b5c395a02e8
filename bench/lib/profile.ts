/**
 * A V8 `.cpuprofile` (what `node --cpu-prof` or the inspector's Profiler writes) reduced to where
 * the time went: self time per package or part of the repository, and the busiest functions.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time of one group or function. */
export interface ProfileShare {
  readonly name: string;
  readonly ms: number;
  /** Share of the profile's sampled time (idle included). */
  readonly share: number;
}

/** The summary of one profile. */
export interface ProfileSummary {
  readonly file: string;
  readonly durationMs: number;
  /** Sampled time not idle. */
  readonly busyMs: number;
  readonly byGroup: ProfileShare[];
  readonly topFunctions: ProfileShare[];
}

/** The package or part of the code a frame belongs to. */
export function frameGroup(functionName: string, url: string): string {
  if (!url) {
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(program)') return '(program: V8/native, not JS)';
    if (functionName === '(root)') return '(root)';
    return '(native builtins)';
  }
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return 'node: (Node.js core: http, net, streams…)';
  if (url.includes('/apps/server/src/')) return 'apps/server (the app)';
  if (url.includes('/packages/core/')) return '@tiemchung/core';
  if (url.includes('/bench/')) return 'bench (instrumentation)';
  return url;
}

/** Reads a `.cpuprofile` and sums self time per group and per function. */
export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    // A sample's time is the delta to the next sample (the last one gets the mean delta).
    const dt = p.timeDeltas[i + 1] ?? (p.endTime - p.startTime) / Math.max(1, p.samples.length);
    const id = p.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
  }
  let total = 0;
  let idle = 0;
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    total += us;
    const g = frameGroup(functionName, url);
    if (g === '(idle)') idle += us;
    groups.set(g, (groups.get(g) ?? 0) + us);
    const short = url
      ? `${url.replace(/^.*\/node_modules\//, '').replace(/^.*\/(apps|packages)\//, '$1/')}:${lineNumber + 1}`
      : '';
    const key = `${functionName || '(anonymous)'}${short ? ` ${short}` : ''}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const shares = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, ms: us / 1000, share: total ? us / total : 0 }));
  return {
    file,
    durationMs: (p.endTime - p.startTime) / 1000,
    busyMs: (total - idle) / 1000,
    byGroup: shares(groups),
    topFunctions: shares(functions)
      .filter((f) => f.name !== '(idle)')
      .slice(0, top),
  };
}
