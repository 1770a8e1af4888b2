/**
 * Entry of a meter worker (spec §7: one meter of `nMeters`). It loads its modules as soon as it
 * starts (possibly before the run exists, see `prestartMeterWorkers`), then waits for its
 * {@link MeterWorkerData}. It builds its own plugins (from their origin specs) and nDPI
 * dissector, then decodes and meters the records the main thread dispatches to it: the raw
 * capture records it owns (with their clamped meter time), and clock ticks where a packet of
 * another meter ran the idle scan. Finished flows go back as the meter's own columnar batches in
 * shared memory (no flow objects, no re-encoding; what is not shared is copied, never
 * transferred: see `batchMessage`). The same thread may be asked
 * to be a dissection thread instead (`DissectionWorkerData`, see `ThreadedDissector`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CaptureRecord, createNdpiDissector, DecodedPacket, FlowMeter, IGNORE_REASON_NAMES, loadNdpi, PacketDecoder, PluginError, type FlowDissector, type NFPlugin } from '@flowstream/core';
import { batchMessage, FLOW_BATCH_ROWS } from '@flowstream/core/internal';
import type { PluginOrigin } from '../plugin-registry/plugin-origin.js';
import { HeldBatches } from './held-batches.js';
import { Ctl, PacketRingReader, RecordKind, WorkerState } from './packet-ring.js';
import type { DissectionWorkerData, MeterWorkerData, WorkerMessage } from './worker-protocol.js';
import { runDissectionThread } from './dissection-worker.js';
import { prepareDissector, takeEarlyDissector } from './early-dissector.js';
import type { MessagePort } from 'node:worker_threads';

/** Records between two releases of ring space (and stop checks). */
const RELEASE_EVERY = 2048;
/** Flows per posted batch while input is flowing: whole batches, read in place (the rest are posted when the worker idles). */
const POST_EVERY = FLOW_BATCH_ROWS;
/**
 * Partial batches go out at most this often while the worker idles between records (the run's
 * rule for its own meter, see `HandOutRule`): sealing one copies every column for a few rows.
 */
const PARTIAL_EVERY_MS = 100;
/** Longest sleep while waiting for records, in ms (a safety net: the main thread notifies). */
const IDLE_WAIT_MS = 500;

/** Where flows and errors go (the run's port, from the configuration message). */
let out: MessagePort | null = null;

/** Posts `message` to the run; nothing is transferred (a detached buffer slows this thread's meter, see `batchMessage`). */
function post(message: WorkerMessage): void {
  out!.postMessage(message);
}

function setState(control: Int32Array, state: number): void {
  Atomics.store(control, Ctl.State, state);
  Atomics.notify(control, Ctl.State);
}

async function buildPlugins(origins: readonly PluginOrigin[]): Promise<NFPlugin[]> {
  if (origins.length === 0) return [];
  const { createPluginRegistry } = await import('../plugin-registry/plugin-registry.js');
  const registries = new Map<string, ReturnType<typeof createPluginRegistry>>();
  const plugins: NFPlugin[] = [];
  for (const origin of origins) {
    let registry = registries.get(origin.cwd);
    if (registry === undefined) {
      registry = createPluginRegistry({ cwd: origin.cwd });
      registries.set(origin.cwd, registry);
    }
    plugins.push(await registry.resolve({ module: origin.module, options: origin.options }));
  }
  return plugins;
}

/** The nDPI dissector, loaded as the main thread's optional parts load it (the main thread found it loadable). */
function loadDissector(nDissections: number): FlowDissector | null {
  const early = takeEarlyDissector(nDissections);
  if (early !== null) return early;
  if (nDissections === 0) return null;
  const lib = loadNdpi();
  if (lib instanceof Error) throw lib;
  return createNdpiDissector(lib, nDissections);
}

async function main(data: MeterWorkerData): Promise<void> {
  out = data.port;
  const ring = new PacketRingReader(data.ring, data.chunks, data.copyFrames);
  const control = ring.control;
  try {
    const o = data.options;
    const meter = new FlowMeter({
      decodeTunnels: o.decodeTunnels,
      idleTimeoutMs: o.idleTimeoutMs,
      activeTimeoutMs: o.activeTimeoutMs,
      accountingMode: o.accountingMode as 0 | 1 | 2 | 3,
      statisticalAnalysis: o.statisticalAnalysis,
      spltAnalysis: o.spltAnalysis,
      plugins: await buildPlugins(data.plugins),
      dissector: loadDissector(o.nDissections),
      systemVisibility: o.systemVisibility,
      maxLiveFlows: o.maxLiveFlows,
      snapshotIntervalMs: o.snapshotIntervalMs,
      sharedBatches: true,
    });
    setState(control, WorkerState.Ready);
    meterLoop(meter, new PacketDecoder({ decodeTunnels: o.decodeTunnels }), ring);
    setState(control, WorkerState.Done);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const plugin = e instanceof PluginError ? { plugin: e.plugin, callback: e.callback, flowId: e.flowId, flow: e.flow, cause: causeText(e.cause) } : undefined;
    post({ kind: 'error', error: { name: e.name, message: e.message, stack: e.stack, plugin } });
    setState(control, WorkerState.Failed);
  }
}

