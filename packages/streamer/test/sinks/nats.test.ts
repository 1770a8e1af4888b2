/**
 * `--format nats` and `flowstream collect` end to end against a real nats-server (JetStream, loopback,
 * temporary port and store): two sensors publish at once while the server is SIGKILLed and restarted
 * on the same store; a collector is SIGKILLed and restarted; DuckDB then finds every flow exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { CLI_NODE_ARGS, PCAPS, REPO } from '../support/run-cli.js';
import { HAS_NATS_SERVER, NatsServer } from '../support/nats-server.js';
import { writeUdpFlowsPcap } from '../support/udp-flows-pcap.js';


interface Exit {
  code: number | null;
  stderr: string;
}

function startCli(args: string[]): { child: ChildProcess; done: Promise<Exit> } {
  const child = spawn(process.execPath, [...CLI_NODE_ARGS, ...args], {
    cwd: REPO,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Exit>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  return { child, done };
}

const T0 = Date.now();
const step = (what: string) => process.env.NATS_TEST_DEBUG && console.log(((Date.now() - T0) / 1000).toFixed(1), what);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, test: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const parquetFiles = (dir: string) => {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.parquet'));
  } catch {
    return [];
  }
};

async function datasetCounts(dir: string): Promise<Map<string, { rows: number; distinct: number }>> {
  const db = await DuckDBInstance.create(':memory:');
  const sql = await db.connect();
  const r = await sql.runAndReadAll(
    `SELECT sensor, count(*)::INTEGER AS n, count(DISTINCT (run_id, id))::INTEGER AS d FROM read_parquet('${dir}/**/*.parquet') GROUP BY sensor`,
  );
  const out = new Map<string, { rows: number; distinct: number }>();
  for (const [sensor, n, d] of r.getRows()) out.set(String(sensor), { rows: Number(n), distinct: Number(d) });
  sql.closeSync();
  return out;
}

describe.skipIf(!HAS_NATS_SERVER)('NATS JetStream: flowstream --format nats and flowstream collect', () => {
  let server: NatsServer;
  let work: string;
  let big: string;

  beforeAll(async () => {
    server = await NatsServer.start();
    work = mkdtempSync(join(tmpdir(), 'flowstream-nats-test-'));
    big = join(work, 'many-flows.pcap');
    writeUdpFlowsPcap(big, 12_000);
  });

  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('loses nothing and stores nothing twice across a server SIGKILL and a collector SIGKILL, with two collectors sharing the work', async () => {
    const sa = join(work, 'a.summary.json');
    const sb = join(work, 'b.summary.json');
    // Sensor a: many small messages, one ack at a time, so the server dies in the middle of it.
    const a = startCli([big, '--format', 'nats', '-o', `${server.url}/flows.a`, '--sensor', 'a', '--summary', sa, '--nats-max-message-bytes', '8000', '--nats-in-flight', '1', '-q']);
    const b = startCli([join(PCAPS, 'instagram.pcap'), '--format', 'nats', '-o', server.url, '--sensor', 'b', '--summary', sb, '-q']);

    const nc = await connect({ servers: server.url, maxReconnectAttempts: 0 });
    const jsm = await jetstreamManager(nc);
    const stored = async () => (await jsm.streams.info('FLOWS').catch(() => null))?.state.messages ?? 0;
    await waitFor('100 messages in the stream', async () => (await stored()) >= 100);
    step('kill server');
    await nc.close();
    await server.kill('SIGKILL');
    await sleep(800);
    await server.run();

    step('server restarted');
    const [ea, eb] = await Promise.all([a.done, b.done]);
    step('published');
    expect(ea.code, ea.stderr).toBe(0);
    expect(eb.code, eb.stderr).toBe(0);
    expect(ea.stderr).toMatch(/disconnected|retrying/);
    const flowsA = JSON.parse(readFileSync(sa, 'utf8')).flows as number;
    const flowsB = JSON.parse(readFileSync(sb, 'utf8')).flows as number;
    expect(flowsA).toBe(12_000);
    expect(flowsB).toBeGreaterThan(0);

    // A collector killed once some files are in place, then a fresh one that resumes.
    const ds = join(work, 'dataset');
    const collect = ['collect', `${server.url}/FLOWS`, '--durable', 'lake', '--format', 'parquet', '-o', ds, '--roll-bytes', '400000', '--roll-seconds', '1', '--ack-wait', '3'];
    const c1 = startCli(collect);
    await waitFor('collector files', () => parquetFiles(ds).length >= 3);
    step('kill collector');
    c1.child.kill('SIGKILL');
    await c1.done;
    // Two collectors share the consumer from here on.
    const [e2, e2b] = await Promise.all([startCli([...collect, '--idle-exit', '1']).done, startCli([...collect, '--idle-exit', '1']).done]);
    step('collected');
    if (process.env.NATS_TEST_DEBUG) console.log(e2.stderr, e2b.stderr);
    expect(e2.code, e2.stderr).toBe(0);
    expect(e2b.code, e2b.stderr).toBe(0);

    const counts = await datasetCounts(ds);
    expect(counts.get('a')).toEqual({ rows: flowsA, distinct: flowsA });
    expect(counts.get('b')).toEqual({ rows: flowsB, distinct: flowsB });
    expect(readdirSync(ds).filter((n) => n.startsWith('.'))).toEqual([]); // no temporary file, no lock left
    // The stream itself holds each message once: start + flows messages + end per sensor.
    const nc2 = await connect({ servers: server.url });
    const subjects = (await (await jetstreamManager(nc2)).streams.info('FLOWS', { subjects_filter: '>' })).state.subjects ?? {};
    await nc2.close();
    const ends = readdirSync(join(ds, '_runs')).filter((n) => n.endsWith('.end.json')).map((n) => JSON.parse(readFileSync(join(ds, '_runs', n), 'utf8')));
    expect(ends.map((e) => e.summary.flows).sort((x, y) => x - y)).toEqual([flowsA, flowsB].sort((x, y) => x - y));
    const sent = ends.reduce((n, e) => n + e.messages + 2, 0);
    expect(Object.values(subjects).reduce((n, c) => n + c, 0)).toBe(sent);

    // Another consumer writing into the same dataset finds every message already stored (footer
    // index); SIGTERM once it has gone through the stream ends it cleanly.
    const c3 = startCli(['collect', `${server.url}/FLOWS`, '--durable', 'again', '-o', ds]);
    const nc3 = await connect({ servers: server.url });
    const jsm3 = await jetstreamManager(nc3);
    await waitFor('the second consumer to acknowledge everything', async () => {
      const info = await jsm3.consumers.info('FLOWS', 'again').catch(() => null);
      return info !== null && info.num_pending === 0 && info.num_ack_pending === 0;
    });
    await nc3.close();
    c3.child.kill('SIGTERM');
    const e3 = await c3.done;
    step('collected again');
    expect(e3.code, e3.stderr).toBe(0);
    expect(e3.stderr).toMatch(/0 flows in 0 files \(\d+ messages already in the dataset skipped\)/);
    expect(await datasetCounts(ds)).toEqual(counts);
  }, 180_000);
});
