import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadNdpi, type FlowBatch, type NFlow } from '@flowstream/core';
import { FlowSlicer } from '@flowstream/plugins';
import { NFStreamer, type StreamerSummary } from '../../src/nfstreamer.js';
import type { FlowSink, SinkResult } from '../../src/sinks/flow-sink.js';
import '../../src/optional-parts.js';
import { resetWarnings } from '../../src/nfstreamer.js';
import { createPluginRegistry } from '../../src/plugin-registry/index.js';
import { ParallelMeterRun } from '../../src/parallel/parallel-meter-run.js';
import { PCAPS } from '../support/run-cli.js';
import { ipv4Udp, pcap } from '../../../core/test/support/capture-builder.js';

// the run caps nMeters at the available cores: these tests run 2 and 3 meters on any machine
vi.mock('node:os', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:os')>()), availableParallelism: () => 8 }));

const FILES = readdirSync(PCAPS)
  .filter((f) => /\.(pcap|pcapng|cap)$/.test(f))
  .sort()
  .map((f) => join(PCAPS, f));

/** toJSON() without `id`, as sorted strings: the multiset of flow records. */
function multiset(flows: readonly NFlow[]): string[] {
  return flows.map((f) => JSON.stringify({ ...f.toJSON(), id: undefined })).sort();
}

interface Outcome {
  flows: NFlow[];
  summary: StreamerSummary | null;
  error: string | null;
}

/**
 * The summary with its manifest apart: the meters that ran and the manifest's nMeters differ by
 * design; everything else (packet accounting, flows, interrupted, sources, plugins) must agree.
 */
function comparable(summary: StreamerSummary | null): unknown {
  if (summary === null) return null;
  const { manifest, meters: _meters, ...rest } = summary;
  const { nMeters: _nMeters, ...parameters } = manifest.parameters;
  return { ...rest, manifest: { ...manifest, parameters } };
}

function runAll(source: string | string[], options: Record<string, unknown>): Outcome {
  const streamer = new NFStreamer({ source, nDissections: 0, ...options });
  const flows: NFlow[] = [];
  let error: string | null = null;
  try {
    for (const f of streamer) flows.push(f);
  } catch (err) {
    error = (err as Error).message;
  }
  return { flows, summary: streamer.summary, error };
}

function expectSameFlows(single: Outcome, parallel: Outcome): void {
  expect(parallel.error).toBe(single.error);
  expect(parallel.flows.length).toBe(single.flows.length);
  // ids: 0..n-1 in emission (arrival) order
  expect(parallel.flows.map((f) => f.id)).toEqual(parallel.flows.map((_, i) => i));
  expect(multiset(parallel.flows)).toEqual(multiset(single.flows));
  expect(parallel.summary).not.toBeNull();
  expect(parallel.summary!.meters, 'the run used parallel meters').toBeGreaterThan(1);
  expect(comparable(parallel.summary)).toEqual(comparable(single.summary));
  expect(parallel.summary!.interrupted).toBe(false);
  if (single.flows.length > 0) expect(parallel.flows[0]!.keys()).toEqual(single.flows[0]!.keys());
}

// The corpus as groups of files read as one capture each (spec §8 multi-file mode: one clock, so
// timestamps jump back between files and exercise the clamp), plus every file on its own.
const GROUPS: string[][] = [];
for (let i = 0; i < FILES.length; i += 16) GROUPS.push(FILES.slice(i, i + 16));

// Each with per-packet work for the workers: core fields alone run on one meter (the plan's test below).
const OPTION_SETS: Record<string, Record<string, unknown>> = {
  'splt 3': { spltAnalysis: 3 },
  'statistics + splt 10': { statisticalAnalysis: true, spltAnalysis: 10 },
};

describe('nMeters > 1 gives the single meter’s flows (spec §7)', () => {
  for (const [label, options] of Object.entries(OPTION_SETS)) {
    for (const n of [2, 3]) {
      it(`${label}, nMeters ${n}: every corpus capture, in ${GROUPS.length} multi-file runs`, () => {
        for (const group of GROUPS) {
          const single = runAll(group, { ...options, nMeters: 1 });
          const parallel = runAll(group, { ...options, nMeters: n });
          expectSameFlows(single, parallel);
        }
      });
    }
  }

  it('statistics, nMeters 2: every corpus capture on its own', () => {
    let flows = 0;
    for (const file of FILES) {
      const single = runAll(file, { statisticalAnalysis: true, nMeters: 1 });
      const parallel = runAll(file, { statisticalAnalysis: true, nMeters: 2 });
      expectSameFlows(single, parallel);
      flows += single.flows.length;
    }
    expect(flows).toBeGreaterThan(1000);
    // two worker threads per capture, ~150 captures: minutes on a loaded 2-core machine
  }, 600_000);

  it('short timeouts (idle 1 s, active 5 s): scans and splits match', () => {
    for (const group of GROUPS.slice(0, 4)) {
      const options = { idleTimeout: 1, activeTimeout: 5, statisticalAnalysis: true };
      expectSameFlows(runAll(group, { ...options, nMeters: 1 }), runAll(group, { ...options, nMeters: 2 }));
    }
  });
});

// nDPI reads each packet's bytes straight from the worker's ring. Each meter has its own nDPI
// module, as in NFStream, and nDPI keeps caches over the flows a module sees (a server already
// identified by another flow): a flow may then be classified with another confidence than by one
// meter. Every other column must match exactly; the nDPI columns, on all but a few flows. (Two
// meters with nDPI run it in a dissection thread instead: threaded-dissector.test.ts.)
describe.skipIf(loadNdpi() instanceof Error && process.env.CI !== 'true')('nMeters > 2 with nDPI', () => {
  const NDPI_COLUMNS = ['application_name', 'application_category_name', 'application_is_guessed', 'application_confidence', 'requested_server_name', 'client_fingerprint', 'server_fingerprint', 'user_agent', 'content_type'];
  const withoutNdpi = (flows: readonly NFlow[]): string[] =>
    flows.map((f) => JSON.stringify({ ...f.toJSON(), id: undefined, ...Object.fromEntries(NDPI_COLUMNS.map((c) => [c, undefined])) })).sort();

  it('nDissections 20 + statistics, nMeters 3: the single meter’s flows on every fifth corpus capture', () => {
    let flows = 0;
    let ndpiDiffers = 0;
    for (const file of FILES.filter((_, i) => i % 5 === 0)) {
      const options = { nDissections: 20, statisticalAnalysis: true };
      const single = runAll(file, { ...options, nMeters: 1 });
      const parallel = runAll(file, { ...options, nMeters: 3 });
      expect(parallel.error).toBe(single.error);
      expect(withoutNdpi(parallel.flows)).toEqual(withoutNdpi(single.flows));
      expect(comparable(parallel.summary)).toEqual(comparable(single.summary));
      const rows = new Set(multiset(single.flows));
      ndpiDiffers += multiset(parallel.flows).filter((row) => !rows.has(row)).length;
      flows += single.flows.length;
    }
    expect(flows).toBeGreaterThan(500);
    expect(ndpiDiffers).toBeLessThanOrEqual(flows / 200);
  }, 600_000);
});

describe('worker batches in shared memory, written over once released', () => {
  /**
   * A sink that keeps no batch after `write` (so the run releases each one) and checks that its
   * batch does not change while the write is pending (a worker writing later rows into it too soon
   * would change it): rows as text, in arrival order.
   */
  class SlowCheckingSink implements FlowSink {
    readonly target = 'memory';
    readonly keepsBatches = false;
    readonly rows: string[] = [];
    changed = 0;
    async open(): Promise<void> {}
    async write(batch: FlowBatch): Promise<void> {
      const text = () => Array.from(batch.rows(), (r) => JSON.stringify({ ...r, id: undefined }));
      const before = text();
      // the run waits for this write while the worker meters the records already handed to it
      await new Promise((resolve) => setTimeout(resolve, 3));
      if (text().join('\n') !== before.join('\n')) this.changed++;
      this.rows.push(...before);
    }
    async close(): Promise<SinkResult> {
      return { flows: this.rows.length, files: [] };
    }
    async abort(): Promise<void> {}
  }

  it('many whole batches of flows and snapshot rows, released as they are written, equal one meter\'s and never change under a pending write', async () => {
    // 40,000 UDP flows starting 1 ms apart, each with a second packet 1.5 s later (one snapshot
    // row), idle timeout 2 s: flows end all through the run, so the worker's whole batches are
    // released while it meters on and its meter writes later rows into their memory
    const flows = 40_000;
    const udp = (i: number) => ipv4Udp((0x0a000000 | i) >>> 0, 0xc0a80001, 1024, 53);
    const t0 = 1_700_000_000_000;
    const at: [number, number][] = [];
    for (let i = 0; i < flows; i++) at.push([t0 + i, i], [t0 + i + 1500, i]);
    at.sort((a, b) => a[0] - b[0]);
    const records = at.map(([ms, i]) => ({ tsSec: Math.floor(ms / 1000), tsFrac: (ms % 1000) * 1000, data: udp(i) }));
    const dir = mkdtempSync(join(tmpdir(), 'fs-shared-batches-'));
    const file = join(dir, 'many.pcap');
    writeFileSync(file, pcap({ linkType: 101 }, records));
    const run = async (nMeters: number) => {
      const out = new SlowCheckingSink();
      const snaps = new SlowCheckingSink();
      await new NFStreamer({ source: file, nDissections: 0, spltAnalysis: 2, idleTimeout: 2, snapshotInterval: 1, nMeters }).writeTo(out, { snapshotSink: snaps });
      return { out, snaps };
    };
    const one = await run(1);
    const two = await run(2);
    expect(one.out.rows).toHaveLength(flows);
    expect(one.snaps.rows.length).toBeGreaterThan(flows / 2);
    expect(two.out.changed + two.snaps.changed).toBe(0);
    expect([...two.out.rows].sort()).toEqual([...one.out.rows].sort());
    expect([...two.snaps.rows].sort()).toEqual([...one.snaps.rows].sort());
  }, 120_000);
});

describe('ParallelMeterRun with plugins, limits and errors', () => {
  const skype = join(PCAPS, 'skype.pcap');

  it('plugins built from specs run in each worker (custom expiry included)', async () => {
    const registry = createPluginRegistry();
    const counter = resolve(__dirname, '../plugin-registry/fixtures/counter-plugin.ts');
    const udps = [
      await registry.resolve({ module: 'flow-slicer', options: { limit: 3 } }),
      await registry.resolve({ module: counter, options: { field: 'seen' } }),
    ];
    const single = runAll(skype, { udps, nMeters: 1 });
    const parallel = runAll(skype, { udps, nMeters: 2 });
    expect(single.flows.length).toBeGreaterThan(294);
    expect(single.flows[0]!.udps).toEqual({ seen: 1 });
    expectSameFlows(single, parallel);
  });

  it('plugins created in code run in one meter, with a warning', () => {
    resetWarnings();
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const streamer = new NFStreamer({ source: skype, nDissections: 0, nMeters: 2, udps: [new FlowSlicer({ limit: 3 })] });
      const run = streamer.createRun();
      expect(run).not.toBeInstanceOf(ParallelMeterRun);
      run.stop();
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/nMeters 2: plugin FlowSlicer was created in code/);
    } finally {
      warn.mockRestore();
    }
  });

  it('more meters than cores: capped at the cores, with a warning', async () => {
    resetWarnings();
    const { availableParallelism } = await import('node:os');
    expect(availableParallelism()).toBe(8);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const streamer = new NFStreamer({ source: skype, nDissections: 0, statisticalAnalysis: true, nMeters: 20 });
      expect([...streamer]).toHaveLength(294);
      expect(streamer.summary!.meters).toBe(8);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/nMeters 20: more meters than the 8 available cores .*using 8/);
    } finally {
      warn.mockRestore();
    }
  });

  it('async iteration, maxNflows and a second iteration work', async () => {
    const streamer = new NFStreamer({ source: skype, nDissections: 0, spltAnalysis: 3, nMeters: 2 });
    const ids: number[] = [];
    for await (const f of streamer) ids.push(f.id);
    expect(ids).toEqual([...Array(294).keys()]);
    streamer.maxNflows = 100;
    const limited = [...streamer];
    expect(limited.map((f) => f.id)).toEqual([...Array(100).keys()]);
    expect(streamer.summary!.flows).toBe(100);
    streamer.maxNflows = 0;
    expect([...streamer]).toHaveLength(294);
  });

  it('a corrupt input is reported like with one meter, after the other inputs’ flows', () => {
    const bad = FILES.find((f) => f.endsWith('.pcap') && !f.includes('skype'))!;
    const sources = [skype, __filename, bad];
    const single = runAll(sources, { spltAnalysis: 3, nMeters: 1 });
    expect(single.error).not.toBeNull();
    expectSameFlows(single, runAll(sources, { spltAnalysis: 3, nMeters: 2 }));
  });
});
