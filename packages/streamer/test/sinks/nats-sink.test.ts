/**
 * The NATS sink against a real nats-server: the message layout on the wire (start / flows / end,
 * headers, ids, sizes), JSON lines, de-duplication of a retried run, backpressure while the server
 * is down, and option errors.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { DiscardPolicy, jetstream, jetstreamManager, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { NFStreamer } from '../../src/nfstreamer.js';
import { SinkError, type FlowSink } from '../../src/sinks/flow-sink.js';
import { natsSinkDefinition } from '../../src/sinks/nats/nats-sink-definition.js';
import { headerBytes } from '../../src/sinks/nats/message-layout.js';
import { NatsSink } from '../../src/sinks/nats/nats-sink.js';
import { ensureFlowStream } from '../../src/sinks/nats/flow-stream.js';
import { collectFlows } from '../../src/sinks/nats/collect/dataset-collector.js';
import { natsSettings, subjectMatches } from '../../src/sinks/nats/nats-settings.js';
import { parseNatsTarget } from '../../src/sinks/nats/nats-target.js';
import { HAS_NATS_SERVER, NatsServer } from '../support/nats-server.js';
import { PCAPS } from '../support/run-cli.js';
import { writeUdpFlowsPcap } from '../support/udp-flows-pcap.js';

describe('NATS sink options', () => {
  it('parses nats:// and tls:// targets with credentials, hiding the password', () => {
    const t = parseNatsTarget('nats://alice:s%40cret@127.0.0.1:4222,127.0.0.2/flows.berlin', '-o');
    expect(t).toMatchObject({ servers: ['127.0.0.1:4222', '127.0.0.2'], path: 'flows.berlin', user: 'alice', pass: 's@cret', tls: false });
    expect(t.display).toBe('nats://alice:***@127.0.0.1:4222,127.0.0.2/flows.berlin');
    expect(parseNatsTarget('tls://tok@nats.example:4443', '-o')).toMatchObject({ tls: true, token: 'tok', path: '' });
    expect(() => parseNatsTarget('http://x/flows', '-o')).toThrow(/Invalid option -o: expected nats:\/\/.*got scheme "http"/);
    expect(() => parseNatsTarget('-', '-o')).toThrow(/Invalid option -o/);
  });

  it('names the option, its flag and the allowed values', async () => {
    expect(natsSettings({ sensor: 'b-1' })).toMatchObject({ sensor: 'b-1', stream: 'FLOWS', subjects: ['flows.>'], encoding: 'arrow', inFlight: 8, duplicateWindow: 120 });
    expect(() => natsSettings({ natsEncoding: 'xml' })).toThrow('Invalid option natsEncoding: expected one of arrow, json, got "xml"');
    expect(() => natsSettings({ sensor: 'a.b' })).toThrow(/Invalid option sensor: expected letters, digits/);
    expect(() => natsSettings({ natsInFlight: '0' })).toThrow(/Invalid option natsInFlight: expected a positive integer, got "0"/);
    expect(natsSettings({ natsMaxAge: '3600', natsMaxBytes: 1e9 })).toMatchObject({ maxAge: 3600, maxBytes: 1e9 });
    await expect(natsSinkDefinition.check!('nats://127.0.0.1/flows.*', {})).rejects.toThrow(/Invalid option -o: expected a subject without wildcards/);
    await expect(natsSinkDefinition.check!('nats://127.0.0.1/flows.a', { natsCreds: '/nonexistent/x.creds' })).rejects.toThrow(
      'Invalid option natsCreds: expected a readable credentials file, got "/nonexistent/x.creds" (ENOENT)',
    );
    expect(subjectMatches('flows.>', 'flows.a.b')).toBe(true);
    expect(subjectMatches('flows.*', 'flows.a.b')).toBe(false);
    expect(subjectMatches('flows.>', 'flows')).toBe(false);
  });
});

describe.skipIf(!HAS_NATS_SERVER)('NATS sink on a real server', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let work: string;
  const capture = join(PCAPS, 'instagram.pcap');

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url });
    jsm = await jetstreamManager(nc);
    work = mkdtempSync(join(tmpdir(), 'flowstream-nats-sink-'));
  });

  afterAll(async () => {
    await nc?.close();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function messages(stream: string, subject: string, from = jsm): Promise<StoredMsg[]> {
    const jsm = from;
    const info = await jsm.streams.info(stream);
    const out: StoredMsg[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      if (m !== null && m.subject === subject) out.push(m);
    }
    return out;
  }

  it('publishes start, self-contained Arrow IPC messages under the size limit, and end with the summary', async () => {
    const layoutPcap = join(work, 'layout.pcap');
    writeUdpFlowsPcap(layoutPcap, 3000);
    const streamer = new NFStreamer({ source: layoutPcap });
    const result = await streamer.export('nats', `${server.url}/layout.x`, { sensor: 'layout', natsMaxMessageBytes: 20_000, natsStream: 'LAYOUT', natsSubjects: 'layout.>' });
    const msgs = await messages('LAYOUT', 'layout.x');
    const h = (m: StoredMsg, k: string) => m.header.get(k);
    const run = h(msgs[0]!, 'Flowstream-Run');
    expect(msgs.map((m) => h(m, 'Flowstream-Seq'))).toEqual(msgs.map((_m, i) => String(i)));
    expect(msgs.map((m) => h(m, 'Nats-Msg-Id'))).toEqual(msgs.map((_m, i) => `layout/${run}/${i}`));
    expect(msgs.every((m) => h(m, 'Flowstream-Sensor') === 'layout' && h(m, 'Flowstream-Run') === run)).toBe(true);

    const start = msgs[0]!;
    expect(h(start, 'Flowstream-Kind')).toBe('start');
    const startBody = start.json<{ fields: { name: string }[]; manifest: { sources: { name: string }[] } }>();
    expect(startBody.fields[0]!.name).toBe('id');
    expect(startBody.manifest.sources[0]!.name).toContain('layout.pcap');

    const flows = msgs.slice(1, -1);
    expect(flows.length).toBeGreaterThan(3);
    let rows = 0;
    for (const m of flows) {
      expect(h(m, 'Flowstream-Kind')).toBe('flows');
      expect(h(m, 'Content-Type')).toBe('application/vnd.apache.arrow.stream');
      expect(m.data.byteLength).toBeLessThanOrEqual(20_000);
      const t = tableFromIPC(m.data);
      expect(t.numRows).toBe(Number(h(m, 'Flowstream-Rows')));
      expect(t.schema.fields.map((f) => f.name)).toEqual(startBody.fields.map((f) => f.name));
      expect(t.getChild('id')!.get(0)).toBe(BigInt(rows));
      rows += t.numRows;
    }
    const end = msgs[msgs.length - 1]!;
    expect(h(end, 'Flowstream-Kind')).toBe('end');
    const endBody = end.json<{ flows: number; messages: number; summary: { flows: number; packets: { read: number }; manifest: { sources: { sha256: string }[] } } }>();
    expect(endBody).toMatchObject({ flows: rows, messages: flows.length, summary: { flows: rows } });
    expect(endBody.summary.manifest.sources[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(endBody.summary.packets.read).toBe(streamer.summary!.packets.read);
    expect(result.flows).toBe(rows);
    // every header block is within the room kept for it under max_payload
    for (const m of msgs) expect(m.header.encode().byteLength).toBeLessThanOrEqual(headerBytes('layout', run!));
  });

  it("a server whose max_payload cannot hold the run's start message: an error naming it before anything is sent; one that holds it takes flows under the rest", async () => {
    const small = await NatsServer.startWithConfig('max_payload: 2048\n');
    try {
      const streamer = new NFStreamer({ source: join(PCAPS, 'instagram.pcap') });
      await expect(streamer.export('nats', `${small.url}/flows.small`, { sensor: 'small', natsEncoding: 'json' })).rejects.toThrow(
        /the run's start message \(its fields and manifest, \d+ bytes\) does not fit the server's max_payload of 2048 bytes with its headers \(raise max_payload\)/,
      );
      const snc = await connect({ servers: small.url });
      const info = await (await jetstreamManager(snc)).streams.info('FLOWS');
      expect(info.state.messages).toBe(0);
      await snc.close();
    } finally {
      await small.stop();
    }
  });

  it('writes JSON lines with --nats-encoding json', async () => {
    const streamer = new NFStreamer({ source: capture });
    await streamer.export('nats', `${server.url}/flows.json`, { sensor: 'json', natsEncoding: 'json', columns: ['id', 'src_ip', 'bidirectional_packets'] });
    const msgs = await messages('FLOWS', 'flows.json');
    const lines = msgs.slice(1, -1).flatMap((m) => new TextDecoder().decode(m.data).trim().split('\n').map((l) => JSON.parse(l)));
    expect(lines.length).toBe(streamer.summary!.flows);
    expect(Object.keys(lines[0]!)).toEqual(['id', 'src_ip', 'bidirectional_packets']);
    expect(lines.map((l) => l.id)).toEqual(lines.map((_l, i) => i));
    expect(msgs[1]!.header.get('Content-Type')).toBe('application/x-ndjson');
  });

  it('stores a run published twice under the same run id once (Nats-Msg-Id)', async () => {
    const publish = async () => {
      const sink = new NatsSink(parseNatsTarget(`${server.url}/flows.twice`, '-o'), natsSettings({ sensor: 'twice' }), () => {}, 'run-1');
      await new NFStreamer({ source: capture }).writeTo(sink);
    };
    await publish();
    const first = (await messages('FLOWS', 'flows.twice')).length;
    await publish();
    expect((await messages('FLOWS', 'flows.twice')).length).toBe(first);
  });

  it('pauses the run while the server is down and finishes after it is back, losing nothing', async () => {
    const big = join(work, 'pause.pcap');
    writeUdpFlowsPcap(big, 20_000);
    const sink = new NatsSink(parseNatsTarget(`${server.url}/flows.pause`, '-o'), natsSettings({ sensor: 'pause', natsMaxMessageBytes: 20_000, natsInFlight: 2 }), () => {});
    let finished = false;
    const run = new NFStreamer({ source: big }).writeTo(sink).finally(() => (finished = true));
    const deadline = Date.now() + 10_000;
    while (sink.deliveries.acked < 50 && !finished && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(finished).toBe(false);
    await nc.close();
    await server.kill('SIGKILL');
    const ackedWhileDown = sink.deliveries.acked;
    await new Promise((r) => setTimeout(r, 1500));
    expect(finished).toBe(false);
    expect(sink.deliveries.acked).toBe(ackedWhileDown);
    await server.run();
    const result = await run;
    expect(result.flows).toBe(20_000);
    nc = await connect({ servers: server.url });
    jsm = await jetstreamManager(nc);
    const msgs = await messages('FLOWS', 'flows.pause');
    const ids = new Set(msgs.map((m) => m.header.get('Nats-Msg-Id')));
    expect(ids.size).toBe(msgs.length);
    const rows = msgs.reduce((n, m) => n + Number(m.header.get('Flowstream-Rows') || 0), 0);
    expect(rows).toBe(20_000);
  });

  it('a stream that refuses messages mid-run: the error says how many flows JetStream acknowledged, and they are the stored ones', async () => {
    // at most 4 messages, new ones refused: the start message and 3 flow messages are stored
    await jsm.streams.add({ name: 'FULL', subjects: ['full.>'], max_msgs: 4, discard: DiscardPolicy.New });
    const pcap = join(work, 'full.pcap');
    writeUdpFlowsPcap(pcap, 3000);
    const streamer = new NFStreamer({ source: pcap });
    const err = (await streamer
      .export('nats', `${server.url}/full.x`, { sensor: 'full', natsMaxMessageBytes: 20_000, natsStream: 'FULL', natsInFlight: 1 })
      .catch((e: unknown) => e)) as SinkError;
    expect(err).toBeInstanceOf(SinkError);
    const stored = await messages('FULL', 'full.x');
    expect(stored.length).toBe(4);
    const rows = stored.reduce((n, m) => n + Number(m.header.get('Flowstream-Rows') || 0), 0);
    expect(rows).toBeGreaterThan(0);
    expect(err.delivered).toEqual({ flows: rows, files: [], acknowledged: true });
    const metered = streamer.summary!.flows;
    expect(metered).toBeGreaterThan(rows);
    expect(err.message).toBe(
      `${server.url}/full.x: stream FULL refused a message: maximum messages exceeded (its limits discard new messages; it stores more only once it has room) ` +
        `(${rows} of the ${metered} flows metered were acknowledged; the others may be missing)`,
    );
  });

  it('a stream deleted mid-run: says that messages go unacknowledged, creates the stream again at a second look and finishes with every later flow', async () => {
    const warnings: string[] = [];
    let deletedAt = 0;
    let createdAt = 0;
    const inner = new NatsSink(parseNatsTarget(`${server.url}/gone.x`, '-o'), natsSettings({ sensor: 'gone', natsStream: 'GONE', natsSubjects: 'gone.>', natsDuplicateWindow: 30 }), (m) => {
      if (m.includes('creating it again')) createdAt = Date.now();
      warnings.push(m);
    });
    let deleted = false;
    // the stream disappears (with the start message) before the first flows are sent
    const sink: FlowSink = {
      target: inner.target,
      open: (c) => inner.open(c),
      async write(batch) {
        if (!deleted) {
          deleted = true;
          await jsm.streams.delete('GONE');
          deletedAt = Date.now();
        }
        return inner.write(batch);
      },
      close: (c) => inner.close(c),
      abort: (e) => inner.abort(e),
    };
    const streamer = new NFStreamer({ source: capture });
    const result = await streamer.writeTo(sink);
    expect(warnings[0]).toMatch(/^flowstream: nats nats:\/\/127\.0\.0\.1:\d+\/gone\.x: a message was not acknowledged \(.+\); sending it again until stream GONE takes it$/);
    expect(warnings).toContainEqual(expect.stringMatching(/gone\.x: stream GONE is gone \(deleted, or the server lost its store\); creating it again \(the messages it had acknowledged, 0 flows so far, are not in the new one\)$/));
    // made again only at a second look, 2 s after the first: a server still removing the deleted
    // stream's files would remove those of a stream made at once
    expect(createdAt - deletedAt).toBeGreaterThanOrEqual(2000);
    const info = await jsm.streams.info('GONE');
    // made as at the start of a run: its subjects and duplicate window
    expect(info.config.subjects).toEqual(['gone.>']);
    expect(info.config.duplicate_window).toBe(30e9);
    const msgs = await messages('GONE', 'gone.x');
    const rows = msgs.reduce((n, m) => n + Number(m.header.get('Flowstream-Rows') || 0), 0);
    expect(rows).toBe(streamer.summary!.flows);
    expect(result.flows).toBe(rows);
    expect(msgs[0]!.header.get('Flowstream-Kind')).toBe('flows');
    expect(msgs.at(-1)!.header.get('Flowstream-Kind')).toBe('end');
  });

  /**
   * Runs 20,000 flows into stream `name` (one message in flight), deletes the stream once it
   * acknowledged 20 messages, then calls `meanwhile` (the run waits for a stream); returns the
   * flows the note says were lost, the flows in the stream at the end, the result and the summary.
   */
  async function deletedUnderRun(name: string, note: RegExp, meanwhile: (warnings: readonly string[]) => Promise<void>) {
    const big = join(work, `${name}.pcap`);
    writeUdpFlowsPcap(big, 20_000);
    const warnings: string[] = [];
    const subject = `${name.toLowerCase()}.x`;
    const settings = natsSettings({ sensor: name, natsStream: name, natsSubjects: `${name.toLowerCase()}.>`, natsMaxMessageBytes: 20_000, natsInFlight: 1 });
    const sink = new NatsSink(parseNatsTarget(`${server.url}/${subject}`, '-o'), settings, (m) => warnings.push(m));
    let finished = false;
    const streamer = new NFStreamer({ source: big });
    const run = streamer.writeTo(sink).finally(() => (finished = true));
    const deadline = Date.now() + 10_000;
    while (sink.deliveries.acked < 20 && !finished && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(finished).toBe(false);
    await jsm.streams.delete(name);
    await meanwhile(warnings);
    const result = await run;
    const said = warnings.map((w) => note.exec(w)).find((m) => m !== null);
    expect(said, warnings.join('\n')).toBeDefined();
    // one replacement, said once (by a look, not again when the new stream's numbers start at 1)
    expect(warnings.filter((w) => w.endsWith('are not in the new one)')), warnings.join('\n')).toHaveLength(1);
    const msgs = await messages(name, subject);
    const rows = msgs.reduce((n, m) => n + Number(m.header.get('Flowstream-Rows') || 0), 0);
    return { lost: Number(said![1]), rows, result, flows: streamer.summary!.flows };
  }

  it('a stream deleted after it acknowledged flows: the result counts only the flows in the new stream, and the note says how many were lost', async () => {
    const note = /creating it again \(the messages it had acknowledged, (\d+) flows so far, are not in the new one\)$/;
    const { lost, rows, result, flows } = await deletedUnderRun('LOST', note, async () => {});
    expect(lost).toBeGreaterThan(0);
    expect(result.flows).toBe(rows);
    expect(rows + lost).toBe(flows);
  });

  it('a stream deleted and made again by another run while the run waits: the new stream is told from the old one by its creation time', async () => {
    const note = /stream REMADE was deleted and made again \(by another run, or by hand; the messages the old one had acknowledged, (\d+) flows so far, are not in the new one\)$/;
    const { lost, rows, result, flows } = await deletedUnderRun('REMADE', note, async (warnings) => {
      // the run looked once and missed the stream; another sensor's run makes it before the run looks again
      while (!warnings.some((w) => w.includes('was not acknowledged'))) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 300));
      await jsm.streams.add({ name: 'REMADE', subjects: ['remade.>'] });
    });
    expect(lost).toBeGreaterThan(0);
    expect(result.flows).toBe(rows);
    expect(rows + lost).toBe(flows);
  });

  it('a stream made again by someone else with subjects that leave out the run: said, and messages wait until the stream captures it', async () => {
    const note = /stream ELSE was deleted and made again \(by another run, or by hand; the messages the old one had acknowledged, (\d+) flows so far, are not in the new one\)$/;
    const uncaptured = 'flowstream: nats nats://127.0.0.1:PORT/else.x: stream ELSE does not capture subject else.x (its subjects: ["other.>"]); messages wait until a stream captures it';
    const { lost, rows, result, flows } = await deletedUnderRun('ELSE', note, async (warnings) => {
      while (!warnings.some((w) => w.includes('was not acknowledged'))) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 300));
      await jsm.streams.add({ name: 'ELSE', subjects: ['other.>'] });
      while (!warnings.some((w) => w.includes('does not capture'))) await new Promise((r) => setTimeout(r, 5));
      const said = warnings.filter((w) => w.includes('does not capture')).map((w) => w.replace(/:\d+\//, ':PORT/'));
      expect(said).toEqual([uncaptured]);
      const info = await jsm.streams.info('ELSE');
      await jsm.streams.update('ELSE', { ...info.config, subjects: ['other.>', 'else.>'] });
    });
    expect(lost).toBeGreaterThan(0);
    expect(result.flows).toBe(rows);
    expect(rows + lost).toBe(flows);
  }, 30_000);

  it('a server that comes back without messages it had acknowledged: the stream went back, said with the flows lost and left out of the result, not taken for a new stream', async () => {
    const big = join(work, 'back.pcap');
    writeUdpFlowsPcap(big, 20_000);
    const warnings: string[] = [];
    const settings = natsSettings({ sensor: 'back', natsStream: 'BACK', natsSubjects: 'back.>', natsMaxMessageBytes: 20_000, natsInFlight: 1 });
    const sink = new NatsSink(parseNatsTarget(`${server.url}/back.x`, '-o'), settings, (m) => warnings.push(m));
    let finished = false;
    const run = new NFStreamer({ source: big, nDissections: 0 }).writeTo(sink).finally(() => (finished = true));
    const deadline = Date.now() + 10_000;
    while (sink.deliveries.acked < 100 && !finished && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(finished).toBe(false);
    const created = (await jsm.streams.info('BACK')).created;
    await nc.close();
    await server.kill('SIGTERM');
    // what a crash before the last writes reached the disk leaves: the end of the stream's messages cut off
    const msgs = join(server.store, 'jetstream', '$G', 'streams', 'BACK', 'msgs');
    const blocks = readdirSync(msgs).filter((f) => f.endsWith('.blk')).sort();
    const last = join(msgs, blocks[blocks.length - 1]!);
    truncateSync(last, Math.floor(statSync(last).size / 2));
    for (const f of readdirSync(msgs)) if (!f.endsWith('.blk')) rmSync(join(msgs, f), { force: true });
    await server.run();
    const result = await run;
    nc = await connect({ servers: server.url });
    jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info('BACK')).created).toBe(created);
    const note =
      /stream BACK went back from message number (\d+) to (\d+): its server lost messages it had acknowledged \(as in a crash before they reached its disk\), with (\d+) flows of this run; they are not in the stream$/;
    const said = warnings.map((w) => note.exec(w)).filter((m) => m !== null);
    expect(said, warnings.join('\n')).toHaveLength(1);
    expect(Number(said[0]![2])).toBeLessThan(Number(said[0]![1]));
    expect(warnings.some((w) => w.includes('made again'))).toBe(false);
    // the flows the cut-off messages held are left out of the result: it counts the stream's rows
    const lost = Number(said[0]![3]);
    expect(lost).toBeGreaterThan(0);
    const rows = (await messages('BACK', 'back.x')).reduce((n, m) => n + Number(m.header.get('Flowstream-Rows') || 0), 0);
    expect(result.flows).toBe(rows);
    expect(rows + lost).toBe(20_000);
  }, 30_000);

  it('runs that make one stream at once all get its creation time (a request that races another gets a stream still being made)', async () => {
    for (let round = 0; round < 40; round++) {
      // new connections each round, as runs starting together have
      const clients = await Promise.all([0, 1, 2, 3].map(() => connect({ servers: server.url })));
      const config = { name: `RACE${round}`, subjects: [`race${round}.>`], maxAge: 0, maxBytes: 0, duplicateWindow: 120 };
      const created = await Promise.all(clients.map(async (nc) => (await ensureFlowStream(nc, config)).created));
      const final = (await jsm.streams.info(config.name)).created;
      await Promise.all(clients.map((nc) => nc.close()));
      expect(created, `round ${round}`).toEqual([final, final, final, final]);
    }
  }, 60_000);

  it('three runs into one stream at once, 16 messages in flight each: their numbers interleave and no replacement is told', async () => {
    const big = join(work, 'shared.pcap');
    writeUdpFlowsPcap(big, 20_000);
    const warnings: string[] = [];
    const runs = ['a', 'b', 'c'].map(async (sensor) => {
      const settings = natsSettings({ sensor, natsStream: 'SHARED', natsSubjects: 'shared.>', natsMaxMessageBytes: 20_000, natsInFlight: 16 });
      const sink = new NatsSink(parseNatsTarget(`${server.url}/shared.${sensor}`, '-o'), settings, (m) => warnings.push(m));
      const streamer = new NFStreamer({ source: big, nDissections: 0 });
      const result = await streamer.writeTo(sink);
      return { sensor, result, flows: streamer.summary!.flows };
    });
    for (const { sensor, result, flows } of await Promise.all(runs)) {
      const rows = (await messages('SHARED', `shared.${sensor}`)).reduce((n, m) => n + Number(m.header.get('Flowstream-Rows') || 0), 0);
      expect(result.flows).toBe(flows);
      expect(rows).toBe(flows);
    }
    expect(warnings).toEqual([]);
  }, 60_000);

  /**
   * A run whose second batch waits until every earlier message was acknowledged, then the stream is
   * deleted and made again 2 s later (nats-server removes a stream's files late), and `madeAgain`
   * runs; the run goes on. Returns the one replacement note's lost flows, the rows in the new stream,
   * the run's result and the flows metered.
   */
  async function replacedBetweenBatches(name: string, madeAgain: (acked: number) => Promise<void>, on = { url: server.url, jsm }) {
    const { url, jsm } = on;
    const subject = `${name.toLowerCase()}.x`;
    const big = join(work, `${name}.pcap`);
    writeUdpFlowsPcap(big, 20_000);
    const warnings: string[] = [];
    const settings = natsSettings({ sensor: name, natsStream: name, natsSubjects: `${name.toLowerCase()}.>`, natsMaxMessageBytes: 20_000, natsInFlight: 1 });
    const sink = new NatsSink(parseNatsTarget(`${url}/${subject}`, '-o'), settings, (m) => warnings.push(m));
    let batches = 0;
    const paused: FlowSink = {
      target: sink.target,
      open: (c) => sink.open(c),
      close: (c) => sink.close(c),
      abort: (e) => sink.abort(e),
      write: async (batch) => {
        if (batches++ === 1) {
          let acked = -1;
          while (sink.deliveries.acked !== acked) {
            acked = sink.deliveries.acked;
            await new Promise((r) => setTimeout(r, 200));
          }
          expect((await jsm.streams.info(name)).state.messages).toBe(acked);
          await jsm.streams.delete(name);
          await new Promise((r) => setTimeout(r, 2000));
          await jsm.streams.add({ name, subjects: [`${name.toLowerCase()}.>`] });
          await madeAgain(acked);
        }
        return sink.write(batch);
      },
    };
    const streamer = new NFStreamer({ source: big, nDissections: 0 });
    const result = await streamer.writeTo(paused);
    expect(batches).toBeGreaterThan(2);
    expect(sink.deliveries.retries).toBe(0);
    const rows = (await messages(name, subject, jsm)).reduce((n, m) => n + Number(m.header.get('Flowstream-Rows') || 0), 0);
    return { warnings, rows, result, flows: streamer.summary!.flows, acked: sink.deliveries.acked };
  }

  /**
   * The one note of stream `name`'s replacement says how many flows were lost, and they are what
   * the run's result leaves out: the flows in the new stream and the lost ones are every flow metered.
   */
  function everyFlowCounted(name: string, { warnings, rows, result, flows }: Awaited<ReturnType<typeof replacedBetweenBatches>>): void {
    const note = new RegExp(`stream ${name} was deleted and made again \\(by another run, or by hand; the messages the old one had acknowledged, (\\d+) flows so far, are not in the new one\\)$`);
    const said = warnings.map((w) => note.exec(w)).filter((m) => m !== null);
    expect(said, warnings.join('\n')).toHaveLength(1);
    const lost = Number(said[0]![1]);
    expect(lost).toBeGreaterThan(0);
    expect(result.flows).toBe(rows);
    expect(rows + lost).toBe(flows);
  }

  /** Publishes more messages of another subject than the run had acknowledged: the new stream's numbers pass the run's before it sends again. */
  async function fillPast(connection: NatsConnection, subject: string, acked: number): Promise<void> {
    const js = jetstream(connection);
    for (let i = 0; i < acked + 50; i++) await js.publish(subject, new Uint8Array(8));
  }

  it('a stream deleted and made again between two batches, while no message waits: told by the sequence numbers starting again', async () => {
    everyFlowCounted('QUIET', await replacedBetweenBatches('QUIET', async () => {}));
  }, 30_000);

  it('a stream made again between two batches and filled by other runs past the numbers of the run: told by the look at the end, which counts what it holds of the run', async () => {
    everyFlowCounted('FILLED', await replacedBetweenBatches('FILLED', (acked) => fillPast(nc, 'filled.other', acked)));
  }, 30_000);

  it('a stream made again and filled past the run, with credentials that may not read it: the note says the count is unknown, and the result counts none of the flows', async () => {
    // the sensor may publish and look at streams, not make consumers (the count reads through one)
    const sensorRights = `publish: { allow: ["norights.>", "$JS.API.INFO", "$JS.API.STREAM.INFO.>", "$JS.API.STREAM.CREATE.>"] }, subscribe: { allow: ["_INBOX.>"] }`;
    const guarded = await NatsServer.startWithConfig(
      `authorization {\n  users = [\n    { user: admin, password: admin }\n    { user: sensor, password: sensor, permissions: { ${sensorRights} } }\n  ]\n}\n`,
    );
    const admin = await connect({ servers: guarded.url, user: 'admin', pass: 'admin' });
    try {
      const on = { url: guarded.url.replace('nats://', 'nats://sensor:sensor@'), jsm: await jetstreamManager(admin) };
      const { warnings, rows, result, flows, acked } = await replacedBetweenBatches('NORIGHTS', (before) => fillPast(admin, 'norights.other', before), on);
      expect(rows).toBeGreaterThan(0);
      const note = /stream NORIGHTS was deleted and made again \(by another run, or by hand; the messages the old one had acknowledged are not in the new one\); how many of this run's (\d+) acknowledged flows the new one holds could not be counted \((.+)\), so the result counts none of them$/;
      const said = warnings.map((w) => note.exec(w)).filter((m) => m !== null);
      expect(said, warnings.join('\n')).toHaveLength(1);
      expect(said[0]![2]).toMatch(/permission/i);
      expect(warnings.join('\n')).not.toMatch(/flows so far/);
      // every flow metered was acknowledged (by one stream or the other); none is known to be in the new one
      expect(Number(said[0]![1])).toBe(flows);
      expect(acked).toBeGreaterThan(2);
      expect(result.flows).toBe(0);
    } finally {
      await admin.close();
      await guarded.stop();
    }
  }, 30_000);

  it('refuses a subject the stream does not capture, naming -o and the stream', async () => {
    await expect(natsSinkDefinition.create(`${server.url}/other.x`, { sensor: 's' }).then((s) => new NFStreamer({ source: capture }).writeTo(s))).rejects.toThrow(
      /subject "other.x" is not captured by stream FLOWS/,
    );
  });
});

