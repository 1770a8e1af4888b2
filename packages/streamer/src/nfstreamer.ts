import { existsSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Observable } from 'rxjs';
import { lazyRxjs } from './rx/lazy-rxjs.js';
import {
  METERING_OPTION_TABLE,
  optionRangeError,
  optionTypeError,
  validateMeteringOption,
  type FieldSpec,
  type FlowDissector,
  type MeteringOptions,
  type NFlow,
  type NFPlugin,
  type ResolvedMeteringOptions,
  type RunSummary,
} from '@flowstream/core';
import {
  DEFAULT_METERING_OPTIONS,
  METERING_OPTION_NAMES,
  flowColumns,
  unknownOptionError,
  type RecordFilter,
} from '@flowstream/core/internal';
import type { Writable } from 'node:stream';
import type { RecordBatch, Table } from 'apache-arrow';
import type { DataFrame } from 'nodejs-polars';
import { CsvExport, type CsvExportOptions } from './export/csv-export.js';
import type { FlowBatchOptions } from './export/flow-batch-builder.js';
import { MeterRun, StepResult, type RunInput } from './run/meter-run.js';
import { ParallelMeterRun } from './parallel/parallel-meter-run.js';
import { parallelPlan } from './parallel/parallel-plan.js';
import { fileInput, streamInput } from './run/run-inputs.js';
import { FLOWSTREAM_VERSION } from './version.js';
import { ProgressTicker, ProgressTracker, type RunProgress } from './run/run-progress.js';
import type { PerformanceReport } from './live/performance-reporter.js';

/** A capture file, a list of files read as one capture, `-` (stdin), a Node readable, or an interface name. */
export type StreamerSource = string | readonly string[] | Readable;

/** Options of {@link NFStreamer}: NFStream's parameters in TypeScript style (spec §8). */
export interface NFStreamerOptions extends MeteringOptions {
  source: StreamerSource;
  /**
   * Called with the run's progress when a run starts, every 150 ms while it goes on, and once when
   * it ends. The timer needs the event loop: a synchronous `for…of` gets the first and the last.
   */
  onProgress?: ((progress: RunProgress) => void) | null;
  /** Receives the performance report lines (`performanceReport`); default: printed to stdout as NFStream does. */
  onPerformanceReport?: ((line: string, report: PerformanceReport) => void) | null;
}

/** Options of {@link NFStreamerOptions} that are not NFStream parameters (callbacks). */
const STREAMER_OPTION_NAMES = ['source', 'onProgress', 'onPerformanceReport'] as const;

/** The option accessors of {@link NFStreamer}, one per row of the option table (validated setters). */
type MeteringAccessors = { -readonly [K in Exclude<keyof ResolvedMeteringOptions, 'udps'>]: ResolvedMeteringOptions[K] } & {
  /** Plugin instances; a single instance or null may be assigned. */
  get udps(): readonly NFPlugin[];
  set udps(v: NFPlugin | readonly NFPlugin[] | null);
};

/** How the source is read. */
export type SourceMode = 'file' | 'files' | 'stream' | 'live';

/** Hooks the optional parts (nDPI, BPF, live capture) plug into; set by their modules. */
export interface StreamerExtensions {
  /** Loads the nDPI dissector factory; returns an Error when nDPI is unavailable. */
  loadDissector?: (nDissections: number) => (() => FlowDissector) | Error;
  /** Compiles a BPF expression into a record filter. */
  compileFilter?: (expression: string) => RecordFilter;
  /** Resolves an interface name/description to its canonical name, or null. */
  resolveInterface?: (nameOrDescription: string) => string | null;
  /** Opens a live capture as a run input. */
  liveInput?: (iface: string, options: ResolvedMeteringOptions) => RunInput & { stop(): void };
}

/** Registered optional parts (see {@link StreamerExtensions}). */
export const extensions: StreamerExtensions = {};

let warned = new Set<string>();
function warnOnce(text: string): void {
  if (warned.has(text)) return;
  warned.add(text);
  process.emitWarning(text, { code: 'FLOWSTREAM' });
}

