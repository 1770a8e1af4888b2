import { randomBytes } from 'node:crypto';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerInfo, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { RecordBatch } from 'apache-arrow';
import { explainJetStream, NatsLink } from '../nats-connection.js';
import type { NatsTarget } from '../nats-target.js';
import { RetryNote } from '../retry-note.js';
import { flowMessage, flowRows, schemaKey } from './flow-message.js';
import { withDatasetLock } from './dataset-lock.js';
import { ParquetPart, placePart, removeStaleTemporaries, writeAtomically, writePartTemp } from './parquet-part.js';
import { StoredMessages } from './stored-messages.js';

/** What the server says of a consumer that is gone, or whose stream is: the collector makes it again. */
const CONSUMER_GONE = /consumer (deleted|not found)|stream not found/i;

/** Settings of {@link collectFlows} (the `flowstream collect` flags). */
export interface CollectOptions {
  /** Server and stream: `nats://HOST:PORT/STREAM`. */
  readonly source: NatsTarget;
  /** Durable consumer name, shared by the collectors that share the work. */
  readonly durable: string;
  /** Dataset folder. */
  readonly dir: string;
  /** Seconds without a new message after which the collector finishes; 0 = never. */
  readonly idleExit?: number;
  /** A file is closed when its messages' bodies reach this many bytes (default 64 MiB). */
  readonly rollBytes?: number;
  /** … or when it is this old, seconds (default 60). */
  readonly rollSeconds?: number;
  /**
   * `ack_wait` of a consumer created here, seconds (default max(60, 2 × rollSeconds + 30)): how
   * long the messages held by a collector that died wait before they are redelivered.
   */
  readonly ackWait?: number;
  /** `.creds` file. */
  readonly creds?: string | null;
  /** PEM file of CA certificates for the server's certificate (implies TLS). */
  readonly tlsCa?: string | null;
  /** Stops the collector (files are closed and acknowledged first). */
  readonly signal?: AbortSignal;
  readonly warn?: (message: string) => void;
}

/** What a collector wrote. */
export interface CollectResult {
  /** Flows written to files. */
  flows: number;
  /** Files renamed into place. */
  files: string[];
  /** Redelivered messages found already stored, acknowledged and skipped. */
  skipped: number;
}

const FETCH_MESSAGES = 256;
const FETCH_EXPIRES_MS = 1000;

/**
 * Consumes a flow stream with a durable pull consumer and writes the flows of every sensor as a
 * Parquet dataset (`sensor`, `run_id`, then the flow columns; one file per schema, rolled by size
 * or age). Exactly once, even across `kill -9`:
 *
 * 1. rows are written under a temporary name `.NAME.parquet.HOST-PID.tmp` that `**\/*.parquet` does
 *    not match, synced, renamed to `NAME.parquet`, and only then are their messages acknowledged;
 * 2. every file lists its message ids in its footer (`flowstream.messages`); the collector reads
 *    the footers of new files before handling each fetched batch, and a message found there (a
 *    redelivery after a collector died between rename and acknowledgement, or a second copy in
 *    the stream) is acknowledged and skipped;
 * 3. files close after at most half the consumer's `ack_wait`, and held messages get "still
 *    working" acknowledgements, so a live collector's messages are not handed to another one; if
 *    one was (a collector stalled longer than `ack_wait`), the footers are read again just before
 *    each rename, under the folder's lock file (`.collect.lock`), and messages another collector
 *    placed meanwhile leave the file.
 *
 * `idleExit`: finishes after that many seconds without a new message once no message of the
 * consumer is waiting for delivery or acknowledgement (those held by a collector that died come
 * back after `ack_wait`).
 *
 * `start`/`end` messages are kept as `_runs/SENSOR.RUN.start.json` / `.end.json` (manifest,
 * summary).
 *
 * @example
 * ```ts
 * await collectFlows({ source: parseNatsTarget('nats://127.0.0.1:4222/FLOWS', 'SOURCE'), durable: 'lake', dir: '/data/flows', idleExit: 10 });
 * ```
 */
