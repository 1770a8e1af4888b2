import type { DecodedPacket } from '../decode/decoded-packet.js';
import type { DissectionSink, FlowDissector } from '../dissect/flow-dissector.js';
import type { FieldSpec } from '../flow/field-spec.js';
import { flowColumns } from '../flow/flow-columns.js';
import { BI_FIRST, BI_LAST, COUNTER_STRIDE, D2S_BYTES, D2S_LAST, D2S_PACKETS, FlowCounters, S2D_BYTES, S2D_LAST, S2D_PACKETS } from '../flow/flow-counters.js';
import { FlowBatch } from '../flow/flow-batch.js';
import { emptyDissectionFields, FlowBatchWriter, FLOW_BATCH_ROWS, type DissectionFields } from '../flow/flow-batch-writer.js';
import { FlowMaterializer } from '../flow/flow-materializer.js';
import { FlowSplt } from '../flow/flow-splt.js';
import { FlowStatistics } from '../flow/flow-statistics.js';
import type { NFlow } from '../flow/nflow.js';
import type { NFPlugin } from '../plugin/nfplugin.js';
import { PluginError } from '../plugin/plugin-error.js';
import { PluginPacket } from '../plugin/plugin-packet.js';
import { takesSnapshots } from '../plugin/nfplugin.js';
import { pluginFields } from '../plugin/plugin-fields.js';
import { SNAPSHOT_BATCH_ROWS, SnapshotBatchWriter, type SnapshotValues } from '../flow/snapshot-batch-writer.js';
import { elapsedMs, isLaterTime, unsignedTimeMs } from '../capture/time-ms.js';
import { accountedSize } from './accounted-size.js';
import { FlowTable, NO_SLOT } from './flow-table.js';
import { PAGE_MASK, PAGE_SHIFT } from './slot-pages.js';
import type { MeterConfig } from './meter-config.js';
import { SnapshotTracker } from './snapshot-tracker.js';
import { AS_DOUBLE } from '../shapes/as-double.js';
import { objectArray } from '../shapes/object-array.js';
import { HeldBatches } from './held-batches.js';

/** Flows the idle scan may emit at most per scan (spec §6.2 step 3). */
const SCAN_LIMIT = 1000;
/** Minimum meter-clock advance between two idle scans, in ms (spec §6.2 step 1). */
const SCAN_INTERVAL_MS = 10;
/**
 * Full batches held for their nDPI fields before the meter waits for the dissection thread: the
 * thread is at most its ring behind (about two batches of flows on the bench capture), and each
 * batch's columns take a few MB.
 */
const MAX_HELD_BATCHES = 4;

/**
 * Values of a flow's `expiration_id` (spec §4): idle timeout (0), active timeout (1), ended by a
 * plugin (-1, NFStream's custom expiry), and flowstream's evicted (2: expired early because the
 * cache held `maxLiveFlows` flows when a new one arrived).
 *
 * @example
 * ```ts
 * import { EXPIRED_ACTIVE, EXPIRED_CUSTOM, EXPIRED_EVICTED, EXPIRED_IDLE, type NFlow } from '@flowstream/core';
 *
 * export function why(flow: NFlow): string {
 *   switch (flow.expiration_id) {
 *     case EXPIRED_IDLE: return 'idle';
 *     case EXPIRED_ACTIVE: return 'active';
 *     case EXPIRED_CUSTOM: return 'ended by a plugin';
 *     case EXPIRED_EVICTED: return 'evicted (maxLiveFlows)';
 *     default: return 'unknown';
 *   }
 * }
 * ```
 */
export const EXPIRED_IDLE = 0,
  EXPIRED_ACTIVE = 1,
  EXPIRED_CUSTOM = -1,
  EXPIRED_EVICTED = 2;

