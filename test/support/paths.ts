import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The shared reference material beside the repository (as in CI); `FLOWSTREAM_SHARED` overrides. */
export const SHARED = process.env.FLOWSTREAM_SHARED ?? resolve(ROOT, '..', 'shared');
export const CORPUS = join(SHARED, 'corpus', 'nfstream');
export const PCAPS = join(CORPUS, 'pcaps');
export const RESULTS = join(CORPUS, 'results');
export const GOLDEN_TAR = join(SHARED, 'spec', 'golden', 'nfstream-6.5.4-golden.tar.gz');

/** Every dev capture, sorted. */
export function corpusCaptures(): string[] {
  return readdirSync(PCAPS).sort();
}

/**
 * Extracts the golden tarball once and returns its root (`golden/`, `synthetic_pcaps/` inside).
 * Extraction goes to a fresh directory renamed into place, so test files running in parallel never
 * see a half-extracted tree.
 */
export function goldenRoot(): string {
  const dir = join(tmpdir(), 'flowstream-golden-6.5.4');
  if (existsSync(join(dir, 'synthetic_pcaps'))) return dir;
  const staging = mkdtempSync(join(tmpdir(), 'flowstream-golden-'));
  execFileSync('tar', ['-xzf', GOLDEN_TAR, '-C', staging]);
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another test file won the race
  }
  if (!existsSync(join(dir, 'synthetic_pcaps'))) throw new Error(`golden tarball not extracted into ${dir}`);
  return dir;
}
