import type { NFPlugin } from '../plugin/nfplugin.js';
import { isPluginInstance } from '../plugin/nfplugin.js';
import { optionRangeError, optionTypeError } from './option-error.js';
import { checkPluginMethodNames } from './plugin-method-names.js';

/**
 * NFStream's parameters (spec §8) in TypeScript style, without `source` (the streamer's).
 * Defaults follow NFStream except `nMeters` (1 instead of auto sizing, so output order is
 * reproducible by default; 0 asks for NFStream's automatic sizing).
 *
 * @example
 * ```ts
 * import { resolveMeteringOptions, type MeteringOptions } from '@flowstream/core';
 *
 * const options: MeteringOptions = { idleTimeout: 30, activeTimeout: 300, accountingMode: 1, spltAnalysis: 10, nDissections: 0 };
 * resolveMeteringOptions(options).statisticalAnalysis; // false (the default)
 * ```
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
  /**
   * Parallel meters (default 1; 0 = one per available core, leaving one for reading). They share
   * per-packet work (nDPI, statistics, SPLT, plugins): a run with core fields alone uses one meter,
   * which is faster than any split of it.
   */
  nMeters?: number;
  /** Stop after this many flows; 0 = unlimited. Reads back as set (NFStream's getter returns value − 1). */
  maxNflows?: number;
  /**
   * Bound of the flow cache (flowstream extension, default 0 = unlimited): when it holds this many
   * flows and a new one arrives, the least recently seen flow is expired early with expiration id
   * 2 ("evicted") and counted in the summary's `evictions`. With parallel meters each meter holds
   * at most ⌈maxLiveFlows / meters⌉.
   */
  maxLiveFlows?: number;
  /**
   * Flow snapshots (flowstream extension, default 0 = none): every this many seconds of capture
   * time, each live flow that received packets since its previous snapshot and has lasted at least
   * this long gets a snapshot row (`snapshots()`, `snapshots$`, an export's `snapshots` output).
   * Flow records are unchanged.
   */
  snapshotInterval?: number;
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
  snapshotInterval: number;
  performanceReport: number;
  systemVisibilityMode: 0 | 1;
  systemVisibilityPollMs: number;
}

/** Name of a metering option (camelCase). */
export type MeteringOptionName = keyof ResolvedMeteringOptions;

/**
 * One row of the option table: everything the library, the CLI parser and `--help` need to know
 * about a parameter. Validation, the NFStreamer accessors, the CLI flags and the help text are
 * all derived from {@link METERING_OPTION_TABLE}.
 *
 * @example
 * ```ts
 * METERING_OPTION_TABLE.find((o) => o.name === 'idleTimeout')!.flag; // 'idle-timeout'
 * ```
 */
export interface MeteringOptionSpec {
  /** camelCase name (library). */
  readonly name: MeteringOptionName;
  /** NFStream's parameter name. */
  readonly nfstream: string;
  /** `integer`: whole numbers in [min, max]; `bpf`: string or null; `plugins`: NFPlugin instances. */
  readonly type: 'boolean' | 'integer' | 'bpf' | 'plugins';
  readonly min?: number;
  readonly max?: number;
  /**
   * `max` exactly, where a double cannot hold it (the timeouts' bound): the CLI checks its digits
   * against this; a number from code is already the nearest double.
   */
  readonly maxExact?: bigint;
  /** What the option accepts, as error messages and `--help` say it. */
  readonly allowed: string;
  readonly default: ResolvedMeteringOptions[MeteringOptionName];
  /** CLI flag without dashes (booleans also get `--no-FLAG`); null when the CLI has none. */
  readonly flag: string | null;
  /** Value placeholder in `--help`. */
  readonly metavar?: string;
  /** One-line help (the default is appended by `--help`). */
  readonly help: string;
  /** Which sources the option acts on. */
  readonly appliesTo: 'all' | 'live';
}