/**
 * NFStream's meter (spec §1.2 clock, §5 accounting, §6 cache/expiry/scan/order, §10 plugins,
 * §11 dissection hooks) over a {@link FlowTable}. Feed it decoded packets in capture order with
 * {@link process}; emitted flows are written straight into columnar {@link FlowBatch}es (take
 * them with {@link drainBatches} between steps); {@link flush} ends the run.
 *
 * Without plugins nothing is allocated per packet or per flow: expired flows go from the
 * typed-array state into batch columns. With plugins each live flow has its NFlow, refreshed
 * before every callback round (NFStream's "sync mode"), and it becomes its batch row's flow.
 *
 * Most programs use `NFStreamer` (`@flowstream/streamer`), which runs this loop for them; the meter
 * is for your own packet loop.
 *
 * @example
 * ```ts
 * import { CaptureRecord, DecodedPacket, FlowMeter, IgnoreReason, PacketDecoder, ReadStatus, openCapture } from '@flowstream/core';
 *
 * const meter = new FlowMeter({
 *   decodeTunnels: true, idleTimeoutMs: 120_000, activeTimeoutMs: 1_800_000, accountingMode: 0,
 *   statisticalAnalysis: true, spltAnalysis: 0, plugins: [], dissector: null, systemVisibility: false,
 * });
 * const reader = openCapture('capture.pcap');
 * const decoder = new PacketDecoder({ decodeTunnels: true });
 * const record = new CaptureRecord();
 * const packet = new DecodedPacket();
 * while (reader.next(record) === ReadStatus.Record) {
 *   if (decoder.decode(record, packet) === IgnoreReason.None) meter.process(packet);
 *   for (const batch of meter.drainFullBatches()) console.log(`${batch.length} flows expired`);
 * }
 * meter.flush();
 * for (const batch of meter.drainBatches()) for (const flow of batch) console.log(flow.src_ip, flow.bidirectional_bytes);
 * meter.cleanup();
 * ```
 */
export class FlowMeter {
  /** Column schema of this run (core columns only; plugins add `udps.*`). */
  readonly columns: readonly FieldSpec[];
  readonly table: FlowTable;
  readonly counters: FlowCounters;
  readonly stats: FlowStatistics | null;
  readonly splt: FlowSplt | null;

  /**
   * Full batches emitted since the last drain, in emission order. Drains empty the list rather
   * than replace it, and it holds objects from the start (see {@link objectArray}): a change of
   * its kind deoptimized `expire` and the packet loop.
   */
  private readonly batches: FlowBatch[] = objectArray();
  /**
   * Rows of each batch in {@link batches} (all of them full). {@link pendingFlows} counts from the
   * list: a counter field beside it changed for the first time when the first batch filled, and
   * that change threw away the optimised packet loop that reads `pendingFlows` (V8 had taken the
   * field for a constant: `--trace-deopt`).
   */
  private readonly batchRows: number;
  private readonly writer: FlowBatchWriter;
  /** Where the dissector writes a flow's nDPI fields when there is no flow object. */
  private readonly ndpiScratch: DissectionFields = emptyDissectionFields();
  /** Id the next emitted flow gets (0-based emission index, spec §6.3). */
  nextId = 0;
  /** Flows expired early by the `maxLiveFlows` bound ({@link EXPIRED_EVICTED}). */
  evictions = 0;

  private readonly idleMs: number;
  private readonly activeMs: number;
  private readonly mode: number;
  /** Cache bound (`maxLiveFlows`); 0 = unlimited. */
  private readonly maxLive: number;
  private readonly plugins: readonly NFPlugin[];
  private readonly hasPlugins: boolean;
  private readonly dissector: FlowDissector | null;
  /** The dissector's fields come later, from another thread ({@link FlowDissector.deferred}). */
  private readonly deferred: boolean;
  /** Rows at the end of the batch being written whose nDPI fields are not settled yet. */
  private unsettled = 0;
  /** Full batches waiting for their nDPI fields from another thread (a dissector that tells what is ready). */
  private readonly held = new HeldBatches();
  /** The dissector tells which fields are ready: full batches wait in {@link held} instead of the meter waiting. */
  private readonly holdsBatches: boolean;
  /** The next row {@link settleSink} writes. */
  private settleRow = 0;
  private readonly settleSink: DissectionSink = { write: (fields) => this.writer.setDissection(this.settleRow++, fields) };
  private readonly materializer: FlowMaterializer;
  /** Live NFlow per slot (plugins only). */
  private liveFlows: (NFlow | null)[];
  private readonly pluginPacket: PluginPacket | null;

