/**
 * Runs every example of examples/ as a user would (a child process from the repository root,
 * TypeScript sources through tsx) against small captures, and checks its output against
 * reference values computed here with the library itself, and the files it writes read back
 * with other readers (apache-arrow, DuckDB, pandas…).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NFStreamer, packets } from '@flowstream/streamer';
import type { NFlow } from '@flowstream/core';
import { runCli } from '../support/run-cli.js';
// The example module only defines the plugin when imported (its demo runs as a main script).
import { PayloadHistogram } from '../../../../examples/custom-plugin.ts';
import { BytesPerProtocol } from '../../../../examples/custom-sink.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..', '..', '..');
const EXAMPLES = join(REPO, 'examples');
const PCAPS = resolve(REPO, '..', 'shared', 'corpus', 'nfstream', 'pcaps');
const SAMPLE = join(EXAMPLES, 'sample.pcap');
const CURL = join(PCAPS, '443-curl.pcap');
const FACEBOOK = join(PCAPS, 'facebook.pcap');
/** Debian's python3 (with python3-pandas); the one on PATH may be a pyenv without pandas. */
const PYTHON = process.env.EXAMPLES_PYTHON ?? '/usr/bin/python3';
const CI = process.env.CI === 'true';

/** Third-party modules the examples import directly (users install them in their project). */
const EXAMPLE_DEPENDENCIES = ['rxjs', 'nodejs-polars', '@duckdb/node-api'];
/** Resolved as ESM from examples/, as `node examples/x.ts` does (CJS would also see pnpm's NODE_PATH). */
const unresolvedFromExamples: string[] = JSON.parse(
  spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = ${JSON.stringify(EXAMPLE_DEPENDENCIES)}.filter((s) => { try { import.meta.resolve(s); return false; } catch { return true; } });
       process.stdout.write(JSON.stringify(m));`,
    ],
    { cwd: EXAMPLES, encoding: 'utf8' },
  ).stdout,
) as string[];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runExample(name: string, args: string[]): Run {
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', join(EXAMPLES, name), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(run: Run): string {
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
}

/** The number after `label: ` on the line starting with it. */
function valueAfter(stdout: string, label: string): string {
  const m = new RegExp(`^${label}: (\\S+)`, 'm').exec(stdout);
  expect(m, `"${label}: …" in:\n${stdout}`).not.toBeNull();
  return m![1]!;
}

/** Minimal RFC 4180 reader (quoted fields, doubled quotes); enough for the CSV export. */
function readCsv(path: string): { header: string[]; rows: string[][] } {
  const text = readFileSync(path, 'utf8');
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(field), (field = '');
    else if (c === '\n') record.push(field), records.push(record), (record = []), (field = '');
    else if (c !== '\r') field += c;
  }
  if (field !== '' || record.length > 0) record.push(field), records.push(record);
  return { header: records[0]!, rows: records.slice(1) };
}

function referenceFlows(source: string): { flows: NFlow[]; streamer: NFStreamer } {
  const streamer = new NFStreamer({ source, statisticalAnalysis: true, nDissections: 0 });
  return { flows: [...streamer], streamer };
}

const PROTOCOLS: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6' };

let tmp: string;
let reference: NFlow[];
let referenceRead: number;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'flowstream-examples-'));
  const { flows, streamer } = referenceFlows(SAMPLE);
  reference = flows;
  referenceRead = streamer.summary!.packets.read;
  expect(reference.length).toBeGreaterThan(5);
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('examples', () => {
  it('dependencies resolve from examples/ (root package.json)', () => {
    expect(
      unresolvedFromExamples,
      'the examples import these packages; add them to the root package.json devDependencies ' +
        '(same versions as packages/streamer) and run pnpm install',
    ).toEqual([]);
  });

  it('iterate-flows.ts prints every flow and the summary', () => {
    const out = ok(runExample('iterate-flows.ts', [SAMPLE, '5']));
    expect(Number(valueAfter(out, 'flows'))).toBe(reference.length);
    const lines = out.split('\n').filter((l) => l.startsWith('#'));
    expect(lines).toHaveLength(5);
    reference.slice(0, 5).forEach((f, i) => {
      expect(lines[i]).toContain(`#${f.id} ${PROTOCOLS[f.protocol]} ${f.src_ip}:${f.src_port} -> ${f.dst_ip}:${f.dst_port}`);
      expect(lines[i]).toContain(`packets=${f.bidirectional_packets} bytes=${f.bidirectional_bytes}`);
    });
    expect(out).toContain(`… ${reference.length - 5} more`);
    expect(out).toMatch(new RegExp(`^packets: read=${referenceRead} `, 'm'));
  });

  it.each([[[]], [['--packets']]])('rxjs-pipeline.ts %j: running totals per protocol', (extra) => {
    const out = ok(runExample('rxjs-pipeline.ts', [SAMPLE, ...extra]));
    const kept = reference.filter((f) => f.bidirectional_packets > 1);
    const expected: Record<string, string> = {};
    for (const f of kept) {
      const name = PROTOCOLS[f.protocol]!;
      const [flows, bytes] = (expected[name] ?? '0/0').split('/').map(Number) as [number, number];
      expected[name] = `${flows + 1}/${bytes + f.bidirectional_bytes}`;
    }
    const got: Record<string, string> = {};
    for (const m of out.matchAll(/^(\S+)\s+flows=(\d+) bytes=(\d+)$/gm)) got[m[1]!] = `${m[2]}/${m[3]}`;
    expect(got).toEqual(expected);
    // bufferTime's size cap (4) bounds every batch, whatever the wall-clock timing
    const batches = out.match(/^after batch \d+:/gm) ?? [];
    expect(batches.length).toBeGreaterThanOrEqual(Math.ceil(kept.length / 4));
    const all = kept.reduce((s, f) => s + f.bidirectional_bytes, 0);
    expect(out.trimEnd().split('\n').filter((l) => l.startsWith('after batch')).at(-1)).toContain(`: ${all} bytes`);
  });

  describe('custom-plugin.ts (PayloadHistogram)', () => {
    /** Payload sizes of every decoded packet, straight from the packet stream (no flows). */
    async function payloadSizes(source: string): Promise<number[]> {
      const sizes: number[] = [];
      await new Promise<void>((done, fail) =>
        packets(source).subscribe({
          next: (b) => {
            for (let i = 0; i < b.length; i++) sizes.push(b.packets[i]!.payloadSize);
          },
          error: fail,
          complete: done,
        }),
      );
      return sizes;
    }

    function binOf(bounds: number[], size: number): number {
      let bin = 0;
      while (bin < bounds.length && size >= bounds[bin]!) bin++;
      return bin;
    }

    it.each([
      [CURL, 0, false],
      [CURL, 10, false],
      [CURL, 7, true],
      [FACEBOOK, 0, false],
      [FACEBOOK, 0, true],
      [FACEBOOK, 8, true],
      [SAMPLE, 1, false],
      [SAMPLE, 50, true],
    ])('%s maxPackets=%i cutOnClose=%s: histograms sum to packets, cuts respected', async (source, maxPackets, cutOnClose) => {
      const plugin = new PayloadHistogram({ maxPackets, cutOnClose });
      const streamer = new NFStreamer({ source, nDissections: 0, udps: [plugin] });
      const flows = [...streamer];
      expect(streamer.schema.find((f) => f.name === 'udps.payload_hist')?.type).toBe('int[]');
      const total = new Array<number>(plugin.bounds.length + 1).fill(0);
      let packetsInFlows = 0;
      for (const f of flows) {
        const hist = f.udps.payload_hist as number[];
        expect(hist).toHaveLength(plugin.bounds.length + 1);
        expect(hist.reduce((a, b) => a + b, 0)).toBe(f.bidirectional_packets);
        hist.forEach((n, i) => (total[i]! += n));
        packetsInFlows += f.bidirectional_packets;
        if (maxPackets > 0) expect(f.bidirectional_packets).toBeLessThanOrEqual(maxPackets);
        if (f.udps.cut_by === 'packets') expect(f.bidirectional_packets).toBe(maxPackets);
        if (f.udps.cut_by !== null) expect(f.expiration_id).toBe(-1);
        if (f.udps.cut_by === 'close') expect(cutOnClose && f.protocol === 6).toBe(true);
      }
      // Cutting flows loses no packet, and the bins agree with the packets' own payload sizes.
      expect(packetsInFlows).toBe(streamer.summary!.packets.processed);
      const expected = new Array<number>(plugin.bounds.length + 1).fill(0);
      for (const size of await payloadSizes(source)) expected[binOf(plugin.bounds, size)]!++;
      expect(total).toEqual(expected);
      if (maxPackets > 0) {
        const longest = Math.max(...referenceFlows(source).flows.map((f) => f.bidirectional_packets));
        if (longest > maxPackets) expect(flows.some((f) => f.udps.cut_by === 'packets')).toBe(true);
      }
    });

    it.each([SAMPLE, CURL])('%s: cutOnClose emits TCP flows at the second FIN or an RST', (source) => {
      const udps = [new PayloadHistogram({ cutOnClose: true })];
      const flows = [...new NFStreamer({ source, statisticalAnalysis: true, nDissections: 0, udps })];
      const closed = flows.filter((f) => f.udps.cut_by === 'close');
      expect(closed.length).toBeGreaterThan(0);
      for (const f of closed) {
        expect(f.expiration_id).toBe(-1);
        const bothFins = f.src2dst_fin_packets > 0 && f.dst2src_fin_packets > 0;
        expect(bothFins || f.bidirectional_rst_packets > 0).toBe(true);
      }
      // flows not cut never saw both FINs
      for (const f of flows.filter((x) => x.udps.cut_by === null && x.protocol === 6)) {
        expect(f.src2dst_fin_packets > 0 && f.dst2src_fin_packets > 0).toBe(false);
      }
    });

    it('rejects bad options at construction', () => {
      expect(() => new PayloadHistogram({ bounds: [10, 5] })).toThrow(RangeError);
      expect(() => new PayloadHistogram({ bounds: [] })).toThrow(/bounds/);
      expect(() => new PayloadHistogram({ maxPackets: -1 })).toThrow(/maxPackets/);
      expect(new PayloadHistogram({ maxPackets: 3 }).options).toMatchObject({ maxPackets: 3, cutOnClose: false });
    });

    it('runs as a script', () => {
      const out = ok(runExample('custom-plugin.ts', [CURL, '--max-packets', '10']));
      expect(valueAfter(out, 'flows')).toBe('11'); // 109 packets in chunks of 10
      const rows = out.split('\n').filter((l) => /^\s*\d+\s+\d+\s+/.test(l));
      expect(rows).toHaveLength(11);
      for (const row of rows) {
        const [, packetCount, cut, ...bins] = row.trim().split(/\s+/);
        expect(Number(packetCount)).toBeLessThanOrEqual(10);
        expect(bins.map(Number).reduce((a, b) => a + b, 0)).toBe(Number(packetCount));
        expect(cut === 'packets').toBe(Number(packetCount) === 10);
      }
    });

    it('loads in the CLI with --plugin ./examples/custom-plugin.ts#PayloadHistogram', () => {
      const out = join(tmp, 'cli-plugin.csv');
      const r = runCli([CURL, '--n-dissections', '0', '--plugin', './examples/custom-plugin.ts#PayloadHistogram:maxPackets=10', '-o', out]);
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(r.stdout.toString()).toBe(''); // importing the example did not run its demo
      const { header, rows } = readCsv(out);
      const hist = header.indexOf('udps.payload_hist');
      const packetsCol = header.indexOf('bidirectional_packets');
      expect(hist).toBeGreaterThan(0);
      expect(rows).toHaveLength(11);
      for (const row of rows) {
        const bins = JSON.parse(row[hist]!) as number[];
        expect(bins.reduce((a, b) => a + b, 0)).toBe(Number(row[packetsCol]));
      }
    });
  });

  describe('custom-sink.ts (BytesPerProtocol)', () => {
    /** Flows and bytes per protocol number, from the reference flow objects. */
    function totals(flows: readonly NFlow[]): Map<number, { flows: number; bytes: number }> {
      const m = new Map<number, { flows: number; bytes: number }>();
      for (const f of flows) {
        const t = m.get(f.protocol) ?? { flows: 0, bytes: 0 };
        t.flows++;
        t.bytes += f.bidirectional_bytes;
        m.set(f.protocol, t);
      }
      return m;
    }

    it.each([SAMPLE, FACEBOOK])('%s: totals from the batch columns equal the flows', async (source) => {
      const { flows, streamer } = referenceFlows(source);
      const sink = new BytesPerProtocol();
      const result = await new NFStreamer({ source, nDissections: 0 }).writeTo(sink, { columns: ['protocol', 'bidirectional_bytes'] });
      expect(result).toEqual({ flows: flows.length, files: [] });
      expect(sink.totals).toEqual(totals(flows));
      expect(sink.packetsRead).toBe(streamer.summary!.packets.read);
    });

    it('runs as a script', () => {
      const out = ok(runExample('custom-sink.ts', [SAMPLE]));
      const got = new Map<string, string>();
      for (const m of out.matchAll(/^(\S+(?: \d+)?)\s+flows=(\d+) bytes=(\d+)$/gm)) got.set(m[1]!, `${m[2]}/${m[3]}`);
      const expected = new Map<string, string>();
      for (const [proto, t] of totals(reference)) expected.set(PROTOCOLS[proto] ?? `proto ${proto}`, `${t.flows}/${t.bytes}`);
      expect(got).toEqual(expected);
      expect(valueAfter(out, 'flows')).toBe(String(reference.length));
      expect(valueAfter(out, 'packets read')).toBe(String(referenceRead));
    });
  });

  describe('exports, read back', () => {
    let plainCsv: string;
    let arrowFile: string;
    let parquetFile: string;

    beforeAll(() => {
      plainCsv = join(tmp, 'plain.csv');
      arrowFile = join(tmp, 'flows.arrow');
      parquetFile = join(tmp, 'flows.parquet');
    });

    it('to-csv.ts writes NFStream CSV, identical to the CLI without anonymisation', () => {
      const out = ok(runExample('to-csv.ts', [SAMPLE, plainCsv, '--anonymize', '']));
      expect(valueAfter(out, 'rows')).toBe(String(reference.length));
      const cli = join(tmp, 'cli.csv');
      const r = runCli([SAMPLE, '--statistical-analysis', '--n-dissections', '0', '-o', cli]);
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(readFileSync(plainCsv, 'utf8')).toBe(readFileSync(cli, 'utf8'));
      const { header, rows } = readCsv(plainCsv);
      expect(header.slice(0, 7)).toEqual(['id', 'expiration_id', 'src_ip', 'src_mac', 'src_oui', 'src_port', 'dst_ip']);
      expect(rows).toHaveLength(reference.length);
      expect(rows.map((r) => r[header.indexOf('bidirectional_bytes')])).toEqual(reference.map((f) => String(f.bidirectional_bytes)));
    });

    it('to-csv.ts anonymises: consistent keyed hashes, other columns unchanged', () => {
      const anon = join(tmp, 'anon.csv');
      const out = ok(runExample('to-csv.ts', [SAMPLE, anon]));
      expect(out).toContain('anonymised: src_ip, src_mac, dst_ip, dst_mac');
      const plain = readCsv(plainCsv);
      const hashed = readCsv(anon);
      expect(hashed.header).toEqual(plain.header);
      expect(hashed.rows).toHaveLength(plain.rows.length);
      const anonymised = new Set(['src_ip', 'src_mac', 'dst_ip', 'dst_mac']);
      plain.header.forEach((name, c) => {
        const before = plain.rows.map((r) => r[c]!);
        const after = hashed.rows.map((r) => r[c]!);
        if (!anonymised.has(name)) return expect(after, name).toEqual(before);
        for (const h of after) expect(h).toMatch(/^[0-9a-f]{128}$/); // BLAKE2b-512
        // equal values ⇔ equal hashes inside one file
        const pairs = new Set(before.map((b, i) => `${b}→${after[i]}`));
        expect(pairs.size).toBe(new Set(before).size);
        expect(new Set(after).size).toBe(new Set(before).size);
      });
    });

    it('to-csv.ts --flows-per-file splits with NFStream chunk names', () => {
      const dir = mkdtempSync(join(tmp, 'chunks-'));
      ok(runExample('to-csv.ts', [SAMPLE, join(dir, 'flows.csv'), '--anonymize', '', '--flows-per-file', '5']));
      const files = readdirSync(dir).sort();
      expect(files).toEqual(['flows.0.csv', 'flows.1.csv', 'flows.2.csv'].slice(0, Math.ceil(reference.length / 5)));
      const total = files.reduce((n, f) => n + readCsv(join(dir, f)).rows.length, 0);
      expect(total).toBe(reference.length);
    });

    it('to-arrow.ts: the IPC file read back with apache-arrow has the CSV rows', () => {
      const out = ok(runExample('to-arrow.ts', [SAMPLE, arrowFile]));
      expect(out).toMatch(new RegExp(`^table: ${reference.length} rows x \\d+ columns`, 'm'));
      expect(out).toContain('src_port: Uint16');
      expect(valueAfter(out, 'rows')).toBe(String(reference.length));
      const table = tableFromIPC(readFileSync(arrowFile));
      expect(table.numRows).toBe(readCsv(plainCsv).rows.length);
      expect(Array.from(table.getChild('bidirectional_bytes')!.toArray(), Number)).toEqual(reference.map((f) => f.bidirectional_bytes));
      expect(table.getChild('splt_ps')!.type.toString()).toMatch(/^List/);
      const manifest = JSON.parse(table.schema.metadata.get('flowstream')!) as { sources: { name: string }[]; parameters: { spltAnalysis: number } };
      expect(manifest.sources[0]!.name).toBe(SAMPLE);
      expect(manifest.parameters.spltAnalysis).toBe(4);
      expect(manifest.sources[0]!).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      // the packet accounting is in the footer's metadata, nothing beside the file
      const summary = JSON.parse(table.schema.metadata.get('flowstream.summary')!) as { flows: number; packets: { read: number } };
      expect(summary.flows).toBe(reference.length);
      expect(summary.packets.read).toBe(referenceRead);
      expect(out).toContain(`packets read: ${referenceRead}`);
      expect(existsSync(`${arrowFile}.summary.json`)).toBe(false);
    });

    it('to-polars.ts: row count and group-by sums', () => {
      const out = ok(runExample('to-polars.ts', [SAMPLE]));
      expect(valueAfter(out, 'rows')).toBe(String(reference.length));
      const groups = new Map<string, { flows: number; packets: number; bytes: number }>();
      for (const f of reference) {
        const g = groups.get(`${f.protocol}/${f.dst_port}`) ?? { flows: 0, packets: 0, bytes: 0 };
        g.flows++;
        g.packets += f.bidirectional_packets;
        g.bytes += f.bidirectional_bytes;
        groups.set(`${f.protocol}/${f.dst_port}`, g);
      }
      const got = new Map<string, { flows: number; packets: number; bytes: number }>();
      for (const line of out.split('\n')) {
        const cells = line.split(/[│┆]/).map((s) => s.trim()).filter((s) => s !== '');
        if (cells.length === 6 && cells.every((c) => /^\d+$/.test(c))) {
          got.set(`${cells[0]}/${cells[1]}`, { flows: Number(cells[2]), packets: Number(cells[3]), bytes: Number(cells[4]) });
        }
      }
      expect(got).toEqual(groups);
    });

    it('duckdb-parquet.ts: DuckDB counts the rows and reads the footer summary', () => {
      const out = ok(runExample('duckdb-parquet.ts', [SAMPLE, parquetFile]));
      expect(out).toContain(`wrote ${reference.length} flows -> ${parquetFile}`);
      expect(valueAfter(out, 'rows')).toBe(String(readCsv(plainCsv).rows.length));
      expect(out).toContain(`packets read (from the footer): ${referenceRead}`);
      const bySrc = new Map<string, number>();
      for (const f of reference) bySrc.set(f.src_ip, (bySrc.get(f.src_ip) ?? 0) + f.bidirectional_bytes);
      const [topIp, topBytes] = [...bySrc].sort((a, b) => b[1] - a[1])[0]!;
      expect(out).toMatch(new RegExp(`top talkers:\\n  ${topIp.replace(/\./g, '\\.')}  flows=\\d+  bytes=${topBytes} `));
    });

    describe('Python read-back snippets', () => {
      // Own files written by the library, so these run alone too (vitest -t Python).
      const py = { csv: '', arrow: '', parquet: '' };
      beforeAll(async () => {
        const streamer = new NFStreamer({ source: SAMPLE, statisticalAnalysis: true, spltAnalysis: 4, nDissections: 0 });
        py.csv = join(tmp, 'py.csv');
        py.arrow = join(tmp, 'py.arrow');
        py.parquet = join(tmp, 'py.parquet');
        expect(await streamer.toCsv(py.csv)).toBe(reference.length);
        expect(await streamer.toArrowFile(py.arrow)).toBe(reference.length);
        expect(await streamer.toParquet(py.parquet)).toBe(reference.length);
      });
      const hasPython = existsSync(PYTHON);
      const has = (module: string) => hasPython && spawnSync(PYTHON, ['-c', `import ${module}`]).status === 0;
      const python = (script: string, file: string): Run => {
        const r = spawnSync(PYTHON, [join(EXAMPLES, 'python', script), file], { cwd: REPO, encoding: 'utf8' });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
      };
      /** Runs the snippet; it must count the rows when its modules exist, and say "skipped" only when they do not. */
      const check = (script: string, file: () => string, modules: string[]) => () => {
        const r = python(script, file());
        expect(r.status, r.stderr).toBe(0);
        if (modules.every(has)) expect(valueAfter(r.stdout, 'rows')).toBe(String(reference.length));
        else expect(r.stdout).toMatch(/^skipped: .* is not installed/m);
      };

      // In CI pandas is guaranteed: the CSV snippet must run. Elsewhere, skip without Debian's pandas.
      it.skipIf(!CI && !has('pandas'))('read_csv.py (pandas) counts the CSV rows', () => {
        const r = python('read_csv.py', py.csv);
        expect(r.status, r.stderr).toBe(0);
        expect(valueAfter(r.stdout, 'rows')).toBe(String(reference.length));
        expect(Number(valueAfter(r.stdout, 'columns'))).toBe(readCsv(py.csv).header.length);
      });
      it.skipIf(!hasPython)('read_feather.py (pyarrow) on the Arrow file', check('read_feather.py', () => py.arrow, ['pyarrow']));
      it.skipIf(!hasPython)('read_polars.py on the Arrow file', check('read_polars.py', () => py.arrow, ['polars']));
      it.skipIf(!hasPython)('read_polars.py on the Parquet file', check('read_polars.py', () => py.parquet, ['polars']));
      it.skipIf(!hasPython)('read_duckdb.py on the Parquet file', check('read_duckdb.py', () => py.parquet, ['duckdb']));
      it.skipIf(!hasPython)('read_duckdb.py on the CSV file', check('read_duckdb.py', () => py.csv, ['duckdb']));
      it.skipIf(!hasPython)('read_duckdb.py on the Arrow file', check('read_duckdb.py', () => py.arrow, ['duckdb', 'pyarrow']));
    });
  });
});
