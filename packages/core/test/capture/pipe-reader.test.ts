import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureRecord } from '../../src/capture/capture-record.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { PipeCaptureReader, type PipeReaderOptions } from '../../src/capture/pipe-capture-reader.js';
import { PipeCtl } from '../../src/capture/pipe-reader-worker.js';
import { ReadStatus } from '../../src/capture/read-status.js';
import { copyRecord, fingerprint, readAll, writeTemp, type RecordCopy } from './read-all.js';
import { PCAPS, ROOT } from '../../../../test/support/paths.js';

const READ_STDIN = join(ROOT, 'packages', 'core', 'test', 'capture', 'support', 'read-stdin-pipe.ts');
const CLOSE_AFTER_FIRST = join(ROOT, 'packages', 'core', 'test', 'capture', 'support', 'close-after-first.ts');

// The pipe reader on real pipes (a FIFO written by another process) and sockets (a Node parent's
// stdio): the records are the file reader's, whatever the ring size, the pace of the writer, or
// how the capture ends.

const writers: ChildProcess[] = [];
afterEach(() => {
  for (const w of writers.splice(0)) w.kill('SIGKILL');
});

/** Writes `script` (a shell command whose stdout feeds the pipe) into a FIFO; returns the FIFO's read descriptor. */
function pipeFrom(script: string): number {
  const fifo = join(mkdtempSync(join(tmpdir(), 'fs-pipe-')), 'in');
  execFileSync('mkfifo', [fifo]);
  writers.push(spawn('sh', ['-c', `(${script}) > '${fifo}'`], { stdio: 'ignore' }));
  // blocks until the writer has opened its end
  return openSync(fifo, 'r');
}

/** Writes `bytes` in `chunk`-byte writes, `pauseMs` apart (a slow producer such as a quiet capture). */
function slowWriter(path: string, chunk: number, pauseMs: number): string {
  const code = `const b=require('fs').readFileSync(${JSON.stringify(path)});let i=0;const t=setInterval(()=>{process.stdout.write(b.subarray(i,i+${chunk}));i+=${chunk};if(i>=b.length)clearInterval(t);},${pauseMs});`;
  return `'${process.execPath}' -e "${code.replace(/"/g, '\\"')}"`;
}

async function readPipe(reader: PipeCaptureReader): Promise<{ records: RecordCopy[]; status: ReadStatus; waits: number }> {
  const record = new CaptureRecord();
  const records: RecordCopy[] = [];
  let waits = 0;
  for (;;) {
    const status = reader.next(record);
    if (status === ReadStatus.Record) records.push(copyRecord(record));
    else if (status === ReadStatus.NeedMore) {
      waits++;
      await reader.waitForData();
    } else return { records, status, waits };
  }
}

function fileRecords(path: string) {
  const reader = openCapture(path);
  const { records, status } = readAll(reader);
  const result = { records, status, format: reader.format, error: reader.error?.message ?? null, truncatedAt: reader.truncatedAt };
  reader.close();
  return result;
}

async function throughPipe(path: string, options: PipeReaderOptions, script = `cat '${path}'`) {
  const reader = new PipeCaptureReader(pipeFrom(script), 'pipe', options);
  const result = await readPipe(reader);
  const summary = { ...result, format: reader.format, error: reader.error, truncatedAt: reader.truncatedAt };
  reader.close();
  return { ...summary, digest: await reader.sha256() };
}

/**
 * Reads every record of `capture` from `reader` (whose pipe then stays open and silent), closes
 * it during the wait for more: the wait ends, the reader ends, and its thread ended before the
 * end of the pipe (no digest).
 */
async function closeWhileQuiet(reader: PipeCaptureReader, capture: string): Promise<void> {
  const record = new CaptureRecord();
  const expected = fileRecords(capture).records.length;
  let records = 0;
  while (records < expected) {
    if (reader.next(record) === ReadStatus.Record) records++;
    else await reader.waitForData();
  }
  expect(reader.next(record)).toBe(ReadStatus.NeedMore);
  const wait = reader.waitForData();
  reader.close();
  await wait;
  expect(reader.next(record)).toBe(ReadStatus.End);
  expect(await reader.sha256()).toBeNull();
}