  /** Snapshot interval in ms (0: no snapshots). */
  private readonly snapMs: number;
  /** The latest snapshot time (a multiple of the interval, meter clock); NaN before the first packet. */
  private snapAt = NaN;
  private readonly snap: SnapshotTracker | null;
  private readonly snapWriter: SnapshotBatchWriter | null;
  private readonly snapBatches: FlowBatch[] = objectArray();
  private readonly snapPlugins: readonly NFPlugin[];
  // NaN: the fields hold doubles from the start (times and byte counts outgrow small integers, and
  // a field that changes representation throws away the compiled code that read it)
  private readonly snapValues: SnapshotValues = { time: NaN, index: NaN, s2dPackets: NaN, s2dBytes: NaN, d2sPackets: NaN, d2sBytes: NaN };
  /** Snapshot rows written so far. */
  snapshotsTaken = 0;

  /** The meter clock (spec §1.2): the latest packet time seen; earlier packets are clamped to it. */
  private tick = AS_DOUBLE;
  private lastScanTick = AS_DOUBLE;
  /**
   * The current packet's clamped time. Kept in a field rather than passed as an argument: a ms
   * timestamp is no small integer, and passing it to a non-inlined call would box it (one heap
   * number per packet).
   */
  private now = AS_DOUBLE;

  constructor(config: MeterConfig) {
    this.idleMs = config.idleTimeoutMs;
    this.activeMs = config.activeTimeoutMs;
    this.mode = config.accountingMode;
    this.plugins = config.plugins;
    this.hasPlugins = config.plugins.length > 0;
    this.dissector = config.dissector;
    this.deferred = config.dissector?.deferred === true;
    this.holdsBatches = this.deferred && config.dissector!.ready !== undefined;
    if (this.deferred && (this.hasPlugins || (config.snapshotIntervalMs ?? 0) > 0)) {
      throw new Error('a deferred dissector (nDPI in another thread) cannot run with plugins or snapshots, which read its fields at once');
    }
    this.columns = flowColumns({
      decodeTunnels: config.decodeTunnels,
      statisticalAnalysis: config.statisticalAnalysis,
      spltAnalysis: config.spltAnalysis,
      dissection: config.dissector !== null,
      systemVisibility: config.systemVisibility,
    });
    this.maxLive = config.maxLiveFlows ?? 0;
    this.table = new FlowTable(undefined, this.maxLive > 0);
    this.counters = new FlowCounters(this.table.capacity);
    this.stats = config.statisticalAnalysis ? new FlowStatistics(this.table.capacity) : null;
    this.splt = config.spltAnalysis > 0 ? new FlowSplt(config.spltAnalysis, this.table.capacity) : null;
    this.liveFlows = [];
    this.snapMs = config.snapshotIntervalMs ?? 0;
    this.snap = this.snapMs > 0 ? new SnapshotTracker(this.table.capacity) : null;
    this.snapPlugins = this.snapMs > 0 ? config.plugins.filter(takesSnapshots) : [];
    this.table.onGrow = (capacity) => {
      this.counters.grow(capacity);
      if (this.snap !== null) this.snap.grow(capacity);
      if (this.stats !== null) this.stats.grow(capacity);
      if (this.splt !== null) this.splt.grow(capacity);
    };
    this.materializer = new FlowMaterializer(
      this.table,
      this.counters,
      this.stats,
      this.splt,
      this.columns.map((c) => c.name),
      config.decodeTunnels,
      config.dissector !== null,
      config.systemVisibility,
    );
    this.pluginPacket = this.hasPlugins ? new PluginPacket() : null;
    this.batchRows = config.batchRows ?? FLOW_BATCH_ROWS;
    this.writer = new FlowBatchWriter(this.columns, config.pluginFields ?? [], this, { keepFlows: this.hasPlugins, capacity: this.batchRows, shared: config.sharedBatches ?? false });
    this.snapWriter = this.snapMs > 0 ? new SnapshotBatchWriter(this.columns, pluginFields(this.snapPlugins), this, config.batchRows ?? SNAPSHOT_BATCH_ROWS) : null;
  }