export async function collectFlows(options: CollectOptions): Promise<CollectResult> {
  const warn = options.warn ?? ((m: string) => process.stderr.write(`${m}\n`));
  const stream = options.source.path;
  const dir = options.dir;
  const runsDir = join(dir, '_runs');
  await mkdir(runsDir, { recursive: true });
  await removeStaleTemporaries(dir);
  await removeStaleTemporaries(runsDir);
  const stored = new StoredMessages(dir);
  await stored.refresh();

  const link = await NatsLink.open(options.source, { name: `flowstream collect ${options.durable}`, creds: options.creds ?? null, tlsCa: options.tlsCa ?? null, onStatus: (t) => warn(`flowstream collect: ${options.source.display}: ${t}`) });
  const result: CollectResult = { flows: 0, files: [], skipped: 0 };
  try {
    const rollSeconds = options.rollSeconds ?? 60;
    const ackWaitSeconds = options.ackWait ?? Math.max(60, 2 * rollSeconds + 30);
    const info = await durableConsumer(link, stream, options.durable, ackWaitSeconds).catch((err: unknown) => {
      throw new Error(`${options.source.display}: ${(explainJetStream(err) as Error).message}`, { cause: err });
    });
    const ackWaitMs = (info.config.ack_wait ?? 30e9) / 1e6;
    const rollMs = Math.min(rollSeconds * 1000, ackWaitMs / 2);
    const maxHeld = Math.max(1, Math.floor((info.config.max_ack_pending ?? 1000) / 2));
    const rollBytes = options.rollBytes ?? 64 * 1024 * 1024;
    let consumer = await jetstream(link.nc).consumers.get(stream, options.durable);
    /** The durable consumer went away (its stream deleted, or the consumer itself): made again before the next fetch. */
    let consumerGone = false;
    const tag = randomBytes(4).toString('hex');
    let counter = 0;
    const parts = new Map<string, ParquetPart>();
    const held = new Set<string>();
    let warnedForeign = false;

    const roll = async (key: string, part: ParquetPart): Promise<void> => {
      parts.delete(key);
      try {
        await place(part);
      } catch (err) {
        // not stored: given back with the parts still held when the collector stops (below)
        parts.set(key, part);
        throw err;
      }
    };
    const place = async (part: ParquetPart): Promise<void> => {
      const stamp = new Date(part.startedAt).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
      const name = `part-${stamp}-${tag}-${counter++}`;
      let temp = await writePartTemp(dir, name, part);
      // Under the folder's lock, a last look at the footers: messages another collector placed
      // meanwhile (it got them when this one was slower than ack_wait) leave this file.
      const path = await withDatasetLock(dir, async () => {
        await stored.refresh();
        const gone = part.removeStored((run, seq) => stored.has(run, seq));
        if (gone.length > 0) {
          for (const h of gone) {
            h.msg.ack();
            held.delete(`${h.run}/${h.seq}`);
          }
          result.skipped += gone.length;
          await unlink(temp);
          if (part.held.length === 0) return null;
          temp = await writePartTemp(dir, name, part);
        }
        const placed = await placePart(dir, name, temp);
        stored.addFile(`${name}.parquet`, part.ranges());
        return placed;
      });
      if (path === null) return;
      for (const h of part.held) {
        h.msg.ack();
        held.delete(`${h.run}/${h.seq}`);
      }
      result.files.push(path);
      result.flows += part.rows;
    };
    const rollDue = async (all: boolean): Promise<void> => {
      const now = Date.now();
      for (const [key, part] of [...parts]) if (all || now - part.startedAt >= rollMs) await roll(key, part);
      if (!link.nc.isClosed()) await link.nc.flush().catch(() => {});
    };
    // "Still working" for held messages, three times per ack_wait: JetStream restarts their timers
    // instead of handing them to another collector while this one is slow (a loaded machine).
    let lastProgress = Date.now();
    const progress = (): void => {
      if (Date.now() - lastProgress < ackWaitMs / 3) return;
      lastProgress = Date.now();
      for (const part of parts.values()) for (const h of part.held) h.msg.working();
    };
    const handle = async (msg: JsMsg): Promise<void> => {
      const m = flowMessage(msg);
      if (m === null) {
        if (!warnedForeign) warn(`flowstream collect: ${stream}: skipping a message without Flowstream-* headers (subject ${msg.subject})`);
        warnedForeign = true;
        msg.term();
        return;
      }
      if (m.kind !== 'flows') {
        await writeAtomically(runsDir, `${m.sensor}.${m.run}.${m.kind}.json`, msg.data);
        msg.ack();
        return;
      }
      const id = `${m.runKey}/${m.seq}`;
      if (held.has(id)) return; // redelivered while held here: acknowledged with its file
      if (stored.has(m.runKey, m.seq)) {
        result.skipped++;
        msg.ack();
        return;
      }
      let batches: RecordBatch[];
      try {
        batches = flowRows(msg, m);
      } catch (err) {
        // A body no reader understands would come back forever: drop it from the consumer, loudly.
        warn(`flowstream collect: ${stream}: message ${id} is not a readable flow batch (${(err as Error).message}); skipped`);
        msg.term();
        return;
      }
      if (batches.length === 0) {
        msg.ack();
        return;
      }
      const key = schemaKey(batches[0]!);
      let part = parts.get(key);
      if (part === undefined) parts.set(key, (part = new ParquetPart()));
      part.add({ msg, run: m.runKey, seq: m.seq, batches, bytes: msg.data.byteLength });
      held.add(id);
      if (part.bytes >= rollBytes || part.held.length >= maxHeld) await roll(key, part);
    };

    let lastMessage = Date.now();
    const idleMs = (options.idleExit ?? 0) * 1000;
    // a fetch that keeps failing (a stream deleted, a server gone) is tried every 500 ms, said now and then
    const fetchFailures = new RetryNote(warn);
    /** Fetches, files and acknowledges messages until the signal, or idle with nothing pending. */
    async function consume(): Promise<void> {
      while (options.signal?.aborted !== true) {
        if (idleMs > 0 && Date.now() - lastMessage >= idleMs) {
          await rollDue(true);
          // Messages delivered but not acknowledged (held by a collector that died) come back after
          // ack_wait: finish only when none is left.
          const state = await consumer.info().catch(() => null);
          if (state !== null && state.num_pending === 0 && state.num_ack_pending === 0) break;
          lastMessage = Date.now() - idleMs / 2;
        }
        const batch: JsMsg[] = [];
        try {
          await link.connected();
          if (consumerGone) {
            // a stream deleted and made again starts empty of consumers: the collector's is made anew
            await durableConsumer(link, stream, options.durable, ackWaitSeconds);
            consumer = await jetstream(link.nc).consumers.get(stream, options.durable);
            consumerGone = false;
          }
          const it = await consumer.fetch({ max_messages: FETCH_MESSAGES, expires: FETCH_EXPIRES_MS });
          for await (const msg of it) batch.push(msg);
        } catch (err) {
          let failure = err as Error;
          // a fetch on a consumer deleted between two fetches (its stream deleted) does not say so:
          // it times out ("heartbeats missed"); the consumer's info does ("stream not found")
          if (!CONSUMER_GONE.test(failure.message)) failure = await consumer.info().then(() => failure, (infoErr: unknown) => infoErr as Error);
          if (CONSUMER_GONE.test(failure.message)) consumerGone = true;
          fetchFailures.failed(`flowstream collect: ${options.source.display}: ${failure.message}; retrying`);
          await new Promise((r) => setTimeout(r, 500));
        }
        if (batch.length > 0) {
          lastMessage = Date.now();
          // Files other collectors renamed since we looked: a redelivered message (its collector died
          // before acknowledging) or a second copy in the stream may already be in one of them.
          await stored.refresh();
        }
        for (const msg of batch) {
          await handle(msg);
          progress();
        }
        progress();
        await rollDue(false);
      }
      await rollDue(true);
    }
    try {
      await consume();
    } catch (err) {
      // a file that cannot be written (a full disk): its messages were never acknowledged, and the
      // stream hands them (and those of the parts still held) out again now rather than after ack_wait
      for (const part of parts.values()) for (const h of part.held) h.msg.nak();
      await link.nc.flush().catch(() => {});
      const before = `${result.flows} flows were stored in ${result.files.length} files before it`;
      throw new Error(`${(err as Error).message} (${before}; the messages not stored stay in the stream, unacknowledged, for a collector started again)`, { cause: err });
    }
  } finally {
    await link.close();
  }
  return result;
}

async function durableConsumer(link: NatsLink, stream: string, durable: string, ackWaitSeconds: number): Promise<ConsumerInfo> {
  const jsm = await jetstreamManager(link.nc);
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (err) {
    if (/stream not found/i.test((err as Error).message)) throw new Error(`stream ${stream} not found on ${link.nc.getServer()} (SOURCE is nats://HOST:PORT/STREAM)`, { cause: err });
    if (!/consumer not found/i.test((err as Error).message)) throw err;
  }
  return jsm.consumers.add(stream, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(ackWaitSeconds * 1000),
    max_ack_pending: 20000,
    max_deliver: -1,
  });
}
