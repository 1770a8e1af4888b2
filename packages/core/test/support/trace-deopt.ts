import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..', '..');

/**
 * Runs `script` (an ES module; relative imports start at the repository root, TypeScript sources
 * load through tsx) in a fresh Node under `--trace-deopt` and returns V8's trace: what the engine
 * did, not what we think it does.
 */
export function traceDeopt(script: string): string {
  const run = spawnSync(process.execPath, ['--trace-deopt', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}