describe('PipeCaptureReader', () => {
  it.each([
    ['instagram.pcap', 128 * 1024, 64 * 1024],
    ['instagram.pcap', 128 * 1024, 256],
    ['pps.pcap', 128 * 1024, 64 * 1024],
    ['pps.pcap', 128 * 1024, 256],
    ['quic-33.pcapng', 128 * 1024, 256],
    ['dhcp.pcapng', 128 * 1024, 256],
  ])('%s through a real pipe and a %i-byte ring (%i bytes of headroom): the file reader\'s records', async (name, ringBytes, headroomBytes) => {
    const path = join(PCAPS, name);
    const expected = fileRecords(path);
    const got = await throughPipe(path, { ringBytes, headroomBytes });
    expect(got.status).toBe(ReadStatus.End);
    expect(got.format).toBe(expected.format);
    expect(got.records.length).toBe(expected.records.length);
    expect(got.records.map(fingerprint)).toEqual(expected.records.map(fingerprint));
  }, 60_000);

  it('bytes taken from the pipe before (to tell what it holds) handed over as a prefix: the file reader\'s records and the SHA-256 of every byte', async () => {
    const path = join(PCAPS, 'instagram.pcap');
    const expected = fileRecords(path);
    for (const taken of [8, 1000]) {
      const fd = pipeFrom(`cat '${path}'`);
      const prefix = Buffer.alloc(taken);
      let n = 0;
      while (n < taken) n += readSync(fd, prefix, n, taken - n, null);
      // a small ring: the prefix is overwritten once the records after it were read
      const reader = new PipeCaptureReader(fd, 'pipe', { prefix, ringBytes: 128 * 1024, headroomBytes: 256, hash: true });
      const got = await readPipe(reader);
      reader.close();
      expect(got.status).toBe(ReadStatus.End);
      expect(got.records.map(fingerprint), `${taken}`).toEqual(expected.records.map(fingerprint));
      expect(await reader.sha256()).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
    const fd = pipeFrom(`cat '${path}'`);
    expect(() => new PipeCaptureReader(fd, 'pipe', { prefix: Buffer.alloc(40 * 1024), ringBytes: 128 * 1024 })).toThrow(/prefix of 40960 bytes: at most a quarter of the ring/);
    closeSync(fd);
  }, 60_000);

  it('bytes that arrive in small writes with pauses: the same records, read as they come', async () => {
    const path = join(PCAPS, 'google_ssl.pcap');
    const expected = fileRecords(path);
    const got = await throughPipe(path, {}, slowWriter(path, 300, 20));
    expect(got.status).toBe(ReadStatus.End);
    expect(got.waits).toBeGreaterThan(0);
    expect(got.records.map(fingerprint)).toEqual(expected.records.map(fingerprint));
  }, 60_000);

  it('hashes every byte in the reader thread: the SHA-256 of the capture', async () => {
    const path = join(PCAPS, 'instagram.pcap');
    const got = await throughPipe(path, { hash: true, ringBytes: 128 * 1024 });
    expect(got.digest).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    expect((await throughPipe(path, {})).digest).toBeNull();
  }, 60_000);

  it.each([
    ['google_ssl.pcap', 'read whole before the ask'],
    ['pps.pcap', 'larger than the ring: hashed from the first byte on'],
  ])('hashAll() after the worker began reading %s (%s): the SHA-256 of every byte', async (name) => {
    const path = join(PCAPS, name);
    const reader = new PipeCaptureReader(pipeFrom(`cat '${path}'`), 'late', { ringBytes: 256 * 1024 });
    // the worker published bytes (for the small capture it usually read it all and ended)
    await reader.waitForData();
    reader.hashAll();
    const { records, status } = await readPipe(reader);
    expect(status).toBe(ReadStatus.End);
    expect(records.length).toBe(fileRecords(path).records.length);
    reader.close();
    expect(await reader.sha256()).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    expect(() => reader.hashAll()).toThrow(/after reading began/);
  }, 60_000);

  it('hashAll() while the reader thread waits for room (the ring full): the SHA-256 still starts at the first byte', async () => {
    const path = join(PCAPS, 'pps.pcap');
    const reader = new PipeCaptureReader(pipeFrom(`cat '${path}'`), 'full', { ringBytes: 256 * 1024 });
    // white box: the thread announces its sleep in the control words; the next bytes it reads go
    // over the ring's first ones, once this thread has read and freed them
    const control = (reader as unknown as { lender: { control: Int32Array } }).lender.control;
    for (let waited = 0; Atomics.load(control, PipeCtl.Sleeping) === 0 && waited < 10_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    expect(Atomics.load(control, PipeCtl.Sleeping)).toBe(1);
    reader.hashAll();
    const { status } = await readPipe(reader);
    expect(status).toBe(ReadStatus.End);
    reader.close();
    expect(await reader.sha256()).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
  }, 60_000);

  it('close() while the pipe is quiet ends the wait at once and ends the reader thread', async () => {
    const path = join(PCAPS, 'google_ssl.pcap');
    await closeWhileQuiet(new PipeCaptureReader(pipeFrom(`cat '${path}'; sleep 60`), 'quiet', { hash: true }), path);
  }, 60_000);

  describe('a named pipe given by its path', () => {
    function fifo(): string {
      const path = join(mkdtempSync(join(tmpdir(), 'fs-fifo-')), 'in');
      execFileSync('mkfifo', [path]);
      return path;
    }

    it('waits for a writer that comes later, then gives the file reader\'s records and the SHA-256 of the bytes', async () => {
      const capture = join(PCAPS, 'instagram.pcap');
      const path = fifo();
      // the reader exists before any writer: its thread waits in open, as libpcap's reader does
      const reader = new PipeCaptureReader(path, path, { hash: true, ringBytes: 128 * 1024 });
      const record = new CaptureRecord();
      expect(reader.next(record)).toBe(ReadStatus.NeedMore);
      writers.push(spawn('sh', ['-c', `sleep 0.3; cat '${capture}' > '${path}'`], { stdio: 'ignore' }));
      const got = await readPipe(reader);
      expect(got.status).toBe(ReadStatus.End);
      expect(got.records.map(fingerprint)).toEqual(fileRecords(capture).records.map(fingerprint));
      reader.close();
      expect(await reader.sha256()).toBe(createHash('sha256').update(readFileSync(capture)).digest('hex'));
    }, 60_000);

    // the thread may be booting, about to open, or in open: each close must end it (a thread left
    // in open would keep the process from exiting, and sha256() would never resolve)
    it('close() while no writer ever comes ends the reader thread, whenever it comes', async () => {
      for (let delay = 0; delay < 40; delay += 4) {
        const path = fifo();
        const reader = new PipeCaptureReader(path, path);
        const wait = reader.waitForData();
        await new Promise((resolve) => setTimeout(resolve, delay));
        reader.close();
        await wait;
        // no byte came: the reader is over (an empty capture, as a closed empty stdin is)
        expect([ReadStatus.End, ReadStatus.Error]).toContain(reader.next(new CaptureRecord()));
        expect(await reader.sha256()).toBeNull();
      }
    }, 60_000);

    it('close() while the writer is connected and quiet ends the wait and the thread', async () => {
      const capture = join(PCAPS, 'google_ssl.pcap');
      const path = fifo();
      writers.push(spawn('sh', ['-c', `(cat '${capture}'; sleep 60) > '${path}'`], { stdio: 'ignore' }));
      await closeWhileQuiet(new PipeCaptureReader(path, path, { hash: true }), capture);
    }, 60_000);

    it('refuses a path that is no named pipe', () => {
      expect(() => new PipeCaptureReader(join(PCAPS, 'instagram.pcap'), 'file')).toThrow(/instagram\.pcap: not a named pipe/);
    });
  });

  // the window is a few ms wide: close at every delay from 0 to 19 ms after the first record
  // (before the fix, 5 of 40 such closes aborted the process with `napi_throw`, exit 134)
  it('close() right after the first bytes, while the reader thread loads its native module, ends the process cleanly', async () => {
    const path = join(PCAPS, 'instagram.pcap');
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const failures: string[] = [];
    for (let spin = 0; spin < 20; spin++) {
      // stdin is a pipe that stays open; the producer is ended with the process group
      const c = spawn('bash', ['-c', `exec ${q(process.execPath)} --conditions=source --import tsx ${q(CLOSE_AFTER_FIRST)} ${spin} < <(cat ${q(path)}; sleep 30)`], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      let stderr = '';
      c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => c.on('exit', (status) => resolve(status)));
      process.kill(-c.pid!, 'SIGKILL');
      if (code !== 0) failures.push(`spin ${spin} ms: exit ${code} ${stderr.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('a pipe that ends mid-record drops that record, as a truncated file does', async () => {
    const bytes = readFileSync(join(PCAPS, 'instagram.pcap'));
    const path = writeTemp('truncated.pcap', bytes.subarray(0, 1_000_003));
    const expected = fileRecords(path);
    expect(expected.truncatedAt).not.toBeNull();
    const got = await throughPipe(path, { ringBytes: 128 * 1024 });
    expect(got.status).toBe(ReadStatus.End);
    expect(got.truncatedAt).toBe(expected.truncatedAt);
    expect(got.records.map(fingerprint)).toEqual(expected.records.map(fingerprint));
  }, 60_000);

  it('a read that fails ends with an error naming the source, not with a clean end', async () => {
    // reading a folder's descriptor fails (EISDIR) as a broken pipe or socket would
    const reader = new PipeCaptureReader(openSync(mkdtempSync(join(tmpdir(), 'fs-dir-')), 'r'), 'broken');
    const got = await readPipe(reader);
    expect(got.status).toBe(ReadStatus.Error);
    expect(reader.error?.message).toMatch(/^broken: read failed \(EISDIR/);
    reader.close();
  }, 60_000);

  it('a corrupt record ends with an error naming the pipe and the offset, after the records before it', async () => {
    const bytes = Buffer.from(readFileSync(join(PCAPS, 'instagram.pcap')));
    let offset = 24;
    for (let i = 0; i < 1000; i++) offset += 16 + bytes.readUInt32LE(offset + 8);
    bytes.writeUInt32LE(0x7fffffff, offset + 8);
    const path = writeTemp('corrupt.pcap', bytes);
    const expected = fileRecords(path);
    const got = await throughPipe(path, { ringBytes: 128 * 1024 });
    expect(got.status).toBe(ReadStatus.Error);
    expect(got.records).toHaveLength(1000);
    expect(got.records.map(fingerprint)).toEqual(expected.records.map(fingerprint));
    expect(got.error?.message).toBe(expected.error!.replace(path, 'pipe'));
    expect(got.error?.message).toMatch(new RegExp(`^pipe: .*offset ${offset}`));
  }, 60_000);

  describe('on a socket (read from the worker\'s event loop)', () => {
    /** Runs the reader in a child whose stdin is a socket; `bytes` are written to it, `end` closes it. */
    function child(bytes: Buffer, args: string[], end: boolean): Promise<{ fingerprints: string[]; status: number; error: string | null; sha256: string | null }> {
      const c = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', READ_STDIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
      writers.push(c);
      let out = '';
      c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      c.stdin!.write(bytes);
      if (end) c.stdin!.end();
      return new Promise((resolve) => c.on('exit', () => resolve(JSON.parse(out))));
    }

    it('the file reader\'s records and the SHA-256 of the bytes', async () => {
      const path = join(PCAPS, 'pps.pcap');
      const bytes = readFileSync(path);
      const got = await child(bytes, [], true);
      expect(got.status).toBe(ReadStatus.End);
      expect(got.fingerprints).toEqual(fileRecords(path).records.map(fingerprint));
      expect(got.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }, 60_000);

    it('close() while the socket is quiet ends the wait and the worker: the process exits', async () => {
      const path = join(PCAPS, 'google_ssl.pcap');
      const expected = fileRecords(path).records.map(fingerprint);
      // the socket stays open: only close() can end the child
      const got = await child(readFileSync(path), [String(expected.length)], false);
      expect(got.status).toBe(ReadStatus.End);
      expect(got.fingerprints).toEqual(expected);
      expect(got.sha256).toBeNull();
    }, 60_000);
  });
});
