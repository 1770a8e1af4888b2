import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NFPlugin, flowKey, type FieldSpec, type FlowBatch, type FlowSnapshot, type NFlow, type PluginPacket } from '@flowstream/core';
import { CsvSink, NFStreamer, type FlowSink, type NFStreamerOptions, type SinkResult } from '../../src/index.js';
import { fnv1a64 } from '@flowstream/core/internal';
import { PCAPS, REPO, runCli } from '../support/run-cli.js';
import { ipv4Udp, pcap } from '../../../core/test/support/capture-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'fs-snapshots-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
const tmp = (ext: string) => join(dir, `out-${seq++}.${ext}`);

/** Collects the rows a sink receives (what the snapshot output gets, after the transforms). */
class RowsSink implements FlowSink {
  readonly target = 'memory';
  fields: readonly FieldSpec[] = [];
  rows: Record<string, unknown>[] = [];
  async open(c: { fields: readonly FieldSpec[] }): Promise<void> {
    this.fields = c.fields;
  }
  async write(batch: FlowBatch): Promise<void> {
    for (let i = 0; i < batch.length; i++) {
      const row: Record<string, unknown> = {};
      batch.fields.forEach((f, j) => (row[f.name] = batch.value(i, j)));
      this.rows.push(row);
    }
  }
  async close(): Promise<SinkResult> {
    return { flows: this.rows.length, files: [] };
  }
  async abort(): Promise<void> {}
}

/** CSV text → rows of strings, quotes removed (runs without nDPI and SPLT: no value holds a comma). */
function parseCsv(text: string): Record<string, string>[] {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) return [];
  const head = lines[0]!.split(',');
  return lines.slice(1).map((l) => {
    const cells = l.split(',').map((c) => (c.startsWith('"') ? c.slice(1, -1).replace(/""/g, '"') : c));
    return Object.fromEntries(head.map((h, i) => [h, cells[i]!]));
  });
}

async function flowsCsv(options: NFStreamerOptions, snapshots: RowsSink | null): Promise<string> {
  const out = tmp('csv');
  await new NFStreamer(options).writeTo(new CsvSink(out), { snapshotSink: snapshots });
  return existsSync(out) ? readFileSync(out, 'utf8') : '';
}

const COUNTERS = ['bidirectional_packets', 'bidirectional_bytes', 'src2dst_packets', 'src2dst_bytes', 'dst2src_packets', 'dst2src_bytes'] as const;
const captures = readdirSync(PCAPS).filter((f) => /\.pcap(ng)?$/.test(f)).sort();

describe('snapshot times before 1970', () => {
  it('are multiples of the interval before the epoch, as after it', () => {
    // one flow, a packet every 0.5 s from −10 s to 0 s (ts_sec is signed in the file)
    const records = Array.from({ length: 21 }, (_, k) => {
      const ms = -10_000 + k * 500;
      const sec = Math.floor(ms / 1000);
      return { tsSec: (sec + 2 ** 32) % 2 ** 32, tsFrac: (ms - sec * 1000) * 1000, data: ipv4Udp(0x0a000001, 0x0a000002, 1000, 53) };
    });
    const capture = join(dir, 'before-1970.pcap');
    writeFileSync(capture, pcap({ linkType: 101 }, records));
    const out = join(dir, 'before-1970-snapshots.csv');
    const r = runCli([capture, '--format', 'none', '-q', '--n-dissections', '0', '--snapshot-interval', '2', '--snapshot-output', out, '--snapshot-columns', 'snapshot_time_ms,bidirectional_packets']);
    expect(r.status, r.stderr.toString()).toBe(0);
    const times = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => BigInt(l.split(',')[0]!) - 2n ** 64n);
    expect(times.length).toBeGreaterThan(2);
    // NFStream's uint64 text of a negative time, read as ms since the epoch: −8000, −6000, …
    for (const t of times) expect(t % 2000n, String(t)).toBe(0n);
  });
});

