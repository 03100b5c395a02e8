#!/usr/bin/env node
// `npm start` runs this first: the build normally happened at `npm install` (the `prepare`
// script); this only rebuilds what is missing or older than its sources.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit' });

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function stale(output, ...sources) {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return sources.some((s) => existsSync(s) && newestMtime(s) > built);
}

// TypeScript's build mode is incremental: nearly free when nothing changed.
run('npx tsc -b packages/core apps/server');
const webIndex = path.join(root, 'apps/web/dist/index.html');
if (stale(webIndex, path.join(root, 'apps/web/src'), path.join(root, 'packages/core/src'))) {
  console.log('Building the web app…');
  run('npm run build:web');
}
