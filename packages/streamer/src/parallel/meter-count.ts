import { availableParallelism } from 'node:os';

// Apart from parallel-plan.ts and importing nothing of flowstream: the CLI launcher reads it to
// start meter workers before it loads anything else (see prestart-meters.ts).

/**
 * The number of meters a run uses: `nMeters`, at most one per available core (NFStream also caps
 * an explicit `n_meters`, at cores − 1, for its separate reader process; here the main thread
 * reads and is meter 0); for 0 (NFStream's default, automatic sizing) one fewer than the cores.
 * The main thread reads and routes every packet besides being meter 0, and each worker costs
 * start-up and recompilation: on two cores a second meter costs more CPU time than it saves with
 * core fields (README, *Parallel meters*), so automatic sizing starts parallel meters from three
 * cores.
 *
 * @example
 * ```ts
 * meterCount(0, 8); // 7
 * meterCount(0, 1); // 1
 * meterCount(16, 4); // 4
 * ```
 */
export function meterCount(nMeters: number, cores: number = availableParallelism()): number {
  return nMeters === 0 ? Math.max(1, cores - 1) : Math.min(nMeters, Math.max(1, cores));
}