/** NFStream's timeout bound: the value in ms must fit an unsigned 64-bit integer. */
const MAX_TIMEOUT_EXACT = (2n ** 64n - 1n) / 1000n;
/** The same as a double (18446744073709552, one above: the nearest double). */
const MAX_TIMEOUT_S = Number(MAX_TIMEOUT_EXACT);
const INT32 = 2 ** 31 - 1;

/**
 * Every metering parameter, once, in NFStream's setter order. Range, default, flag and help
 * text live here only.
 */
export const METERING_OPTION_TABLE: readonly MeteringOptionSpec[] = [
  { name: 'decodeTunnels', nfstream: 'decode_tunnels', type: 'boolean', allowed: 'a boolean (true or false)', default: true, flag: 'decode-tunnels', help: 'decode GTP-U, TZSP and CAPWAP', appliesTo: 'all' },
  { name: 'bpfFilter', nfstream: 'bpf_filter', type: 'bpf', allowed: 'a BPF expression string or null', default: null, flag: 'bpf-filter', metavar: 'EXPR', help: 'libpcap filter, for files, pipes and interfaces', appliesTo: 'all' },
  { name: 'promiscuousMode', nfstream: 'promiscuous_mode', type: 'boolean', allowed: 'a boolean (true or false)', default: true, flag: 'promiscuous-mode', help: 'promiscuous capture (--no-promiscuous-mode: only traffic to this host)', appliesTo: 'live' },
  { name: 'snapshotLength', nfstream: 'snapshot_length', type: 'integer', min: 1, max: INT32, allowed: 'a positive integer (bytes)', default: 1536, flag: 'snapshot-length', metavar: 'N', help: 'bytes kept per packet', appliesTo: 'live' },
  { name: 'socketBufferSize', nfstream: 'socket_buffer_size', type: 'integer', min: 0, max: INT32, allowed: 'an integer from 0 to 2147483647 (bytes; 0 = 64 MiB)', default: 0, flag: 'socket-buffer-size', metavar: 'N', help: 'kernel capture buffer, bytes (0 = 64 MiB)', appliesTo: 'live' },
  { name: 'idleTimeout', nfstream: 'idle_timeout', type: 'integer', min: 0, max: MAX_TIMEOUT_S, maxExact: MAX_TIMEOUT_EXACT, allowed: 'a non-negative integer number of seconds', default: 120, flag: 'idle-timeout', metavar: 'S', help: 'seconds without packets after which a flow expires', appliesTo: 'all' },
  { name: 'activeTimeout', nfstream: 'active_timeout', type: 'integer', min: 0, max: MAX_TIMEOUT_S, maxExact: MAX_TIMEOUT_EXACT, allowed: 'a non-negative integer number of seconds', default: 1800, flag: 'active-timeout', metavar: 'S', help: 'seconds after its first packet after which a flow expires', appliesTo: 'all' },
  { name: 'accountingMode', nfstream: 'accounting_mode', type: 'integer', min: 0, max: 3, allowed: 'one of 0, 1, 2, 3', default: 0, flag: 'accounting-mode', metavar: 'M', help: 'packet size counted: 0 raw, 1 IP, 2 transport, 3 payload', appliesTo: 'all' },
  { name: 'udps', nfstream: 'udps', type: 'plugins', allowed: 'an NFPlugin instance or an array of NFPlugin instances', default: [], flag: null, help: 'plugin instances (CLI: --plugin)', appliesTo: 'all' },
  { name: 'nDissections', nfstream: 'n_dissections', type: 'integer', min: 0, max: 255, allowed: 'an integer from 0 to 255', default: 20, flag: 'n-dissections', metavar: 'N', help: 'packets per flow given to nDPI (0 disables)', appliesTo: 'all' },
  { name: 'statisticalAnalysis', nfstream: 'statistical_analysis', type: 'boolean', allowed: 'a boolean (true or false)', default: false, flag: 'statistical-analysis', help: '48 post-mortem statistics columns', appliesTo: 'all' },
  { name: 'spltAnalysis', nfstream: 'splt_analysis', type: 'integer', min: 0, max: 65535, allowed: 'an integer from 0 to 65535', default: 0, flag: 'splt-analysis', metavar: 'N', help: "first N packets' direction/size/piat (0 disables)", appliesTo: 'all' },
  { name: 'nMeters', nfstream: 'n_meters', type: 'integer', min: 0, max: 1024, allowed: 'an integer from 0 to 1024 (0 = one per available core, leaving one for reading)', default: 1, flag: 'n-meters', metavar: 'N', help: 'parallel meters (0 = one per available core minus one; 1: reproducible order; core fields alone run on one)', appliesTo: 'all' },
  { name: 'maxNflows', nfstream: 'max_nflows', type: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, allowed: 'a non-negative integer (0 = unlimited)', default: 0, flag: 'max-nflows', metavar: 'N', help: 'stop after N flows (0 = unlimited)', appliesTo: 'all' },
  { name: 'maxLiveFlows', nfstream: 'max_live_flows', type: 'integer', min: 0, max: INT32, allowed: 'an integer from 0 to 2^31-1 (flows in the cache; 0 = unlimited)', default: 0, flag: 'max-live-flows', metavar: 'N', help: 'bound the flow cache: a new flow evicts the least recently seen one (expiration id 2; 0 = unlimited)', appliesTo: 'all' },
  { name: 'snapshotInterval', nfstream: 'snapshot_interval', type: 'integer', min: 0, max: MAX_TIMEOUT_S, maxExact: MAX_TIMEOUT_EXACT, allowed: 'a non-negative integer number of seconds (0 = no snapshots)', default: 0, flag: 'snapshot-interval', metavar: 'S', help: 'a snapshot row of each long live flow every S seconds of capture time (needs --snapshot-output)', appliesTo: 'all' },
  { name: 'performanceReport', nfstream: 'performance_report', type: 'integer', min: 0, max: INT32, allowed: 'a non-negative integer number of seconds (0 disables)', default: 0, flag: 'performance-report', metavar: 'S', help: 'a JSON performance line every S seconds (on stderr when flows go to stdout)', appliesTo: 'live' },
  { name: 'systemVisibilityMode', nfstream: 'system_visibility_mode', type: 'integer', min: 0, max: 1, allowed: 'one of 0 (disable), 1 (process information)', default: 0, flag: 'system-visibility-mode', metavar: '0|1', help: 'add the local process of each flow (Linux)', appliesTo: 'live' },
  { name: 'systemVisibilityPollMs', nfstream: 'system_visibility_poll_ms', type: 'integer', min: 0, max: INT32, allowed: 'a non-negative integer number of milliseconds', default: 100, flag: 'system-visibility-poll-ms', metavar: 'N', help: 'process table poll interval, ms', appliesTo: 'live' },
];

