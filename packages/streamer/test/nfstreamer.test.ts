import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { NFStreamer, meter, packets, type NFStreamerOptions, type PacketBatch } from '@flowstream/streamer';
import { PCAPS } from './support/run-cli.js';
import { writeUdpFlowsPcap } from './support/udp-flows-pcap.js';
import { pcap as pcapFile } from '../../core/test/support/capture-builder.js';

const pcap = (n: string) => join(PCAPS, n);
const json = (flows: Iterable<{ toJSON(): unknown }>) => [...flows].map((f) => JSON.stringify(f.toJSON()));

describe('NFStreamer idioms', () => {
  const source = pcap('skype.pcap');
  const options = { nDissections: 0, statisticalAnalysis: true, spltAnalysis: 5 } as const;

  it('for…of, for await…of, flows$ and packets()+meter() give the same flows', async () => {
    const sync = json(new NFStreamer({ source, ...options }));
    expect(sync).toHaveLength(294);
    const asyncFlows: string[] = [];
    for await (const f of new NFStreamer({ source, ...options })) asyncFlows.push(JSON.stringify(f.toJSON()));
    expect(asyncFlows).toEqual(sync);
    const rx = await lastValueFrom(new NFStreamer({ source, ...options }).flows$.pipe(toArray()));
    expect(json(rx)).toEqual(sync);
    const { nDissections: _n, ...meterOptions } = options;
    const piped = await lastValueFrom(packets(source).pipe(meter(meterOptions), toArray()));
    expect(json(piped)).toEqual(sync);
  });

  it('packets() reads on past a corrupt input, like the streamer, and reports it at the end', async () => {
    const count = (src: string | string[]) =>
      new Promise<{ n: number; error: Error | null }>((resolve) => {
        let n = 0;
        packets(src).subscribe({
          next: (b) => (n += b.length),
          error: (error: Error) => resolve({ n, error }),
          complete: () => resolve({ n, error: null }),
        });
      });
    const one = await count(source);
    expect(one.error).toBeNull();
    const notCapture = join(PCAPS, '..', 'README.md');
    const both = await count([source, existsSync(notCapture) ? notCapture : pcap('missing.pcap'), source]);
    expect(both.n).toBe(2 * one.n);
    expect(both.error).toBeInstanceOf(Error);
  });

  it('packets(): each batch carries the running accounting, and the last one equals the streamer\'s summary', async () => {
    // frames the decoder ignores for two reasons (short frames, non-IP)
    const capture = pcap('alexa-app.pcapng');
    const s = new NFStreamer({ source: capture, nDissections: 0 });
    [...s];
    const expected = s.summary!.packets;
    let last: ReturnType<NonNullable<PacketBatch['accounting']>['summary']>['packets'] | null = null;
    let emitted = 0;
    let previousRead = 0;
    await new Promise<void>((resolve, reject) =>
      packets(capture, { batchSize: 64 }).subscribe({
        next: (b) => {
          const a = b.accounting!;
          emitted += b.length;
          // counts run ahead of or with the batches; every record read is accounted once
          expect(a.read).toBeGreaterThanOrEqual(previousRead);
          expect(a.read).toBe(a.processed + a.ignored + a.filtered);
          expect(a.processed).toBeGreaterThanOrEqual(emitted);
          previousRead = a.read;
          last = a.summary(0).packets;
        },
        error: reject,
        complete: resolve,
      }),
    );
    expect(expected.ignored).toBeGreaterThan(0);
    expect(last).toEqual(expected);
    expect(emitted).toBe(expected.processed);
  });

  it('unsubscribing from flows$ stops the run early', async () => {
    const s = new NFStreamer({ source, nDissections: 0 });
    const first = await firstValueFrom(s.flows$.pipe(take(3), toArray()));
    expect(first.map((f) => f.id)).toEqual([0, 1, 2]);
  });

  it('summary accounts every record; iterating again restarts ids at 0', () => {
    const s = new NFStreamer({ source, nDissections: 0 });
    const a = [...s];
    const summary = s.summary!;
    expect(summary.flows).toBe(a.length);
    expect(summary.packets.read).toBe(summary.packets.processed + summary.packets.ignored);
    expect(summary.sources[0]).toMatchObject({ path: source, format: 'pcap', linkType: 1, error: null });
    const b = [...s];
    expect(b[0]!.id).toBe(0);
    expect(json(b)).toEqual(json(a));
  });

  it('a Node readable source equals the file', async () => {
    const fromFile = json(new NFStreamer({ source, nDissections: 0 }));
    const fromStream: string[] = [];
    for await (const f of new NFStreamer({ source: createReadStream(source, { highWaterMark: 1000 }), nDissections: 0 })) {
      fromStream.push(JSON.stringify(f.toJSON()));
    }
    expect(fromStream).toEqual(fromFile);
  });

  it.each([1, 2])('a named pipe given by its path equals the file, its writer coming after the run started (%i meters)', async (nMeters) => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'fs-fifo-')), 'in');
    execFileSync('mkfifo', [fifo]);
    // SPLT: per-packet work, so that two meters run as two (core fields alone run on one)
    const streamer = new NFStreamer({ source: fifo, nDissections: 0, spltAnalysis: 3, nMeters });
    const flows: string[] = [];
    const run = (async () => {
      for await (const f of streamer) flows.push(JSON.stringify({ ...f.toJSON(), id: nMeters > 1 ? 0 : f.id }));
    })();
    // the run waits in open for a writer, as libpcap's reader does
    spawn('sh', ['-c', `sleep 0.2; cat '${source}' > '${fifo}'`], { stdio: 'ignore' });
    await run;
    const expected = json(new NFStreamer({ source, nDissections: 0, spltAnalysis: 3 })).map((t) => (nMeters > 1 ? JSON.stringify({ ...JSON.parse(t), id: 0 }) : t));
    expect(flows.length).toBeGreaterThan(0);
    expect(streamer.summary!.meters).toBe(nMeters);
    expect(nMeters > 1 ? flows.sort() : flows).toEqual(nMeters > 1 ? expected.sort() : expected);
    expect(streamer.summary?.sources[0]).toMatchObject({ path: fifo, packetsRead: expect.any(Number) });
  });

  it('packets() reads a named pipe by its path as it reads the file', async () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'fs-fifo-')), 'in');
    execFileSync('mkfifo', [fifo]);
    spawn('sh', ['-c', `sleep 0.2; cat '${source}' > '${fifo}'`], { stdio: 'ignore' });
    const fromPipe = await lastValueFrom(packets(fifo).pipe(meter({}), toArray()));
    const fromFile = await lastValueFrom(packets(source).pipe(meter({}), toArray()));
    expect(fromPipe.length).toBeGreaterThan(0);
    expect(json(fromPipe)).toEqual(json(fromFile));
  });

  it.each([1, 2])('a stream that goes quiet still hands out the flows that ended, without waiting for more bytes (%i meters)', async (nMeters) => {
    const file = pcap('mdns.pcap');
    const stream = new PassThrough();
    // every byte now; the stream then stays open (a quiet pipe) until it is ended below
    stream.write(readFileSync(file));
    let open = true;
    const timer = setTimeout(() => {
      open = false;
      stream.end();
    }, 2000);
    const flows: string[] = [];
    let whileOpen = 0;
    for await (const f of new NFStreamer({ source: stream, nDissections: 0, spltAnalysis: 3, idleTimeout: 5, nMeters })) {
      // parallel meters number flows in arrival order: the set is the single meter's
      flows.push(JSON.stringify({ ...f.toJSON(), id: nMeters > 1 ? 0 : f.id }));
      if (open) whileOpen++;
    }
    clearTimeout(timer);
    expect(whileOpen).toBeGreaterThan(10);
    const expected = json(new NFStreamer({ source: file, nDissections: 0, spltAnalysis: 3, idleTimeout: 5 })).map((t) => (nMeters > 1 ? JSON.stringify({ ...JSON.parse(t), id: 0 }) : t));
    expect(nMeters > 1 ? flows.sort() : flows).toEqual(nMeters > 1 ? expected.sort() : expected);
  });

  it('toCsv writes NFStream CSV and creates no file without flows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-csv-'));
    const out = join(dir, 'out.csv');
    expect(await new NFStreamer({ source, nDissections: 0 }).toCsv(out)).toBe(294);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(295);
    expect(lines[0]!.startsWith('id,expiration_id,src_ip,')).toBe(true);
    // a capture whose frames are all ignored (ARP) yields no flow and no file
    const arp = new Uint8Array(60);
    arp.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5, 0x08, 0x06], 0);
    const arpOnly = join(dir, 'arp.pcap');
    writeFileSync(arpOnly, pcapFile({ linkType: 1 }, [{ tsSec: 1, tsFrac: 0, data: arp }, { tsSec: 2, tsFrac: 0, data: arp }]));
    const empty = join(dir, 'empty.csv');
    const s = new NFStreamer({ source: arpOnly, nDissections: 0 });
    expect(await s.toCsv(empty)).toBe(0);
    expect(existsSync(empty)).toBe(false);
    expect(s.summary!.packets).toMatchObject({ read: 2, processed: 0, ignored: 2, ignoredByReason: { non_ip: 2 } });
  });

  it('CSV chunking follows NFStream naming', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-chunk-'));
    const n = await new NFStreamer({ source, nDissections: 0 }).toCsv(join(dir, 'flows.csv'), { flowsPerFile: 100 });
    expect(n).toBe(294);
    expect(['flows.0.csv', 'flows.1.csv', 'flows.2.csv'].every((f) => existsSync(join(dir, f)))).toBe(true);
    expect(readFileSync(join(dir, 'flows.2.csv'), 'utf8').trim().split('\n')).toHaveLength(95);
  });

  it('a corrupt file ends with an error naming file and offset, after its flows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-bad-'));
    const bytes = readFileSync(source);
    const cut = Buffer.from(bytes);
    // break a record header in the middle: caplen = 0x7fffffff (> 262144 is a libpcap error)
    let off = 24;
    for (let i = 0; i < 1000; i++) off += 16 + cut.readUInt32LE(off + 8);
    cut.writeUInt32LE(0x7fffffff, off + 8);
    const bad = join(dir, 'bad.pcap');
    writeFileSync(bad, cut);
    const s = new NFStreamer({ source: bad, nDissections: 0 });
    const got: number[] = [];
    expect(() => {
      for (const f of s) got.push(f.bidirectional_packets);
    }).toThrow(new RegExp(`bad\\.pcap.*offset ${off}`));
    expect(s.summary!.packets.read).toBe(1000);
    expect(got.reduce((a, b) => a + b, 0)).toBe(s.summary!.packets.processed);
    expect(s.summary!.sources[0]!.error).toMatch(/offset/);
  });
});