describe.skipIf(!HAS_NATS_SERVER)('NATS without JetStream', () => {
  it('a server without JetStream: the run and the collector say so and how to enable it', async () => {
    const plain = await NatsServer.startWithoutJetStream();
    const hint = 'jetstream is not enabled (the server runs without JetStream: start nats-server with -js, or add a jetstream {} block to its configuration)';
    try {
      const run = new NFStreamer({ source: join(PCAPS, 'instagram.pcap') }).export('nats', `${plain.url}/flows.x`, { sensor: 'plain' });
      await expect(run).rejects.toThrow(`${plain.url}/flows.x: ${hint}`);
      const dir = mkdtempSync(join(tmpdir(), 'flowstream-nojs-'));
      try {
        await expect(collectFlows({ source: parseNatsTarget(`${plain.url}/FLOWS`, 'SOURCE'), durable: 'd', dir, idleExit: 1, warn: () => {} })).rejects.toThrow(`${plain.url}/FLOWS: ${hint}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      await plain.stop();
    }
  }, 60_000);
});

describe.skipIf(!HAS_NATS_SERVER)('NATS sink credentials', () => {
  it('logs in with nats://user:pass@ and fails (not hangs) on a wrong password, hiding it', async () => {
    const server = await NatsServer.start(['--user', 'sensor', '--pass', 's3cret']);
    try {
      const url = (pass: string) => `nats://sensor:${pass}@127.0.0.1:${server.port}/flows.auth`;
      const ok = await new NFStreamer({ source: join(PCAPS, 'instagram.pcap') }).export('nats', url('s3cret'), { sensor: 'auth' });
      expect(ok.flows).toBeGreaterThan(0);
      const failed = new NFStreamer({ source: join(PCAPS, 'instagram.pcap') }).export('nats', url('wrong'), { sensor: 'auth' });
      await expect(failed).rejects.toThrow('nats://sensor:***@127.0.0.1:' + server.port + '/flows.auth: Authorization Violation');
    } finally {
      await server.stop();
    }
  });
});
