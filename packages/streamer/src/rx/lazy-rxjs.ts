import { createRequire } from 'node:module';

type RxJS = typeof import('rxjs');
let rxjs: RxJS | null = null;

/**
 * rxjs, loaded on first use. The CLI and plain iteration never need it, and loading its ~200
 * modules costs tens of milliseconds of start-up.
 */
export function lazyRxjs(): RxJS {
  if (rxjs === null) rxjs = createRequire(import.meta.url)('rxjs') as RxJS;
  return rxjs;
}
