import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The shared reference material beside the repository (as in CI). */
export const SHARED = resolve(ROOT, '..', 'shared');
export const CORPUS = join(SHARED, 'corpus', 'nfstream');
export const PCAPS = join(CORPUS, 'pcaps');
export const RESULTS = join(CORPUS, 'results');

/** Every dev capture, sorted. */
export function corpusCaptures(): string[] {
  return readdirSync(PCAPS).sort();
}

/** Extracts the golden tarball once (into the OS temp dir) and returns its root. */
export function goldenRoot(): string {
  const dir = join(process.env.TMPDIR ?? '/tmp', 'flowstream-golden-6.5.4');
  if (!existsSync(join(dir, 'golden', 'A')) || !existsSync(join(dir, 'synthetic_pcaps', 'eth_edge.pcap'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', join(SHARED, 'spec', 'golden', 'nfstream-6.5.4-golden.tar.gz'), '-C', dir]);
  }
  return dir;
}
