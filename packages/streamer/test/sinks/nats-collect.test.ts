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
import { jetstream } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { parseCollectCli } from '../../src/cli/collect-command.js';
import { NFStreamer } from '../../src/nfstreamer.js';
import { collectFlows } from '../../src/sinks/nats/collect/dataset-collector.js';
import { MessageRanges } from '../../src/sinks/nats/collect/message-ranges.js';
import { removeStaleTemporaries } from '../../src/sinks/nats/collect/parquet-part.js';
import { parseNatsTarget } from '../../src/sinks/nats/nats-target.js';
import { HAS_NATS_SERVER, NatsServer } from '../support/nats-server.js';
import { PCAPS } from '../support/run-cli.js';
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
});