describe('flow snapshots on every corpus capture', () => {
  let snapshotRows = 0;
  let flowsWithSnapshots = 0;
  afterAll(() => {
    // the sweep is not vacuous: long flows exist in the corpus and got snapshots
    console.log(`corpus, 1 s interval: ${snapshotRows} snapshot rows of ${flowsWithSnapshots} flows`);
    expect(snapshotRows).toBeGreaterThan(2000);
    expect(flowsWithSnapshots).toBeGreaterThan(400);
  });

  it.each(captures)('%s: flows unchanged; snapshot rows consistent with the final records (intervals 1, 5, 30 s)', async (name) => {
    const base: NFStreamerOptions = { source: join(PCAPS, name), nDissections: 0, statisticalAnalysis: true };
    const plain = await flowsCsv(base, null);
    const finals = parseCsv(plain);
    const byKey = new Map(finals.map((f) => [flowKey(f), f]));
    // the key tells every flow of a capture apart
    expect(byKey.size).toBe(finals.length);
    for (const interval of [1, 5, 30]) {
      const sink = new RowsSink();
      const withSnapshots = await flowsCsv({ ...base, snapshotInterval: interval }, sink);
      expect(withSnapshots, `flow CSV with --snapshot-interval ${interval}`).toBe(plain);
      const ms = interval * 1000;
      const perFlow = new Map<string, Record<string, unknown>[]>();
      for (const s of sink.rows) {
        const key = s.flow_key as string;
        if (!perFlow.has(key)) perFlow.set(key, []);
        perFlow.get(key)!.push(s);
        expect(flowKey(s as never)).toBe(key);
        expect((s.snapshot_time_ms as number) % ms).toBe(0);
        // a snapshot shows the packets before its time
        expect(s.bidirectional_last_seen_ms as number).toBeLessThan(s.snapshot_time_ms as number);
      }
      for (const [key, rows] of perFlow) {
        const final = byKey.get(key);
        expect(final, `snapshot key ${key} has a final record`).toBeDefined();
        const sums = Object.fromEntries(COUNTERS.map((c) => [c, 0]));
        rows.forEach((s, i) => {
          expect(s.snapshot_index).toBe(i + 1);
          if (i > 0) {
            expect(s.snapshot_time_ms as number).toBeGreaterThan(rows[i - 1]!.snapshot_time_ms as number);
            for (const c of COUNTERS) expect(s[c] as number).toBeGreaterThanOrEqual(rows[i - 1]![c] as number);
            expect(s.bidirectional_packets as number).toBeGreaterThan(rows[i - 1]!.bidirectional_packets as number);
          }
          for (const c of COUNTERS) sums[c] += s[`delta_${c}`] as number;
          // only flows that lasted an interval get snapshots
          expect(s.bidirectional_duration_ms as number).toBeGreaterThanOrEqual(ms);
        });
        const last = rows[rows.length - 1]!;
        for (const c of COUNTERS) {
          expect(sums[c], `${name} ${key} Σ delta_${c}`).toBe(last[c]);
          expect(last[c] as number).toBeLessThanOrEqual(Number(final![c]));
        }
        if (Number(final!.bidirectional_packets) === last.bidirectional_packets) {
          // no packet after the last snapshot: the snapshot is the final record (but id/expiration_id)
          for (const [col, v] of Object.entries(final!)) {
            if (col === 'id' || col === 'expiration_id') continue;
            const got = last[col];
            if (typeof got === 'number') expect(got, `${name} ${col}`).toBe(Number(v));
            else expect(String(got), `${name} ${col}`).toBe(v);
          }
        }
      }
      for (const f of finals) {
        if (Number(f.bidirectional_duration_ms) < ms) expect(perFlow.has(flowKey(f)), `${name}: a flow shorter than ${interval} s has no snapshot`).toBe(false);
      }
      if (interval === 1) {
        snapshotRows += sink.rows.length;
        flowsWithSnapshots += perFlow.size;
      }
    }
  }, 120_000);
});

