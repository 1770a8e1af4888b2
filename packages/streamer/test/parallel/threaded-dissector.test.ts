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
import '../../src/optional-parts.js';
import { ThreadedDissector } from '../../src/parallel/threaded-dissector.js';
import { parallelPlan } from '../../src/parallel/parallel-plan.js';
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
  it('two meters with nDPI and the statistics write the single meter’s CSV byte for byte (rows, ids, order)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowstream-dissection-'));
    let rows = 0;
    for (const [i, file] of FILES.entries()) {
      if (i % 3 !== 0) continue;
      const options = { source: file, nDissections: 20, statisticalAnalysis: true, spltAnalysis: 5 };
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

  it('a thread that fails is the run’s error, with its reason, after the meter ran', () => {
    // nDissections 0 is refused by the thread's nDPI dissector, not by this thread's constructor
    const dissector = new ThreadedDissector(1, 0);
    expect(() => meter([join(PCAPS, 'instagram.pcap')], dissector)).toThrow(/nDPI dissection thread: nDissections must be an integer in 1…255/);
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

describe('the parallel plan', () => {
  const plan = (options: Record<string, unknown>) => parallelPlan(resolveMeteringOptions(options), () => {});
  it('runs nDPI in a dissection thread on two meters without plugins or snapshots, and meter workers otherwise', () => {
    expect(plan({ nMeters: 2 })!.dissectionThread).toBe(true);
    expect(plan({ nMeters: 2, nDissections: 0 })!.dissectionThread).toBe(false);
    expect(plan({ nMeters: 3 })!.dissectionThread).toBe(false);
    expect(plan({ nMeters: 2, snapshotInterval: 5 })!.dissectionThread).toBe(false);
    expect(plan({ nMeters: 1 })).toBeNull();
  });
});
