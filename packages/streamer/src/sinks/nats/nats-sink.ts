import { randomUUID } from 'node:crypto';
import { jetstream, type StreamInfo } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { FlowBatch } from '@flowstream/core';
import { ArrowEncoder } from '../arrow/arrow-encoder.js';
import { SinkError, type FlowSink, type SinkCloseContext, type SinkOpenContext, type SinkResult } from '../flow-sink.js';
import { AckedPublisher, retryable, storeRefused, type NumbersWentBack } from './acked-publisher.js';
import { ensureFlowStream, findFlowStream, streamCaptures, type FlowStreamConfig } from './flow-stream.js';
import { CONTENT_TYPES, HEADERS, arrowParts, headerBytes, jsonParts, messageId, type EncodedPart, type MessageKind } from './message-layout.js';
import { explainJetStream, NatsLink } from './nats-connection.js';
import type { NatsSettings } from './nats-settings.js';
import type { NatsTarget } from './nats-target.js';
import { RetryNote } from './retry-note.js';

const encoder = new TextEncoder();
/** Least time between two looks for the stream while messages go unacknowledged, ms. */
const STREAM_CHECK_MS = 2000;
/**
 * How long after the stream was found or made at the start a failed message is retried without a
 * note. A stream that another run made a moment before (several sensors starting at once) can
 * answer its info before it takes messages: nats-server 2.9.10 answers them with "no responders"
 * for a few milliseconds (seen for 1 of 120 first messages of three clients making one stream).
 */
const SETTLING_MS = 2000;

/**
 * Publishes a run's flows to a JetStream stream: a `start` message (fields, manifest), one
 * `flows` message per part of a batch (Arrow IPC stream or JSON lines, each under the server's
 * `max_payload`), and an `end` message with the run summary. Every message is acknowledged by
 * JetStream before the run ends, at most `inFlight` at a time; `write` does not resolve while the
 * server is unreachable, so the run pauses instead of buffering.
 *
 * @example
 * ```ts
 * const sink = new NatsSink(parseNatsTarget('nats://127.0.0.1:4222/flows.berlin', '-o'), natsSettings({ sensor: 'berlin' }));
 * await new NFStreamer({ source: 'a.pcap' }).writeTo(sink);
 * ```
 */
export class NatsSink implements FlowSink {
  readonly target: string;
  /** The run id of message ids (`${sensor}/${runId}/${seq}`). */
  readonly runId: string;
  private link: NatsLink | null = null;
  private publisher: AckedPublisher | null = null;
  private encoder: ArrowEncoder | null = null;
  /** Bytes of a message body the server takes (its max_payload less the headers). */
  private room = 0;
  /** Bytes of a `flows` message body (the room, or less with `natsMaxMessageBytes`). */
  private limit = 0;
  private seq = 0;
  private flows = 0;
  /**
   * Flows a stream acknowledged before it was lost and made again (see {@link restoreStream}): they
   * are not in the stream, so the run's result leaves them out.
   */
  private lostFlows = 0;
  /** The stream the run creates when missing (see {@link restoreStream}). */
  private streamConfig: FlowStreamConfig | null = null;
  /** When {@link restoreStream} last looked, and whether it is looking. */
  private lastStreamCheck = 0;
  private checkingStream = false;
  /** The last look found no stream (see {@link restoreStream}). */
  private streamMissed = false;
  /** When the stream the run publishes to was created: another time means another stream of that name. */
  private streamCreated = '';
  /** The look that follows acknowledgements whose numbers went back (see {@link numbersWentBack}), while it runs. */
  private restartCheck: Promise<void> | null = null;
  /** The creation time of the stream last said not to capture the run's subject (see {@link capturesSubject}). */
  private uncapturedTold = '';
  /** Flows acknowledged when messages last stopped being acknowledged, and the messages then (see {@link retrying}). */
  private ackedBeforeFailure = 0;
  private ackedAtLastFailure = -1;
  /** When the run found or made its stream (see {@link SETTLING_MS}). */
  private streamFoundAt = 0;
  /** Says, now and then, that messages are sent again (see {@link retrying}). */
  private readonly retryNote: RetryNote;
  private readonly subject: string;

  constructor(
    private readonly where: NatsTarget,
    private readonly settings: NatsSettings,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
    runId?: string,
  ) {
    this.target = where.display;
    this.runId = runId ?? randomUUID();
    this.subject = where.path !== '' ? where.path : `flows.${settings.sensor}`;
    this.retryNote = new RetryNote(warn);
  }

