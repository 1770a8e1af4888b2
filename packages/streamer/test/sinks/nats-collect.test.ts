/**
 * `flowstream collect` pieces: option errors, temporary files of dead collectors, and an in-process
 * collector on a real nats-server (JSON lines messages, a foreign message on the stream).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { Float64, Int64, Table, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { parseCollectCli } from '../../src/cli/collect-command.js';
import { NFStreamer } from '../../src/nfstreamer.js';
import { collectFlows } from '../../src/sinks/nats/collect/dataset-collector.js';
import { MessageRanges } from '../../src/sinks/nats/collect/message-ranges.js';
import { ParquetPart, removeStaleTemporaries, writePartTemp } from '../../src/sinks/nats/collect/parquet-part.js';
import { parseNatsTarget } from '../../src/sinks/nats/nats-target.js';
import { HAS_NATS_SERVER, NatsServer } from '../support/nats-server.js';
import { CLI_SHELL, PCAPS, shellQuote } from '../support/run-cli.js';
import { DHCP, MDNS } from '@flowstream/plugins';

describe('flowstream collect options and files', () => {
  it('names the option and the allowed values', () => {
    expect(() => parseCollectCli(['nats://h/FLOWS', '-o', 'd'])).toThrow(/--durable: expected a consumer name/);
    expect(() => parseCollectCli(['nats://h/FLOWS', '--durable', 'x', '-o', 'd', '--format', 'csv'])).toThrow('collect: --format: expected one of parquet, got "csv"');
    expect(() => parseCollectCli(['nats://h/FLOWS', '--durable', 'x'])).toThrow(/-o: expected a dataset folder/);
    expect(() => parseCollectCli(['nats://h/FLOWS', '--durable', 'x', '-o', 'd', '--idle-exit', 'soon'])).toThrow('--idle-exit: expected an integer ≥ 0, got "soon"');
    expect(parseCollectCli(['nats://h/FLOWS', '--durable', 'x', '-o', 'd', '--ack-wait', '5'])).toMatchObject({ durable: 'x', output: 'd', ackWait: 5, rollSeconds: 60, idleExit: 0 });
  });

  it('removes temporary files of dead collectors of this host only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowstream-collect-tmp-'));
    try {
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
      const host = hostname().replace(/[^A-Za-z0-9-]+/g, '-');
      writeFileSync(join(dir, `.part-a.parquet.${host}-${dead}.tmp`), 'x');
      writeFileSync(join(dir, `.part-b.parquet.${host}-${process.pid}.tmp`), 'x');
      writeFileSync(join(dir, `.part-c.parquet.other-host-${dead}.tmp`), 'x');
      writeFileSync(join(dir, 'part-d.parquet'), 'x');
      expect(await removeStaleTemporaries(dir)).toBe(1);
      expect(readdirSync(dir).sort()).toEqual([`.part-b.parquet.${host}-${process.pid}.tmp`, `.part-c.parquet.other-host-${dead}.tmp`, 'part-d.parquet']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes every row of a part whose batches hold equal types made differently (read from IPC, built)', async () => {
    const built = (from: number) => new Table({ id: vectorFromArray([from, from + 1, from + 2].map(BigInt), new Int64()), ps: vectorFromArray([1.5, 2.5, 3.5], new Float64()) }).batches;
    const decoded = tableFromIPC(tableToIPC(new Table(built(0)), 'stream')).batches;
    const part = new ParquetPart();
    part.add({ msg: null as never, run: 's/r', seq: 1, batches: decoded, bytes: 1 });
    part.add({ msg: null as never, run: 's/r', seq: 2, batches: built(3), bytes: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'flowstream-part-'));
    try {
      const temp = await writePartTemp(dir, 'part', part);
      const db = await DuckDBInstance.create(':memory:');
      const sql = await db.connect();
      const rows = (await sql.runAndReadAll(`SELECT list(id ORDER BY id)::VARCHAR FROM read_parquet('${temp}')`)).getRows();
      sql.closeSync();
      expect(rows).toEqual([['[0, 1, 2, 3, 4, 5]']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps message ids as merged ranges per run', () => {
    const r = new MessageRanges();
    for (const q of [5, 1, 2, 3, 9]) r.add('s/r', q);
    r.add('t/r', 0);
    expect(r.toJSON()).toEqual({ 's/r': [[1, 3], [5, 5], [9, 9]], 't/r': [[0, 0]] });
    const back = MessageRanges.fromJSON(JSON.parse(JSON.stringify(r)));
    expect(back.has('s/r', 2) && !back.has('s/r', 4) && back.size === 6).toBe(true);
    expect(() => MessageRanges.fromJSON({ 's/r': [[3, 1]] })).toThrow(/bad range/);
  });
});

describe.skipIf(!HAS_NATS_SERVER)('flowstream collect in process', () => {
  let server: NatsServer;
  let work: string;

  beforeAll(async () => {
    server = await NatsServer.start();
    work = mkdtempSync(join(tmpdir(), 'flowstream-collect-'));
  });

  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('collects JSON lines runs and skips foreign and unreadable messages with a warning each', async () => {
    const streamer = new NFStreamer({ source: join(PCAPS, 'instagram.pcap') });
    await streamer.export('nats', server.url, { sensor: 'j', natsEncoding: 'json' });
    const nc = await connect({ servers: server.url });
    await jetstream(nc).publish('flows.foreign', 'not a flow');
    const h = headers();
    for (const [k, v] of Object.entries({ 'Flowstream-Sensor': 'x', 'Flowstream-Run': 'r', 'Flowstream-Seq': '1', 'Flowstream-Kind': 'flows', 'Flowstream-Encoding': 'arrow' })) h.set(k, v);
    await jetstream(nc).publish('flows.x', 'not arrow either', { headers: h });
    await nc.close();

    const dir = join(work, 'ds');
    mkdirSync(dir);
    const warnings: string[] = [];
    const r = await collectFlows({ source: parseNatsTarget(`${server.url}/FLOWS`, 'SOURCE'), durable: 'json', dir, idleExit: 1, warn: (m) => warnings.push(m) });
    expect(r.flows).toBe(streamer.summary!.flows);
    expect(warnings.filter((w) => w.includes('without Flowstream-* headers'))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('message x/r/1 is not a readable flow batch'))).toHaveLength(1);

    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    const rows = (await sql.runAndReadAll(`SELECT count(*)::INTEGER, count(DISTINCT id)::INTEGER, min(sensor) FROM read_parquet('${dir}/**/*.parquet')`)).getRows();
    sql.closeSync();
    expect(rows[0]).toEqual([streamer.summary!.flows, streamer.summary!.flows, 'j']);
    expect(existsSync(join(dir, '_runs'))).toBe(true);
    expect(readdirSync(join(dir, '_runs')).filter((n) => n.endsWith('.end.json'))).toHaveLength(1);
  });

  it('types the core columns of JSON lines messages as Arrow messages have them, so both encodings share files', async () => {
    const options = { source: join(PCAPS, 'skype.pcap'), nDissections: 0, statisticalAnalysis: true, spltAnalysis: 5 };
    const arrow = new NFStreamer(options);
    await arrow.export('nats', `${server.url}/typed.flows`, { sensor: 'arrow', natsStream: 'TYPED', natsSubjects: 'typed.>' });
    const json = new NFStreamer(options);
    await json.export('nats', `${server.url}/typed.flows`, { sensor: 'json', natsEncoding: 'json', natsStream: 'TYPED', natsSubjects: 'typed.>' });
    const dir = join(work, 'typed');
    mkdirSync(dir);
    const warnings: string[] = [];
    const r = await collectFlows({ source: parseNatsTarget(`${server.url}/TYPED`, 'SOURCE'), durable: 'typed', dir, idleExit: 1, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
    expect(r.flows).toBe(arrow.summary!.flows + json.summary!.flows);
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    const query = async (q: string) => (await sql.runAndReadAll(q)).getRows();
    const files = `read_parquet('${dir}/**/*.parquet')`;
    const types = `typeof(id), typeof(src_port), typeof(bidirectional_first_seen_ms), typeof(bidirectional_packets), typeof(bidirectional_mean_ps), typeof(splt_ps)`;
    const typed = await query(`SELECT DISTINCT sensor, ${types} FROM ${files} ORDER BY sensor`);
    expect(typed).toEqual([
      ['arrow', 'BIGINT', 'USMALLINT', 'UBIGINT', 'BIGINT', 'DOUBLE', 'INTEGER[]'],
      ['json', 'BIGINT', 'USMALLINT', 'UBIGINT', 'BIGINT', 'DOUBLE', 'INTEGER[]'],
    ]);
    // the same schema: both sensors' rows share each Parquet file
    for (const file of readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.parquet'))) {
      const sensors = await query(`SELECT count(DISTINCT sensor)::INTEGER FROM read_parquet('${join(dir, file)}')`);
      expect(sensors[0]![0]).toBe(2);
    }
    // and the same values, flow by flow
    const differing = await query(
      `SELECT count(*)::INTEGER FROM (SELECT * EXCLUDE (sensor, run_id) FROM ${files} WHERE sensor = 'arrow') a
       FULL JOIN (SELECT * EXCLUDE (sensor, run_id) FROM ${files} WHERE sensor = 'json') j USING (id)
       WHERE a.src_ip IS DISTINCT FROM j.src_ip OR a.bidirectional_last_seen_ms IS DISTINCT FROM j.bidirectional_last_seen_ms
          OR a.src2dst_stddev_piat_ms IS DISTINCT FROM j.src2dst_stddev_piat_ms OR a.splt_piat_ms IS DISTINCT FROM j.splt_piat_ms`,
    );
    expect(differing[0]![0]).toBe(0);
    sql.closeSync();

    // a core column the sensor anonymised is text, in JSON as in Arrow messages
    const hashed = new NFStreamer({ ...options, source: join(PCAPS, 'instagram.pcap') });
    await hashed.export('nats', `${server.url}/hashed.flows`, { sensor: 'hashed', natsEncoding: 'json', natsStream: 'HASHED', natsSubjects: 'hashed.>', columnsToAnonymize: ['id'] });
    const hashedDir = join(work, 'hashed');
    mkdirSync(hashedDir);
    await collectFlows({ source: parseNatsTarget(`${server.url}/HASHED`, 'SOURCE'), durable: 'hashed', dir: hashedDir, idleExit: 1, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
    const sql2 = await db.connect();
    const hashedTypes = (await sql2.runAndReadAll(`SELECT DISTINCT typeof(id), typeof(src_port) FROM read_parquet('${hashedDir}/**/*.parquet')`)).getRows();
    sql2.closeSync();
    expect(hashedTypes).toEqual([['VARCHAR', 'USMALLINT']]);
  });

  it('collects JSON lines runs with plugin fields null in every flow of a message, and lists', async () => {
    // the DHCP plugin on traffic without DHCP: its columns are null in every row; mDNS: lists of names
    const dhcp = new NFStreamer({ source: join(PCAPS, 'instagram.pcap'), nDissections: 0, udps: [new DHCP()] });
    await dhcp.export('nats', `${server.url}/nulls.flows`, { sensor: 'nulls', natsEncoding: 'json', natsStream: 'NULLS', natsSubjects: 'nulls.>' });
    const mdns = new NFStreamer({ source: join(PCAPS, 'mdns.pcap'), nDissections: 0, udps: [new MDNS()] });
    await mdns.export('nats', `${server.url}/nulls.flows`, { sensor: 'lists', natsEncoding: 'json', natsStream: 'NULLS', natsSubjects: 'nulls.>' });
    const dir = join(work, 'nulls');
    mkdirSync(dir);
    const warnings: string[] = [];
    const r = await collectFlows({ source: parseNatsTarget(`${server.url}/NULLS`, 'SOURCE'), durable: 'nulls', dir, idleExit: 1, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
    expect(r.flows).toBe(dhcp.summary!.flows + mdns.summary!.flows);
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    const count = async (sensor: string, column: string) =>
      (await sql.runAndReadAll(`SELECT count(*)::INTEGER, count("${column}")::INTEGER FROM read_parquet('${dir}/**/*.parquet', union_by_name = true) WHERE sensor = '${sensor}'`)).getRows()[0];
    // the column is there, null in every row
    expect(await count('nulls', 'udps.dhcp_12')).toEqual([dhcp.summary!.flows, 0]);
    const lists = await count('lists', 'udps.mdns_ptr');
    expect(lists![0]).toBe(mdns.summary!.flows);
    expect(lists![1]).toBeGreaterThan(0);
    sql.closeSync();
  });

  it('a dataset file that cannot be written: exit 1 naming it, no temporary file left, and a collector started again at once stores every flow', async () => {
    const streamer = new NFStreamer({ source: join(PCAPS, 'skype.pcap') });
    await streamer.export('nats', `${server.url}/disk.flows`, { sensor: 'disk', natsStream: 'DISK', natsSubjects: 'disk.>' });
    const dir = join(work, 'disk');
    mkdirSync(dir);
    const collect = `${CLI_SHELL} collect ${shellQuote(`${server.url}/DISK`)} --durable disk -o ${shellQuote(dir)} --idle-exit 1`;
    // files limited to 8 KiB (writes past it fail with EFBIG): the run records fit, the Parquet part does not
    const failed = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f 8; ${collect}`], { env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    expect(failed.status).toBe(1);
    expect(failed.stderr.toString()).toMatch(
      new RegExp(`^flowstream collect: error: ${dir}/part-[^ ]+\\.parquet: EFBIG: file too large, write \\(0 flows were stored in 0 files before it; the messages not stored stay in the stream, unacknowledged, for a collector started again\\)\n$`),
    );
    expect(readdirSync(dir).filter((n) => n.endsWith('.parquet') || n.endsWith('.tmp'))).toEqual([]);
    // the failed collector gave its messages back: the next one need not wait for ack_wait (150 s here)
    const started = Date.now();
    const again = spawnSync('bash', ['-c', collect], { env: { ...process.env, NODE_NO_WARNINGS: '1' }, timeout: 60_000 });
    expect(again.status, again.stderr.toString()).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    const rows = (await sql.runAndReadAll(`SELECT count(*)::INTEGER, count(DISTINCT id)::INTEGER FROM read_parquet('${dir}/*.parquet')`)).getRows();
    sql.closeSync();
    expect(rows[0]).toEqual([streamer.summary!.flows, streamer.summary!.flows]);
  }, 90_000);

  it('collects a JSON lines run of many messages into shared files (text columns typed alike in every message)', async () => {
    const streamer = new NFStreamer({ source: join(PCAPS, 'skype.pcap') });
    await streamer.export('nats', `${server.url}/many.flows`, { sensor: 'many', natsEncoding: 'json', natsStream: 'MANY', natsSubjects: 'many.>', natsMaxMessageBytes: 16384 });
    const dir = join(work, 'many');
    mkdirSync(dir);
    const warnings: string[] = [];
    const r = await collectFlows({ source: parseNatsTarget(`${server.url}/MANY`, 'SOURCE'), durable: 'many', dir, idleExit: 1, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
    expect(r.flows).toBe(streamer.summary!.flows);
    const ends = readdirSync(join(dir, '_runs')).filter((n) => n.endsWith('.end.json'));
    expect((JSON.parse(readFileSync(join(dir, '_runs', ends[0]!), 'utf8')) as { messages: number }).messages).toBeGreaterThan(3);
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    const rows = (await sql.runAndReadAll(`SELECT count(*)::INTEGER, count(DISTINCT id)::INTEGER, count(DISTINCT src_ip)::INTEGER FROM read_parquet('${dir}/**/*.parquet')`)).getRows();
    sql.closeSync();
    expect(rows[0]![0]).toBe(streamer.summary!.flows);
    expect(rows[0]![1]).toBe(streamer.summary!.flows);
    expect(rows[0]![2]).toBeGreaterThan(1);
  });

  it('a stream deleted under a running collector: it keeps trying, says so once, and collects the stream made again', async () => {
    const streamer = new NFStreamer({ source: join(PCAPS, 'instagram.pcap') });
    const exportRun = () => streamer.export('nats', `${server.url}/gone.g`, { sensor: 'g', natsEncoding: 'json', natsStream: 'GONE', natsSubjects: 'gone.>' });
    await exportRun();
    const flows = streamer.summary!.flows;
    const dir = join(work, 'gone');
    mkdirSync(dir);
    const warnings: string[] = [];
    const stop = new AbortController();
    const collecting = collectFlows({ source: parseNatsTarget(`${server.url}/GONE`, 'SOURCE'), durable: 'gone', dir, rollSeconds: 1, warn: (m) => warnings.push(m), signal: stop.signal });
    const nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    const drained = async () => {
      for (;;) {
        const c = await jsm.consumers.info('GONE', 'gone').catch(() => null);
        if (c !== null && c.num_pending === 0 && c.num_ack_pending === 0) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    // the collector has stored the first run before the stream goes
    await drained();
    await jsm.streams.delete('GONE');
    // fetches fail every 500 ms from here: several failures, one note
    await new Promise((r) => setTimeout(r, 4000));
    // the stream made again (by a sensor's run) with a run the collector has not seen
    await exportRun();
    await drained();
    await nc.close();
    stop.abort();
    const r = await collecting;
    expect(r.flows).toBe(2 * flows);
    const notes = warnings.filter((w) => w.includes('; retrying'));
    expect(notes).toHaveLength(1);
    // deleted during a fetch, the server says so; between two fetches, the consumer's info does
    expect(notes[0]).toMatch(/consumer deleted|stream not found/);
  }, 60_000);
});