describe('NFStreamer source errors', () => {
  it('names the option, the offending entry and what is allowed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-source-'));
    const skype = pcap('skype.pcap');
    expect(() => new NFStreamer({ source: [skype, '-'] })).toThrow(
      /^Invalid option source: expected capture files \("-", standard input, is a source on its own: at index 1\), got \[".*skype\.pcap","-"\]\.$/,
    );
    expect(() => new NFStreamer({ source: [skype, join(dir, 'missing.pcap')] })).toThrow(/invalid path at index 1\), got ".*missing\.pcap"/);
    expect(() => new NFStreamer({ source: [] })).toThrow(/a non-empty list of capture files/);
    expect(() => new NFStreamer({ source: dir })).toThrow(/a capture file, not a directory/);
    // a named pipe is a source (read as a stream), but only on its own
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(new NFStreamer({ source: fifo }).sourceMode).toBe('stream');
    expect(() => new NFStreamer({ source: [skype, fifo] })).toThrow(/^Invalid option source: expected capture files \(a named pipe is a source on its own: at index 1\), got /);
    // a device was called a directory
    expect(() => new NFStreamer({ source: '/dev/null' })).toThrow(/a capture file, not a device, got "\/dev\/null"/);
    expect(() => new NFStreamer({ source: join(dir, 'nothing') })).toThrow(/an existing capture file, a list of files, "-" \(stdin\)/);
  });
});