const BY_NAME = new Map<string, MeteringOptionSpec>(METERING_OPTION_TABLE.map((o) => [o.name, o]));

/**
 * Defaults of every metering option (NFStream's, except `nMeters`: 1), from the option table.
 *
 * @example
 * ```ts
 * import { DEFAULT_METERING_OPTIONS } from '@flowstream/core';
 *
 * DEFAULT_METERING_OPTIONS.idleTimeout; // 120
 * DEFAULT_METERING_OPTIONS.nDissections; // 20
 * ```
 */
export const DEFAULT_METERING_OPTIONS: Readonly<ResolvedMeteringOptions> = Object.freeze(
  Object.fromEntries(METERING_OPTION_TABLE.map((o) => [o.name, o.default])) as unknown as ResolvedMeteringOptions,
);

/** Names of all metering options, in NFStream's setter order. */
export const METERING_OPTION_NAMES: readonly MeteringOptionName[] = METERING_OPTION_TABLE.map((o) => o.name);

function validatePlugins(value: unknown): readonly NFPlugin[] {
  if (value === null || value === undefined) return [];
  const list: unknown[] = isPluginInstance(value) ? [value] : [];
  if (list.length === 0) {
    if (typeof value === 'string' || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw optionTypeError('udps', 'an NFPlugin instance or an array of NFPlugin instances', value);
    }
    list.push(...(value as Iterable<unknown>));
  }
  for (const p of list) {
    if (!isPluginInstance(p)) throw optionTypeError('udps', 'NFPlugin instances (new MyPlugin(...)), not classes or functions', p);
    checkPluginMethodNames(p);
  }
  return list as NFPlugin[];
}