  /** Columns of the snapshot batches (null without snapshots). */
  get snapshotSchema(): readonly FieldSpec[] | null {
    return this.snapWriter === null ? null : this.snapWriter.schema;
  }

  /** Columns of the batches (core, then plugin fields; undeclared plugin fields join as they appear). */
  get schema(): readonly FieldSpec[] {
    return this.writer.schema;
  }

  /**
   * Flows emitted and not yet drained, but for full batches held for their nDPI fields (see
   * {@link HeldBatches}): they count once their fields are in. The pump returns early to hand
   * pending flows out; counted while held, they made it return at every packet until then.
   */
  get pendingFlows(): number {
    return this.batches.length * this.batchRows + this.writer.rows;
  }

  /** Flows currently in the cache. */
  get liveFlowCount(): number {
    return this.table.size;
  }

  /** The meter clock in ms. */
  get clock(): number {
    return this.tick;
  }

  /**
   * Accounts one packet owned by this meter (spec §6.2). Packets must come in capture order. May
   * throw {@link PluginError}.
   *
   * @example
   * ```ts
   * import { IgnoreReason, type CaptureRecord, type DecodedPacket, type FlowMeter, type PacketDecoder } from '@flowstream/core';
   * declare const meter: FlowMeter, decoder: PacketDecoder, record: CaptureRecord, packet: DecodedPacket;
   *
   * if (decoder.decode(record, packet) === IgnoreReason.None) meter.process(packet);
   * ```
   */
  process(p: DecodedPacket): void {
    let t = p.timeMs;
    // times are uint64 in their signed reading (see time-ms.ts): the order is NFStream's unsigned one
    if (isLaterTime(t, this.tick)) this.tick = t;
    else if (t !== this.tick) {
      // spec §1.2: an out-of-order packet takes the meter clock (nDPI and plugins see it too)
      t = this.tick;
      p.timeMs = t;
    }
    this.now = t;
    // a snapshot describes the flows before this packet (its time is the boundary the packet crossed)
    if (this.snapMs > 0 && this.snapshotDue()) this.checkSnapshot();
    const goScan = elapsedMs(this.tick, this.lastScanTick) >= SCAN_INTERVAL_MS;
    if (goScan) this.lastScanTick = this.tick;
    const table = this.table;
    const h = table.hash(p);
    const s = table.find(p, h);
    if (s === NO_SLOT) {
      this.create(p, h);
    } else {
      const v = this.counters.pages[s >> PAGE_SHIFT]!;
      const o = (s & PAGE_MASK) * COUNTER_STRIDE;
      // spec §6.2/§6.5: `>=` in both tests, idle checked first, before the packet is accounted
      if (elapsedMs(t, v[o + BI_LAST]!) >= this.idleMs) {
        this.expire(s, EXPIRED_IDLE);
        this.create(p, h);
      } else if (elapsedMs(t, v[o + BI_FIRST]!) >= this.activeMs) {
        this.expire(s, EXPIRED_ACTIVE);
        this.create(p, h);
      } else {
        // before update(): a plugin may expire the flow there
        if (this.maxLive > 0) table.touch(s);
        this.update(s, p, table.lastDirection);
      }
    }
    if (goScan) this.scan();
  }

  /**
   * A parsed packet owned by another meter (spec §7 "time ticker"): advances the clock and runs
   * the idle scan when due, without touching flows.
   */
  tickPacket(timeMs: number): void {
    this.advanceClock(timeMs);
  }

  /** Advances the clock to `nowMs` (if later) and runs the idle scan when due (live wall-clock ticks). */
  advanceClock(nowMs: number): void {
    if (isLaterTime(nowMs, this.tick)) this.tick = nowMs;
    if (this.snapMs > 0 && this.snapshotDue()) this.checkSnapshot();
    if (elapsedMs(this.tick, this.lastScanTick) >= SCAN_INTERVAL_MS) {
      this.lastScanTick = this.tick;
      this.scan();
    }
  }

