import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type MessagePort } from 'node:worker_threads';
import type { DissectionWorkerData, MeterWorkerData } from './worker-protocol.js';

/** How to start a meter worker: its entry module and Node flags. */
export interface WorkerEntry {
  readonly url: URL;
  readonly execArgv: readonly string[];
}

/**
 * The meter worker's entry. Built code (`dist/`) runs `meter-worker.js` with no flags. When this
 * module itself runs from TypeScript sources (vitest, `tsx --conditions=source`), workers cannot
 * load `.ts` on their own, and Node 20 does not apply `--import tsx` hooks to a worker's entry:
 * a tiny JS bootstrap registers tsx's ESM hooks, then imports `meter-worker.ts`, with the
 * `source` export condition, so workers run the same sources as the main thread (no stale `dist/`).
 */
export function defaultWorkerEntry(): WorkerEntry {
  return workerEntry('parallel/meter-worker');
}

/**
 * The entry of a worker module given by its path without extension, relative to the package's
 * `dist/` (or `src/`) folder (e.g. `sources/capture-worker`), resolved as {@link defaultWorkerEntry}
 * explains. Bundled (this module in a chunk of `dist/bundle/`), the worker starts from its bundled
 * entry under the same path in `dist/bundle/` (see scripts/bundle.mjs); otherwise this module sits
 * in `dist/parallel/` or `src/parallel/`, one folder below the worker's.
 *
 * @example
 * ```ts
 * const { url, execArgv } = workerEntry('sources/capture-worker');
 * new Worker(url, { execArgv: [...execArgv], workerData });
 * ```
 */
export function workerEntry(path: string): WorkerEntry {
  const here = import.meta.url;
  const file = new URL(here).pathname;
  if (file.includes('/dist/bundle/')) return { url: new URL(`./${path}.js`, here), execArgv: [] };
  if (!/\.[cm]?ts$/.test(file)) return { url: new URL(`../${path}.js`, here), execArgv: [] };
  const tsxRoot = dirname(createRequire(here).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL(`../${path}.ts`, here).href;
  const code = `const { register } = await import(${JSON.stringify(api)}); register(); await import(${JSON.stringify(entry)});`;
  return { url: new URL(`data:text/javascript,${encodeURIComponent(code)}`), execArgv: ['--conditions=source'] };
}

/** A started worker thread, and what became of it (errors are not otherwise visible to synchronous runs). */
export interface WorkerThread {
  readonly worker: Worker;
  readonly entry: string;
  /** The thread failed (e.g. a module did not load), or null. */
  error: Error | null;
  /** The thread has ended. */
  exited: boolean;
  /**
   * Shared with the thread's bootstrap: word 0 is set to 1 when the entry module failed to load,
   * word 1 is the length of the error text that follows (see {@link bootFailure}).
   */
  readonly boot: SharedArrayBuffer;
}

/**
 * Time a meter or dissection worker may take to start (load its modules and, for nDPI, its
 * library) before the run fails: a synchronous run never sees a thread's events, so it cannot
 * otherwise tell a thread that never starts from a slow one.
 */
export const WORKER_BOOT_TIMEOUT_MS = 60_000;

/** Room for the text of a module that failed to load (the rest is cut). */
const BOOT_TEXT_BYTES = 4096;

/**
 * The bootstrap every worker starts from: it imports the entry module and, when that fails (a
 * syntax error, a missing dependency), writes the error to the shared boot cell before the thread
 * ends. The thread's own `error` event reaches only an event loop that turns; a synchronous run
 * reads the cell instead of waiting for its boot timeout.
 */
function bootstrapUrl(entry: URL): URL {
  const code =
    `import { workerData } from 'node:worker_threads';\n` +
    `try { await import(${JSON.stringify(entry.href)}); } catch (err) {\n` +
    // encodeInto cuts a text too long at a whole character
    `  const { written } = new TextEncoder().encodeInto(String(err?.stack ?? err), new Uint8Array(workerData.boot, 8));\n` +
    `  const cell = new Int32Array(workerData.boot, 0, 2);\n` +
    `  Atomics.store(cell, 1, written);\n` +
    `  Atomics.store(cell, 0, 1);\n` +
    `  throw err;\n` +
    `}\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/**
 * The error of a thread whose entry module failed to load, as its bootstrap wrote it (seen at
 * once, with no event loop turning), or null.
 */
export function bootFailure(thread: WorkerThread): Error | null {
  const cell = new Int32Array(thread.boot, 0, 2);
  if (Atomics.load(cell, 0) === 0) return null;
  const text = new TextDecoder().decode(new Uint8Array(thread.boot, 8, Atomics.load(cell, 1)));
  const error = new Error(`worker module ${thread.entry} did not load: ${text.split('\n')[0]}`);
  error.stack = `${error.message}\n${text}`;
  return error;
}

/** A started meter worker. */
export type MeterWorkerThread = WorkerThread;

/** Workers started ahead of their run, waiting for their configuration. */
const prestarted: MeterWorkerThread[] = [];

/**
 * Starts a worker thread that records its failure and its end, and does not keep the process
 * alive by itself (an abandoned run, or a worker started ahead and never used). `data` reaches the
 * thread as its `workerData` (with the boot cell, `boot`, beside its own keys).
 *
 * @example
 * ```ts
 * const thread = startWorkerThread(workerEntry('sinks/threaded/sink-worker'), 'flowstream-sink');
 * ```
 */
export function startWorkerThread(entry: WorkerEntry, name: string, data: object = {}): WorkerThread {
  // a thread whose module is missing fails only on its event loop, which a synchronous run does
  // not turn: it would wait for the boot timeout instead of naming the file
  if (entry.url.protocol === 'file:' && !existsSync(entry.url)) {
    throw new Error(`${name}: the worker module ${fileURLToPath(entry.url)} is missing (build with \`pnpm build\`, or reinstall)`);
  }
  const boot = new SharedArrayBuffer(8 + BOOT_TEXT_BYTES);
  const worker = new Worker(bootstrapUrl(entry.url), { execArgv: [...entry.execArgv], name, workerData: { ...data, boot } });
  const thread: WorkerThread = { worker, entry: entry.url.href, error: null, exited: false, boot };
  worker.on('error', (err) => {
    thread.error ??= err;
  });
  worker.on('exit', () => {
    thread.exited = true;
  });
  worker.unref();
  return thread;
}