describe('flow snapshots with NFStream defaults (nDPI on)', () => {
  // nDPI's detection is read while it runs: it must not change the final labels
  it.each(['skype.pcap', 'wechat.pcap', 'telegram.pcap', 'bitcoin.pcap', 'alexa-app.pcapng', 'anydesk-2.pcap'])('%s: flow CSV byte-identical with --snapshot-interval 1', async (name) => {
    const base: NFStreamerOptions = { source: join(PCAPS, name) };
    const plain = await flowsCsv({ ...base, spltAnalysis: 5 }, null);
    const sink = new RowsSink();
    expect(await flowsCsv({ ...base, spltAnalysis: 5, snapshotInterval: 1 }, sink)).toBe(plain);
    expect(sink.rows.length).toBeGreaterThan(0);
    expect(sink.fields.map((f) => f.name)).toContain('application_name');
    expect(sink.fields.map((f) => f.name)).toContain('splt_direction');
  }, 120_000);
});

describe('flow snapshots with parallel meters', () => {
  it.each(['skype.pcap', 'wechat.pcap', 'anydesk-2.pcap', '1kxun.pcap', 'telegram.pcap'])('%s: --n-meters 2 gives the single meter\'s snapshot rows, in time order per flow', async (name) => {
    const options: NFStreamerOptions = { source: join(PCAPS, name), nDissections: 0, statisticalAnalysis: true, snapshotInterval: 1 };
    const one: string[] = [];
    for await (const s of new NFStreamer(options).snapshots()) one.push(JSON.stringify(s));
    const rows: FlowSnapshot[] = [];
    for await (const s of new NFStreamer({ ...options, nMeters: 2 }).snapshots()) rows.push(s);
    expect(one.length).toBeGreaterThan(0);
    expect(rows.map((s) => JSON.stringify(s)).sort()).toEqual([...one].sort());
    const last = new Map<string, number>();
    for (const s of rows) {
      expect(s.snapshot_index).toBe((last.get(s.flow_key) ?? 0) + 1);
      last.set(s.flow_key, s.snapshot_index);
    }
  }, 60_000);
});

describe('flow key', () => {
  it('is FNV-1a 64 of the identifying fields joined by |', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
    const f = { src_ip: '10.0.0.1', src_port: 1234, dst_ip: '10.0.0.2', dst_port: 80, protocol: 6, vlan_id: 0, tunnel_id: 0, bidirectional_first_seen_ms: 1600000000000 };
    expect(flowKey(f)).toBe(fnv1a64('10.0.0.1|1234|10.0.0.2|80|6|0|0|1600000000000'));
    // a CSV row (strings) and a record (numbers) give the same key; no tunnel column reads as 0
    const { tunnel_id: _t, ...noTunnel } = f;
    expect(flowKey(Object.fromEntries(Object.entries(noTunnel).map(([k, v]) => [k, String(v)])))).toBe(flowKey(f));
  });

  it.each([
    ['plain', []],
    // hashed addresses: the key is made from their 128-digit texts, as written
    ['anonymised', ['src_ip', 'dst_ip']],
  ])('the Python function of docs/snapshots.md gives the same keys from the CSV outputs (%s)', async (_name, anonymize) => {
    const doc = readFileSync(join(REPO, 'docs', 'snapshots.md'), 'utf8');
    const python = /```python\n([\s\S]*?)```/.exec(doc)![1]!;
    const flows = tmp('csv');
    const snaps = tmp('csv');
    await new NFStreamer({ source: join(PCAPS, 'anydesk-2.pcap'), snapshotInterval: 2 }).export('csv', flows, { snapshotOutput: snaps, columnsToAnonymize: anonymize });
    const script = `${python}
import csv, sys
flows = {flow_key(r) for r in csv.DictReader(open(sys.argv[1]))}
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) > 0
for r in rows:
    assert flow_key(r) == r['flow_key'], (flow_key(r), r['flow_key'])
    assert r['flow_key'] in flows
print(len(rows))
`;
    const r = spawnSync('python3', ['-c', script, flows, snaps]);
    expect(r.stderr.toString()).toBe('');
    expect(Number(r.stdout.toString())).toBeGreaterThan(2);
  });

  it('joins snapshots with flows iterated from the streamer', async () => {
    const source = join(PCAPS, 'anydesk-2.pcap');
    const keys = new Set<string>();
    for await (const f of new NFStreamer({ source, nDissections: 0 })) keys.add(flowKey(f));
    const snaps = [];
    for await (const s of new NFStreamer({ source, nDissections: 0, snapshotInterval: 2 }).snapshots()) snaps.push(s);
    expect(snaps.length).toBeGreaterThan(2);
    for (const s of snaps) expect(keys.has(s.flow_key)).toBe(true);
  });
});

