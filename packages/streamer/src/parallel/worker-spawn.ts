import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type MessagePort } from 'node:worker_threads';
import type { MeterWorkerData } from './worker-protocol.js';

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
  return workerEntry('./meter-worker');
}

/**
 * The entry of a worker module given by its path without extension, relative to this folder
 * (e.g. `../sources/capture-worker`), resolved as {@link defaultWorkerEntry} explains.
 *
 * @example
 * ```ts
 * const { url, execArgv } = workerEntry('../sources/capture-worker');
 * new Worker(url, { execArgv: [...execArgv], workerData });
 * ```
 */
export function workerEntry(path: string): WorkerEntry {
  const here = import.meta.url;
  if (!/\.[cm]?ts$/.test(new URL(here).pathname)) return { url: new URL(`${path}.js`, here), execArgv: [] };
  const tsxRoot = dirname(createRequire(here).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL(`${path}.ts`, here).href;
  const code = `const { register } = await import(${JSON.stringify(api)}); register(); await import(${JSON.stringify(entry)});`;
  return { url: new URL(`data:text/javascript,${encodeURIComponent(code)}`), execArgv: ['--conditions=source'] };
}

/** Starts one meter worker; `data.port` is transferred to it. */
export function spawnMeterWorker(entry: WorkerEntry, data: MeterWorkerData): Worker {
  const worker = new Worker(entry.url, {
    workerData: data,
    transferList: [data.port as MessagePort],
    execArgv: [...entry.execArgv],
    name: `flowstream-meter-${data.index}`,
  });
  // errors are reported through the shared state; this keeps an unexpected one from crashing the process
  worker.on('error', () => {});
  // an abandoned run (never stopped) must not keep the process alive; active runs block on the rings anyway
  worker.unref();
  return worker;
}
