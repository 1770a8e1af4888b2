import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { FlowBatch } from '@flowstream/core';
import { CsvSink, NFStreamer, SinkError, sinkDefinition, type FlowSink, type SinkOpenContext } from '../../src/index.js';
import { ThreadedSink } from '../../src/sinks/threaded/threaded-sink.js';
import { OUTPUT_THREAD_NICENESS } from '../../src/sinks/threaded/thread-priority.js';
import { PCAPS, runCli } from '../support/run-cli.js';
import { ipv4Udp, pcap } from '../../../core/test/support/capture-builder.js';

const CAPTURE = join(PCAPS, 'mdns.pcap');
// many flows and long ones: several batches and snapshot rows
const LONG = join(PCAPS, 'instagram.pcap');
const dir = mkdtempSync(join(tmpdir(), 'fs-threaded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
const tmp = (ext: string) => join(dir, `out-${seq++}.${ext}`);

/** The nice value of each thread of this process, by thread id (Linux: field 19 of its stat). */
function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      nices.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return nices;
}

/** One run's flows into `sink` (and its snapshot rows, every second, into `snapshotSink`). */
async function run(sink: FlowSink, source = CAPTURE, options: { snapshotSink?: FlowSink } = {}) {
  return new NFStreamer({ source, nDissections: 0, snapshotInterval: 1 }).writeTo(sink, options);
}

describe('ThreadedSink: a built-in file sink on a worker thread', () => {
  it('CSV and JSON Lines files are byte for byte the main-thread sink\'s; an Arrow file holds the same rows', async () => {
    for (const format of ['csv', 'jsonl']) {
      const direct = tmp(format);
      const threaded = tmp(format);
      const a = await run(await sinkDefinition(format).create(direct, {}), LONG);
      const b = await run(new ThreadedSink(format, threaded, {}), LONG);
      expect(b).toEqual({ flows: a.flows, files: [threaded] });
      expect(a.flows).toBeGreaterThan(0);
      expect(readFileSync(threaded).equals(readFileSync(direct)), format).toBe(true);
    }
    const arrow = [tmp('arrow'), tmp('arrow')];
    await run(await sinkDefinition('arrow').create(arrow[0]!, {}), LONG);
    await run(new ThreadedSink('arrow', arrow[1]!, {}), LONG);
    const [x, y] = arrow.map((p) => tableFromIPC(readFileSync(p)));
    expect(y!.numRows).toBe(x!.numRows);
    for (const f of x!.schema.fields) expect([...y!.getChild(f.name)!].map(String), f.name).toEqual([...x!.getChild(f.name)!].map(String));
  });

  it('snapshot rows go through it: the same rows as the snapshot sink on the main thread', async () => {
    const direct = tmp('csv');
    const threaded = tmp('csv');
    await run(await sinkDefinition('none').create('', {}), LONG, { snapshotSink: new CsvSink(direct) });
    await run(await sinkDefinition('none').create('', {}), LONG, { snapshotSink: new ThreadedSink('csv', threaded, {}) });
    const text = readFileSync(threaded, 'utf8');
    expect(text.split('\n').length).toBeGreaterThan(10);
    expect(text).toBe(readFileSync(direct, 'utf8'));
  });

  it('batches written over after release: many whole snapshot batches, on the main thread and on the worker, equal a run that reuses nothing', async () => {
    // 3,000 UDP flows, each a packet every 0.5 s for 8 s: about 3,000 snapshot rows per second
    const udp = (i: number) => ipv4Udp((0x0a000000 | i) >>> 0, 0xc0a80001, 1024 + (i % 7), 53);
    const records = [];
    for (let t = 0; t < 16; t++) for (let i = 0; i < 3000; i++) records.push({ tsSec: 1_700_000_000 + (t >> 1), tsFrac: (t & 1) * 500_000 + i, data: udp(i) });
    const file = join(dir, 'many-snapshots.pcap');
    writeFileSync(file, pcap({ linkType: 101 }, records));
    const none = () => sinkDefinition('none').create('', {});
    // a sink that does not say it keeps no batch: nothing is released, nothing reused
    const keeping = (inner: FlowSink): FlowSink => ({
      target: inner.target,
      open: (c) => inner.open(c),
      write: (b) => inner.write(b),
      close: (c) => inner.close(c),
      abort: (e) => inner.abort(e),
    });
    const [reference, direct, threaded] = [tmp('csv'), tmp('csv'), tmp('csv')];
    await run(await none(), file, { snapshotSink: keeping(new CsvSink(reference)) });
    await run(await none(), file, { snapshotSink: new CsvSink(direct) });
    await run(await none(), file, { snapshotSink: new ThreadedSink('csv', threaded, {}) });
    const text = readFileSync(reference, 'utf8');
    expect(text.trim().split("\n").length).toBeGreaterThan(4 * 4096);
    expect(readFileSync(direct, 'utf8') === text).toBe(true);
    expect(readFileSync(threaded, 'utf8') === text).toBe(true);
  }, 60_000);

  it('a batch with selected columns is given back once written, and gives back the batch it was selected from', async () => {
    // a column selection (an output's `columns`, `snapshotColumns`) hands the sink a projection
    // of the meter's batch: when the worker wrote it, the meter's storage must come back
    const streamer = new NFStreamer({ source: LONG, nDissections: 0 });
    const batches: FlowBatch[] = [];
    for await (const b of streamer.batches()) batches.push(b);
    const source = batches[0]!;
    let recycled = 0;
    const reusable = new FlowBatch(source.fields, source.columns, source.length, undefined, null, () => recycled++);
    const k = ['src_ip', 'dst_port', 'bidirectional_bytes'].map((n) => reusable.indexOf(n));
    const projection = reusable.withColumns(
      k.map((j) => reusable.fields[j]!),
      k.map((j) => reusable.columns[j]!),
    );
    const file = tmp('csv');
    const sink = new ThreadedSink('csv', file, {});
    await sink.open({ fields: projection.fields, anonymized: [], manifest: streamer.manifest });
    await sink.write(projection);
    await sink.close({ summary: null });
    expect(recycled).toBe(1);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('src_ip,dst_port,bidirectional_bytes');
  });

  it('a thread that ends right after its last reply, while this thread is busy, still closes cleanly', async () => {
    // its reply and its end then both wait for this thread, and the end may be seen first
    const streamer = new NFStreamer({ source: CAPTURE, nDissections: 0 });
    const batches: FlowBatch[] = [];
    for await (const b of streamer.batches()) batches.push(b);
    const file = tmp('csv');
    const sink = new ThreadedSink('csv', file, {});
    await sink.open({ fields: batches[0]!.fields, anonymized: [], manifest: streamer.manifest });
    for (const b of batches) await sink.write(b);
    const closing = sink.close({ summary: null });
    // busy while the thread writes its file (it appears under its name when committed), replies
    // and ends
    const start = Date.now();
    while (!existsSync(file) && Date.now() - start < 10_000) {
      // the thread works meanwhile
    }
    const until = Date.now() + 100;
    while (Date.now() < until) {
      // its reply follows the commit at once
    }
    // which of the two this thread then sees first is up to Node: see the end first, as a loaded
    // machine did (the real event follows)
    (sink as unknown as { worker: { emit(event: string, code: number): void } }).worker.emit('exit', 0);
    expect(await closing).toEqual({ flows: batches.reduce((n, b) => n + b.length, 0), files: [file] });
    expect(readFileSync(file, 'utf8').split('\n')[0]).toMatch(/^id,expiration_id,src_ip/);
  });

  it('a full disk fails the run with an error naming the target and its code, after the flows so far', async () => {
    const err = await run(new ThreadedSink('csv', '/dev/full', {}), LONG).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect((err as Error).message).toMatch(/^\/dev\/full: .*ENOSPC/);
  });

  it('a run that fails elsewhere aborts it: no file is left under its name', async () => {
    const out = tmp('parquet');
    const failing: FlowSink = {
      target: 'broken://flows',
      async open() {},
      async write() {
        throw new Error('disk on fire');
      },
      async close() {
        return { flows: 0, files: [] };
      },
      async abort() {},
    };
    await expect(run(failing, LONG, { snapshotSink: new ThreadedSink('parquet', out, {}) })).rejects.toThrow('broken://flows: disk on fire');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it.runIf(process.platform === 'linux')('in a run over files its thread runs below the process priority (the meter first); otherwise, and on the main thread, the priority stays', async () => {
    const base = getPriority();
    const lowered = Math.min(19, base + OUTPUT_THREAD_NICENESS);
    expect(lowered).toBeGreaterThan(base);
    for (const background of [true, false]) {
      // a batch sent to a worker moves its memory there: one batch per worker
      let batch: FlowBatch | null = null;
      for await (const b of new NFStreamer({ source: CAPTURE, nDissections: 0 }).batches()) batch ??= b;
      const before = new Set(threadNices().keys());
      const out = tmp('csv');
      const sink = new ThreadedSink('csv', out, {}, background);
      try {
        await sink.open({ fields: batch!.fields, anonymized: [], manifest: {} as SinkOpenContext['manifest'] });
        await sink.write(batch!);
        // the sink's temporary file (`.NAME.<random>.partial`) exists once the worker took its
        // first message, the open and the batch
        const partial = () => readdirSync(dir).some((f) => f.startsWith(`.${basename(out)}.`) && f.endsWith('.partial'));
        for (let waited = 0; !partial() && waited < 5_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
        expect(partial()).toBe(true);
        const fresh = [...threadNices()].filter(([tid]) => !before.has(tid)).map(([, nice]) => nice);
        expect(fresh.length, 'the worker thread').toBeGreaterThan(0);
        expect(fresh.filter((nice) => nice === lowered).length, `background ${background}`).toBe(background ? 1 : 0);
        expect(threadNices().get(process.pid)).toBe(base);
      } finally {
        await sink.abort(new Error('test over'));
      }
    }
  });

  it('the CLI writes snapshots this way; a full disk there ends with exit 1 naming it', () => {
    const flows = tmp('csv');
    const snaps = tmp('csv');
    const ok = runCli([LONG, '-q', '--n-dissections', '0', '-o', flows, '--snapshot-interval', '1', '--snapshot-output', snaps]);
    expect(ok.status, ok.stderr.toString()).toBe(0);
    expect(readFileSync(snaps, 'utf8').split('\n')[0]).toMatch(/^snapshot_time_ms,flow_key,/);
    const full = runCli([LONG, '-q', '--n-dissections', '0', '-o', tmp('csv'), '--snapshot-interval', '1', '--snapshot-output', '/dev/full', '--snapshot-format', 'csv']);
    expect(full.status).toBe(1);
    expect(full.stderr.toString()).toMatch(/\/dev\/full: .*(ENOSPC|no space)/i);
  });
});