describe('snapshot outputs', () => {
  const source = join(PCAPS, 'skype.pcap');

  it('anonymisation applies to snapshots with the flows\' key; flow_key is made from the hashed values', async () => {
    const flows = new RowsSink();
    const snaps = new RowsSink();
    await new NFStreamer({ source, nDissections: 0, snapshotInterval: 1 }).writeTo(flows, { snapshotSink: snaps, columnsToAnonymize: ['src_ip', 'dst_ip', 'src_mac'] });
    expect(snaps.rows.length).toBeGreaterThan(10);
    const realAddresses = new Set<unknown>();
    const plain = new RowsSink();
    await new NFStreamer({ source, nDissections: 0 }).writeTo(plain);
    for (const r of plain.rows) realAddresses.add(r.src_ip).add(r.dst_ip);
    const hashedFlows = new Map(flows.rows.map((r) => [flowKey(r as never), r]));
    for (const s of snaps.rows) {
      expect(realAddresses.has(s.src_ip)).toBe(false);
      expect(realAddresses.has(s.dst_ip)).toBe(false);
      expect(s.src_ip).toMatch(/^[0-9a-f]{128}$/);
      const f = hashedFlows.get(s.flow_key as string);
      expect(f, 'the anonymised flow record has the snapshot\'s key').toBeDefined();
      expect(s.src_ip).toBe(f!.src_ip);
      expect(s.src_mac).toBe(f!.src_mac);
    }
  });

  it('snapshot column selection, and unknown snapshot columns are errors before anything runs', async () => {
    const snaps = new RowsSink();
    await new NFStreamer({ source, nDissections: 0, snapshotInterval: 1 }).writeTo(new RowsSink(), {
      snapshotSink: snaps,
      snapshotColumns: ['flow_key', 'snapshot_time_ms', 'delta_bidirectional_bytes'],
    });
    expect(snaps.fields.map((f) => f.name)).toEqual(['flow_key', 'snapshot_time_ms', 'delta_bidirectional_bytes']);
    expect(Object.keys(snaps.rows[0]!)).toEqual(['flow_key', 'snapshot_time_ms', 'delta_bidirectional_bytes']);
    const s = new NFStreamer({ source, nDissections: 0, snapshotInterval: 1 });
    await expect(s.writeTo(new RowsSink(), { snapshotSink: new RowsSink(), snapshotColumns: ['id'] })).rejects.toThrow(/snapshotColumns: unknown column "id"/);
    expect(s.summary).toBeNull();
    await expect(new NFStreamer({ source, nDissections: 0 }).snapshots().next()).rejects.toThrow(/snapshotInterval/);
  });

  it('a bad snapshot target is an error naming --snapshot-output (snapshotOutput), not the flow output\'s -o', async () => {
    const url = 'nats://127.0.0.1:1/flows.a';
    // the snapshot format follows --format (nats here), so a file name is no NATS URL
    const r = runCli([source, '-f', 'nats', '-o', url, '--snapshot-interval', '1', '--snapshot-output', '/tmp/snapshots']);
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toMatch(/^flowstream: --snapshot-output: expected nats:\/\/\[user:pass@\]HOST\[:PORT\]\/NAME or tls:\/\/…, got "\/tmp\/snapshots"\n/);
    const s = new NFStreamer({ source, nDissections: 0, snapshotInterval: 1 });
    await expect(s.export('nats', url, { snapshotOutput: 'nats://127.0.0.1:1/snap.*' })).rejects.toThrow(/^Invalid option snapshotOutput: expected a subject without wildcards/);
  });

  it('every format: Parquet, Arrow and JSON Lines snapshot files read back with the same rows', async () => {
    const ref = new RowsSink();
    await new NFStreamer({ source, nDissections: 0, snapshotInterval: 1 }).writeTo(new RowsSink(), { snapshotSink: ref });
    const { tableFromIPC } = await import('apache-arrow');
    for (const format of ['jsonl', 'arrow', 'parquet', 'csv']) {
      const flowsOut = tmp('csv');
      const snapOut = tmp(format);
      await new NFStreamer({ source, nDissections: 0, snapshotInterval: 1 }).export('csv', flowsOut, { snapshotOutput: snapOut, snapshotFormat: format });
      let keys: string[];
      if (format === 'jsonl') keys = readFileSync(snapOut, 'utf8').trim().split('\n').map((l) => JSON.parse(l).flow_key);
      else if (format === 'arrow') keys = [...tableFromIPC(readFileSync(snapOut)).getChild('flow_key')!].map(String);
      else if (format === 'csv') keys = parseCsv(readFileSync(snapOut, 'utf8')).map((r) => r.flow_key!);
      else {
        const duckdb = await import('@duckdb/node-api');
        const conn = await (await duckdb.DuckDBInstance.create(':memory:')).connect();
        const reader = await conn.runAndReadAll(`SELECT flow_key FROM read_parquet('${snapOut}')`);
        keys = reader.getRows().map((r) => String(r[0]));
      }
      expect(keys, format).toEqual(ref.rows.map((r) => r.flow_key));
    }
  });

  it('a plugin that overrides onSnapshot adds interim values; the final records are unchanged', async () => {
    class Rate extends NFPlugin {
      static override fields = [{ name: 'packets_seen', type: 'int' }, { name: 'rate', type: 'float' }] as const;
      override onInit(_p: PluginPacket, flow: NFlow) {
        flow.udps.packets_seen = 1;
        flow.udps.rate = null;
      }
      override onUpdate(_p: PluginPacket, flow: NFlow) {
        (flow.udps.packets_seen as number)++;
      }
      override onSnapshot(flow: NFlow) {
        flow.udps.rate = flow.bidirectional_bytes / (flow.bidirectional_duration_ms / 1000);
        flow.udps.scratch = 1; // not declared: not in snapshot rows, and rolled back
      }
    }
    class Silent extends NFPlugin {
      static override fields = [{ name: 'silent', type: 'int' }] as const;
      override onInit(_p: PluginPacket, flow: NFlow) {
        flow.udps.silent = 7;
      }
    }
    const options = { source, nDissections: 0, udps: [new Rate(), new Silent()] };
    const plain = await flowsCsv(options, null);
    const snaps = new RowsSink();
    expect(await flowsCsv({ ...options, snapshotInterval: 1 }, snaps)).toBe(plain);
    const names = snaps.fields.map((f) => f.name);
    expect(names).toContain('udps.rate');
    expect(names).toContain('udps.packets_seen');
    expect(names).not.toContain('udps.silent');
    expect(names).not.toContain('udps.scratch');
    for (const s of snaps.rows) {
      expect(s['udps.packets_seen']).toBe(s.bidirectional_packets);
      expect(s['udps.rate']).toBeCloseTo((s.bidirectional_bytes as number) / ((s.bidirectional_duration_ms as number) / 1000));
    }
    expect(plain).not.toContain('scratch');
  });

  it('partial batches of flows and of snapshot rows that add up to more than a batch do not stall the run', async () => {
    // 2,500 two-packet UDP flows lasting 1.2 s (one snapshot row each at t = 2 s), all expired by
    // a last flow's packets from t = 10 s, then the end: 2,500 flows and 2,500 rows wait, each
    // fewer than a batch (4,096), when the input ends
    const flows = 2500;
    const udp = (i: number) => ipv4Udp((0x0a000000 | i) >>> 0, 0xc0a80001, 1024, 53);
    const t0 = 1_700_000_000;
    const records = [];
    for (let i = 0; i < flows; i++) records.push({ tsSec: t0, tsFrac: i, data: udp(i) });
    for (let i = 0; i < flows; i++) records.push({ tsSec: t0 + 1, tsFrac: 200_000 + i, data: udp(i) });
    for (let k = 0; k < 100; k++) records.push({ tsSec: t0 + 10, tsFrac: k * 10_000, data: udp(flows) });
    const file = join(dir, 'two-partials.pcap');
    writeFileSync(file, pcap({ linkType: 101 }, records));
    const out = new RowsSink();
    const snaps = new RowsSink();
    await new NFStreamer({ source: file, nDissections: 0, idleTimeout: 5, snapshotInterval: 1 }).writeTo(out, { snapshotSink: snaps });
    expect(out.rows.length).toBe(flows + 1);
    expect(snaps.rows.length).toBe(flows);
  }, 30_000);

  it("rows of one snapshot follow the flows' first packets since the previous one at which they had lasted the interval", async () => {
    // interval 1 s, the snapshot at t = 2 s: A (first packet at 0.5 s) gets packets at 1.3 s (lasted
    // 0.8 s: cannot decide a row) and 1.7 s (lasted 1.2 s); B (first at 0.2 s) one at 1.5 s (lasted
    // 1.3 s): B's row comes first. C, at 2.1 s, moves the clock past 2 s; D lasts 0.9 s: no row.
    const udp = (srcPort: number) => ipv4Udp(0x0a000001, 0xc0a80001, srcPort, 53);
    const t0 = 1_700_000_000;
    const at = (ms: number, srcPort: number) => ({ tsSec: t0 + Math.floor(ms / 1000), tsFrac: (ms % 1000) * 1000, data: udp(srcPort) });
    const records = [at(200, 2), at(500, 1), at(600, 4), at(1300, 1), at(1500, 2), at(1500, 4), at(1700, 1), at(2100, 3)];
    const file = join(dir, 'order.pcap');
    writeFileSync(file, pcap({ linkType: 101 }, records));
    const rows: Record<string, unknown>[] = [];
    for await (const s of new NFStreamer({ source: file, nDissections: 0, snapshotInterval: 1 }).snapshots()) rows.push(s);
    expect(rows.map((r) => [r.snapshot_time_ms, r.src_port, r.bidirectional_packets])).toEqual([
      [(t0 + 2) * 1000, 2, 2],
      [(t0 + 2) * 1000, 1, 3],
    ]);
  });

  it('snapshots$ and snapshots() give the same rows', async () => {
    const a: string[] = [];
    for await (const s of new NFStreamer({ source, nDissections: 0, snapshotInterval: 1 }).snapshots()) a.push(JSON.stringify(s));
    const b: string[] = [];
    await new Promise<void>((resolve, reject) =>
      new NFStreamer({ source, nDissections: 0, snapshotInterval: 1 }).snapshots$.subscribe({ next: (s) => b.push(JSON.stringify(s)), error: reject, complete: resolve }),
    );
    expect(a.length).toBeGreaterThan(10);
    expect(b).toEqual(a);
  });
});