/**
 * NFStream's `NFStreamer`: meters a capture (file, list of files, stream or interface) into
 * bidirectional flows with NFStream's fields, and hands them out as an iterable, an async
 * iterable, an RxJS Observable, or export files.
 *
 * Options are validated at construction and when changed later through their setters
 * (`TypeError`/`RangeError` naming the option and the allowed values). Each iteration is a fresh
 * run: ids start at 0 again.
 *
 * @example
 * ```ts
 * const streamer = new NFStreamer({ source: 'capture.pcap', statisticalAnalysis: true });
 * for (const flow of streamer) console.log(flow.src_ip, flow.bidirectional_packets);
 * console.log(streamer.summary);
 * ```
 */
export interface NFStreamer extends MeteringAccessors {}
export class NFStreamer implements Iterable<NFlow>, AsyncIterable<NFlow> {
  private opts: ResolvedMeteringOptions = { ...DEFAULT_METERING_OPTIONS };
  private src!: StreamerSource;
  private mode!: SourceMode;
  private nDissectionsGiven = false;
  private lastSummary: RunSummary | null = null;
  private activeRuns = new Set<{ stop(): void }>();
  private currentRun: MeterRun | null = null;
  private tracker: ProgressTracker | null = null;
  private readonly ticker = new ProgressTicker();
  private reportOutput: NFStreamerOptions['onPerformanceReport'] = null;

  // one validated accessor per row of the option table (typed by the MeteringAccessors interface)
  static {
    for (const { name } of METERING_OPTION_TABLE) {
      Object.defineProperty(NFStreamer.prototype, name, {
        get(this: NFStreamer) {
          return this.opts[name];
        },
        set(this: NFStreamer, v: unknown) {
          this.set(name, v);
        },
        enumerable: false,
        configurable: true,
      });
    }
  }

  constructor(options: NFStreamerOptions) {
    if (options === null || typeof options !== 'object') {
      throw optionTypeError('options', 'an object with at least a `source`', options);
    }
    this.source = options.source;
    const given = options as unknown as Record<string, unknown>;
    const known: readonly string[] = [...STREAMER_OPTION_NAMES, ...METERING_OPTION_NAMES];
    for (const key of Object.keys(given)) {
      if (!known.includes(key)) throw unknownOptionError(key, given[key], known);
    }
    for (const name of METERING_OPTION_NAMES) {
      if (given[name] !== undefined) this.set(name, given[name]);
    }
    for (const name of ['onProgress', 'onPerformanceReport'] as const) {
      if (options[name] != null && typeof options[name] !== 'function') throw optionTypeError(name, 'a function or null', options[name]);
    }
    if (options.onProgress) this.ticker.listen(options.onProgress);
    this.reportOutput = options.onPerformanceReport ?? null;
  }

  // ---- options (validated setters) -------------------------------------------------------------

  /** The source: a path, a list of paths, `-`/a readable, or an interface name. */
  get source(): StreamerSource {
    return this.src;
  }
  set source(value: StreamerSource) {
    const { mode, source } = classifySource(value);
    this.src = source;
    this.mode = mode;
  }

  /** How the source is read (`file`, `files`, `stream`, `live`). */
  get sourceMode(): SourceMode {
    return this.mode;
  }

  /** All resolved options (a copy). */
  get options(): Readonly<ResolvedMeteringOptions> {
    return { ...this.opts };
  }

  private set<K extends keyof ResolvedMeteringOptions>(name: K, value: unknown): void {
    let v = validateMeteringOption(name, value);
    if (name === 'nDissections') this.nDissectionsGiven = true;
    if (name === 'spltAnalysis' && (v as number) > 255) {
      warnOnce('The specified spltAnalysis parameter is higher than 255. High values can impact the performance of the tool.');
    }
    if (name === 'systemVisibilityMode' && (v as number) > 0 && this.mode === 'file') {
      warnOnce('systemVisibilityMode switched to 0 in offline capture (available only for live capture)');
      v = 0 as ResolvedMeteringOptions[K];
    }
    this.opts[name] = v;
  }

  // ---- schema and manifest ---------------------------------------------------------------------

  /** True when runs add the nine nDPI columns (nDissections > 0 and nDPI loadable). */
  get dissection(): boolean {
    return this.dissectorFactory() !== null;
  }