describe('a stream that fails while it is read', () => {
  it('hands out the flows of the bytes it gave, then throws an error naming the stream and the offset', async () => {
    const bytes = readFileSync(pcap('instagram.pcap'));
    const cut = 400_000;
    let sent = 0;
    const stream = new Readable({
      read() {
        if (sent < cut) this.push(bytes.subarray(sent, (sent += 100_000)));
        else this.destroy(new Error('connection reset'));
      },
    });
    const streamer = new NFStreamer({ source: stream, nDissections: 0 });
    const flows: string[] = [];
    let error: Error | null = null;
    try {
      for await (const f of streamer) flows.push(JSON.stringify(f.toJSON()));
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(/^stream: read failed \(connection reset\) at byte offset \d+$/);
    // the same flows as the bytes it gave, read from a file
    const dir = mkdtempSync(join(tmpdir(), 'fs-stream-fail-'));
    writeFileSync(join(dir, 'part.pcap'), bytes.subarray(0, cut));
    const expected = json(new NFStreamer({ source: join(dir, 'part.pcap'), nDissections: 0 }));
    expect(expected.length).toBeGreaterThan(10);
    expect(flows).toEqual(expected);
    expect(streamer.summary!.sources[0]!.error).toBe(error!.message);
  });
});

describe('summary.meters', () => {
  it('says how many meters ran: 1, the nMeters asked for, or the automatic count of nMeters 0; 1 for core fields alone', async () => {
    const { availableParallelism } = await import('node:os');
    const source = pcap('skype.pcap');
    const ran = async (nMeters?: number, options: Partial<NFStreamerOptions> = { statisticalAnalysis: true }) => {
      const s = new NFStreamer({ source, nDissections: 0, ...options, ...(nMeters === undefined ? {} : { nMeters }) });
      await s.writeTo({ target: 'count', async open() {}, async write() {}, async close() { return { flows: 0, files: [] }; }, async abort() {} });
      return s.summary!;
    };
    expect((await ran()).meters).toBe(1);
    const two = await ran(2);
    expect(two.meters).toBe(2);
    expect(two.manifest.parameters.nMeters).toBe(2);
    const auto = await ran(0);
    expect(auto.meters).toBe(Math.max(1, availableParallelism() - 1));
    // the manifest keeps what was asked for
    expect(auto.manifest.parameters.nMeters).toBe(0);
    // no per-packet work for a second meter to share: one meter, without a warning
    const warn = vi.spyOn(process, 'emitWarning');
    try {
      const coreFields = await ran(2, {});
      expect(coreFields.meters).toBe(1);
      expect(coreFields.manifest.parameters.nMeters).toBe(2);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('a Readable source is read once', () => {
  it('a second run says the stream was already read, naming the file a file stream reads', async () => {
    const path = pcap('skype.pcap');
    const streamer = new NFStreamer({ source: createReadStream(path), nDissections: 0 });
    let first = 0;
    for await (const _f of streamer) first++;
    expect(first).toBe(294);
    await expect(async () => {
      for await (const _f of streamer) break;
    }).rejects.toThrow(`stream of ${path}: already read to its end (by an earlier run of this streamer) or closed`);
    expect(streamer.summary!.sources[0]).toMatchObject({ path: `stream of ${path}`, packetsRead: 0 });
  });
});

describe('leaving a run early', () => {
  // 20,000 one-packet flows 1 ms apart: with a 1 s idle timeout, ~1,000 are live at any time and
  // whole batches are handed out long before the end
  const dir = mkdtempSync(join(tmpdir(), 'fs-early-'));
  const source = join(dir, 'udp.pcap');
  writeUdpFlowsPcap(source, 20_000);
  const options = { source, nDissections: 0, idleTimeout: 1 } as const;

  it('stop() from a for…of body flushes every live flow, as from a for await…of body', async () => {
    const sync = new NFStreamer(options);
    let syncCount = 0;
    for (const _f of sync) if (++syncCount === 1) sync.stop();
    const asyncStreamer = new NFStreamer(options);
    let asyncCount = 0;
    for await (const _f of asyncStreamer) if (++asyncCount === 1) asyncStreamer.stop();
    // more than the first batch: the live flows were flushed; fewer than all: reading stopped
    expect(syncCount).toBeGreaterThan(4096 + 500);
    expect(syncCount).toBeLessThan(20_000);
    expect(syncCount).toBe(asyncCount);
    for (const s of [sync, asyncStreamer]) expect(s.summary).toMatchObject({ flows: syncCount, interrupted: true });
  });

  it('a break: the summary counts the flows handed out and says interrupted', async () => {
    const sync = new NFStreamer(options);
    let n = 0;
    for (const _f of sync) if (++n === 5) break;
    expect(sync.summary).toMatchObject({ flows: 5, interrupted: true });
    const asyncStreamer = new NFStreamer(options);
    n = 0;
    for await (const _f of asyncStreamer) if (++n === 5) break;
    expect(asyncStreamer.summary).toMatchObject({ flows: 5, interrupted: true });
    // batches: whole batches are handed out
    const batches = new NFStreamer(options);
    for await (const b of batches.batches()) {
      expect(b.length).toBe(4096);
      break;
    }
    expect(batches.summary).toMatchObject({ flows: 4096, interrupted: true });
    // a run to its end, and one cut by maxNflows, are not interrupted
    const whole = new NFStreamer(options);
    expect([...whole]).toHaveLength(20_000);
    expect(whole.summary).toMatchObject({ flows: 20_000, interrupted: false });
    const capped = new NFStreamer({ ...options, maxNflows: 10 });
    expect([...capped]).toHaveLength(10);
    expect(capped.summary).toMatchObject({ flows: 10, interrupted: false });
  });

  it('two subscriptions to one flows$ are two runs, each counting its own flows', async () => {
    const s = new NFStreamer({ source: pcap('skype.pcap'), nDissections: 0 });
    const flows$ = s.flows$;
    const [a, b] = await Promise.all([lastValueFrom(flows$.pipe(toArray())), lastValueFrom(flows$.pipe(take(3), toArray()))]);
    expect(a).toHaveLength(294);
    expect(b).toHaveLength(3);
  });

  it('flows$ with take(n) reads no batch past the one it stopped in', async () => {
    const s = new NFStreamer(options);
    expect(await lastValueFrom(s.flows$.pipe(take(5), toArray()))).toHaveLength(5);
    // the run ends once the unsubscribe reached it: one batch read (not two), five flows handed out
    for (let i = 0; s.summary == null && i < 100; i++) await new Promise((r) => setImmediate(r));
    expect(s.summary).toMatchObject({ flows: 5, interrupted: true });
  });
});