  /**
   * End of input: emits cached flows in creation order (expiration id 0), at most `max` of them
   * (call again, draining in between, to keep memory bounded). Returns true once the cache is empty.
   *
   * @example
   * ```ts
   * import type { FlowMeter } from '@flowstream/core';
   * declare const meter: FlowMeter;
   *
   * let done = false;
   * while (!done) {
   *   done = meter.flush(4096);
   *   for (const batch of meter.drainBatches()) console.log(`${batch.length} flows`);
   * }
   * ```
   */
  flush(max = Infinity): boolean {
    const table = this.table;
    // no packet is looked up any more: removals need not keep the index
    table.dropIndex();
    for (let n = 0; n < max && table.head !== NO_SLOT; n++) this.expire(table.head, EXPIRED_IDLE);
    return table.head === NO_SLOT;
  }

  /**
   * Takes the flows emitted so far as batches (the last one partial).
   *
   * @example
   * ```ts
   * import type { FlowMeter } from '@flowstream/core';
   * declare const meter: FlowMeter;
   *
   * for (const batch of meter.drainBatches()) {
   *   const bytes = batch.column('bidirectional_bytes')!.values as Float64Array;
   *   console.log(batch.length, bytes[0]);
   * }
   * ```
   */
  drainBatches(): FlowBatch[] {
    if (this.held.length > 0) this.held.settleAll(this.dissector!, this.batches);
    if (this.unsettled > 0) this.settle();
    const last = this.writer.seal();
    if (last !== null) this.batches.push(last);
    return this.batches.splice(0);
  }

  /**
   * Takes the full batches emitted so far; the batch being written stays (sealing it early would
   * copy every column of a partial batch and allocate a fresh set).
   */
  drainFullBatches(): FlowBatch[] {
    if (this.held.length > 0) this.held.settleReady(this.dissector!, this.batches);
    if (this.batches.length === 0) return [];
    return this.batches.splice(0);
  }

  /** Takes the snapshot rows written so far as batches (the last one partial); empty without snapshots. */
  drainSnapshots(): FlowBatch[] {
    const last = this.snapWriter === null ? null : this.snapWriter.seal();
    if (last !== null) this.snapBatches.push(last);
    return this.snapBatches.splice(0);
  }

  /** Takes the full snapshot batches written so far; the batch being written stays (see {@link drainFullBatches}). */
  drainFullSnapshots(): FlowBatch[] {
    return this.snapBatches.length === 0 ? [] : this.snapBatches.splice(0);
  }

  /** Snapshot rows written and not yet drained. */
  get pendingSnapshots(): number {
    let n = this.snapWriter === null ? 0 : this.snapWriter.rows;
    for (const b of this.snapBatches) n += b.length;
    return n;
  }

  /** Snapshot bookkeeping bytes (0 without snapshots). */
  get snapshotBytes(): number {
    return this.snap === null ? 0 : this.snap.byteLength;
  }

  /** Takes the flows emitted so far as flow objects (tests, small tools; consumers of many flows use {@link drainBatches}). */
  drain(): NFlow[] {
    const out: NFlow[] = [];
    for (const b of this.drainBatches()) for (const f of b) out.push(f);
    return out;
  }

  /** Calls every plugin's `cleanup()` once (end of run). */
  cleanup(): void {
    for (const plugin of this.plugins) {
      try {
        plugin.cleanup();
      } catch (err) {
        throw new PluginError(plugin.constructor.name, 'cleanup', -1, err);
      }
    }
    if (this.dissector !== null) this.dissector.close();
  }