  async open(context: SinkOpenContext): Promise<void> {
    try {
      const s = this.settings;
      this.link = await NatsLink.open(this.where, {
        name: `flowstream ${s.sensor}`,
        creds: s.creds,
        tlsCa: s.tlsCa,
        onStatus: (t) => this.warn(`flowstream: nats ${this.target}: ${t}`),
        signal: context.signal,
      });
      const config = { name: s.stream, subjects: s.subjects, maxAge: s.maxAge, maxBytes: s.maxBytes, duplicateWindow: s.duplicateWindow };
      this.streamConfig = config;
      for (let attempt = 0; ; attempt++) {
        try {
          this.streamCreated = (await ensureFlowStream(this.link.nc, config, this.subject)).created;
          this.streamFoundAt = Date.now();
          break;
        } catch (err) {
          // The server may die or JetStream still be recovering right after the connection.
          if (err instanceof RangeError || !retryable(err) || attempt >= 40) throw err;
          await new Promise((r) => setTimeout(r, 250));
          await this.link.connected();
        }
      }
      const headers = headerBytes(s.sensor, this.runId);
      this.room = this.link.maxPayload - headers;
      if (this.room <= 0) throw new RangeError(`the server's max_payload of ${this.link.maxPayload} bytes leaves no room for a message body after ${headers} bytes of headers (raise max_payload)`);
      this.limit = s.maxMessageBytes > 0 ? Math.min(s.maxMessageBytes, this.room) : this.room;
      const start = { sensor: s.sensor, run: this.runId, encoding: s.encoding, fields: context.fields, anonymized: context.anonymized, manifest: context.manifest };
      // checked before anything is sent: a run whose start message the server refuses would leave flows without it
      const startBody = this.control('start', start, 'its fields and manifest');
      this.publisher = new AckedPublisher(
        jetstream(this.link.nc),
        this.link,
        s.inFlight,
        undefined,
        (err) => this.retrying(err),
        (went) => this.numbersWentBack(went),
      );
      if (s.encoding === 'arrow') this.encoder = new ArrowEncoder(context.fields, { warn: this.warn });
      await this.send('start', startBody, CONTENT_TYPES.control, 0);
    } catch (err) {
      await this.link?.close();
      throw new SinkError(this.target, explainJetStream(err));
    }
  }

  async write(batch: FlowBatch): Promise<void> {
    if (batch.length === 0) return;
    try {
      const parts = this.settings.encoding === 'arrow' ? this.arrowParts(batch) : jsonParts(batch, this.limit);
      const type = this.settings.encoding === 'arrow' ? CONTENT_TYPES.arrow : CONTENT_TYPES.json;
      for (const p of parts) await this.send('flows', p.body, type, p.rows);
      this.flows += batch.length;
    } catch (err) {
      throw new SinkError(this.target, this.refusal(err));
    }
  }

  async close(context: SinkCloseContext): Promise<SinkResult> {
    try {
      const end = { flows: this.flows, messages: this.seq - 1, summary: context.summary };
      await this.send('end', this.control('end', end, 'its summary'), CONTENT_TYPES.control, 0);
      await this.publisher!.flush();
      await this.restartCheck;
      await this.lastLook();
    } catch (err) {
      throw new SinkError(this.target, this.refusal(err));
    } finally {
      await this.link?.close();
    }
    return { flows: this.flows - this.lostFlows, files: [] };
  }

  /** Stops publishing; the flows JetStream acknowledged are in the stream (others may be, unacknowledged). */
  async abort(_reason: Error): Promise<SinkResult> {
    this.publisher?.stop();
    if (this.link !== null && !this.link.nc.isClosed()) await this.link.nc.close();
    return { flows: (this.publisher?.ackedRows ?? 0) - this.lostFlows, files: [], acknowledged: true };
  }

  /**
   * A message was not acknowledged and is sent again (a timeout, JetStream recovering, no stream
   * answering): said now and then ({@link RetryNote}), so that a run that stalls says why.
   */
  private retrying(err: Error): void {
    // messages were acknowledged since the last failure: a new wait begins, and what the stream had
    // acknowledged until now is what a lost stream takes with it
    const p = this.publisher!;
    if (p.acked !== this.ackedAtLastFailure) this.ackedBeforeFailure = p.ackedRows;
    this.ackedAtLastFailure = p.acked;
    // a stream made a moment ago (by this run or another) may not take messages yet: not worth a note
    if (p.acked === 0 && Date.now() - this.streamFoundAt < SETTLING_MS) return;
    this.retryNote.failed(`flowstream: nats ${this.target}: a message was not acknowledged (${err.message}); sending it again until stream ${this.settings.stream} takes it`);
    this.restoreStream();
  }

