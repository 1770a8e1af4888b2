import { JetStreamApiError, JetStreamError, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import { errors, type MsgHdrs } from '@nats-io/transport-node';
import type { NatsLink } from './nats-connection.js';

/** One message to store in JetStream. */
export interface OutgoingMessage {
  readonly subject: string;
  readonly body: Uint8Array;
  readonly headers: MsgHdrs;
  /** `Nats-Msg-Id`: the same id on every retry, so the stream stores it once. */
  readonly id: string;
  /** Flows the message carries (0 for control messages). */
  readonly rows: number;
}

/** Acknowledgements remembered to tell which flows a stream that went back lost (see {@link AckHistory}). */
export const ACK_HISTORY = 1 << 16;

/** What {@link AckedPublisher} tells when an acknowledgement's stream number is not above the last one's. */
export interface NumbersWentBack {
  /** Flows acknowledged before this acknowledgement. */
  readonly ackedRows: number;
  /** The acknowledgement's stream number, and the last one's before it. */
  readonly seq: number;
  readonly lastSeq: number;
  /** Flows in the messages acknowledged under numbers from `seq` on (the ones a stream that went back lost). */
  readonly rowsFromSeq: number;
  /** False when older acknowledgements than those remembered may have had such numbers too. */
  readonly complete: boolean;
}

/** The stream numbers and flows of the last {@link ACK_HISTORY} acknowledgements, in a ring. */
export class AckHistory {
  private readonly seqs = new Float64Array(ACK_HISTORY);
  private readonly rows = new Float64Array(ACK_HISTORY);
  private count = 0;

  add(seq: number, rows: number): void {
    const i = this.count++ % ACK_HISTORY;
    this.seqs[i] = seq;
    this.rows[i] = rows;
  }

  /** Flows acknowledged under numbers from `seq` on; `complete` unless the oldest remembered had such a number already. */
  rowsFrom(seq: number): { rows: number; complete: boolean } {
    const n = Math.min(this.count, ACK_HISTORY);
    let rows = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if (this.seqs[i]! >= seq) rows += this.rows[i]!;
      oldest = Math.min(oldest, this.seqs[i]!);
    }
    return { rows, complete: this.count <= ACK_HISTORY || oldest < seq };
  }

  clear(): void {
    this.count = 0;
  }
}

/**
 * JetStream's "stream store failed" error code: the stream refused to store a message, as a stream
 * limited with `discard: new` does when full ("maximum messages exceeded", "maximum bytes
 * exceeded"). It comes with status 503 too, but waiting does not make room in a stream whose
 * limits say so: the refusal is final, like a full disk.
 */
const STREAM_STORE_FAILED = 10077;

/** The stream refused to store a message (see {@link STREAM_STORE_FAILED}). */
export function storeRefused(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === STREAM_STORE_FAILED;
}

/** Whether a failed JetStream request may succeed later (timeouts, JetStream recovering, a lost connection). */
export function retryable(err: unknown): boolean {
  // 503: JetStream temporarily unavailable (still recovering its streams after a restart).
  if (err instanceof JetStreamApiError) return err.status === 503 && !storeRefused(err);
  // Any other answer that is not a PubAck is a real refusal.
  if (err instanceof JetStreamError) return false;
  if (err instanceof errors.AuthorizationError || err instanceof errors.PermissionViolationError || err instanceof errors.ClosedConnectionError) return false;
  if (err instanceof errors.InvalidArgumentError || /max(imum)? payload/i.test((err as Error)?.message ?? '')) return false;
  // Timeouts, no responders while JetStream starts, a dropped connection: they pass with time.
  return true;
}

/**
 * Publishes messages to JetStream and awaits each PubAck, with at most `inFlight` messages
 * unacknowledged. A failed publish is retried with the same message id (after the connection is
 * back, with a growing pause) until JetStream acknowledges it, so nothing is lost and a retry of a
 * message that had in fact been stored is dropped by the stream's duplicate window. A refusal
 * (permissions, payload too large, stream limits) ends the publisher with that error.
 *
 * @example
 * ```ts
 * const p = new AckedPublisher(js, link, 8);
 * await p.submit({ subject: 'flows.a', body, headers: h, id: 'a/run/1', rows: 10 }); // resolves when a slot is free
 * await p.flush();                                                       // every message acknowledged
 * ```
 */
