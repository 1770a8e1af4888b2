/**
 * Entry of a meter worker (spec §7: one meter of `nMeters`). Builds its own plugins (from their
 * origin specs) and nDPI dissector (through the same `extensions.loadDissector` the main thread
 * uses), then meters the records the main thread dispatches to it: owned packets, and clock ticks
 * where a packet of another meter ran the idle scan. Finished flows go back as the meter's own
 * columnar batches, their typed arrays transferred (no flow objects, no re-encoding).
 */
import { workerData } from 'node:worker_threads';
import { DecodedPacket, FlowMeter, type FlowDissector, type NFPlugin } from '@flowstream/core';
import { batchForTransfer, FLOW_BATCH_ROWS } from '@flowstream/core/internal';
import type { PluginOrigin } from '../plugin-registry/plugin-origin.js';
import { Ctl, PacketRingReader, RecordKind, WorkerState } from './packet-ring.js';
import type { MeterWorkerData, WorkerMessage } from './worker-protocol.js';

/** Records between two releases of ring space (and stop checks). */
const RELEASE_EVERY = 2048;
/** Flows per posted batch while input is flowing: whole batches, transferred without a copy (the rest are posted when the worker idles). */
const POST_EVERY = FLOW_BATCH_ROWS;
/** Longest sleep while waiting for records, in ms (a safety net: the main thread notifies). */
const IDLE_WAIT_MS = 500;

const data = workerData as MeterWorkerData;

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  data.port.postMessage(message, transfer);
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

async function loadDissector(nDissections: number): Promise<FlowDissector | null> {
  if (nDissections === 0) return null;
  // the optional parts register the loader, exactly as in the main thread
  await import('../optional-parts.js');
  const { extensions } = await import('../nfstreamer.js');
  const loaded = extensions.loadDissector ? extensions.loadDissector(nDissections) : new Error('nDPI support is not available in this build');
  if (loaded instanceof Error) throw loaded;
  return loaded();
}

async function main(): Promise<void> {
  const ring = new PacketRingReader(data.ring);
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
      dissector: await loadDissector(o.nDissections),
      systemVisibility: o.systemVisibility,
      maxLiveFlows: o.maxLiveFlows,
    });
    setState(control, WorkerState.Ready);
    meterLoop(meter, ring);
    setState(control, WorkerState.Done);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ kind: 'error', error: { name: e.name, message: e.message, stack: e.stack } });
    setState(control, WorkerState.Failed);
  }
}

/** Meters records until the end marker (flush) or a stop request (no flush). */
function meterLoop(meter: FlowMeter, ring: PacketRingReader): void {
  const control = ring.control;
  const packet = new DecodedPacket();
  const sendFlows = (): void => {
    for (const b of meter.drainBatches()) {
      const { message, transfer } = batchForTransfer(b);
      post({ kind: 'flows', batch: message }, transfer);
    }
  };
  let sinceRelease = 0;
  for (;;) {
    const published = Atomics.load(control, Ctl.Write);
    if (!ring.available(published)) {
      ring.release();
      sendFlows();
      Atomics.store(control, Ctl.LiveFlows, meter.liveFlowCount);
      Atomics.store(control, Ctl.Evictions, meter.evictions);
      if (Atomics.load(control, Ctl.Stop) !== 0) break;
      Atomics.wait(control, Ctl.Write, published, IDLE_WAIT_MS);
      continue;
    }
    while (ring.available(published)) {
      const kind = ring.next(packet);
      if (kind === RecordKind.Packet) meter.process(packet);
      else if (kind === RecordKind.Tick) meter.tickPacket(ring.tickTime);
      else if (kind === RecordKind.End) {
        ring.release();
        meter.flush();
        sendFlows();
        Atomics.store(control, Ctl.Evictions, meter.evictions);
        meter.cleanup();
        return;
      }
      if (++sinceRelease === RELEASE_EVERY) {
        sinceRelease = 0;
        ring.release();
        if (meter.pendingFlows >= POST_EVERY) sendFlows();
        if (Atomics.load(control, Ctl.Stop) !== 0) break;
      }
    }
    if (Atomics.load(control, Ctl.Stop) !== 0) break;
  }
  // stopped early (maxNflows, user stop): no flush, like MeterRun.stop()
  Atomics.store(control, Ctl.Evictions, meter.evictions);
  meter.cleanup();
}

void main();
