import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  CaptureRecord,
  createNdpiDissector,
  DecodedPacket,
  FlowMeter,
  IgnoreReason,
  loadNdpi,
  openCapture,
  PacketDecoder,
  ReadStatus,
  resolveMeteringOptions,
  type FlowDissector,
  type NFlow,
} from '@flowstream/core';
import { NFStreamer } from '../../src/nfstreamer.js';
import { MeterRun, StepResult } from '../../src/run/meter-run.js';
import { fileInput } from '../../src/run/run-inputs.js';
import '../../src/optional-parts.js';
import { ThreadedDissector } from '../../src/parallel/threaded-dissector.js';
import { FlowSlicer } from '@flowstream/plugins';
import { PCAPS, runCli } from '../support/run-cli.js';

// the run caps nMeters at the available cores: these tests run 2 meters on any machine
vi.mock('node:os', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:os')>()), availableParallelism: () => 8 }));

const FILES = readdirSync(PCAPS)
  .filter((f) => /\.(pcap|pcapng|cap)$/.test(f))
  .sort()
  .map((f) => join(PCAPS, f));

const NDPI = !(loadNdpi() instanceof Error);
const NDPI_COLUMNS = ['application_name', 'application_category_name', 'application_is_guessed', 'application_confidence', 'requested_server_name', 'client_fingerprint', 'server_fingerprint', 'user_agent', 'content_type'];

/** Meters `files` as one capture with `dissector`, in this thread: the flows in emission order. */
function meter(files: readonly string[], dissector: FlowDissector): NFlow[] {
  const m = new FlowMeter({
    decodeTunnels: true,
    idleTimeoutMs: 120_000,
    activeTimeoutMs: 1_800_000,
    accountingMode: 0,
    statisticalAnalysis: true,
    spltAnalysis: 0,
    plugins: [],
    dissector,
    systemVisibility: false,
    // small batches: many settles, some with flows of both threads
    batchRows: 64,
  });
  const decoder = new PacketDecoder({ decodeTunnels: true });
  const record = new CaptureRecord();
  const packet = new DecodedPacket();
  const flows: NFlow[] = [];
  try {
    for (const file of files) {
      const reader = openCapture(file);
      while (reader.next(record) === ReadStatus.Record) {
        if (decoder.decode(record, packet) === IgnoreReason.None) m.process(packet);
        for (const b of m.drainFullBatches()) for (const f of b) flows.push(f);
      }
      reader.close();
    }
    m.flush();
    for (const b of m.drainBatches()) for (const f of b) flows.push(f);
  } finally {
    m.cleanup();
  }
  return flows;
}

describe.skipIf(!NDPI && process.env.CI !== 'true')('nDPI in a dissection thread', () => {
  it('two meters with nDPI and the statistics write the single meter’s CSV byte for byte (rows, ids, order), for any nDissections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowstream-dissection-'));
    let rows = 0;
    for (const [i, file] of FILES.entries()) {
      if (i % 3 !== 0) continue;
      // nDissections 1 dissects a flow known at its first packet for as long as nDPI has more to do
      const nDissections = [20, 1, 2][(i / 3) % 3]!;
      const options = { source: file, nDissections, statisticalAnalysis: true, spltAnalysis: 5 };
      await new NFStreamer({ ...options, nMeters: 1 }).toCsv(join(dir, `${i}-1.csv`));
      const two = new NFStreamer({ ...options, nMeters: 2 });
      await two.toCsv(join(dir, `${i}-2.csv`));
      expect(two.summary!.meters).toBe(2);
      const one = readFileSync(join(dir, `${i}-1.csv`), 'utf8');
      expect(readFileSync(join(dir, `${i}-2.csv`), 'utf8'), file).toBe(one);
      rows += one.split('\n').length - 2;
    }
    expect(rows).toBeGreaterThan(300);
  }, 600_000);

  it('the CLI: a worker started ahead for the second meter becomes the dissection thread, and the CSV is one meter’s', () => {
    const file = join(PCAPS, 'instagram.pcap');
    const summary = join(mkdtempSync(join(tmpdir(), 'flowstream-dissection-')), 'summary.json');
    const one = runCli([file, '--n-meters', '1', '--statistical-analysis']);
    const two = runCli([file, '--n-meters', '2', '--statistical-analysis', '--summary', summary]);
    expect(one.status).toBe(0);
    expect(two.status, two.stderr.toString()).toBe(0);
    expect(two.stdout.length).toBeGreaterThan(1000);
    expect(two.stdout.toString()).toBe(one.stdout.toString());
    expect(JSON.parse(readFileSync(summary, 'utf8')).meters).toBe(2);
  }, 60_000);

  it('two dissection threads: every column but nDPI’s the single meter’s, in the same order; nDPI’s on all but a few flows', () => {
    const lib = loadNdpi();
    if (lib instanceof Error) throw lib;
    const groups: string[][] = [];
    for (let i = 0; i < FILES.length; i += 25) groups.push(FILES.slice(i, i + 25));
    let flows = 0;
    let ndpiDiffers = 0;
    for (const group of groups) {
      const single = meter(group, createNdpiDissector(lib, 20));
      const threaded = meter(group, new ThreadedDissector(2, 20));
      expect(threaded.length).toBe(single.length);
      const without = (f: NFlow) => JSON.stringify({ ...f.toJSON(), ...Object.fromEntries(NDPI_COLUMNS.map((c) => [c, undefined])) });
      expect(threaded.map(without)).toEqual(single.map(without));
      const ndpi = (f: NFlow) => JSON.stringify(NDPI_COLUMNS.map((c) => (f.toJSON() as Record<string, unknown>)[c]));
      ndpiDiffers += threaded.filter((f, i) => ndpi(f) !== ndpi(single[i]!)).length;
      flows += single.length;
    }
    expect(flows).toBeGreaterThan(1000);
    // each thread's nDPI keeps caches over its own flows only (spec §7), as parallel meters' do
    expect(ndpiDiffers).toBeLessThanOrEqual(flows / 200);
  }, 600_000);

  it('a thread that fails: its error once, as the meter’s, then every flow still leaves the meter, undissected', () => {
    // nDissections 0 is refused by the thread's nDPI dissector, not by this thread's constructor
    const m = new FlowMeter({
      decodeTunnels: true,
      idleTimeoutMs: 120_000,
      activeTimeoutMs: 1_800_000,
      accountingMode: 0,
      statisticalAnalysis: false,
      spltAnalysis: 0,
      plugins: [],
      dissector: new ThreadedDissector(1, 0),
      systemVisibility: false,
      batchRows: 64,
    });
    const errors: Error[] = [];
    const attempt = (step: () => void): void => {
      try {
        step();
      } catch (err) {
        errors.push(err as Error);
      }
    };
    const flows: NFlow[] = [];
    const drain = () => attempt(() => flows.push(...m.drain()));
    const reader = openCapture(join(PCAPS, 'instagram.pcap'));
    const decoder = new PacketDecoder({ decodeTunnels: true });
    const record = new CaptureRecord();
    const packet = new DecodedPacket();
    while (reader.next(record) === ReadStatus.Record) {
      if (decoder.decode(record, packet) === IgnoreReason.None) attempt(() => m.process(packet));
    }
    reader.close();
    attempt(() => m.flush());
    // the first drain waits for the thread's fields and meets its failure; the flows stay for the next
    drain();
    drain();
    m.cleanup();
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^nDPI dissection thread: nDissections must be an integer in 1…255/)]);
    expect(flows.length).toBeGreaterThan(20);
    expect(flows.map((f) => f.id)).toEqual(flows.map((_, i) => i));
    for (const f of flows) expect([f.application_name, f.application_category_name, f.requested_server_name]).toEqual(['Unknown', 'Unspecified', '']);
  });

  it('a run whose thread fails delivers every flow once, then ends with the thread’s error', () => {
    const run = new MeterRun(resolveMeteringOptions({ nDissections: 20 }), [fileInput(join(PCAPS, 'instagram.pcap'))], new ThreadedDissector(1, 0), null, false);
    const ids: number[] = [];
    for (let guard = 0; guard < 10_000; guard++) {
      const result = run.step();
      for (const b of run.drainBatches()) for (const f of b) ids.push(f.id);
      if (result === StepResult.Done) break;
    }
    for (const b of run.drainBatches()) for (const f of b) ids.push(f.id);
    expect(run.done).toBe(true);
    expect(run.error?.message).toMatch(/^nDPI dissection thread: nDissections must be/);
    expect(ids.length).toBeGreaterThan(20);
    expect(ids).toEqual(ids.map((_, i) => i));
  });

  it('a thread that never starts is the run’s error after its boot time, not a wait without end', () => {
    // a module whose import never settles: the thread stays in its boot state
    const code = 'await new Promise(() => {});';
    const entry = { url: new URL(`data:text/javascript,${encodeURIComponent(code)}`), execArgv: [] };
    const run = new MeterRun(resolveMeteringOptions({ nDissections: 20 }), [fileInput(join(PCAPS, 'instagram.pcap'))], new ThreadedDissector(1, 20, { entry, bootTimeoutMs: 300 }), null, false);
    let flows = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      const result = run.step();
      for (const b of run.drainBatches()) flows += b.length;
      if (result === StepResult.Done) break;
    }
    for (const b of run.drainBatches()) flows += b.length;
    expect(run.done).toBe(true);
    expect(run.error?.message).toBe('nDPI dissection thread did not start within 0.3 s');
    expect(flows).toBeGreaterThan(20);
  });

  it('the meter refuses a dissection thread with plugins or snapshots, which read nDPI’s fields while flows live', () => {
    const base = {
      decodeTunnels: true,
      idleTimeoutMs: 120_000,
      activeTimeoutMs: 1_800_000,
      accountingMode: 0 as const,
      statisticalAnalysis: false,
      spltAnalysis: 0,
      plugins: [],
      systemVisibility: false,
    };
    const deferred = { deferred: true } as unknown as FlowDissector;
    expect(() => new FlowMeter({ ...base, dissector: deferred, plugins: [new FlowSlicer()] })).toThrow(/plugins or snapshots/);
    expect(() => new FlowMeter({ ...base, dissector: deferred, snapshotIntervalMs: 1000 })).toThrow(/plugins or snapshots/);
  });
});
