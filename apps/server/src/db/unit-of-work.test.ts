import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULES = path.resolve(fileURLToPath(import.meta.url), '../../modules');

/**
 * Where a transaction may be opened besides a route (`*.routes.ts`) or a job (`*.job.ts`), and why.
 * Each entry is a file relative to `modules/`; keep it short and every reason true.
 */
const EXCEPTIONS: Record<string, string> = {
  // filled by the modules that keep one, each with its reason
};

/**
 * Not in EXCEPTIONS, as it opens no transaction, yet commits outside the request's unit of work:
 * the batched dose write (doses.service.ts `recordDoseBatched`, group commit) is one statement,
 * so its own transaction, shared by the doses of the requests in flight. Only a route whose
 * request writes that dose and nothing else may call it; a workflow records its dose with
 * `recordDose(trx)` in its own unit of work. Where it may be called:
 */
const BATCHED_DOSE_CALLERS = ['doses/doses.routes.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('the unit of work is opened at the edge', () => {
  it('no service, query or helper of a module opens its own transaction', () => {
    const opening: string[] = [];
    for (const file of sourceFiles(MODULES)) {
      const rel = path.relative(MODULES, file);
      if (rel.endsWith('.routes.ts') || rel.endsWith('.job.ts') || rel in EXCEPTIONS) continue;
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        if (/\.transaction\(\)|\binTransaction\(|\bunitOfWork\(|\.startTransaction\(\)/.test(line))
          opening.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(opening, 'open the transaction in the route or job and pass it in').toEqual([]);
  });

  it('the batched dose write is called only where the dose is all the request writes', () => {
    const callers = sourceFiles(MODULES)
      .filter((file) => /\brecordDoseBatched\(/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(MODULES, file))
      .filter((rel) => rel !== 'doses/doses.service.ts');
    expect(callers).toEqual(BATCHED_DOSE_CALLERS);
  });

  it('every exception names a file that still exists and still opens one', () => {
    for (const [rel, reason] of Object.entries(EXCEPTIONS)) {
      expect(reason.length, rel).toBeGreaterThan(20);
      const text = readFileSync(path.join(MODULES, rel), 'utf8');
      expect(/\.transaction\(\)|\binTransaction\(|\.startTransaction\(\)/.test(text), rel).toBe(true);
    }
  });
});
