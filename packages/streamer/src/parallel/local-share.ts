import type { ResolvedMeteringOptions } from '@flowstream/core';

/** What the share rule looks at besides the metering options. */
export interface ShareInputs {
  readonly nMeters: number;
  readonly plugins: readonly unknown[];
  readonly dissector: unknown;
}

/**
 * Meter 0's share of the flows (its share of the hash buckets): the main thread also reads and
 * routes every record, so it meters less. TEMPORARY: FLOWSTREAM_LOCAL_SHARE overrides (tuning).
 */
export function localShare(options: ResolvedMeteringOptions, inputs: ShareInputs): number {
  const env = process.env.FLOWSTREAM_LOCAL_SHARE;
  if (env !== undefined) return Number(env);
  void options;
  return 1 / inputs.nMeters;
}