describe('CLI', () => {
  const source = join(PCAPS, 'skype.pcap');
  it('--snapshot-output writes snapshots next to the unchanged flow output', () => {
    const plain = tmp('csv');
    expect(runCli([source, '-o', plain, '-q']).status).toBe(0);
    const flows = tmp('csv');
    const snaps = tmp('jsonl');
    const r = runCli([source, '-o', flows, '--snapshot-interval', '2', '--snapshot-output', snaps, '--snapshot-format', 'jsonl', '-q']);
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(readFileSync(flows, 'utf8')).toBe(readFileSync(plain, 'utf8'));
    const rows = readFileSync(snaps, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.length).toBeGreaterThan(10);
    expect(Object.keys(rows[0]).slice(0, 3)).toEqual(['snapshot_time_ms', 'flow_key', 'snapshot_index']);
  });

  it('the snapshot format follows the target\'s name, else the flows\' format (CSV when flows go nowhere)', () => {
    const jsonl = tmp('jsonl');
    expect(runCli([source, '--format', 'none', '--snapshot-interval', '2', '--snapshot-output', jsonl, '-q']).status).toBe(0);
    expect(JSON.parse(readFileSync(jsonl, 'utf8').split('\n')[0]!).snapshot_index).toBe(1);
    const plain = join(dir, `snapshots-${seq++}`);
    expect(runCli([source, '--format', 'none', '--snapshot-interval', '2', '--snapshot-output', plain, '-q']).status).toBe(0);
    expect(readFileSync(plain, 'utf8')).toMatch(/^snapshot_time_ms,flow_key,snapshot_index,/);
    const parquetNamed = join(dir, `snapshots-${seq++}`);
    expect(runCli([source, '--format', 'jsonl', '-o', tmp('jsonl'), '--snapshot-interval', '2', '--snapshot-output', parquetNamed, '-q']).status).toBe(0);
    expect(readFileSync(parquetNamed, 'utf8')).toMatch(/^\{"snapshot_time_ms":/);
  });

  it.each([
    [['--snapshot-interval', '2'], /--snapshot-interval needs --snapshot-output/],
    [['--snapshot-output', 'X'], /--snapshot-output needs --snapshot-interval/],
    [['--snapshot-interval', '2', '--snapshot-output', 'X', '--snapshot-format', 'xml'], /--snapshot-format: expected one of csv/],
    [['--snapshot-interval', '2', '--snapshot-output', 'X', '--snapshot-columns', 'flow_key,nope'], /--snapshot-columns: unknown column "nope"/],
    [['--snapshot-interval', '-1', '--snapshot-output', 'X'], /--snapshot-interval: expected a non-negative integer/],
  ])('%s is refused with exit 2 and no file', (args, message) => {
    const out = tmp('csv');
    const r = runCli([source, '-o', out, ...(args as string[]).map((a) => (a === 'X' ? join(dir, `snap-${seq++}.csv`) : a))]);
    expect(r.stderr.toString()).toMatch(message);
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  // a full disk under the dashboard feed must not cost the flow archive: the snapshots stop, the flows go on
  it.each([['csv'], ['parquet']])('a %s snapshot output that fails during the run stops; the flow output is complete; exit 1 says both', (format) => {
    const plain = tmp('csv');
    expect(runCli([source, '-o', plain, '-q', '--n-dissections', '0']).status).toBe(0);
    const out = tmp('csv');
    const summary = tmp('json');
    const r = runCli([source, '-o', out, '-q', '--n-dissections', '0', '--snapshot-interval', '1', '--snapshot-output', '/dev/full', '--snapshot-format', format, '--summary', summary]);
    expect(r.stderr.toString()).toMatch(/^flowstream: error: \/dev\/full: .*(ENOSPC|no space).*\(snapshot output stopped; the flow output was completed\)\n$/i);
    expect(r.status).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(plain, 'utf8'));
    expect(JSON.parse(readFileSync(summary, 'utf8')).flows).toBe(readFileSync(plain, 'utf8').trim().split('\n').length - 1);
  });

  it('a snapshot target in a missing folder fails before reading (exit 1, as for the flow output), leaving no flow file', () => {
    const out = tmp('csv');
    const r = runCli([source, '-o', out, '--snapshot-interval', '2', '--snapshot-output', '/nonexistent-dir/s.csv']);
    expect(r.stderr.toString()).toMatch(/\/nonexistent-dir\/s\.csv: folder \/nonexistent-dir does not exist/);
    expect(r.status).toBe(1);
    expect(existsSync(out)).toBe(false);
  });
});