function startThread(entry: WorkerEntry, index: number, data: object = {}): MeterWorkerThread {
  return startWorkerThread(entry, `flowstream-meter-${index}`, data);
}

/**
 * Starts `count` meter workers before a run needs them: a worker's start-up (a fresh JavaScript
 * engine loading its modules) then overlaps what the caller does meanwhile (the CLI loading its
 * own modules). The next parallel run takes them; unused ones do not keep the process alive.
 * `nDissections` (1…255), when the run will dissect with nDPI: the workers build nDPI's module
 * while they wait (see `prepareDissector`).
 *
 * @example
 * ```ts
 * prestartMeterWorkers(2); // before the expensive imports
 * prestartMeterWorkers(1, defaultWorkerEntry(), 20); // a run with NFStream's n_dissections
 * ```
 */
export function prestartMeterWorkers(count: number, entry: WorkerEntry = defaultWorkerEntry(), nDissections = 0): void {
  try {
    for (let i = 0; i < count; i++) prestarted.push(startThread(entry, prestarted.length, nDissections > 0 ? { nDissections } : {}));
  } catch {
    // the run that needs the worker starts it and reports why it cannot
  }
}

/**
 * Starts meter worker `data.index` (or takes a prestarted one) and sends it its configuration;
 * `data.port` is transferred. A dissection thread's configuration makes it one.
 */
export function startMeterWorker(entry: WorkerEntry, data: MeterWorkerData | DissectionWorkerData): MeterWorkerThread {
  const at = prestarted.findIndex((t) => t.entry === entry.url.href && !t.exited);
  const thread = at >= 0 ? prestarted.splice(at, 1)[0]! : startThread(entry, 'role' in data ? data.channel : data.index);
  try {
    thread.worker.postMessage(data, [data.port as MessagePort]);
  } catch (err) {
    // a configuration that cannot be copied (a plugin option): the thread will never get one
    void thread.worker.terminate();
    throw err;
  }
  return thread;
}