  private create(p: DecodedPacket, h: number): void {
    const t = this.now;
    // bounded cache: the least recently seen flow makes room (expiration id 2)
    if (this.maxLive > 0 && this.table.size >= this.maxLive) {
      this.evictions++;
      this.expire(this.table.lruHead, EXPIRED_EVICTED);
    }
    const s = this.table.insert(p, h);
    const size = accountedSize(p, this.mode);
    this.counters.init(s, t, size, p.srcMac, p.dstMac);
    if (this.snap !== null) this.snap.init(s);
    if (this.stats !== null) this.stats.init(s, size, p.tcpFlags);
    if (this.splt !== null) this.splt.init(s, size);
    if (this.dissector !== null) this.dissector.init(s, p);
    if (this.hasPlugins) {
      const flow = this.materializer.create(s);
      this.liveFlows[s] = flow;
      this.fillPluginPacket(p, flow, 0, 0);
      this.callPlugins(0, flow);
      if (flow.expiration_id === EXPIRED_CUSTOM) this.expire(s, EXPIRED_CUSTOM);
    }
  }

  private update(s: number, p: DecodedPacket, direction: number): void {
    const t = this.now;
    const c = this.counters;
    const v = c.pages[s >> PAGE_SHIFT]!;
    const o = (s & PAGE_MASK) * COUNTER_STRIDE;
    const size = accountedSize(p, this.mode);
    const piatBi = elapsedMs(t, v[o + BI_LAST]!);
    const nBi = v[o + S2D_PACKETS]! + v[o + D2S_PACKETS]! + 1;
    const stats = this.stats;
    if (stats !== null) {
      let nDir: number;
      let piatDir: number;
      if (direction === 0) {
        nDir = v[o + S2D_PACKETS]! + 1;
        piatDir = elapsedMs(t, v[o + S2D_LAST]!);
      } else {
        nDir = v[o + D2S_PACKETS]! + 1;
        piatDir = nDir === 1 ? 0 : elapsedMs(t, v[o + D2S_LAST]!);
      }
      stats.update(s, size, p.tcpFlags, direction, nBi, piatBi, nDir, piatDir);
    }
    c.update(s, t, size, direction);
    // a row needs a packet since the previous snapshot and a flow that lasted the interval by its
    // last packet: only a packet at which the flow has lasted it can decide a row, so only such a
    // packet marks the flow (a flow's first packets, in its first interval, are never visited)
    if (this.snap !== null && elapsedMs(t, v[o + BI_FIRST]!) >= this.snapMs) this.snap.touch(s);
    if (this.splt !== null) this.splt.update(s, nBi, direction, size, piatBi);
    if (this.dissector !== null) this.dissector.update(s, p, nBi);
    if (this.hasPlugins) {
      const flow = this.liveFlows[s]!;
      this.materializer.sync(s, flow);
      this.fillPluginPacket(p, flow, direction, piatBi);
      this.callPlugins(1, flow);
      if (flow.expiration_id === EXPIRED_CUSTOM) this.expire(s, EXPIRED_CUSTOM);
    }
  }

  /** Writes the fields of the batch's rows whose dissection ended in another thread (waits for them). */
  private settle(): void {
    const n = this.unsettled;
    this.unsettled = 0;
    this.settleRow = this.writer.rows - n;
    this.dissector!.settle!(n, this.settleSink);
  }

  /** Emits the flow at `slot` into the current batch and removes it from the cache (NFStream's `expire()`). */
  private expire(s: number, reason: number): void {
    const id = this.nextId++;
    if (this.hasPlugins) {
      const flow = this.liveFlows[s]!;
      this.liveFlows[s] = null;
      this.materializer.sync(s, flow);
      flow.expiration_id = reason;
      if (this.dissector !== null) this.dissector.expire(s, flow);
      flow.id = id;
      this.callPlugins(2, flow);
      this.writer.append(s, flow.id, flow.expiration_id, null, flow);
    } else {
      let ndpi: DissectionFields | null = null;
      if (this.dissector !== null) this.dissector.expire(s, (ndpi = this.ndpiScratch) as unknown as NFlow);
      this.writer.append(s, id, reason, ndpi, null);
      if (this.deferred) this.unsettled++;
    }
    this.table.remove(s);
    if (this.snap !== null) this.snap.release(s);
    if (this.writer.full) this.sealFull();
  }