export class AckedPublisher {
  private pending = new Set<Promise<void>>();
  private failure: Error | null = null;
  /** Interrupts of the attempts awaiting a PubAck (at most `inFlight`). */
  private readonly attempts = new Set<() => void>();
  private stopped = false;
  /** Messages acknowledged (duplicates included). */
  acked = 0;
  /** Flows in the messages acknowledged. */
  ackedRows = 0;
  /** Attempts that failed and were retried. */
  retries = 0;
  /**
   * The highest stream sequence number acknowledged (duplicates left out: they carry the sequence
   * number of the first copy). A stream numbers the messages it stores in order, and acknowledgements
   * come back in that order, so a lower one is from another stream of that name, made after the
   * one that acknowledged the earlier messages (see {@link newStream}), or from a stream that went
   * back (a server that lost messages it had acknowledged, in a crash before they reached its disk).
   */
  private lastSeq = 0;
  /** The stream numbers and flows of the last {@link ACK_HISTORY} acknowledgements since {@link lastSeq} last went back. */
  private readonly history = new AckHistory();

  constructor(
    private readonly js: JetStreamClient,
    private readonly link: NatsLink,
    private readonly inFlight: number,
    private readonly ackTimeoutMs = 5000,
    private readonly onRetry: (err: Error, message: OutgoingMessage) => void = () => {},
    private readonly onWentBack: (went: NumbersWentBack) => void = () => {},
  ) {
    // A reconnection means requests in flight or their answers may be gone: send them again now
    // rather than wait for their timeout (the same message id makes a second copy a duplicate).
    link.onReconnect(() => {
      for (const interrupt of this.attempts) interrupt();
    });
  }

  /** Queues a message; resolves once fewer than `inFlight` messages are unacknowledged. */
  async submit(message: OutgoingMessage): Promise<void> {
    this.check();
    while (this.pending.size >= this.inFlight) {
      await Promise.race(this.pending);
      this.check();
    }
    const p = this.deliver(message).then(
      () => {
        this.pending.delete(p);
      },
      (err: unknown) => {
        this.pending.delete(p);
        this.failure ??= err as Error;
      },
    );
    this.pending.add(p);
  }

  /** Resolves when every submitted message is acknowledged; throws the first refusal. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.race(this.pending);
    this.check();
  }

  /**
   * The stream now taking the messages is not the one that acknowledged the earlier ones (a look
   * found another one): its sequence numbers are not compared with the old stream's.
   */
  newStream(): void {
    this.lastSeq = 0;
    this.history.clear();
  }

  /** Stops retrying (the sink is aborted): pending deliveries end with an error. */
  stop(): void {
    this.stopped = true;
  }

  private check(): void {
    if (this.failure !== null) throw this.failure;
  }

  /** Notes the stream sequence number of an acknowledgement; a lower one than before: {@link onWentBack}. */
  private sequenced(ack: PubAck, rows: number): void {
    if (ack.duplicate) return;
    if (ack.seq <= this.lastSeq) {
      const { rows: lostRows, complete } = this.history.rowsFrom(ack.seq);
      this.onWentBack({ ackedRows: this.ackedRows, seq: ack.seq, lastSeq: this.lastSeq, rowsFromSeq: lostRows, complete });
      this.history.clear();
    }
    this.lastSeq = ack.seq;
    this.history.add(ack.seq, rows);
  }

  private async deliver(m: OutgoingMessage): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) throw new Error('publisher stopped');
      // While disconnected nothing is sent: the client would buffer every retry without bound.
      await this.link.connected();
      let interrupt!: () => void;
      const lost = new Promise<'reconnected'>((resolve) => (interrupt = () => resolve('reconnected')));
      this.attempts.add(interrupt);
      try {
        const ack = this.js.publish(m.subject, m.body, { msgID: m.id, headers: m.headers, timeout: this.ackTimeoutMs });
        const answer = await Promise.race([ack, lost]);
        if (answer === 'reconnected') {
          ack.catch(() => undefined);
          this.retries++;
          continue;
        }
        this.sequenced(answer, m.rows);
        this.acked++;
        this.ackedRows += m.rows;
        return;
      } catch (err) {
        if (!retryable(err) || this.stopped) throw err;
        this.retries++;
        this.onRetry(err as Error, m);
        await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** Math.min(attempt, 6))));
      } finally {
        this.attempts.delete(interrupt);
      }
    }
  }
}