/**
 * Validates one option and returns its normalised value. Throws a TypeError (wrong type) or
 * RangeError (out of range) that names the option and the allowed values.
 *
 * @example validateMeteringOption('accountingMode', 5) // RangeError: Invalid option accountingMode: expected one of 0, 1, 2, 3, got 5.
 */
export function validateMeteringOption<K extends MeteringOptionName>(name: K, value: unknown): ResolvedMeteringOptions[K] {
  type R = ResolvedMeteringOptions[K];
  const spec = BY_NAME.get(name);
  if (spec === undefined) throw unknownOptionError(String(name), value, METERING_OPTION_NAMES);
  switch (spec.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw optionTypeError(name, spec.allowed, value);
      return value as R;
    case 'bpf':
      if (value === null || value === undefined) return null as R;
      if (typeof value !== 'string') throw optionTypeError(name, spec.allowed, value);
      return value as R;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw optionTypeError(name, spec.allowed, value);
      if (value < spec.min! || value > spec.max!) throw optionRangeError(name, spec.allowed, value);
      return value as R;
    case 'plugins':
      return validatePlugins(value) as R;
  }
}

/** camelCase of a snake_case name (`statistical_analysis` → `statisticalAnalysis`). */
function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * The TypeError for an option name nobody knows. NFStream's snake_case names (and CLI-style
 * kebab-case) get a "did you mean" with the camelCase name, since that is the usual slip when
 * porting.
 *
 * @example unknownOptionError('statistical_analysis', true, METERING_OPTION_NAMES).message
 * // Unknown option statistical_analysis: did you mean statisticalAnalysis? …
 */
export function unknownOptionError(name: string, value: unknown, known: readonly string[]): TypeError {
  const guess = camelCase(name.replace(/-/g, '_'));
  if (guess !== name && known.includes(guess)) {
    return new TypeError(`Unknown option ${name}: did you mean ${guess}? (options are camelCase: ${known.join(', ')})`);
  }
  return optionTypeError(name, `one of the known options (${known.join(', ')})`, value);
}

/**
 * Validates every given option and fills in the defaults: what `NFStreamer` does with its
 * options, for checking a configuration before a run. A wrong type is a TypeError, a value out of
 * range a RangeError, an unknown name a TypeError (NFStream's snake_case names get "did you
 * mean …"); each names the option and the allowed values.
 *
 * @example
 * ```ts
 * import { resolveMeteringOptions } from '@flowstream/core';
 *
 * const options = resolveMeteringOptions({ idleTimeout: 30, statisticalAnalysis: true });
 * options.activeTimeout; // 1800 (the default)
 * try {
 *   resolveMeteringOptions({ accountingMode: 5 as 0 });
 * } catch (e) {
 *   console.error((e as RangeError).message); // Invalid option accountingMode: expected one of 0, 1, 2, 3, got 5.
 * }
 * ```
 */
export function resolveMeteringOptions(options: MeteringOptions): ResolvedMeteringOptions {
  const out = { ...DEFAULT_METERING_OPTIONS } as ResolvedMeteringOptions;
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!BY_NAME.has(key)) throw unknownOptionError(key, given[key], METERING_OPTION_NAMES);
  }
  for (const name of METERING_OPTION_NAMES) {
    if (given[name] !== undefined) (out as unknown as Record<string, unknown>)[name] = validateMeteringOption(name, given[name]);
  }
  return out;
}