  /** Columns of this streamer's flows, in order, with types (plugins' declared `udps.*` last). */
  get schema(): FieldSpec[] {
    const cols = flowColumns({
      decodeTunnels: this.opts.decodeTunnels,
      statisticalAnalysis: this.opts.statisticalAnalysis,
      spltAnalysis: this.opts.spltAnalysis,
      dissection: this.dissection,
      systemVisibility: this.systemVisibility,
    });
    for (const plugin of this.opts.udps) {
      // an instance `fields` (e.g. WFPlugin, whose columns depend on its options) wins over the static list
      const ctor = plugin.constructor as typeof NFPlugin & { fields?: readonly FieldSpec[] };
      const own = (plugin as unknown as { fields?: readonly FieldSpec[] }).fields;
      for (const f of own ?? ctor.fields ?? []) cols.push({ ...f, name: `udps.${f.name}`, nullable: f.nullable ?? true });
    }
    return cols;
  }

  /** Reproducibility manifest: version, every parameter, plugins with options, sources with sizes. */
  get manifest(): Record<string, unknown> {
    const parameters: Record<string, unknown> = { ...this.opts };
    delete parameters.udps;
    return {
      flowstream: FLOWSTREAM_VERSION,
      parameters,
      plugins: this.opts.udps.map((p) => ({ name: p.constructor.name, options: p.options })),
      sources: this.inputs().map((i) => ({ name: i.name, size: i.size ?? null })),
    };
  }

  /** Accounting of the last finished (or stopped) run, with `flows`; null before the first run. */
  get summary(): RunSummary | null {
    return this.lastSummary;
  }

  private get systemVisibility(): boolean {
    // spec §8 quirk 20: multi-file runs keep the mode (columns with -1/"")
    return this.opts.systemVisibilityMode === 1 && (this.mode === 'live' || this.mode === 'files');
  }

  private dissectorFactory(): (() => FlowDissector) | null {
    if (this.opts.nDissections === 0) return null;
    const load = extensions.loadDissector;
    const loaded = load ? load(this.opts.nDissections) : new Error('nDPI support is not available in this build');
    if (loaded instanceof Error) {
      if (this.nDissectionsGiven) throw loaded;
      warnOnce(`${loaded.message} — application detection disabled (nDissections 0).`);
      return null;
    }
    return loaded;
  }

  private inputs(): RunInput[] {
    switch (this.mode) {
      case 'file':
        return [fileInput(this.src as string)];
      case 'files':
        return (this.src as readonly string[]).map((p) => fileInput(p));
      case 'stream':
        return [this.src === '-' ? streamInput(process.stdin, 'stdin') : streamInput(this.src as Readable, 'stream')];
      default: {
        const live = extensions.liveInput;
        if (!live) throw new Error('live capture support is not available (install the optional `cap` package and libpcap)');
        return [live(this.src as string, this.opts)];
      }
    }
  }

  private filter(): RecordFilter | null {
    if (this.opts.bpfFilter === null || this.mode === 'live') return null; // live: compiled inside libpcap
    const compile = extensions.compileFilter;
    if (!compile) throw new Error('BPF filtering is not available in this build');
    return compile(this.opts.bpfFilter);
  }

  /**
   * Progress of the run going on (or of the last one): bytes of the total (all files, known up
   * up front), packets/s, live flows, flows out, elapsed time and ETA; null before any run.
   *
   * @example
   * ```ts
   * setInterval(() => console.error(streamer.progress?.percent), 1000).unref();
   * ```
   */
  get progress(): RunProgress | null {
    return this.tracker?.snapshot() ?? null;
  }

  /** @deprecated the same as {@link progress}. */
  get runStats(): RunProgress | null {
    return this.progress;
  }

  /**
   * Progress events: a {@link RunProgress} every 150 ms while a run goes on and once when it
   * ends (`done: true`), for every run of this streamer until unsubscribed. The timer does not
   * keep the process alive.
   *
   * @example
   * ```ts
   * streamer.progress$.subscribe((p) => console.error(`${p.percent?.toFixed(1) ?? '?'} % ${p.flowsOut} flows`));
   * ```
   */
  get progress$(): Observable<RunProgress> {
    const { Observable } = lazyRxjs();
    return new Observable<RunProgress>((subscriber) => this.ticker.listen((p) => subscriber.next(p)));
  }

