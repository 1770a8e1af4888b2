import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNdpi, ndpiVersion, type NdpiLibrary } from '@flowstream/core';
import { NFStreamer, type FlowSink } from '@flowstream/streamer';
import { PCAPS, runCli } from '../support/run-cli.js';

// One capture with IPv4 and IPv6 flows and several hosts: anonymisation has something to hide.
const CAPTURE = join(PCAPS, 'mdns.pcap');
const FORMATS = ['csv', 'jsonl', 'arrow', 'arrows', 'parquet'] as const;
const SELECTED = ['id', 'src_ip', 'dst_ip', 'dst_port', 'bidirectional_first_seen_ms', 'bidirectional_bytes'];
const ANON = ['src_ip', 'dst_ip'];

const dir = mkdtempSync(join(tmpdir(), 'fs-outputs-'));
let duck: Awaited<ReturnType<typeof DuckDBInstance.create>>;
beforeAll(async () => {
  duck = await DuckDBInstance.create(':memory:');
});
afterAll(() => duck?.closeSync?.());

type Rows = { columns: string[]; rows: Record<string, unknown>[] };

function fromTable(t: Table): Rows {
  const columns = t.schema.fields.map((f) => f.name);
  return { columns, rows: t.toArray().map((r) => r.toJSON() as Record<string, unknown>) };
}

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '\\' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Reads an output back with a reader that is not ours (apache-arrow, DuckDB, JSON.parse). */
async function readBack(format: (typeof FORMATS)[number], path: string): Promise<Rows> {
  switch (format) {
    case 'csv': {
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      const columns = splitCsv(lines[0]!);
      return { columns, rows: lines.slice(1).map((l) => Object.fromEntries(splitCsv(l).map((v, i) => [columns[i], v]))) };
    }
    case 'jsonl': {
      const rows = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      return { columns: Object.keys(rows[0] ?? {}), rows };
    }
    case 'arrow':
    case 'arrows':
      return fromTable(tableFromIPC(readFileSync(path)));
    case 'parquet': {
      const conn = await duck.connect();
      const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
      const columns = reader.columnNames();
      const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
      conn.closeSync?.();
      return { columns, rows };
    }
  }
}

const plain = new NFStreamer({ source: CAPTURE, nDissections: 0 });
const reference = [...plain];
const rawAddresses = new Set(reference.flatMap((f) => [f.src_ip, f.dst_ip]));