  /**
   * While messages go unacknowledged, looks (at most every {@link STREAM_CHECK_MS}) whether the
   * stream is still there, and creates it again when it is not, as at the start of the run: a
   * stream deleted under the run, or a server that came back without its store, would otherwise
   * keep the run waiting for ever. The messages the lost stream had acknowledged are not in the new
   * one: the note says so, and the run's result ({@link close}, {@link abort}) leaves them out. A
   * stream found under the same name but created at another time (made again by another sensor's
   * run, or by hand) is another stream too, and said and counted the same way.
   *
   * The stream is made again only when two looks in a row missed it. nats-server stops answering
   * for a deleted stream before it has removed the stream's files, and removes the folder of a
   * stream of the same name made in between: that stream goes on acknowledging messages it cannot
   * give back (seen with nats-server 2.9.10 under load: 499 messages counted, none readable).
   */
  private restoreStream(): void {
    const now = Date.now();
    if (this.checkingStream || this.link === null || this.streamConfig === null || now - this.lastStreamCheck < STREAM_CHECK_MS) return;
    this.lastStreamCheck = now;
    this.checkingStream = true;
    void this.lookForStream(this.link.nc, this.streamConfig)
      .catch(() => {
        // the server is unreachable or JetStream recovering: the next retry looks again
      })
      .finally(() => {
        this.checkingStream = false;
      });
  }

  private async lookForStream(nc: NatsLink['nc'], config: FlowStreamConfig): Promise<void> {
    const missed = this.streamMissed;
    let info = await findFlowStream(nc, config.name);
    this.streamMissed = info === null;
    let made = false;
    if (info === null) {
      if (!missed) return;
      info = await ensureFlowStream(nc, config, this.subject, () => {
        made = true;
        // the stream made now numbers its messages from 1, and acknowledgements may come before its
        // info does: they tell no replacement of their own
        this.publisher?.newStream();
      });
      this.streamMissed = false;
    }
    this.sameStream(info, made);
    this.capturesSubject(info);
  }

  /**
   * Says (once per stream) that the stream found does not capture the run's subject (made again
   * by someone else with other subjects): messages wait until it does, as for a missing stream.
   */
  private capturesSubject(info: StreamInfo): void {
    if (streamCaptures(info, this.subject)) return;
    if (this.uncapturedTold === info.created) return;
    this.uncapturedTold = info.created;
    const subjects = JSON.stringify(info.config.subjects ?? []);
    this.warn(`flowstream: nats ${this.target}: stream ${this.settings.stream} does not capture subject ${this.subject} (its subjects: ${subjects}); messages wait until a stream captures it`);
  }

  /**
   * Whether `info` is the stream the run published to (created at the same time); when not, the
   * flows the old one had acknowledged are lost: said, and left out of the result.
   */
  private sameStream(info: StreamInfo, made: boolean): void {
    if (info.created === this.streamCreated) return;
    this.streamCreated = info.created;
    this.publisher?.newStream();
    this.lost(this.ackedBeforeFailure, made);
  }

  /**
   * An acknowledgement's stream number was not above the last one's: a look tells another stream of
   * that name (another creation time: the flows the earlier messages held are lost, said and left
   * out as by {@link sameStream}) from the same stream gone back (its server lost messages it had
   * acknowledged, as in a crash before they reached its disk: the flows of this run's messages
   * numbered from there on are said and left out). This tells a stream deleted and made again
   * between two messages, which no other look sees (nothing waited).
   */
  private numbersWentBack(went: NumbersWentBack): void {
    if (this.restartCheck !== null || this.link === null) return;
    const known = this.streamCreated;
    this.restartCheck = findFlowStream(this.link.nc, this.settings.stream)
      .then((info) => {
        // gone again: the look while messages wait makes it and says what was lost
        if (info === null) return;
        if (info.created !== known) {
          // unless a look while messages waited found it first, and said so
          if (this.streamCreated !== known) return;
          this.streamCreated = info.created;
          this.lost(went.ackedRows, false);
          return;
        }
        this.lostFlows += went.rowsFromSeq;
        const flows = `${went.complete ? '' : 'at least '}${went.rowsFromSeq} flows of this run`;
        this.warn(
          `flowstream: nats ${this.target}: stream ${this.settings.stream} went back from message number ${went.lastSeq} to ${went.seq}: its server lost messages it had acknowledged (as in a crash before they reached its disk), with ${flows}; they are not in the stream`,
        );
      })
      .catch(() => {
        // the server is unreachable: the look while messages wait tells what happened
      })
      .finally(() => {
        this.restartCheck = null;
      });
  }