/** Decodes and meters records until the end marker (flush) or a stop request (no flush). */
function meterLoop(meter: FlowMeter, decoder: PacketDecoder, ring: PacketRingReader): void {
  const control = ring.control;
  const record = new CaptureRecord();
  const packet = new DecodedPacket();
  const held = new HeldBatches(out!);
  let partialAt = 0;
  /** Posts the whole batches of flows and snapshot rows; with `partial`, the ones being written too. */
  const sendFlows = (partial: boolean): void => {
    held.takeReleases();
    for (const b of partial ? meter.drainBatches() : meter.drainFullBatches()) {
      post({ kind: 'flows', batch: batchMessage(b), ticket: held.hold(b) });
    }
    // snapshot rows (flow_key travels unmade: it is computed where it is read)
    for (const b of partial ? meter.drainSnapshots() : meter.drainFullSnapshots()) {
      post({ kind: 'snapshots', batch: batchMessage(b), ticket: held.hold(b) });
    }
  };
  /** Idle between records: partial batches too, when the last ones went out long enough ago. */
  const sendWhenIdle = (): void => {
    const now = Date.now();
    const partial = now - partialAt >= PARTIAL_EVERY_MS;
    if (partial) partialAt = now;
    sendFlows(partial);
  };
  let sinceRelease = 0;
  for (;;) {
    const published = Atomics.load(control, Ctl.Write);
    if (!ring.available(published)) {
      ring.release();
      sendWhenIdle();
      Atomics.store(control, Ctl.LiveFlows, meter.liveFlowCount);
      Atomics.store(control, Ctl.Evictions, meter.evictions);
      if (Atomics.load(control, Ctl.Stop) !== 0) break;
      // the writer notifies only a sleeping reader: announce the sleep, then look once more
      Atomics.store(control, Ctl.Sleeping, 1);
      // rows held back (a partial batch): awake again when they are due
      Atomics.wait(control, Ctl.Write, published, meter.pendingFlows + meter.pendingSnapshots > 0 ? PARTIAL_EVERY_MS : IDLE_WAIT_MS);
      Atomics.store(control, Ctl.Sleeping, 0);
      continue;
    }
    while (ring.available(published)) {
      const kind = ring.next(record, packet);
      if (kind === RecordKind.Packet) meter.process(packet);
      else if (kind === RecordKind.Frame) {
        const reason = decoder.decode(record, packet);
        // the router settled this record with the same decoder: a disagreement is a bug, not input
        if (reason !== 0) throw new Error(`meter worker: a record routed as a packet decodes as ${IGNORE_REASON_NAMES[reason]}`);
        meter.process(packet);
      } else if (kind === RecordKind.Tick) meter.tickPacket(ring.tickTime);
      else if (kind === RecordKind.End) {
        ring.release();
        meter.flush();
        sendFlows(true);
        Atomics.store(control, Ctl.Evictions, meter.evictions);
        meter.cleanup();
        return;
      }
      if (++sinceRelease === RELEASE_EVERY) {
        sinceRelease = 0;
        ring.release();
        held.takeReleases();
        if (meter.pendingFlows + meter.pendingSnapshots >= POST_EVERY) sendFlows(false);
        if (Atomics.load(control, Ctl.Stop) !== 0) break;
      }
    }
    if (Atomics.load(control, Ctl.Stop) !== 0) break;
  }
  // stopped early (maxNflows, user stop): no flush, like MeterRun.stop()
  Atomics.store(control, Ctl.Evictions, meter.evictions);
  meter.cleanup();
}

parentPort!.once('message', (data: MeterWorkerData | DissectionWorkerData) => {
  if ('role' in data) runDissectionThread(data);
  else void main(data);
});
// a worker started ahead of a run with nDPI builds nDPI's module while it waits for its configuration
prepareDissector((workerData as { nDissections?: unknown } | null)?.nDissections);

/** A plugin error's cause as text (the message of an Error). */
function causeText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