  /**
   * Hands out the full batch being written; with nDPI in another thread, once the nDPI fields of
   * its rows are in: held until then (see {@link HeldBatches}), or, for a dissector that cannot
   * tell what is ready, waited for.
   */
  private sealFull(): void {
    if (!this.holdsBatches) {
      if (this.unsettled > 0) this.settle();
      this.batches.push(this.writer.seal()!);
      return;
    }
    const columns = this.writer.dissectionColumns();
    const from = this.writer.rows - this.unsettled;
    this.unsettled = 0;
    this.held.add(this.writer.seal()!, columns, from);
    // past a few batches, wait for the oldest one's fields rather than hold more memory
    if (this.held.length > MAX_HELD_BATCHES) this.held.settleOldest(this.dissector!, this.batches);
    this.held.settleReady(this.dissector!, this.batches);
  }

  /**
   * True when the clock reached the next snapshot boundary, or before the first packet (no
   * boundary yet: NaN). The per-packet test is kept this small so that inlining it into
   * `process` leaves room for the rest: with {@link checkSnapshot} inlined there, the packet
   * path's other callees no longer fit the engine's inlining budget, and the table's hash ran out
   * of line for whole runs (main-thread profile, `--snapshot-interval 1`).
   */
  private snapshotDue(): boolean {
    return !(elapsedMs(this.tick, this.snapAt) < this.snapMs);
  }

  /**
   * Takes the snapshot {@link snapshotDue} found due: the clock reached the next multiple of the
   * interval (the boundaries are multiples of the interval since the epoch, so runs over the same
   * traffic agree).
   */
  private checkSnapshot(): void {
    const ms = this.snapMs;
    if (this.snapAt !== this.snapAt) {
      // first packet: the boundary at or before it; flows start after it. A time before 1970 is
      // negative here (NFStream's wrapped uint64): its boundary is a multiple before the epoch too
      this.snapAt = this.tick - (((this.tick % ms) + ms) % ms);
      return;
    }
    const e = elapsedMs(this.tick, this.snapAt);
    this.snapAt = this.tick - (e % ms);
    this.takeSnapshot();
  }

  /**
   * One snapshot row per live flow that received packets since its previous snapshot and has
   * lasted at least one interval (a flow shorter than the interval never gets one), in the
   * order of their first packets since the previous snapshot at which they had lasted it.
   */
  private takeSnapshot(): void {
    this.snapValues.time = this.snapAt;
    this.snap!.takeMarked(this.snapshotFlow);
  }

  /**
   * The snapshot row of the flow at `s` (made once: no closure per snapshot). Every marked flow has
   * lasted the interval: only a packet at which it had marks it (see `update`), and the meter clock
   * does not go back.
   */
  private readonly snapshotFlow = (s: number): void => {
    const c = this.counters;
    const sv = this.snapValues;
    this.snap!.advance(s, c.get(s, S2D_PACKETS), c.get(s, S2D_BYTES), c.get(s, D2S_PACKETS), c.get(s, D2S_BYTES), sv);
    let ndpi: DissectionFields | null = null;
    if (this.dissector !== null) this.dissector.peek(s, (ndpi = this.ndpiScratch));
    const writer = this.snapWriter!;
    if (this.hasPlugins) this.snapshotWithPlugins(s, sv, ndpi);
    else writer.append(s, sv, ndpi, null);
    this.snapshotsTaken++;
    if (writer.full) this.snapBatches.push(writer.seal()!);
  };

  /** A snapshot row of a plugin run: the opted-in plugins' `onSnapshot`, then their changes rolled back. */
  private snapshotWithPlugins(s: number, sv: SnapshotValues, ndpi: DissectionFields | null): void {
    const flow = this.liveFlows[s]!;
    this.materializer.sync(s, flow);
    const plugins = this.snapPlugins;
    if (plugins.length === 0) {
      this.snapWriter!.append(s, sv, ndpi, flow);
      return;
    }
    const u = flow._udps;
    const saved = u === undefined ? undefined : { ...u };
    let i = 0;
    try {
      for (; i < plugins.length; i++) plugins[i]!.onSnapshot(flow);
    } catch (err) {
      throw new PluginError(plugins[i]!.constructor.name, 'onSnapshot', -1, err, flowEndpoints(flow));
    }
    this.snapWriter!.append(s, sv, ndpi, flow);
    // the final record must not see interim values: restore the fields as they were, in place
    const now = flow._udps;
    if (saved === undefined) flow._udps = undefined;
    else {
      if (now !== u) flow._udps = u;
      for (const key in u) if (!(key in saved)) delete u[key];
      Object.assign(u!, saved);
    }
  }