  /** Starts a fresh run (ids from 0). */
  createRun(): MeterRun {
    const factory = this.dissectorFactory();
    // nMeters > 1: meter workers (spec §7); the parallel run has MeterRun's surface (see ParallelMeterRun)
    const plan = parallelPlan(this.opts, this.mode, warnOnce);
    const inputs = this.inputs();
    const run =
      plan !== null
        ? (new ParallelMeterRun(this.opts, inputs, this.filter(), { ...plan, dissection: factory !== null, systemVisibility: this.systemVisibility }) as unknown as MeterRun)
        : new MeterRun(this.opts, inputs, factory ? factory() : null, this.filter(), this.systemVisibility);
    this.currentRun = run;
    this.tracker = new ProgressTracker(run, inputs);
    this.ticker.start(this.tracker);
    return run;
  }

  // ---- iteration -------------------------------------------------------------------------------

  /** Synchronous iteration (files only). Throws the run's error after the last flow. */
  *[Symbol.iterator](): Iterator<NFlow> {
    if (this.mode === 'stream' || this.mode === 'live') {
      throw new TypeError(`synchronous iteration needs a file source; use \`for await\` for ${this.mode} sources`);
    }
    const run = this.createRun();
    const handle = { stop: () => run.stop() };
    this.activeRuns.add(handle);
    const max = this.opts.maxNflows;
    let count = 0;
    try {
      while (!run.done) {
        run.step();
        const flows = run.drain();
        for (let i = 0; i < flows.length; i++) {
          yield flows[i]!;
          count++;
          if (count === max) {
            run.stop();
            return;
          }
        }
      }
      for (const f of run.drain()) {
        yield f;
        if (++count === max) return;
      }
    } finally {
      if (!run.done) run.stop();
      this.activeRuns.delete(handle);
      this.lastSummary = run.summary(count);
    }
    if (run.error !== null) throw run.error;
  }

  /** Asynchronous iteration (every source kind); yields to the event loop between batches. */
  async *[Symbol.asyncIterator](): AsyncIterator<NFlow> {
    const batches = this.flowBatches();
    for await (const batch of batches) for (const f of batch) yield f;
  }

  /**
   * The run as batches of flows (one array per step): the cheapest way to consume many flows
   * asynchronously. Stops early when the consumer breaks.
   */
  async *flowBatches(): AsyncGenerator<NFlow[], void, undefined> {
    const run = this.createRun();
    let stopped = false;
    const handle = {
      stop: () => {
        stopped = true;
      },
    };
    this.activeRuns.add(handle);
    const max = this.opts.maxNflows;
    let count = 0;
    const live = this.mode === 'live' ? await this.startLiveHelpers(run, () => count) : null;
    try {
      for (;;) {
        if (stopped) {
          run.stopAndFlush();
        }
        const r = run.done ? StepResult.Done : run.step();
        let flows = run.drain();
        if (live !== null) live.annotate(flows);
        if (max > 0 && count + flows.length >= max) {
          flows = flows.slice(0, max - count);
          count += flows.length;
          if (flows.length > 0) yield flows;
          run.stop();
          break;
        }
        count += flows.length;
        if (flows.length > 0) yield flows;
        if (r === StepResult.Done) break;
        if (r === StepResult.NeedMore) {
          const reader = run.currentInput;
          if (reader?.waitForData) await reader.waitForData();
        } else {
          await yieldToLoop();
        }
      }
    } finally {
      if (!run.done) run.stop();
      live?.stop();
      this.activeRuns.delete(handle);
      this.lastSummary = run.summary(count);
    }
    if (run.error !== null) throw run.error;
  }

