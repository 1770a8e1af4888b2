import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** koffi's API (an optional dependency: the C libraries flowstream calls, libc, libpcap, nDPI). */
export type Koffi = typeof import('koffi');

const require = createRequire(import.meta.url);
let loaded: Koffi | Error | undefined;

/**
 * koffi, loaded once per process for every caller (libc, libpcap, nDPI); throws what loading it
 * threw (koffi not installed, no build for this platform).
 *
 * The prebuilt addon koffi ships for this platform is loaded itself when its version is the
 * package's: koffi's entry module finds the same file, but first loads `https`, `zlib` and
 * `crypto` for its installer and compiles its 20 KB of JavaScript, 6–7 ms of a CLI start measured
 * on the benchmark VM (8.5 against 1.5 ms), for nothing a run uses (it adds deprecated aliases).
 * Any other case (musl, a build from source, a different layout) goes through the entry module.
 *
 * @example
 * ```ts
 * const getpid = loadKoffi().load('libc.so.6').func('int getpid()');
 * ```
 */
export function loadKoffi(): Koffi {
  loaded ??= load();
  if (loaded instanceof Error) throw loaded;
  return loaded;
}

function load(): Koffi | Error {
  try {
    const addon = prebuiltAddon();
    if (addon !== null) return require(addon) as Koffi;
  } catch {
    // a prebuilt file this system cannot load (musl): the entry module knows the alternatives
  }
  try {
    return require('koffi') as Koffi;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * The module a thread of its own loads koffi from, or null when koffi is not installed: the
 * prebuilt addon for this platform when there is one (loading it is a best effort there: the
 * thread catches a failure), else koffi's entry module.
 *
 * @example
 * ```ts
 * const path = koffiModulePath(); // handed to a worker, which require()s it
 * ```
 */
export function koffiModulePath(): string | null {
  try {
    const at = prebuiltLocation();
    return at !== null && existsSync(at.addon) ? at.addon : require.resolve('koffi');
  } catch {
    return null;
  }
}

/** koffi's manifest and its prebuilt addon for this platform and CPU (null: not one koffi ships for glibc Linux). */
function prebuiltLocation(): { manifest: string; addon: string } | null {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) return null;
  const manifest = require.resolve('koffi/package.json');
  return { manifest, addon: join(dirname(manifest), 'build', 'koffi', `linux_${process.arch}`, 'koffi.node') };
}

/** koffi's prebuilt addon when it was built for the installed package's version (null: none). */
function prebuiltAddon(): string | null {
  const at = prebuiltLocation();
  if (at === null) return null;
  const { version } = JSON.parse(readFileSync(at.manifest, 'utf8')) as { version: string };
  try {
    // the addon states the version it was built for: a stale build is not used
    return (require(at.addon) as { version?: string }).version === version ? at.addon : null;
  } catch {
    return null;
  }
}
