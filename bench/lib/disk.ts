/**
 * What a durable commit costs the disk: 8 kB written and `fdatasync`ed, as PostgreSQL flushes its
 * WAL (its default `wal_sync_method` on Linux is fdatasync), timed in a directory of the disk.
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The flush probe's result. */
export interface FlushProbe {
  readonly dir: string;
  readonly flushes: number;
  /** Mean time of one 8 kB write + fdatasync, µs. */
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

/** Writes 8 kB at the start of a file and fdatasyncs it `count` times; in a fresh directory under `parent`. */
export function probeFlush(parent: string = tmpdir(), count = 300): FlushProbe {
  const dir = mkdtempSync(path.join(parent, 'tiemchung-bench-flush.'));
  const file = path.join(dir, 'probe');
  const fd = openSync(file, 'w');
  const page = Buffer.alloc(8192, 7);
  const times: number[] = [];
  try {
    // Allocate the block once, as a WAL segment is pre-allocated.
    writeSync(fd, page, 0, page.length, 0);
    fdatasyncSync(fd);
    for (let i = 0; i < count; i++) {
      page[0] = i & 0xff;
      const t = performance.now();
      writeSync(fd, page, 0, page.length, 0);
      fdatasyncSync(fd);
      times.push((performance.now() - t) * 1000);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return {
    dir: parent,
    flushes: count,
    meanUs: times.reduce((a, b) => a + b, 0) / times.length,
    p50Us: times[Math.floor(times.length / 2)]!,
    p99Us: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!,
  };
}
