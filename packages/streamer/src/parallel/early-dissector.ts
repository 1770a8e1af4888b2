import { createNdpiDissector, loadNdpi, type FlowDissector } from '@flowstream/core';

/** The nDPI dissector a worker made before its configuration came, and for which `nDissections`. */
let early: { nDissections: number; dissector: FlowDissector } | null = null;

/**
 * Makes the worker's nDPI dissector ahead, for a worker started before its run (see
 * `prestartMeterWorkers`) whose run will dissect `nDissections` packets a flow: nDPI's detection
 * module takes ~33 ms to build, which then fall in the wait for the configuration (the main
 * thread loading the CLI) instead of delaying the thread's first packet. Does nothing for a
 * value no dissector takes, or without nDPI (the configured run reports that).
 *
 * @example
 * ```ts
 * prepareDissector(workerData.nDissections); // at the worker's start
 * const dissector = takeEarlyDissector(data.nDissections) ?? createNdpiDissector(lib, data.nDissections);
 * ```
 */
export function prepareDissector(nDissections: unknown): void {
  if (typeof nDissections !== 'number' || !Number.isInteger(nDissections) || nDissections < 1 || nDissections > 255) return;
  const lib = loadNdpi();
  if (lib instanceof Error) return;
  try {
    early = { nDissections, dissector: createNdpiDissector(lib, nDissections) };
  } catch {
    early = null; // the configured run makes its own and reports why it cannot
  }
}

/**
 * The dissector made ahead when it is for `nDissections`, else null; one made for another value
 * is closed (the run makes its own).
 */
export function takeEarlyDissector(nDissections: number): FlowDissector | null {
  const made = early;
  early = null;
  if (made === null) return null;
  if (made.nDissections === nDissections) return made.dissector;
  made.dissector.close();
  return null;
}