  /** Idle scan from the cache head, stopping at the first non-idle flow (spec §6.2 step 3, quirk 18). */
  private scan(): void {
    const table = this.table;
    const counters = this.counters;
    const tick = this.tick;
    for (let n = 0; n < SCAN_LIMIT; n++) {
      const head = table.head;
      if (head === NO_SLOT || !(elapsedMs(tick, counters.get(head, BI_LAST)) >= this.idleMs)) return;
      this.expire(head, EXPIRED_IDLE);
    }
  }

  private fillPluginPacket(p: DecodedPacket, flow: NFlow, direction: number, delta: number): void {
    const pp = this.pluginPacket!;
    pp.time = unsignedTimeMs(this.now);
    pp.delta_time = delta;
    pp.direction = direction;
    pp.raw_size = p.rawSize;
    pp.ip_size = p.ipSize;
    pp.transport_size = p.transportSize;
    pp.payload_size = p.payloadSize;
    // spec §10.2: the flow's endpoint texts, swapped for direction 1
    if (direction === 0) {
      pp.src_ip = flow.src_ip;
      pp.src_mac = flow.src_mac;
      pp.src_oui = flow.src_oui;
      pp.dst_ip = flow.dst_ip;
      pp.dst_mac = flow.dst_mac;
      pp.dst_oui = flow.dst_oui;
    } else {
      pp.src_ip = flow.dst_ip;
      pp.src_mac = flow.dst_mac;
      pp.src_oui = flow.dst_oui;
      pp.dst_ip = flow.src_ip;
      pp.dst_mac = flow.src_mac;
      pp.dst_oui = flow.src_oui;
    }
    pp.src_port = p.srcPort;
    pp.dst_port = p.dstPort;
    pp.protocol = p.protocol;
    pp.vlan_id = p.vlanId;
    pp.ip_version = p.ipVersion;
    const fl = p.tcpFlags;
    pp.syn = (fl >> 1) & 1;
    pp.cwr = (fl >> 7) & 1;
    pp.ece = (fl >> 6) & 1;
    pp.urg = (fl >> 5) & 1;
    pp.ack = (fl >> 4) & 1;
    pp.psh = (fl >> 3) & 1;
    pp.rst = (fl >> 2) & 1;
    pp.fin = fl & 1;
    pp.tunnel_id = p.tunnelId;
    pp.ts_sec = p.tsSec;
    pp.ts_nsec = p.tsNsec;
    pp._data = p.data;
    pp._ipOffset = p.ipOffset;
    pp._ipLength = p.ipLength;
  }

  /** Runs one callback round (0 onInit, 1 onUpdate, 2 onExpire) in plugin list order. */
  private callPlugins(kind: number, flow: NFlow): void {
    const plugins = this.plugins;
    const pp = this.pluginPacket!;
    let i = 0;
    try {
      for (; i < plugins.length; i++) {
        const plugin = plugins[i]!;
        if (kind === 0) plugin.onInit(pp, flow);
        else if (kind === 1) plugin.onUpdate(pp, flow);
        else plugin.onExpire(flow);
      }
    } catch (err) {
      const name = kind === 0 ? 'onInit' : kind === 1 ? 'onUpdate' : 'onExpire';
      throw new PluginError(plugins[i]!.constructor.name, name, flow.id, err, flowEndpoints(flow));
    }
  }
}

/** A flow's endpoints for error messages. */
function flowEndpoints(flow: NFlow): string {
  return `${flow.src_ip}:${flow.src_port} -> ${flow.dst_ip}:${flow.dst_port} protocol ${flow.protocol}`;
}