  /** Live runs: performance report (spec §12) and system visibility (local process of each flow). */
  private async startLiveHelpers(run: MeterRun, flowsOut: () => number): Promise<{ annotate(flows: NFlow[]): void; stop(): void }> {
    const stops: (() => void)[] = [];
    let visibility: { lookup(a: string, b: number, c: string, d: number, p: number): { pid: number; name: string } | null } | null = null;
    if (this.opts.performanceReport > 0) {
      const { PerformanceReporter } = await import('./live/performance-reporter.js');
      const reporter = new PerformanceReporter(
        this.opts.performanceReport,
        () => ({
          flowsExpired: flowsOut(),
          meters: [{ packetsProcessed: run.accounting.processed, packetsIgnored: run.accounting.ignored, packetsDropped: 0 }],
        }),
        this.reportOutput ? { output: this.reportOutput } : {},
      );
      reporter.start();
      stops.push(() => reporter.stop());
    }
    if (this.systemVisibility) {
      const { SystemVisibility } = await import('./live/system-visibility/system-visibility.js');
      const sv = new SystemVisibility({ pollMs: this.opts.systemVisibilityPollMs, idleTimeout: this.opts.idleTimeout });
      sv.start();
      visibility = sv;
      stops.push(() => sv.stop());
    }
    return {
      annotate(flows) {
        if (visibility === null) return;
        for (const f of flows) {
          const p = f.protocol === 6 || f.protocol === 17 ? f.protocol : 0;
          const owner = visibility.lookup(f.src_ip, f.src_port, f.dst_ip, f.dst_port, p);
          if (owner !== null) {
            f.system_process_pid = owner.pid;
            f.system_process_name = owner.name;
          }
        }
      },
      stop() {
        for (const s of stops) s();
      },
    };
  }

  /**
   * The flows as an Observable. Subscribing starts a run; unsubscribing stops reading and
   * releases the source.
   */
  get flows$(): Observable<NFlow> {
    const { Observable } = lazyRxjs();
    return new Observable<NFlow>((subscriber) => {
      const iterator = this.flowBatches();
      let closed = false;
      (async () => {
        for (;;) {
          const step = await iterator.next();
          if (step.done === true || closed) break;
          for (const f of step.value) {
            if (closed) break;
            subscriber.next(f);
          }
        }
        if (closed) await iterator.return(undefined);
        subscriber.complete();
      })().catch((err: unknown) => subscriber.error(err));
      return () => {
        closed = true;
      };
    });
  }

  /**
   * Stops every active run: live captures stop and flush their flows; file runs end early. The
   * run's summary says `interrupted: true`, unless the stop is a planned end (`{ interrupted: false }`,
   * e.g. a capture duration).
   *
   * @example
   * ```ts
   * setTimeout(() => streamer.stop({ interrupted: false }), 60_000); // capture for a minute
   * ```
   */
  stop(options: { interrupted?: boolean } = {}): void {
    if (this.activeRuns.size > 0 && this.currentRun !== null && options.interrupted !== false) this.currentRun.accounting.interrupted = true;
    for (const r of this.activeRuns) r.stop();
    // a silent stream must not hold the stop until its next bytes
    this.currentRun?.currentInput?.abort?.();
  }

  // ---- exports ---------------------------------------------------------------------------------

  /** The run's flows for the exporters: synchronous for files (fastest), asynchronous otherwise. */
  private flowSource(): Iterable<NFlow> | AsyncIterable<NFlow> {
    if (this.mode === 'file' || this.mode === 'files') return { [Symbol.iterator]: () => this[Symbol.iterator]() };
    return { [Symbol.asyncIterator]: () => this[Symbol.asyncIterator]() };
  }

  private async arrowMetadata(): Promise<Record<string, string>> {
    const { manifestMetadata } = await import('./export/arrow-types.js');
    return manifestMetadata(this.manifest);
  }

  /** The flows as Arrow record batches (built with Arrow builders, `batchSize` rows each). */
  async *toArrowBatches(options: FlowBatchOptions = {}): AsyncGenerator<RecordBatch> {
    const { toArrowBatches } = await import('./export/arrow-writer.js');
    yield* toArrowBatches(this.flowSource(), this.schema, { metadata: await this.arrowMetadata(), ...options });
  }

  /** The flows as one Arrow Table (typed, with the manifest as schema metadata; empty when no flows). */
  async toArrow(options: FlowBatchOptions = {}): Promise<Table> {
    const { toArrowTable } = await import('./export/arrow-writer.js');
    return toArrowTable(this.flowSource(), this.schema, { metadata: await this.arrowMetadata(), ...options });
  }