  /**
   * A look at the end of the run (best effort: every message was acknowledged): a stream made again
   * under the run that nothing told yet (no message waited, and other runs had filled it past this
   * run's numbers) is another creation time here; what it holds of this run's flows is counted, and
   * the rest said and left out of the result.
   */
  private async lastLook(): Promise<void> {
    const nc = this.link!.nc;
    const info = await findFlowStream(nc, this.settings.stream).catch(() => null);
    if (info === null || info.created === this.streamCreated) return;
    this.streamCreated = info.created;
    const acked = this.publisher!.ackedRows;
    let kept: number;
    try {
      kept = await this.rowsOfRunIn(nc);
    } catch (err) {
      // not counted (credentials without the right to make a consumer, say): the result counts only
      // flows known to be in the stream, and none of this run's is known to be in the new one
      this.lostFlows = acked;
      const why = explainJetStream(err);
      const reason = why instanceof Error ? why.message : String(why);
      this.warn(
        `flowstream: nats ${this.target}: stream ${this.settings.stream} was deleted and made again (by another run, or by hand; the messages the old one had acknowledged are not in the new one); how many of this run's ${acked} acknowledged flows the new one holds could not be counted (${reason}), so the result counts none of them`,
      );
      return;
    }
    this.lost(acked - kept, false);
  }

  /** The flows this run's messages in the stream hold (their headers read through an ordered consumer on the run's subject). */
  private async rowsOfRunIn(nc: NatsLink['nc']): Promise<number> {
    const consumer = await jetstream(nc).consumers.get(this.settings.stream, { filter_subjects: this.subject, headers_only: true });
    // every message of this run was acknowledged before the look: it is among those there now
    let left = (await consumer.info()).num_pending;
    if (left === 0) return 0;
    let rows = 0;
    for await (const m of await consumer.consume({ max_messages: 1000 })) {
      if (m.headers?.get(HEADERS.run) === this.runId) rows += Number(m.headers.get(HEADERS.rows) || 0);
      if (--left === 0 || m.info.pending === 0) break;
    }
    return rows;
  }

  /** Says that the stream was replaced and that the `flows` the old one acknowledged are not in it; the result leaves them out. */
  private lost(flows: number, made: boolean): void {
    this.lostFlows = flows;
    const what = made
      ? 'is gone (deleted, or the server lost its store); creating it again (the messages it had acknowledged'
      : 'was deleted and made again (by another run, or by hand; the messages the old one had acknowledged';
    this.warn(`flowstream: nats ${this.target}: stream ${this.settings.stream} ${what}, ${flows} flows so far, are not in the new one)`);
  }

  /** The JSON body of a `start` or `end` message (`what` it holds), checked against the room: such a message is never split. */
  private control(kind: MessageKind, value: object, what: string): Uint8Array {
    const body = encoder.encode(JSON.stringify(value));
    if (body.length > this.room) {
      throw new RangeError(`the run's ${kind} message (${what}, ${body.length} bytes) does not fit the server's max_payload of ${this.link!.maxPayload} bytes with its headers (raise max_payload)`);
    }
    return body;
  }

  /** A full stream's refusal, said as such (its limits discard new messages); other errors as they are. */
  private refusal(err: unknown): unknown {
    if (!storeRefused(err)) return err;
    const text = `stream ${this.settings.stream} refused a message: ${(err as Error).message} (its limits discard new messages; it stores more only once it has room)`;
    return new Error(text, { cause: err });
  }

  /** Messages acknowledged and attempts retried so far. */
  get deliveries(): { acked: number; retries: number } {
    return { acked: this.publisher?.acked ?? 0, retries: this.publisher?.retries ?? 0 };
  }

  private arrowParts(batch: FlowBatch): EncodedPart[] {
    const enc = this.encoder!;
    const out: EncodedPart[] = [];
    for (const full of enc.add(batch)) out.push(...arrowParts(full, this.limit));
    const rest = enc.finish();
    if (rest !== null) out.push(...arrowParts(rest, this.limit));
    return out;
  }

  private async send(kind: MessageKind, body: Uint8Array, contentType: string, rows: number): Promise<void> {
    const s = this.settings;
    const seq = this.seq++;
    const h = natsHeaders();
    h.set(HEADERS.sensor, s.sensor);
    h.set(HEADERS.run, this.runId);
    h.set(HEADERS.seq, String(seq));
    h.set(HEADERS.kind, kind);
    h.set(HEADERS.encoding, s.encoding);
    h.set(HEADERS.contentType, contentType);
    if (kind === 'flows') h.set(HEADERS.rows, String(rows));
    await this.publisher!.submit({ subject: this.subject, body, headers: h, id: messageId(s.sensor, this.runId, seq), rows });
  }
}
