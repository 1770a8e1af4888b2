import type { NFPlugin } from '../plugin/nfplugin.js';
import { isPluginInstance } from '../plugin/nfplugin.js';
import { optionRangeError, optionTypeError } from './option-error.js';

/**
 * NFStream's parameters (spec §8) in TypeScript style, without `source` (the streamer's).
 * Defaults follow NFStream except `nMeters` (1 instead of auto sizing, so output order is
 * reproducible by default).
 */
export interface MeteringOptions {
  /** Decode GTP-U, TZSP and CAPWAP (default true); adds the `tunnel_id` column. */
  decodeTunnels?: boolean;
  /** BPF expression (libpcap syntax) applied to files, streams and interfaces; null for none. */
  bpfFilter?: string | null;
  /** Live capture only (default true). */
  promiscuousMode?: boolean;
  /** Live capture only, bytes per packet (default 1536). */
  snapshotLength?: number;
  /** Live capture only, kernel buffer bytes, 0 = 64 MiB (max 2^31−1). */
  socketBufferSize?: number;
  /** Seconds without packets after which a flow expires (default 120). */
  idleTimeout?: number;
  /** Seconds after a flow's first packet after which it expires (default 1800). */
  activeTimeout?: number;
  /** Per-packet size feeding byte counters and size statistics: 0 raw, 1 IP, 2 transport, 3 payload. */
  accountingMode?: 0 | 1 | 2 | 3;
  /** Plugin instances (NFStream's name). */
  udps?: NFPlugin | readonly NFPlugin[] | null;
  /** Packets per flow given to nDPI, 0…255 (default 20; 0 disables application detection). */
  nDissections?: number;
  /** Post-mortem statistics (48 columns). */
  statisticalAnalysis?: boolean;
  /** Early-flow SPLT sequence length, 0…65535 (0 disables). */
  spltAnalysis?: number;
  /** Parallel meters (default 1). */
  nMeters?: number;
  /** Stop after this many flows; 0 = unlimited. */
  maxNflows?: number;
  /**
   * Bound of the flow cache (flowstream extension, default 0 = unlimited): when it holds this many
   * flows and a new one arrives, the least recently seen flow is expired early with expiration id
   * 2 ("evicted") and counted in the summary's `evictions`. With `nMeters` > 1 each meter holds
   * at most ⌈maxLiveFlows / nMeters⌉.
   */
  maxLiveFlows?: number;
  /** Live only: seconds between performance JSON lines; 0 disables. */
  performanceReport?: number;
  /** 1 adds the local process of live flows (Linux). */
  systemVisibilityMode?: 0 | 1;
  /** Poll interval of the process table, ms (default 100). */
  systemVisibilityPollMs?: number;
}

/** Resolved metering options: every field present. */
export interface ResolvedMeteringOptions {
  decodeTunnels: boolean;
  bpfFilter: string | null;
  promiscuousMode: boolean;
  snapshotLength: number;
  socketBufferSize: number;
  idleTimeout: number;
  activeTimeout: number;
  accountingMode: 0 | 1 | 2 | 3;
  udps: readonly NFPlugin[];
  nDissections: number;
  statisticalAnalysis: boolean;
  spltAnalysis: number;
  nMeters: number;
  maxNflows: number;
  maxLiveFlows: number;
  performanceReport: number;
  systemVisibilityMode: 0 | 1;
  systemVisibilityPollMs: number;
}

export const DEFAULT_METERING_OPTIONS: Readonly<ResolvedMeteringOptions> = Object.freeze({
  decodeTunnels: true,
  bpfFilter: null,
  promiscuousMode: true,
  snapshotLength: 1536,
  socketBufferSize: 0,
  idleTimeout: 120,
  activeTimeout: 1800,
  accountingMode: 0,
  udps: [],
  nDissections: 20,
  statisticalAnalysis: false,
  spltAnalysis: 0,
  nMeters: 1,
  maxNflows: 0,
  maxLiveFlows: 0,
  performanceReport: 0,
  systemVisibilityMode: 0,
  systemVisibilityPollMs: 100,
});

const MAX_TIMEOUT_S = Math.floor((2 ** 64 - 1) / 1000);