describe('every format × --columns × --anonymize, read back by independent readers', () => {
  it('the capture has IPv4 and IPv6 flows', () => {
    expect(new Set(reference.map((f) => f.ip_version))).toEqual(new Set([4, 6]));
  });

  for (const format of FORMATS) {
    for (const columns of [null, SELECTED]) {
      for (const anonymize of [[], ANON]) {
        const name = `${format}, columns ${columns === null ? 'all' : 'selected'}, anonymize ${anonymize.length > 0 ? 'src_ip,dst_ip' : 'none'}`;
        it(name, async () => {
          const out = join(dir, `${format}-${columns === null ? 'all' : 'sel'}-${anonymize.length}.${format}`);
          // the CLI for the full combination of flags, the library (same path, in process) for the rest
          if (columns !== null && anonymize.length > 0) {
            const r = runCli([CAPTURE, '-q', '--n-dissections', '0', '--format', format, '-o', out, '--columns', columns.join(','), '--anonymize', anonymize.join(',')]);
            expect(r.stderr.toString()).toBe('');
            expect(r.status).toBe(0);
          } else {
            await new NFStreamer({ source: CAPTURE, nDissections: 0 }).export(format, out, { columns, columnsToAnonymize: anonymize });
          }
          const back = await readBack(format, out);
          expect(back.rows).toHaveLength(reference.length);
          expect(back.columns).toEqual(columns ?? plain.schema.map((f) => f.name));
          for (const c of ANON) {
            const values = back.rows.map((row) => String(row[c]));
            if (anonymize.length > 0) {
              for (const v of values) {
                expect(rawAddresses.has(v)).toBe(false);
                expect(v).toMatch(/^[0-9a-f]{128}$/);
              }
              // one key per run: equal addresses hash equally
              expect(new Set(values).size).toBe(new Set(reference.map((f) => (c === 'src_ip' ? f.src_ip : f.dst_ip))).size);
            } else expect(values).toEqual(reference.map((f) => (c === 'src_ip' ? f.src_ip : f.dst_ip)));
          }
          if (anonymize.length > 0 && (format === 'csv' || format === 'jsonl')) {
            const text = readFileSync(out, 'utf8');
            for (const a of rawAddresses) expect(text.includes(`"${a}"`)).toBe(false);
          }
          expect(back.rows.map((row) => Number(row.bidirectional_bytes))).toEqual(reference.map((f) => f.bidirectional_bytes));
        });
      }
    }
  }

  it('the library rejects an unknown column in every format before any output exists', async () => {
    for (const format of FORMATS) {
      const out = join(dir, `bad-lib.${format}`);
      await expect(new NFStreamer({ source: CAPTURE }).export(format, out, { columns: ['nosuch'] })).rejects.toThrow(/unknown column "nosuch"/);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('an unknown column fails before reading, names the column and the valid ones, and creates no file', () => {
    for (const format of ['csv', 'parquet']) {
      const out = join(dir, `bad-${format}.out`);
      for (const option of ['--columns', '--anonymize']) {
        const r = runCli([CAPTURE, '--format', format, '-o', out, option, 'id,nosuch']);
        expect(r.status).toBe(2);
        expect(r.stderr.toString()).toMatch(/unknown column "nosuch" \(valid columns: id, expiration_id, src_ip/);
        expect(existsSync(out)).toBe(false);
      }
    }
  });
});

describe('export option names', () => {
  it('a misspelt or foreign option fails before the run, naming it and the allowed names; no file is made', async () => {
    const out = join(dir, 'typo.csv');
    const streamer = new NFStreamer({ source: CAPTURE, nDissections: 0 });
    await expect(streamer.export('csv', out, { flowsPerFIle: 3 })).rejects.toThrow(/Invalid option flowsPerFIle: expected one of the known options \(.*flowsPerFile.*\)/);
    await expect(streamer.export('csv', out, { flows_per_file: 3 })).rejects.toThrow('did you mean flowsPerFile?');
    // an IPFIX setting is not a CSV option; in an IPFIX export it is read
    await expect(streamer.export('csv', out, { ipfixRate: 5 })).rejects.toThrow('Invalid option ipfixRate: a setting of the ipfix format, and this export writes csv.');
    // the Parquet codec likewise (the command line refuses --compression without a Parquet output too)
    await expect(streamer.export('jsonl', join(dir, 'typo.jsonl'), { compression: 'zstd' })).rejects.toThrow('Invalid option compression: a setting of the parquet format, and this export writes jsonl.');
    expect(existsSync(join(dir, 'typo.jsonl'))).toBe(false);
    await expect(streamer.export('ipfix', 'udp://127.0.0.1:9', { ipfixRate: 'fast' })).rejects.toThrow('Invalid option ipfixRate: expected an integer');
    // the snapshot output's format counts: a NATS setting is still foreign to csv + jsonl
    await expect(new NFStreamer({ source: CAPTURE, nDissections: 0, snapshotInterval: 1 }).export('csv', out, { snapshotOutput: join(dir, 'typo.jsonl'), natsStream: 'X' })).rejects.toThrow('Invalid option natsStream');
    expect(existsSync(out)).toBe(false);
    // undefined values are absent options; general options of every format pass
    const flows = (await streamer.export('csv', out, { flowsPerFile: undefined, columns: ['src_ip'], warn: () => {} })).flows;
    expect(flows).toBeGreaterThan(0);
    // the codec where a snapshot output is Parquet
    const snapshots = join(dir, 'codec-snapshots.parquet');
    await new NFStreamer({ source: CAPTURE, nDissections: 0, snapshotInterval: 1 }).export('csv', join(dir, 'codec.csv'), { snapshotOutput: snapshots, compression: 'gzip' });
    expect(existsSync(snapshots)).toBe(true);
  });

  it('a format that does not declare its settings may read any option', async () => {
    const { registerSink, NullSink } = await import('@flowstream/streamer');
    let seen: unknown;
    registerSink({ name: 'custom-settings', description: 'test', target: 'none', create: async (_t, o) => ((seen = o['mySetting']), new NullSink()) });
    await new NFStreamer({ source: CAPTURE, nDissections: 0 }).export('custom-settings', '', { mySetting: 7 });
    expect(seen).toBe(7);
  });
});

describe('every source kind gives the same export', () => {
  it('a file, a list of one file, a Node stream and stdin give the same bytes in every format', async () => {
    for (const format of ['csv', 'jsonl', 'parquet'] as const) {
      const fromFile = join(dir, `file.${format}`);
      const fromList = join(dir, `list.${format}`);
      const fromStream = join(dir, `stream.${format}`);
      const fromStdin = join(dir, `stdin.${format}`);
      await new NFStreamer({ source: CAPTURE, nDissections: 0 }).export(format, fromFile);
      await new NFStreamer({ source: [CAPTURE], nDissections: 0 }).export(format, fromList);
      await new NFStreamer({ source: createReadStream(CAPTURE), nDissections: 0 }).export(format, fromStream);
      const r = runCli(['-', '-q', '--n-dissections', '0', '--format', format, '-o', fromStdin], { input: readFileSync(CAPTURE) });
      expect(r.status).toBe(0);
      const rows = async (p: string) => (await readBack(format, p)).rows;
      const want = await rows(fromFile);
      expect(want).toHaveLength(reference.length);
      for (const p of [fromList, fromStream, fromStdin]) expect(await rows(p)).toEqual(want);
      if (format !== 'parquet') for (const p of [fromList, fromStream, fromStdin]) expect(readFileSync(p)).toEqual(readFileSync(fromFile));
    }
  });
});

describe('manifest, summary and the output files', () => {
  const sha = createHash('sha256').update(readFileSync(CAPTURE)).digest('hex');

  it('Arrow and Parquet carry the complete manifest (with the input SHA-256) and the summary', async () => {
    const arrow = join(dir, 'm.arrow');
    const parquet = join(dir, 'm.parquet');
    const s = new NFStreamer({ source: CAPTURE, nDissections: 0 });
    await s.toArrowFile(arrow);
    await s.toParquet(parquet);
    const meta = tableFromIPC(readFileSync(arrow)).schema.metadata;
    const manifest = JSON.parse(meta.get('flowstream')!);
    expect(manifest.sources).toEqual([{ name: CAPTURE, size: readFileSync(CAPTURE).length, sha256: sha }]);
    expect(manifest.parameters).toMatchObject({ idleTimeout: 120, nDissections: 0 });
    expect(JSON.parse(meta.get('flowstream.summary')!)).toMatchObject({ flows: reference.length, packets: { read: s.summary!.packets.read } });
    const conn = await duck.connect();
    const kv = (await conn.runAndReadAll(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${parquet}')`)).getRowObjectsJS() as { k: string; v: string }[];
    conn.closeSync?.();
    const pm = JSON.parse(kv.find((e) => e.k === 'flowstream')!.v);
    expect(pm.sources[0].sha256).toBe(sha);
    expect(JSON.parse(kv.find((e) => e.k === 'flowstream.summary')!.v).flows).toBe(reference.length);
  });

  it('--summary keeps its keys and adds the manifest; --input-hash hashes for CSV too', () => {
    const summary = join(dir, 'run.json');
    const r = runCli([CAPTURE, '-q', '--n-dissections', '0', '-o', join(dir, 's.csv'), '--summary', summary, '--input-hash']);
    expect(r.status).toBe(0);
    const json = JSON.parse(readFileSync(summary, 'utf8'));
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['sources', 'packets', 'flows', 'manifest']));
    expect(json.flows).toBe(reference.length);
    expect(json.manifest.sources[0].sha256).toBe(sha);
    const noHash = join(dir, 'run2.json');
    runCli([CAPTURE, '-q', '--n-dissections', '0', '-o', join(dir, 's2.csv'), '--summary', noHash]);
    expect(JSON.parse(readFileSync(noHash, 'utf8')).manifest.sources[0].sha256).toBeUndefined();
  });

  it.skipIf(loadNdpi() instanceof Error && process.env.CI !== 'true')('the manifest names the nDPI that dissected (summary, Arrow footer, library), and no nDPI without dissection', async () => {
    const expected = ndpiVersion(loadNdpi() as NdpiLibrary);
    expect(expected).toMatch(/^nDPI \d+\.\d+/);
    const summary = join(dir, 'ndpi.json');
    expect(runCli([CAPTURE, '-q', '--format', 'none', '--summary', summary]).status).toBe(0);
    expect(JSON.parse(readFileSync(summary, 'utf8')).manifest.ndpi).toBe(expected);
    const arrow = join(dir, 'ndpi.arrow');
    const s = new NFStreamer({ source: CAPTURE, nDissections: 20, nMeters: 2 });
    await s.toArrowFile(arrow);
    expect(s.summary!.manifest.ndpi).toBe(expected);
    expect(JSON.parse(tableFromIPC(readFileSync(arrow)).schema.metadata.get('flowstream')!).ndpi).toBe(expected);
    const none = join(dir, 'no-ndpi.json');
    expect(runCli([CAPTURE, '-q', '--format', 'none', '--n-dissections', '0', '--summary', none]).status).toBe(0);
    expect(JSON.parse(readFileSync(none, 'utf8')).manifest.ndpi).toBeUndefined();
  });

  it('flowsPerFile splits every file format; the parts hold every flow once', async () => {
    const sub = mkdtempSync(join(dir, 'rot-'));
    const res = await new NFStreamer({ source: CAPTURE, nDissections: 0 }).export('parquet', join(sub, 'flows.parquet'), { flowsPerFile: 7 });
    const parts = readdirSync(sub).sort();
    expect(parts.every((p) => /^flows\.\d+\.parquet$/.test(p))).toBe(true);
    expect(parts).toHaveLength(Math.ceil(reference.length / 7));
    expect(res.files).toHaveLength(parts.length);
    let ids: number[] = [];
    for (const p of parts) ids = ids.concat((await readBack('parquet', join(sub, p))).rows.map((r) => Number(r.id)));
    expect(ids.sort((a, b) => a - b)).toEqual(reference.map((f) => f.id));
  });

  it('a key file makes hashes stable across runs; without one they differ', async () => {
    const key = join(dir, 'key.hex');
    writeFileSync(key, `${'ab'.repeat(64)}\n`);
    const run = async (k?: string) => {
      const out = join(dir, `k-${Math.random()}.jsonl`);
      await new NFStreamer({ source: CAPTURE, nDissections: 0 }).export('jsonl', out, { columns: ['src_ip'], columnsToAnonymize: ['src_ip'], anonymizeKey: k ?? null });
      return readFileSync(out, 'utf8');
    };
    expect(await run(key)).toBe(await run(key));
    expect(await run()).not.toBe(await run());
  });

  it('no file and no temporary file are left when there are no flows (CSV) or when the sink fails', async () => {
    const sub = mkdtempSync(join(dir, 'empty-'));
    const arp = join(sub, 'arp.pcap');
    const header = Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex');
    const rec = Buffer.alloc(16 + 60);
    rec.writeUInt32LE(60, 8);
    rec.writeUInt32LE(60, 12);
    rec.writeUInt16BE(0x0806, 16 + 12);
    writeFileSync(arp, Buffer.concat([header, rec]));
    expect(await new NFStreamer({ source: arp, nDissections: 0 }).toCsv(join(sub, 'none.csv'))).toBe(0);
    expect(readdirSync(sub)).toEqual(['arp.pcap']);
    // a sink that fails on its first batch: the run stops, the error names the target, abort is called
    let aborted = false;
    const failing: FlowSink = {
      target: 'broken://sink',
      async open() {},
      async write() {
        throw new Error('disk on fire');
      },
      async close() {
        return { flows: 0, files: [] };
      },
      async abort() {
        aborted = true;
      },
    };
    await expect(new NFStreamer({ source: CAPTURE, nDissections: 0 }).writeTo(failing)).rejects.toThrow('broken://sink: disk on fire');
    expect(aborted).toBe(true);
  });

  /**
   * The CLI writing to a named pipe `name` in a fresh folder, read by `cat` as a consumer downstream
   * would; resolves with what the reader got. The reader ends when the writer closes the pipe: a
   * pipe renamed over (replaced by a file) would keep it waiting, which fails here.
   */
  async function throughFifo(name: string): Promise<{ here: string; fifo: string; got: Buffer }> {
    const here = mkdtempSync(join(tmpdir(), 'fs-special-'));
    const fifo = join(here, name);
    spawnSync('mkfifo', [fifo]);
    const reader = spawn('sh', ['-c', `cat '${fifo}' > '${join(here, `got-${name}`)}'`]);
    const r = runCli([CAPTURE, '-q', '--n-dissections', '0', '-o', fifo]);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    const ended = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 15_000);
      reader.on('exit', () => (clearTimeout(timer), resolve(true)));
    });
    if (!ended) reader.kill('SIGKILL');
    expect(ended).toBe(true);
    return { here, fifo, got: readFileSync(join(here, `got-${name}`)) };
  }
  const plainCsv = () => runCli([CAPTURE, '-q', '--n-dissections', '0']).stdout.toString();

  it('a named pipe or a link to a device as -o is written in place, never replaced by a file', async () => {
    const { here, fifo, got } = await throughFifo('flows.csv');
    expect(got.toString()).toBe(plainCsv());
    // stat's bigint form: a plain stat of a FIFO would upset this process's module resolution
    expect(lstatSync(fifo, { bigint: true }).isFIFO()).toBe(true);
    const link = join(here, 'null.parquet');
    symlinkSync('/dev/null', link);
    // Parquet (by the name's ending) into a device: written in order, the footer keeps the manifest
    const parquet = runCli([CAPTURE, '-q', '--n-dissections', '0', '-o', link]);
    expect(parquet.stderr.toString()).toBe('');
    expect(parquet.status).toBe(0);
    expect(lstatSync(link, { bigint: true }).isSymbolicLink()).toBe(true);
    expect(readdirSync(here).sort()).toEqual(['flows.csv', 'got-flows.csv', 'null.parquet']);
  });

  it('Parquet through a named pipe: a reader gets a complete file with the manifest (the summary needs a rewritable file)', async () => {
    const { got } = await throughFifo('flows.parquet');
    const pl = await import('nodejs-polars');
    expect(pl.readParquet(got).height).toBe(plainCsv().trim().split('\n').length - 1);
    expect(got.toString('latin1')).toContain('flowstream');
  });

  it('disk full and a missing folder end the CLI with exit 1 and a message naming the target', () => {
    const full = runCli([CAPTURE, '-q', '--n-dissections', '0', '-o', '/dev/full']);
    expect(full.status).toBe(1);
    expect(full.stderr.toString()).toMatch(/\/dev\/full: .*(ENOSPC|no space)/i);
    const missing = join(dir, 'no', 'such', 'x.parquet');
    const r = runCli([CAPTURE, '--format', 'parquet', '-o', missing, '--summary', join(dir, 'missing.json')]);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain(`${missing}: folder`);
    expect(r.stderr.toString()).not.toMatch(/flows from/);
  });
});
