import type { Readable } from 'node:stream';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Observable } from 'rxjs';
import { lazyRxjs } from './rx/lazy-rxjs.js';
import {
  DEFAULT_METERING_OPTIONS,
  type FlowBatch,
  type FieldSpec,
  type FlowDissector,
  type FlowSnapshot,
  type MeteringOptions,
  type NFlow,
  type NFPlugin,
  type ResolvedMeteringOptions,
  type RunSummary,
} from '@flowstream/core';
import {
  METERING_OPTION_TABLE,
  declaredFields,
  pluginFields,
  optionRangeError,
  optionTypeError,
  validateMeteringOption,
  METERING_OPTION_NAMES,
  flowColumns,
  snapshotColumns,
  takesSnapshots,
  addressFieldsOf,
  unknownOptionError,
  fileStat,
  type RecordFilter,
} from '@flowstream/core/internal';
import type { Writable } from 'node:stream';
import type { RecordBatch, Table } from 'apache-arrow';
import type { DataFrame } from 'nodejs-polars';
import { MeterRun, StepResult, type FlowRun } from './run/meter-run.js';
import type { RunInput } from './run/run-input.js';
import { failedOutput, SinkError, stopSideOutput, type FlowSink, type SinkOptions, type SinkResult } from './sinks/flow-sink.js';
import type { RunManifest } from './sinks/run-manifest.js';
import { sinkDefinition, snapshotFormat } from './sinks/sink-registry.js';
import { checkExportOptionNames, checkOptionNames, WRITE_OPTIONS } from './sinks/export-option-names.js';
import type { ExportOptions, WriteOptions } from './sinks/export-options.js';
import { canRunOnWorker } from './sinks/builtin-sinks.js';
import { checkTarget } from './sinks/check-target.js';
import { ThreadedSink } from './sinks/threaded/threaded-sink.js';
import { addressesLeftInClear } from './sinks/transform/address-columns.js';
import { OutputTransform, type OutputOptions } from './sinks/transform/output-transform.js';
import { SnapshotTransform } from './sinks/transform/snapshot-transform.js';
import { ParallelMeterRun } from './parallel/parallel-meter-run.js';
import { parallelPlan } from './parallel/parallel-plan.js';
import { ThreadedDissector } from './parallel/threaded-dissector.js';
import { fileInput, isNamedPipe, namedPipeInput, stdinInput, streamInput } from './run/run-inputs.js';
import { FLOWSTREAM_VERSION } from './version.js';
import { liveDrops, ProgressTicker, ProgressTracker, type RunProgress } from './run/run-progress.js';
import type { PerformanceReport } from './live/performance-reporter.js';
import type { ReportLimits } from './report/report-aggregator.js';

/** A capture file, a list of files read as one capture, `-` (stdin), a named pipe, a Node readable, or an interface name. */
export type StreamerSource = string | readonly string[] | Readable;

/**
 * Options of {@link NFStreamer}: NFStream's parameters in TypeScript style (spec §8), the
 * source, and the callbacks.
 *
 * @example
 * ```ts
 * import { JA4 } from '@flowstream/plugins';
 * import { NFStreamer, type NFStreamerOptions } from '@flowstream/streamer';
 *
 * const options: NFStreamerOptions = {
 *   source: ['monday.pcap', 'tuesday.pcapng'], // read as one capture
 *   idleTimeout: 60,
 *   statisticalAnalysis: true,
 *   udps: [new JA4()],
 *   inputHash: true,
 *   onProgress: (p) => console.error(`${p.percent?.toFixed(1) ?? '?'} %`),
 * };
 * await new NFStreamer(options).toParquet('week.parquet');
 * ```
 */
export interface NFStreamerOptions extends MeteringOptions {
  source: StreamerSource;
  /** Compute each input's SHA-256 for the manifest (Arrow and Parquet outputs always do). */
  inputHash?: boolean;
  /**
   * Called with the run's progress when a run starts, every 150 ms while it goes on, and once when
   * it ends. The timer needs the event loop: a synchronous `for…of` gets the first and the last.
   */
  onProgress?: ((progress: RunProgress) => void) | null;
  /** Receives the performance report lines (`performanceReport`); default: printed to stdout as NFStream does. */
  onPerformanceReport?: ((line: string, report: PerformanceReport) => void) | null;
}

/** Options of {@link NFStreamerOptions} that are not NFStream parameters (callbacks). */
const STREAMER_OPTION_NAMES = ['source', 'onProgress', 'onPerformanceReport', 'inputHash'] as const;

/** Options of `toArrow`, `toArrowBatches` and `toPolars`. */
const TABLE_OPTIONS = ['columns', 'columnsToAnonymize', 'anonymizeKey', 'batchSize'] as const;
/** Options of `snapshots` and `snapshotBatches` (`snapshotColumns` picks their columns). */
const SNAPSHOT_OPTIONS = ['columnsToAnonymize', 'anonymizeKey', 'snapshotColumns'] as const;
/** Options of `report`: `writeTo`'s and the report's limits. */
const REPORT_OPTIONS = [...WRITE_OPTIONS, 'topN', 'keys', 'largest', 'buckets', 'categories'] as const satisfies readonly (keyof (WriteOptions & ReportLimits))[];
/** Options of `toArrowStream` to a Writable. */
const STREAM_WRITE_OPTIONS = [...WRITE_OPTIONS, 'batchSize'] as const;

/** The option accessors of {@link NFStreamer}, one per row of the option table (validated setters). */
type MeteringAccessors = { -readonly [K in Exclude<keyof ResolvedMeteringOptions, 'udps'>]: ResolvedMeteringOptions[K] } & {
  /** Plugin instances; a single instance or null may be assigned. */
  get udps(): readonly NFPlugin[];
  set udps(v: NFPlugin | readonly NFPlugin[] | null);
};

/** How the source is read (`stream`: `-`, a named pipe or a readable). */
export type SourceMode = 'file' | 'files' | 'stream' | 'live';