  /** Writes an Arrow IPC file (Feather v2) while flows arrive, plus `<path>.summary.json`; returns the flow count. */
  async toArrowFile(path: string, options: StreamerArrowOptions = {}): Promise<number> {
    const { writeArrowFile } = await import('./export/arrow-writer.js');
    const summary = options.writeSummary === false ? undefined : () => this.summary;
    return writeArrowFile(this.flowSource(), this.schema, path, { metadata: await this.arrowMetadata(), ...options, summary });
  }

  /** Writes an Arrow IPC stream to a Node writable (left open); returns the flow count. */
  async toArrowStream(writable: Writable, options: FlowBatchOptions = {}): Promise<number> {
    const { writeArrowStream } = await import('./export/arrow-writer.js');
    return writeArrowStream(this.flowSource(), this.schema, writable, { metadata: await this.arrowMetadata(), ...options });
  }

  /** Writes Parquet (streaming row groups; summary in the footer metadata); returns the flow count. */
  async toParquet(path: string, options: { rowGroupSize?: number; compression?: string } = {}): Promise<number> {
    const { writeParquet } = await import('./export/parquet-writer.js');
    return writeParquet(this.flowSource(), this.schema, path, {
      metadata: await this.arrowMetadata(),
      summary: () => this.summary,
      ...(options as object),
    });
  }

  /** Writes JSON Lines (one `flow.toJSON()` per line) to a path or writable; returns the flow count. */
  async toJsonl(output: string | Writable): Promise<number> {
    const { writeJsonl } = await import('./export/jsonl-writer.js');
    return writeJsonl(this.flowSource(), output);
  }

  /** The flows as a nodejs-polars DataFrame (optional peer dependency), built from Arrow: NFStream's `to_pandas()` counterpart. */
  async toPolars(options: FlowBatchOptions = {}): Promise<DataFrame> {
    const { toPolars } = await import('./export/polars.js');
    return toPolars(await this.toArrow(options));
  }

  /**
   * Writes NFStream's CSV (spec §9.1) and returns the number of flows written. No flows ⇒ no
   * file. Default path: `<source>.csv` (first file for a list).
   */
  toCsv(path?: string | null, options: CsvExportOptions = {}): number {
    if ((path === undefined || path === null) && (this.mode === 'stream' || this.mode === 'live')) {
      throw new TypeError('toCsv: give a path for stream and live sources (the default is `<source file>.csv`)');
    }
    const out = path ?? `${this.mode === 'files' ? (this.src as readonly string[])[0] : String(this.src)}.csv`;
    const csv = new CsvExport(out, this.schema, options);
    try {
      for (const flow of this) csv.write(flow);
    } finally {
      csv.close();
    }
    return csv.count;
  }
}

/** Options of the Arrow/Parquet exports of {@link NFStreamer}. */
export interface StreamerArrowOptions extends FlowBatchOptions {
  /** Write the packet accounting JSON beside the file (`<path>.summary.json`); default true for files. */
  writeSummary?: boolean;
}

function classifySource(value: unknown): { mode: SourceMode; source: StreamerSource } {
  if (Array.isArray(value)) {
    if (value.length === 0) throw optionRangeError('source', 'a non-empty list of capture files', value);
    value.forEach((p, i) => {
      if (typeof p !== 'string' || !isFile(p)) {
        throw optionRangeError('source', `existing capture files (invalid path at index ${i})`, p);
      }
    });
    return { mode: 'files', source: [...(value as string[])] };
  }
  if (typeof value === 'string') {
    if (value === '-') return { mode: 'stream', source: '-' };
    if (isFile(value)) return { mode: 'file', source: value };
    const resolve = extensions.resolveInterface;
    const iface = resolve ? resolve(value) : null;
    if (iface !== null) return { mode: 'live', source: iface };
    if (existsSync(value)) throw optionRangeError('source', 'a capture file, not a directory', value);
    throw optionRangeError('source', 'an existing capture file, a list of files, "-" (stdin), a readable stream, or a capture interface name', value);
  }
  if (value !== null && typeof value === 'object' && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    return { mode: 'stream', source: value as Readable };
  }
  throw optionTypeError('source', 'a capture file path, a list of paths, "-", a readable stream, or an interface name', value);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** @internal for tests */
export function resetWarnings(): void {
  warned = new Set();
}