function bool(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw optionTypeError(name, 'a boolean (true or false)', v);
  return v;
}

function int(name: string, v: unknown, min: number, max: number, allowed: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw optionTypeError(name, allowed, v);
  if (v < min || v > max) throw optionRangeError(name, allowed, v);
  return v;
}

/**
 * Validates one option and returns its normalised value. Throws a TypeError (wrong type) or
 * RangeError (out of range) that names the option and the allowed values.
 *
 * @example validateMeteringOption('accountingMode', 5) // RangeError: Invalid option accountingMode: expected one of 0, 1, 2, 3, got 5.
 */
export function validateMeteringOption<K extends keyof ResolvedMeteringOptions>(
  name: K,
  value: unknown,
): ResolvedMeteringOptions[K] {
  type R = ResolvedMeteringOptions[K];
  switch (name) {
    case 'decodeTunnels':
    case 'promiscuousMode':
    case 'statisticalAnalysis':
      return bool(name, value) as R;
    case 'bpfFilter':
      if (value === null || value === undefined) return null as R;
      if (typeof value !== 'string') throw optionTypeError(name, 'a BPF expression string or null', value);
      return value as R;
    case 'snapshotLength':
      return int(name, value, 1, 2 ** 31 - 1, 'a positive integer (bytes)') as R;
    case 'socketBufferSize':
      return int(name, value, 0, 2 ** 31 - 1, 'an integer from 0 to 2^31-1 (bytes; 0 = 64 MiB)') as R;
    case 'idleTimeout':
    case 'activeTimeout':
      return int(name, value, 0, MAX_TIMEOUT_S, 'a non-negative integer number of seconds') as R;
    case 'accountingMode':
      return int(name, value, 0, 3, 'one of 0, 1, 2, 3') as R;
    case 'nDissections':
      return int(name, value, 0, 255, 'an integer from 0 to 255') as R;
    case 'spltAnalysis':
      return int(name, value, 0, 65535, 'an integer from 0 to 65535') as R;
    case 'nMeters':
      return int(name, value, 1, 1024, 'an integer from 1 to 1024') as R;
    case 'maxNflows':
      return int(name, value, 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer (0 = unlimited)') as R;
    case 'maxLiveFlows':
      return int(name, value, 0, 2 ** 31 - 1, 'an integer from 0 to 2^31-1 (flows in the cache; 0 = unlimited)') as R;
    case 'performanceReport':
      return int(name, value, 0, 2 ** 31 - 1, 'a non-negative integer number of seconds (0 disables)') as R;
    case 'systemVisibilityMode':
      return int(name, value, 0, 1, 'one of 0 (disable), 1 (process information)') as R;
    case 'systemVisibilityPollMs':
      return int(name, value, 0, 2 ** 31 - 1, 'a non-negative integer number of milliseconds') as R;
    case 'udps': {
      if (value === null || value === undefined) return [] as unknown as R;
      if (isPluginInstance(value)) return [value] as unknown as R;
      if (typeof value === 'string' || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') {
        throw optionTypeError(name, 'an NFPlugin instance or an array of NFPlugin instances', value);
      }
      const list = [...(value as Iterable<unknown>)];
      for (const p of list) {
        if (!isPluginInstance(p)) {
          throw optionTypeError(name, 'NFPlugin instances (new MyPlugin(...)), not classes or functions', p);
        }
      }
      return list as unknown as R;
    }
    default:
      throw new TypeError(`Unknown option ${String(name)}.`);
  }
}

/** Names of all metering options, in NFStream's setter order. */
export const METERING_OPTION_NAMES: readonly (keyof ResolvedMeteringOptions)[] = Object.keys(
  DEFAULT_METERING_OPTIONS,
) as (keyof ResolvedMeteringOptions)[];

/** Validates every given option and fills in defaults. */
export function resolveMeteringOptions(options: MeteringOptions): ResolvedMeteringOptions {
  const out = { ...DEFAULT_METERING_OPTIONS } as ResolvedMeteringOptions;
  const given = options as Record<string, unknown>;
  for (const name of METERING_OPTION_NAMES) {
    if (given[name] !== undefined) (out as unknown as Record<string, unknown>)[name] = validateMeteringOption(name, given[name]);
  }
  return out;
}