/** Hooks the optional parts (nDPI, BPF, live capture) plug into; set by their modules. */
export interface StreamerExtensions {
  /** Loads the nDPI dissector factory; returns an Error when nDPI is unavailable. */
  loadDissector?: (nDissections: number) => (() => FlowDissector) | Error;
  /** The loaded nDPI's version text (manifest), when loaded. */
  ndpiVersion?: () => string | null;
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
 * import { NFStreamer } from '@flowstream/streamer';
 * import { SPLT } from '@flowstream/plugins';
 *
 * const streamer = new NFStreamer({ source: 'capture.pcap', statisticalAnalysis: true, udps: [new SPLT()] });
 * for (const flow of streamer) console.log(flow.src_ip, flow.bidirectional_packets, flow.udps.splt_ps);
 * console.log(streamer.summary);
 *
 * for await (const flow of new NFStreamer({ source: process.stdin, idleTimeout: 30 })) console.log(flow.id);
 * streamer.idleTimeout = 60; // options are properties too, validated when set
 * await streamer.toCsv('flows.csv');
 * ```
 */
export interface NFStreamer extends MeteringAccessors {}
export class NFStreamer implements Iterable<NFlow>, AsyncIterable<NFlow> {
  private opts: ResolvedMeteringOptions = { ...DEFAULT_METERING_OPTIONS };
  private src!: StreamerSource;
  private mode!: SourceMode;
  private nDissectionsGiven = false;
  private lastSummary: StreamerSummary | null = null;
  private activeRuns = new Set<StopRequest>();
  private currentRun: FlowRun | null = null;
  private tracker: ProgressTracker | null = null;
  private readonly ticker = new ProgressTicker();
  private reportOutput: NFStreamerOptions['onPerformanceReport'] = null;

  // one validated accessor per row of the option table (typed by the MeteringAccessors interface)
  static {
    for (const { name, nfstream } of METERING_OPTION_TABLE) {
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
      // NFStream's property (`streamer.idle_timeout = 5`) would be a new, unread property: a
      // ported script would run with the old value without a word
      if (nfstream !== name) {
        const hint = (): never => {
          throw new TypeError(`NFStreamer has no property ${nfstream}: NFStream's ${nfstream} is ${name} here (streamer.${name})`);
        };
        Object.defineProperty(NFStreamer.prototype, nfstream, { get: hint, set: hint, enumerable: false, configurable: true });
      }
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
    if (options.inputHash !== undefined) this.inputHash = options.inputHash;
    for (const name of ['onProgress', 'onPerformanceReport'] as const) {
      if (options[name] != null && typeof options[name] !== 'function') throw optionTypeError(name, 'a function or null', options[name]);
    }
    if (options.onProgress) this.ticker.listen(options.onProgress);
    this.reportOutput = options.onPerformanceReport ?? null;
  }

  // ---- options (validated setters) -------------------------------------------------------------

  /** The source: a path (a file or a named pipe), a list of paths, `-`/a readable, or an interface name. */
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
    return this.coreColumns().concat(pluginFields(this.opts.udps));
  }

  /**
   * Columns of the snapshot rows (`snapshotInterval`): the snapshot columns (`snapshot_time_ms`,
   * `flow_key`, `snapshot_index`, the deltas), then the flow's columns without `id` and
   * `expiration_id`, then the `udps.*` fields of plugins that implement `onSnapshot`.
   */
  get snapshotSchema(): FieldSpec[] {
    return snapshotColumns(this.coreColumns().concat(pluginFields(this.opts.udps.filter(takesSnapshots))));
  }

  private coreColumns(): FieldSpec[] {
    return flowColumns({
      decodeTunnels: this.opts.decodeTunnels,
      statisticalAnalysis: this.opts.statisticalAnalysis,
      spltAnalysis: this.opts.spltAnalysis,
      dissection: this.dissection,
      systemVisibility: this.systemVisibility,
    });
  }

  /**
   * Reproducibility manifest: version, every parameter, plugins with options, sources with sizes.
   * After a run, `summary.manifest` completes it (input hashes when computed, nDPI version).
   */
  get manifest(): RunManifest {
    const parameters: Record<string, unknown> = { ...this.opts };
    delete parameters.udps;
    return {
      flowstream: FLOWSTREAM_VERSION,
      parameters,
      plugins: this.opts.udps.map((p) => ({ name: p.constructor.name, options: p.options })),
      sources: this.sourceNames().map((i) => ({ name: i.name, size: i.size ?? null })),
    };
  }

  /** Names and sizes of the inputs, without opening anything. */
  private sourceNames(): { name: string; size?: number }[] {
    switch (this.mode) {
      case 'file':
        return [fileInput(this.src as string)];
      case 'files':
        return (this.src as readonly string[]).map((p) => fileInput(p));
      case 'stream':
        return [{ name: this.src === '-' ? 'stdin' : typeof this.src === 'string' ? this.src : 'stream' }];
      default:
        return [{ name: this.src as string }];
    }
  }

  /** The manifest of a finished run: sources with their hashes (when computed) and the nDPI version. */
  private async completeManifest(inputs: readonly RunInput[], dissection: boolean): Promise<RunManifest> {
    const m = this.manifest;
    for (let i = 0; i < inputs.length && i < m.sources.length; i++) {
      const digest = inputs[i]!.sha256 ? await inputs[i]!.sha256!() : null;
      if (digest !== null) m.sources[i]!.sha256 = digest;
    }
    const v = dissection ? extensions.ndpiVersion?.() : null;
    if (v) m.ndpi = v;
    return m;
  }

  /**
   * Accounting of the last finished (or stopped) run: `sources`, `packets`, `flows`, and the run's
   * `manifest`; null before the first run.
   *
   * @example
   * ```ts
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'capture.pcap' });
   * for (const flow of streamer) void flow;
   * const { packets, flows, interrupted } = streamer.summary!;
   * console.log(packets.read, packets.processed, packets.ignoredByReason, flows, interrupted);
   * ```
   */
  get summary(): StreamerSummary | null {
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

  private inputs(hash = false): RunInput[] {
    switch (this.mode) {
      case 'file':
        return [fileInput(this.src as string, hash)];
      case 'files':
        return (this.src as readonly string[]).map((p) => fileInput(p, hash));
      case 'stream':
        if (this.src === '-') return [stdinInput(hash)];
        // a string here is a named pipe's path (see classifySource)
        return [typeof this.src === 'string' ? namedPipeInput(this.src, hash) : streamInput(this.src as Readable, streamName(this.src), hash)];
      default: {
        const live = extensions.liveInput;
        if (!live) throw new Error('Live capture support is not registered in this build (import @flowstream/streamer, which registers it).');
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
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'capture.pcap' });
   * setInterval(() => console.error(streamer.progress?.percent), 1000).unref();
   * await streamer.toParquet('flows.parquet');
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
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'capture.pcap' });
   * const progress = streamer.progress$.subscribe((p) => console.error(`${p.percent?.toFixed(1) ?? '?'} % ${p.flowsOut} flows`));
   * await streamer.toCsv('flows.csv');
   * progress.unsubscribe();
   * ```
   */
  get progress$(): Observable<RunProgress> {
    const { Observable } = lazyRxjs();
    return new Observable<RunProgress>((subscriber) => this.ticker.listen((p) => subscriber.next(p)));
  }

  /**
   * Starts a fresh run (ids from 0); `hash`: compute the inputs' SHA-256 for the manifest;
   * `snapshots`: take flow snapshots (only when someone reads them: they cost time).
   */
  createRun(hash = this.hashInputs, snapshots = false): FlowRun {
    const factory = this.dissectorFactory();
    const inputs = this.inputs(hash);
    this.runInputs = inputs;
    this.runDissection = factory !== null;
    const opts = snapshots ? this.opts : { ...this.opts, snapshotInterval: 0 };
    // nMeters > 1: meter workers (spec §7), driven through the same FlowRun interface; without
    // nDPI (not asked for, or not loaded) its packets are no work for them to share
    const plan = parallelPlan(factory === null ? { ...opts, nDissections: 0 } : opts, warnOnce);
    this.runMeters = plan === null ? 1 : plan.nMeters;
    let run: FlowRun;
    if (plan !== null && plan.dissectionThread && factory !== null) {
      run = new MeterRun(opts, inputs, new ThreadedDissector(1, opts.nDissections), this.filter(), this.systemVisibility);
    } else if (plan !== null) {
      run = new ParallelMeterRun(opts, inputs, this.filter(), { ...plan, dissector: factory !== null ? factory() : null, systemVisibility: this.systemVisibility });
    } else run = new MeterRun(opts, inputs, factory ? factory() : null, this.filter(), this.systemVisibility);
    this.currentRun = run;
    this.tracker = new ProgressTracker(run, inputs);
    this.ticker.start(this.tracker);
    return run;
  }

  private runInputs: RunInput[] = [];
  private runDissection = false;
  private runMeters = 1;

  /** Records the summary of a run that ended (manifest without hashes; see {@link finishSummary}). */
  private endSummary(run: FlowRun, flows: number): void {
    this.lastSummary = { ...run.summary(flows), meters: this.runMeters, manifest: this.manifest };
    // the last progress event (done) goes out now, before the run's consumer or export resolves
    this.ticker.tick();
  }

  /** Completes the last summary's manifest (input hashes, nDPI version) once the hashes are known. */
  private async finishSummary(): Promise<StreamerSummary> {
    const s = this.lastSummary!;
    s.manifest = await this.completeManifest(this.runInputs, this.runDissection);
    return s;
  }

  // ---- iteration -------------------------------------------------------------------------------

  /** Synchronous iteration (files only). Throws the run's error after the last flow. */
  *[Symbol.iterator](): Iterator<NFlow> {
    if (this.mode === 'stream' || this.mode === 'live') {
      throw new TypeError(`synchronous iteration needs a file source; use \`for await\` for ${this.mode} sources`);
    }
    const run = this.createRun();
    // stop() from the loop's body: reading stops and the next steps flush every live flow, as in `for await`
    const handle = this.trackRun(false);
    const max = this.opts.maxNflows;
    let count = 0;
    try {
      for (;;) {
        if (handle.requested) run.stopAndFlush();
        const done = run.done || run.step() === StepResult.Done;
        for (const batch of run.drainBatches()) {
          for (let i = 0; i < batch.length; i++) {
            // counted when handed out: a consumer that breaks here has it
            count++;
            yield batch.row(i);
            if (count === max) {
              run.stop();
              return;
            }
          }
        }
        if (done) break;
      }
    } finally {
      this.endRun(run, handle, count);
    }
    if (run.error !== null) throw run.error;
  }

  /** Asynchronous iteration (every source kind); yields to the event loop between batches. */
  async *[Symbol.asyncIterator](): AsyncIterator<NFlow> {
    const cursor = { left: 0 };
    for await (const out of this.runOutputs(false, cursor)) {
      const batch = out.batch;
      for (let i = 0; i < batch.length; i++) {
        cursor.left = batch.length - i - 1;
        yield batch.row(i);
      }
    }
  }

  /**
   * The run as arrays of flow objects (one per batch). Prefer {@link batches} for many flows: it
   * builds no object per flow.
   */
  async *flowBatches(): AsyncGenerator<NFlow[], void, undefined> {
    for await (const batch of this.batches()) yield batch.rows();
  }

  /**
   * The run as columnar {@link FlowBatch}es, the cheapest way to consume flows: typed-array
   * columns, address texts built only when read, flow objects only when asked for. Works for every
   * source kind; stops the run when the consumer breaks. `streamer.stop()` (or Ctrl-C in the CLI)
   * stops reading and flushes every live flow.
   *
   * @example
   * ```ts
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'capture.pcap' });
   * for await (const batch of streamer.batches()) {
   *   const bytes = batch.column('bidirectional_bytes')!.values as Float64Array;
   *   console.log(batch.length, bytes.reduce((a, b) => a + b, 0));
   * }
   * ```
   */
  async *batches(): AsyncGenerator<FlowBatch, void, undefined> {
    for await (const out of this.runOutputs(false)) yield out.batch;
  }

  /**
   * The flow snapshots of a run (`snapshotInterval` seconds of capture time apart) as columnar
   * batches of the {@link snapshotSchema}, after the output options (snapshot column selection
   * with `snapshotColumns`, anonymisation as for flows). Flows are metered and dropped.
   */
  async *snapshotBatches(options: OutputOptions & { snapshotColumns?: readonly string[] | null } = {}): AsyncGenerator<FlowBatch, void, undefined> {
    checkOptionNames(options, SNAPSHOT_OPTIONS);
    const transform = this.checkSnapshotOutput(options);
    for await (const out of this.runOutputs(true)) if (out.snapshot) yield transform.apply(out.batch);
  }

  /**
   * Flow snapshots, one object per row: the flow's fields as they stand (NFStream's names), the
   * snapshot time, the deltas since the flow's previous snapshot and the `flow_key` that joins
   * them with the final record ({@link flowKey}). Needs `snapshotInterval` > 0.
   *
   * @example
   * ```ts
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'eth0', snapshotInterval: 5 });
   * for await (const s of streamer.snapshots()) {
   *   if (s.delta_bidirectional_bytes > 50e6) console.log(`${s.src_ip} → ${s.dst_ip}: ${s.delta_bidirectional_bytes} B in 5 s`);
   * }
   * ```
   */
  async *snapshots(options: OutputOptions & { snapshotColumns?: readonly string[] | null } = {}): AsyncGenerator<FlowSnapshot, void, undefined> {
    for await (const batch of this.snapshotBatches(options)) {
      for (let i = 0; i < batch.length; i++) yield batch.row(i) as unknown as FlowSnapshot;
    }
  }

  /** The flow snapshots as an Observable (see {@link snapshots}); unsubscribing stops the run. */
  get snapshots$(): Observable<FlowSnapshot> {
    return this.observe<FlowBatch, FlowSnapshot>(() => ({
      source: this.snapshotBatches(),
      emit: (batch, next, closed) => {
        for (let i = 0; i < batch.length && !closed(); i++) next(batch.row(i) as unknown as FlowSnapshot);
      },
    }));
  }

  /**
   * Checks the snapshot output options (unknown columns are errors) before anything runs.
   * `flows`: the transform of the run's flow output, whose anonymisation key the snapshots share.
   */
  checkSnapshotOutput(options: OutputOptions & { snapshotColumns?: readonly string[] | null } = {}, flows: OutputTransform = this.checkOutput({ ...options, columns: null })): SnapshotTransform {
    if (this.opts.snapshotInterval === 0) throw optionRangeError('snapshotInterval', 'a positive number of seconds for snapshot outputs', 0);
    return new SnapshotTransform(this.snapshotSchema, options, flows, options.snapshotColumns ?? null, this.hasUndeclaredPluginFields());
  }

  /**
   * One run's outputs in the order the meter produces them: flow batches and, with `snapshots`,
   * snapshot batches.
   */
  private async *runOutputs(snapshots: boolean, cursor: RowCursor = { left: 0 }): AsyncGenerator<RunOutput, void, undefined> {
    const run = this.createRun(this.hashInputs, snapshots);
    // a stop() that came while an export was still opening its output applies to this run
    const handle = this.trackRun(this.stopPending !== null);
    if (this.stopPending === 'interrupted') run.accounting.interrupted = true;
    this.stopPending = null;
    const max = this.opts.maxNflows;
    let count = 0;
    const live = this.mode === 'live' ? await this.startLiveHelpers(run, () => count) : null;
    try {
      for (;;) {
        if (handle.requested) run.stopAndFlush();
        const r = run.done ? StepResult.Done : run.step();
        if (snapshots) {
          for (const batch of run.drainSnapshots()) {
            if (live !== null) live.annotate(batch);
            yield { snapshot: true, batch };
          }
        }
        for (let batch of run.drainBatches()) {
          if (live !== null) live.annotate(batch);
          if (max > 0 && count + batch.length >= max) {
            batch = batch.slice(0, max - count);
            count += batch.length;
            if (batch.length > 0) yield { snapshot: false, batch };
            run.stop();
            return;
          }
          count += batch.length;
          yield { snapshot: false, batch };
        }
        if (r === StepResult.Done) break;
        if (r === StepResult.NeedMore) {
          const reader = run.currentInput;
          // a pipe or stream that runs dry: wait for bytes, but not past the hand-out of rows held back
          if (reader?.waitForData) await reader.waitForData(run.handOutDueInMs());
        } else {
          await yieldToLoop();
        }
      }
    } finally {
      live?.stop();
      // a consumer that handles rows one by one and left the loop did not have the rest of its batch
      this.endRun(run, handle, count - cursor.left);
    }
    if (run.error !== null) throw run.error;
  }

  /** Registers a run that {@link stop} reaches (`requested`: a stop already asked for). */
  private trackRun(requested: boolean): StopRequest {
    const handle = new StopRequest();
    handle.requested = requested;
    this.activeRuns.add(handle);
    return handle;
  }

  /**
   * Ends a run however its consumer left it: a run left before its end (a `break`, an exception
   * in the loop, an unsubscribe) is stopped and its summary says `interrupted`; `flows` are the
   * flows handed out.
   */
  private endRun(run: FlowRun, handle: StopRequest, flows: number): void {
    if (!run.done) {
      run.accounting.interrupted = true;
      run.stop();
    }
    this.activeRuns.delete(handle);
    if (this.readingOn !== null) {
      clearTimeout(this.readingOn);
      this.readingOn = null;
    }
    this.endSummary(run, flows);
  }

  /** Live runs: performance report (spec §12) and system visibility (local process of each flow). */
  private async startLiveHelpers(run: FlowRun, flowsOut: () => number): Promise<{ annotate(batch: FlowBatch): void; stop(): void }> {
    const stops: (() => void)[] = [];
    let visibility: { lookup(a: string, b: number, c: string, d: number, p: number): { pid: number; name: string } | null } | null = null;
    if (this.opts.performanceReport > 0) {
      const { PerformanceReporter } = await import('./live/performance-reporter.js');
      const reporter = new PerformanceReporter(
        this.opts.performanceReport,
        () => ({
          flowsExpired: flowsOut(),
          // one capture feeds every meter here (no kernel fanout): its ignored packets and drops are meter 0's
          meters: run.meterPackets().map((packets, i) => ({
            packetsProcessed: packets,
            packetsIgnored: i === 0 ? run.accounting.ignored : 0,
            packetsDropped: i === 0 ? liveDrops(run) : 0,
          })),
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
      annotate(batch) {
        if (visibility === null) return;
        const col = (name: string) => batch.column(name)!.values as ArrayLike<unknown>;
        const srcIp = col('src_ip') as readonly string[];
        const dstIp = col('dst_ip') as readonly string[];
        const srcPort = col('src_port') as Float64Array;
        const dstPort = col('dst_port') as Float64Array;
        const proto = col('protocol') as Float64Array;
        const pid = col('system_process_pid') as Float64Array;
        const name = col('system_process_name') as string[];
        for (let i = 0; i < batch.length; i++) {
          const p = proto[i] === 6 || proto[i] === 17 ? proto[i]! : 0;
          const owner = visibility.lookup(srcIp[i]!, srcPort[i]!, dstIp[i]!, dstPort[i]!, p);
          if (owner !== null) {
            pid[i] = owner.pid;
            name[i] = owner.name;
            const f = batch.row(i);
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
   *
   * @example
   * ```ts
   * import { filter, take } from 'rxjs';
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'capture.pcap' });
   * streamer.flows$.pipe(filter((f) => f.protocol === 17), take(10)).subscribe((f) => console.log(f.src_ip, f.dst_port));
   * ```
   */
  get flows$(): Observable<NFlow> {
    return this.observe<RunOutput, NFlow>(() => {
      // one per subscription (each is a run of its own)
      const cursor = { left: 0 };
      return {
        source: this.runOutputs(false, cursor),
        emit: (out, next, closed) => {
          const batch = out.batch;
          let i = 0;
          while (i < batch.length && !closed()) next(batch.row(i++));
          cursor.left = batch.length - i;
        },
      };
    });
  }

  /** The flows as an Observable of columnar batches (see {@link batches}). */
  get batches$(): Observable<FlowBatch> {
    return this.observe<FlowBatch, FlowBatch>(() => ({ source: this.batches(), emit: (batch, next) => next(batch) }));
  }

  /**
   * A run as an Observable: at each subscription `subscribe` makes the run's `source` and the
   * `emit` that hands each of its items to the subscriber; unsubscribing stops the run.
   */
  private observe<S, T>(
    subscribe: () => { source: AsyncGenerator<S, void, undefined>; emit: (item: S, next: (value: T) => void, closed: () => boolean) => void },
  ): Observable<T> {
    const { Observable } = lazyRxjs();
    return new Observable<T>((subscriber) => {
      const { source: iterator, emit } = subscribe();
      let closed = false;
      (async () => {
        // an unsubscribe during `emit` must not start the next batch
        while (!closed) {
          const step = await iterator.next();
          if (step.done === true || closed) break;
          emit(step.value, (v) => subscriber.next(v), () => closed);
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
   * e.g. a capture duration). With `readOnMs`, the run reads on for that long, or to its input's
   * end when that comes sooner, before it stops: for a pipe whose writer flushes what it holds as
   * the same signal stops it (`tcpdump -w - | …` and Ctrl-C).
   *
   * @example
   * ```ts
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'eth0' });
   * setTimeout(() => streamer.stop({ interrupted: false }), 60_000); // capture for a minute
   * await streamer.toArrowFile('minute.arrow');
   * ```
   */
  stop(options: { interrupted?: boolean; readOnMs?: number } = {}): void {
    const run = this.currentRun;
    if ((options.readOnMs ?? 0) > 0 && this.activeRuns.size > 0 && run !== null) {
      if (options.interrupted !== false) run.accounting.interrupted = true;
      // cleared when the run ends (endRun): a later run of this streamer is not stopped by it
      this.readingOn ??= setTimeout(() => {
        this.readingOn = null;
        this.stop({ interrupted: options.interrupted });
      }, options.readOnMs);
      return;
    }
    // an export still opening its output: its run stops as soon as it starts (see batches())
    if (this.activeRuns.size === 0 && this.exportsOpening > 0) this.stopPending = options.interrupted === false ? 'planned' : 'interrupted';
    for (const o of this.openings) o.abort();
    if (this.activeRuns.size > 0 && this.currentRun !== null && options.interrupted !== false) this.currentRun.accounting.interrupted = true;
    for (const r of this.activeRuns) r.stop();
    // a silent stream must not hold the stop until its next bytes
    this.currentRun?.currentInput?.abort?.();
  }

  private stopPending: 'planned' | 'interrupted' | null = null;
  /** The stop a `readOnMs` stop put off (see {@link stop}). */
  private readingOn: NodeJS.Timeout | null = null;
  /** The outputs being opened: a stop aborts their waits (see `SinkOpenContext.signal`). */
  private readonly openings = new Set<AbortController>();
  private exportsOpening = 0;

  // ---- outputs ---------------------------------------------------------------------------------

  /**
   * Checks output options against this streamer's columns without running anything: throws a
   * RangeError naming an unknown column (and listing the valid ones).
   */
  checkOutput(options: OutputOptions = {}): OutputTransform {
    return OutputTransform.create(this.schema, options, this.hasUndeclaredPluginFields());
  }

  private hasUndeclaredPluginFields(): boolean {
    return this.opts.udps.some((p) => declaredFields(p).length === 0);
  }

  /**
   * Runs the streamer into a sink (the one way out for every output): column selection and
   * anonymisation are applied to every batch first, the sink is opened with the output columns and
   * the manifest, written batch by batch with backpressure, and closed with the summary. An error of
   * the sink stops the run and is thrown as a {@link SinkError} naming its target; an error of the
   * run (a corrupt input) is thrown after the flows before it were written and the sink closed. The
   * snapshot output (`snapshotSink`) is a second stream: when it fails, it is aborted and the flows
   * go on; its {@link SinkError} is thrown once the flow output was closed.
   *
   * @example
   * ```ts
   * import { CsvSink, NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'capture.pcap' });
   * const result = await streamer.writeTo(new CsvSink('flows.csv'), { columnsToAnonymize: ['src_ip', 'dst_ip'] });
   * console.log(result.flows, streamer.summary);
   * ```
   */
  async writeTo(sink: FlowSink, options: WriteOptions = {}): Promise<SinkResult> {
    return this.writeChecked(sink, options, WRITE_OPTIONS);
  }

  /** {@link writeTo} once `options` holds only the names in `allowed` (or `allowed` is null: the caller checked them). */
  private async writeChecked(sink: FlowSink, options: WriteOptions, allowed: readonly string[] | null): Promise<SinkResult> {
    // counted until the run starts (see stop()); runInto takes it back
    this.exportsOpening++;
    let transform: OutputTransform;
    let snapshots: { sink: FlowSink; transform: SnapshotTransform } | null = null;
    try {
      if (allowed !== null) checkOptionNames(options, allowed);
      transform = this.checkOutput(options);
      if (options.snapshotSink != null) snapshots = { sink: options.snapshotSink, transform: this.checkSnapshotOutput(options, transform) };
    } catch (err) {
      this.exportsOpening--;
      throw err;
    }
    const hashBefore = this.hashInputs;
    if (options.inputHash === true) this.hashInputs = true;
    try {
      return await this.runInto(sink, transform, options.observe ?? null, snapshots);
    } finally {
      this.hashInputs = hashBefore;
    }
  }

  private async runInto(
    sink: FlowSink,
    transform: OutputTransform,
    observe: ((batch: FlowBatch) => void | Promise<void>) | null,
    snapshots: { sink: FlowSink; transform: SnapshotTransform } | null,
  ): Promise<SinkResult> {
    let runError: unknown = null;
    const telling = addressesLeftInClear(
      transform.fields.map((f) => f.name),
      transform.anonymized,
      this.opts.udps.map(addressFieldsOf),
    );
    if (telling.length > 0) {
      warnOnce(`columnsToAnonymize hashes the addresses, and ${telling.join(', ')} can tell them too: written as they are (name them in columnsToAnonymize too, or leave them out with columns).`);
    }
    // the snapshot output is a second stream: when it fails, it stops and the flows go on
    let snapshotError: SinkError | null = null;
    const sinks = snapshots === null ? [sink] : [sink, snapshots.sink];
    // each sink's abort result: what it still holds (the flow output's is in its error)
    const abortAll = (err: unknown) => Promise.all(sinks.map((s) => s.abort(err as Error).catch(() => undefined)));
    /** Aborts every output; the flow output's error says which of the flows metered it holds. */
    const failAll = async (err: unknown): Promise<SinkError> => {
      const [kept] = await abortAll(err);
      return failedOutput(sink.target, err, metered, kept ?? null);
    };
    // flows handed to the flow output (the one that fails included)
    let metered = 0;
    // a stop while the outputs open (a server that does not answer) ends the wait
    const opening = new AbortController();
    this.openings.add(opening);
    try {
      for (const out of snapshots === null ? [{ sink, transform }] : [{ sink, transform }, snapshots]) {
        try {
          await out.sink.open({ fields: out.transform.fields, anonymized: out.transform.anonymized, manifest: transform.manifest(this.manifest), signal: opening.signal });
        } catch (err) {
          this.exportsOpening--;
          this.stopPending = null;
          await abortAll(err);
          throw new SinkError(out.sink.target, err);
        }
      }
    } finally {
      this.openings.delete(opening);
    }
    const runBefore = this.currentRun;
    const batches = this.runOutputs(snapshots !== null);
    // the sink is done with a batch once write resolved: its storage goes back to the meter
    const reuse = sink.keepsBatches === false && observe === null;
    const reuseSnapshots = snapshots?.sink.keepsBatches === false;
    // the generator body (and so the run) starts at the first next(): count the export as opening until then
    let pendingFirst: Promise<IteratorResult<RunOutput>> | null = batches.next();
    this.exportsOpening--;
    try {
      for (;;) {
        let step: IteratorResult<RunOutput>;
        try {
          step = await (pendingFirst ?? batches.next());
          pendingFirst = null;
        } catch (err) {
          runError = err;
          break;
        }
        if (step.done === true) break;
        const out = step.value;
        if (out.snapshot) {
          if (snapshotError === null) {
            try {
              await snapshots!.sink.write(snapshots!.transform.apply(out.batch));
            } catch (err) {
              snapshotError = await stopSideOutput(snapshots!.sink, 'snapshot', err);
            }
          }
          if (reuseSnapshots || snapshotError !== null) out.batch.release();
          continue;
        }
        metered += out.batch.length;
        if (observe !== null) await observe(out.batch);
        try {
          await sink.write(transform.apply(out.batch));
        } catch (err) {
          throw new SinkError(sink.target, err);
        }
        if (reuse) out.batch.release();
      }
    } catch (err) {
      await batches.return(undefined).catch(() => undefined);
      throw await failAll(err);
    }
    if (runError !== null && this.currentRun === runBefore) {
      // the run could not start (e.g. a worker thread that cannot): no flows, no summary
      await abortAll(runError);
      throw runError;
    }
    let result: SinkResult;
    // the summary goes out with the outputs' manifest (the run's summary is this output's record too)
    const summary = await this.finishSummary();
    const runManifest = summary.manifest;
    Object.assign(summary, transform.summary(summary));
    // snapshots first: the flow output's close is the run's result
    if (snapshots !== null && snapshotError === null) {
      try {
        await snapshots.sink.close({ summary });
      } catch (err) {
        snapshotError = await stopSideOutput(snapshots.sink, 'snapshot', err);
      }
    }
    try {
      result = await sink.close({ summary });
    } catch (err) {
      throw await failAll(err);
    }
    if (runError !== null) throw transform.runError(runError, runManifest);
    if (snapshotError !== null) throw snapshotError;
    return result;
  }

  /**
   * Runs the streamer and returns the numbers of `flowstream report` as plain data: totals, traffic
   * over time, top talkers, conversations, applications, ports, TLS server names, JA4, log-scale
   * distributions and the largest flows (bounded memory; anonymisation applies as for any output).
   *
   * @example
   * ```ts
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'capture.pcap' });
   * const data = await streamer.report({ columnsToAnonymize: ['src_ip', 'dst_ip'] });
   * console.log(data.talkers.byBytes.slice(0, 3), streamer.summary);
   * ```
   */
  async report(options: WriteOptions & import('./report/report-aggregator.js').ReportLimits = {}): Promise<import('./report/report-aggregator.js').ReportData> {
    const { ReportDataSink } = await import('./report/report-sink.js');
    const sink = new ReportDataSink('report', options);
    await this.writeChecked(sink, options, REPORT_OPTIONS);
    return sink.data!;
  }

  /**
   * Writes the flows in a registered format (`csv`, `arrow`, `arrows`, `parquet`, `jsonl`,
   * `none`, and any format a package registered) to `target` (a path, `-` for stdout where the
   * format allows it, or a URL for network formats). Options are checked and the target is
   * validated before the first packet is read.
   *
   * @example
   * ```ts
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'capture.pcap' });
   * await streamer.export('parquet', 'flows.parquet', { columns: ['src_ip', 'dst_ip', 'bidirectional_bytes'] });
   * await streamer.export('jsonl', '-'); // stdout
   * ```
   */
  async export(format: string, target: string, options: ExportOptions = {}): Promise<SinkResult> {
    this.exportsOpening++;
    let sink: FlowSink;
    let snapshotSink: FlowSink | null = null;
    let definition: ReturnType<typeof sinkDefinition>;
    try {
      definition = sinkDefinition(format);
      const transform = this.checkOutput(options);
      const sinkOptions: SinkOptions = { ...options, anonymized: transform.anonymized };
      const snapshotTarget = options.snapshotOutput ?? null;
      // both outputs are checked before either is created: a bad option leaves no file behind
      let snapshotDefinition: ReturnType<typeof sinkDefinition> | null = null;
      let snapshotOptions: SinkOptions | null = null;
      if (snapshotTarget !== null) {
        if (typeof snapshotTarget !== 'string' || snapshotTarget === '') throw optionTypeError('snapshotOutput', 'a path or URL', snapshotTarget);
        if (snapshotTarget === target && target !== '-') throw optionRangeError('snapshotOutput', 'a target other than the flow output', snapshotTarget);
        snapshotDefinition = sinkDefinition(snapshotFormat(options.snapshotFormat, snapshotTarget, format), 'snapshotFormat');
        snapshotOptions = { ...options, flowsPerFile: 0, rotateFiles: 0, anonymized: this.checkSnapshotOutput(options).anonymized, targetOption: 'snapshotOutput' };
        await checkTarget(snapshotDefinition, snapshotTarget, snapshotOptions);
      } else if (options.snapshotFormat !== undefined || (options.snapshotColumns ?? null) !== null) {
        throw optionRangeError('snapshotOutput', 'a path or URL when snapshotFormat or snapshotColumns is given', snapshotTarget);
      }
      checkExportOptionNames(options, snapshotDefinition === null ? [definition] : [definition, snapshotDefinition]);
      await checkTarget(definition, target, sinkOptions);
      sink = await definition.create(target, sinkOptions);
      if (snapshotDefinition !== null) {
        // snapshot rows are a second output as large as the flows: written on a worker thread when the format allows
        snapshotSink = canRunOnWorker(snapshotDefinition, snapshotTarget!)
          ? new ThreadedSink(snapshotDefinition.name, snapshotTarget!, snapshotOptions!, this.mode === 'file' || this.mode === 'files')
          : await snapshotDefinition.create(snapshotTarget!, snapshotOptions!);
      }
    } catch (err) {
      if (--this.exportsOpening === 0) this.stopPending = null;
      throw err;
    }
    this.exportsOpening--;
    return this.writeChecked(sink, { ...options, snapshotSink, inputHash: options.inputHash ?? definition.hashesInputs ?? false }, null);
  }

  /**
   * Writes NFStream's CSV (spec §9.1) and returns the number of flows written. No flows ⇒ no
   * file. Default path: `<source>.csv` (first file for a list). Works for every source kind.
   *
   * @example
   * ```ts
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'capture.pcap' });
   * const flows = await streamer.toCsv('flows.csv', { columnsToAnonymize: ['src_ip', 'dst_ip'], flowsPerFile: 100_000 });
   * ```
   */
  async toCsv(path?: string | null, options: ExportOptions = {}): Promise<number> {
    if ((path === undefined || path === null) && (this.mode === 'stream' || this.mode === 'live')) {
      throw new TypeError('toCsv: give a path for stream and live sources (the default is `<source file>.csv`)');
    }
    const out = path ?? `${this.mode === 'files' ? (this.src as readonly string[])[0] : String(this.src)}.csv`;
    return (await this.export('csv', out, options)).flows;
  }

  /**
   * Writes an Arrow IPC file (Feather v2) while flows arrive; returns the flow count.
   *
   * @example
   * ```ts
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'capture.pcap' });
   * await streamer.toArrowFile('flows.arrow'); // pyarrow.feather.read_table('flows.arrow')
   * ```
   */
  async toArrowFile(path: string, options: ExportOptions = {}): Promise<number> {
    return (await this.export('arrow', path, options)).flows;
  }

  /** Writes an Arrow IPC stream to a Node writable (left open) or a path; returns the flow count. */
  async toArrowStream(output: Writable | string, options: ExportOptions = {}): Promise<number> {
    if (typeof output === 'string') return (await this.export('arrows', output, options)).flows;
    const { ArrowIpcSink } = await import('./sinks/arrow/arrow-ipc-sink.js');
    return (await this.writeChecked(new ArrowIpcSink(output, { stream: true, batchSize: options.batchSize }), options, STREAM_WRITE_OPTIONS)).flows;
  }

  /**
   * Writes Parquet (zstd by default; manifest and summary in the footer); returns the flow count.
   *
   * @example
   * ```ts
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'capture.pcap' });
   * await streamer.toParquet('flows.parquet', { columns: ['src_ip', 'dst_ip', 'bidirectional_bytes'], compression: 'snappy' });
   * ```
   */
  async toParquet(path: string, options: ExportOptions = {}): Promise<number> {
    return (await this.export('parquet', path, options)).flows;
  }

  /** Writes JSON Lines (one object per flow) to a path or writable; returns the flow count. */
  async toJsonl(output: string | Writable, options: ExportOptions = {}): Promise<number> {
    if (typeof output === 'string') return (await this.export('jsonl', output, options)).flows;
    const { JsonlSink } = await import('./sinks/jsonl/jsonl-sink.js');
    return (await this.writeChecked(new JsonlSink(output), options, WRITE_OPTIONS)).flows;
  }

  /** The flows as Arrow record batches of `batchSize` rows (typed, manifest in the schema metadata). */
  async *toArrowBatches(options: ExportOptions = {}): AsyncGenerator<RecordBatch> {
    const { ArrowEncoder } = await import('./sinks/arrow/arrow-encoder.js');
    const { manifestMetadata } = await import('./sinks/arrow/manifest-metadata.js');
    checkOptionNames(options, TABLE_OPTIONS);
    const transform = this.checkOutput(options);
    const encoder = new ArrowEncoder(transform.fields, { batchSize: options.batchSize, metadata: manifestMetadata(transform.manifest(this.manifest)) });
    for await (const batch of this.batches()) yield* encoder.add(transform.apply(batch));
    const last = encoder.finish();
    if (last !== null) yield last;
  }

  /**
   * The flows as one Arrow Table (typed; empty with the schema when there are no flows).
   *
   * @example
   * ```ts
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'capture.pcap' });
   * const table = await streamer.toArrow();
   * console.log(table.numRows, table.getChild('bidirectional_bytes')?.get(0));
   * ```
   */
  async toArrow(options: ExportOptions = {}): Promise<Table> {
    const { Table } = await import('apache-arrow');
    const { ArrowEncoder } = await import('./sinks/arrow/arrow-encoder.js');
    const { manifestMetadata } = await import('./sinks/arrow/manifest-metadata.js');
    checkOptionNames(options, TABLE_OPTIONS);
    const transform = this.checkOutput(options);
    const encoder = new ArrowEncoder(transform.fields, { batchSize: options.batchSize, metadata: manifestMetadata(transform.manifest(this.manifest)) });
    const out: RecordBatch[] = [];
    for await (const batch of this.batches()) out.push(...encoder.add(transform.apply(batch)));
    const last = encoder.finish();
    if (last !== null) out.push(last);
    return out.length > 0 ? new Table(out) : new Table(encoder.schema);
  }

  /**
   * The flows as a nodejs-polars DataFrame (optional peer dependency), built from Arrow: NFStream's
   * `to_pandas()` counterpart.
   *
   * @example
   * ```ts
   * import { NFStreamer } from '@flowstream/streamer';
   *
   * const streamer = new NFStreamer({ source: 'capture.pcap' });
   * const df = await streamer.toPolars();
   * console.log(df.groupBy('protocol').agg({ bidirectional_bytes: 'sum' }));
   * ```
   */
  async toPolars(options: ExportOptions = {}): Promise<DataFrame> {
    const { toPolars } = await import('./sinks/arrow/polars.js');
    return toPolars(await this.toArrow(options));
  }

  /** Whether runs hash their inputs (SHA-256 in the manifest); Arrow and Parquet outputs always do. */
  get inputHash(): boolean {
    return this.hashInputs;
  }
  set inputHash(v: boolean) {
    if (typeof v !== 'boolean') throw optionTypeError('inputHash', 'a boolean', v);
    this.hashInputs = v;
  }
  private hashInputs = false;
}

/**
 * The summary of a run: packet accounting, flows, whether it was interrupted, and its manifest
 * (what `--summary` writes).
 *
 * @example
 * ```ts
 * import { NFStreamer, type StreamerSummary } from '@flowstream/streamer';
 *
 * const streamer = new NFStreamer({ source: 'capture.pcap' });
 * await streamer.toCsv('flows.csv');
 * const summary: StreamerSummary = streamer.summary!;
 * console.log(summary.flows, summary.packets.ignored, summary.sources[0]?.truncatedAt, summary.manifest.parameters);
 * ```
 */
export type StreamerSummary = RunSummary & {
  /** Meters that ran: 1, or the parallel meters `nMeters` asked for (`nMeters: 0` is sized from the cores; two meters with nDPI are one meter and its dissection thread; core fields alone run on one meter). */
  meters: number;
  manifest: RunManifest;
};

/** The name errors and the summary give a stream source: a file stream's path (`fs.createReadStream`), else `stream`. */
function streamName(source: unknown): string {
  const path = (source as { path?: unknown }).path;
  return typeof path === 'string' ? `stream of ${path}` : 'stream';
}

/** One output of a run: a batch of flows, or a batch of snapshot rows. */
interface RunOutput {
  readonly snapshot: boolean;
  readonly batch: FlowBatch;
}

/** Rows of the last flow batch a row-by-row consumer had not taken when it left (for the summary's `flows`). */
interface RowCursor {
  left: number;
}

function classifySource(value: unknown): { mode: SourceMode; source: StreamerSource } {
  if (Array.isArray(value)) {
    if (value.length === 0) throw optionRangeError('source', 'a non-empty list of capture files', value);
    value.forEach((p, i) => {
      if (p === '-') throw optionRangeError('source', `capture files ("-", standard input, is a source on its own: at index ${i})`, value);
      if (typeof p === 'string' && isNamedPipe(p)) throw optionRangeError('source', `capture files (a named pipe is a source on its own: at index ${i})`, value);
      if (typeof p !== 'string' || !isFile(p)) {
        throw optionRangeError('source', `existing capture files (invalid path at index ${i})`, p);
      }
    });
    return { mode: 'files', source: [...(value as string[])] };
  }
  if (typeof value === 'string') {
    if (value === '-') return { mode: 'stream', source: '-' };
    if (isFile(value)) return { mode: 'file', source: value };
    // read as standard input's pipe is, once a writer opened it
    if (isNamedPipe(value)) return { mode: 'stream', source: value };
    const resolve = extensions.resolveInterface;
    const iface = resolve ? resolve(value) : null;
    if (iface !== null) return { mode: 'live', source: iface };
    const kind = specialKind(value);
    if (kind !== null) throw optionRangeError('source', `a capture file, not ${kind}`, value);
    throw optionRangeError('source', 'an existing capture file, a list of files, "-" (stdin), a readable stream, or a capture interface name', value);
  }
  if (value !== null && typeof value === 'object' && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    return { mode: 'stream', source: value as Readable };
  }
  throw optionTypeError('source', 'a capture file path, a list of paths, "-", a readable stream, or an interface name', value);
}

function isFile(path: string): boolean {
  try {
    return fileStat(path).isFile();
  } catch {
    return false;
  }
}

/** What an existing path that is no regular file is, for the error that refuses it; null when nothing is there. */
function specialKind(path: string): string | null {
  let st;
  try {
    st = fileStat(path);
  } catch {
    return null;
  }
  if (st.isDirectory()) return 'a directory';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'a special file';
}

/** @internal for tests */
export function resetWarnings(): void {
  warned = new Set();
}

/** A run's stop request: {@link NFStreamer.stop} sets it, the run's loop reads it between steps. */
class StopRequest {
  requested = false;
  stop(): void {
    this.requested = true;
  }
}
