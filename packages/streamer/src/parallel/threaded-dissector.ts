import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { DecodedPacket, DissectionFields, DissectionSink, FlowDissector } from '@flowstream/core';
import { emptyDissectionFields, lastDissectedPacket, variableFields, writeUndissected } from '@flowstream/core/internal';
import { allocateRing, Ctl, PacketRingWriter, WorkerState } from './packet-ring.js';
import { holdingSlot } from './slot-array.js';
import { bootFailure, defaultWorkerEntry, startMeterWorker, WORKER_BOOT_TIMEOUT_MS, type MeterWorkerThread, type WorkerEntry } from './worker-spawn.js';
import { DISSECTION_INTS, type DissectionMessage, type WorkerError } from './worker-protocol.js';

/**
 * Ring per dissection thread. Smaller rings cost fewer first-touch page faults and keep the thread
 * closer behind the meter, so that it marks finished flows sooner (`scripts/interleave.mjs 7` on
 * the bench capture, nDPI + statistics: 16 MiB 1257 / 1240 ms, 4 MiB 1238 / 1208, 2 MiB 1246 / 1229,
 * medians / minima).
 */
const RING_BYTES = 4 * 1024 * 1024;
/** Cells of the shared table where the threads mark flows whose dissection is done (a power of two). */
const FINISHED_CELLS = 1 << 18;
/** Records between two publishes of a ring (fewer atomics; the thread still gets work early). */
const PUBLISH_EVERY = 64;
/** Longest single wait for a thread, ms, between checks that it still runs. */
const WAIT_SLICE_MS = 50;
/** Longest wait at the end for a thread to free its nDPI before it is ended, ms. */
const END_WAIT_MS = 2000;

/**
 * nDPI run beside the meter, in `threads` worker threads (what `--n-meters 2` runs with nDPI on and
 * neither plugins nor snapshots: one meter and one such thread, see `ParallelPlan`). The meter, in
 * this thread, reads, decodes and meters every packet as one meter does; nDPI, the heaviest
 * per-packet work of such a run, goes to the threads. Each flow gets a ticket (the order of its
 * first packet) and goes to thread `ticket mod threads`, which is handed the packets nDPI may see
 * (spec §11: none past `lastDissectedPacket`), as their IP bytes and meter time, and the flow's
 * end, and sends the nine fields back in expiry order; the meter takes them before a batch of
 * flows leaves it ({@link settle}). A thread marks a flow whose dissection is done in a shared
 * table, and the meter stops handing it that flow's packets.
 *
 * Each thread calls nDPI exactly as the meter's own dissector would, in the same order: with one
 * thread the flows are the one-meter run's, byte for byte and in the same order; with more, each
 * nDPI sees only its flows (as with parallel meters, spec §7).
 */
export class ThreadedDissector implements FlowDissector {
  readonly deferred = true;
  private readonly channels: DissectionChannel[];
  private readonly finished: Int32Array;
  private readonly mask: number;
  /** The ticket of each slot's flow. */
  private tickets: Int32Array = new Int32Array(1024);
  private nextTicket = 0;
  /** The channel of each expired flow not settled yet, in expiry order, from {@link orderHead}. */
  private order = new Uint16Array(1024);
  private orderHead = 0;
  private orderTail = 0;
  private readonly fields: DissectionFields = emptyDissectionFields();
  private closed = false;
  /** Why a thread stopped, once one did; {@link reported}: that error was thrown to the meter. */
  private failure: Error | null = null;
  private reported = false;
  /** Packets after this one (the flow's count) never change a flow's fields. */
  private readonly lastPacket: number;

  /**
   * @param threads dissection threads to start (1 … 65535).
   * @param nDissections NFStream's `n_dissections` (1…255).
   * @param options `entry`: the threads' module (the meter worker's); `bootTimeoutMs`: how long a
   *   thread may take to start before it counts as failed (default {@link WORKER_BOOT_TIMEOUT_MS}).
   */
  constructor(threads: number, nDissections: number, options: { entry?: WorkerEntry; bootTimeoutMs?: number } = {}) {
    const entry = options.entry ?? defaultWorkerEntry();
    const bootTimeoutMs = options.bootTimeoutMs ?? WORKER_BOOT_TIMEOUT_MS;
    if (!Number.isInteger(threads) || threads < 1 || threads > 0xffff) throw new RangeError(`threads must be an integer in 1…65535, got ${threads}`);
    this.lastPacket = lastDissectedPacket(nDissections);
    // both grow with the table, after the packet path was optimised
    variableFields(this, 'tickets', 'order');
    const finished = new SharedArrayBuffer(FINISHED_CELLS * 4);
    // no flow has ticket -1: an empty cell marks nothing
    this.finished = new Int32Array(finished).fill(-1);
    this.mask = FINISHED_CELLS - 1;
    this.channels = [];
    try {
      for (let i = 0; i < threads; i++) this.channels.push(new DissectionChannel(entry, i, nDissections, finished, bootTimeoutMs));
    } catch (err) {
      this.endThreads(0);
      throw err;
    }
  }

  init(slot: number, packet: DecodedPacket): void {
    if (slot >= this.tickets.length) this.tickets = holdingSlot(this.tickets, slot);
    const ticket = this.nextTicket;
    this.nextTicket = (ticket + 1) & 0x7fffffff;
    this.tickets[slot] = ticket;
    this.hand(ticket, slot, 1, packet);
  }

  update(slot: number, packet: DecodedPacket, flowPackets: number): void {
    // spec §11: no packet past the last a dissection can take changes a flow's fields; nor any once it is done
    if (flowPackets > this.lastPacket) return;
    const ticket = this.tickets[slot]!;
    if (this.finished[ticket & this.mask] === ticket) return;
    this.hand(ticket, slot, flowPackets, packet);
  }

  expire(slot: number): void {
    const c = this.tickets[slot]! % this.channels.length;
    if (this.orderTail === this.order.length) this.growOrder();
    this.order[this.orderTail++] = c;
    if (this.failure !== null) return;
    const w = this.channels[c]!.writer;
    try {
      w.expire(slot);
      if (w.pending >= PUBLISH_EVERY) w.publish();
    } catch (err) {
      throw this.fail(err);
    }
  }

  /**
   * Once a thread failed, the flows it had not sent back get the fields of a flow never
   * dissected, so that the flows before the failure still leave the meter; the failure is thrown
   * once, as the run's error.
   */
  settle(count: number, sink: DissectionSink): void {
    if (count > this.orderTail - this.orderHead) throw new RangeError(`settle(${count}): only ${this.orderTail - this.orderHead} flows expired and not settled`);
    const fields = this.fields;
    for (let i = 0; i < count; i++) {
      const channel = this.channels[this.order[this.orderHead++]!]!;
      if (this.failure === null) {
        try {
          channel.next(fields);
        } catch (err) {
          this.failure = err instanceof Error ? err : new Error(String(err));
        }
      }
      if (this.failure !== null) writeUndissected(fields);
      sink.write(fields);
    }
    if (this.orderHead === this.orderTail) this.orderHead = this.orderTail = 0;
    if (this.failure !== null && !this.reported) throw this.fail(this.failure);
  }

  /**
   * How many of the `max` earliest expired flows not settled yet have their fields here (takes
   * what the threads posted meanwhile, and publishes what they were handed, so that they go on).
   * Once a thread failed, every one: {@link settle} then writes them as never dissected.
   */
  ready(max: number): number {
    const n = Math.min(max, this.orderTail - this.orderHead);
    if (this.failure !== null) return n;
    const channels = this.channels;
    try {
      for (const c of channels) c.poll();
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
      return n;
    }
    if (channels.length === 1) return Math.min(n, channels[0]!.available);
    // flows alternate between threads in expiry order: the ready ones end at the first missing
    const need = new Int32Array(channels.length);
    for (let i = 0; i < n; i++) {
      const c = this.order[this.orderHead + i]!;
      if (need[c]! === channels[c]!.available) return i;
      need[c]!++;
    }
    return n;
  }

  peek(): void {
    throw new Error('a dissection thread cannot be read while its flow lives (flow snapshots run nDPI in the meter)');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.endThreads(END_WAIT_MS);
  }

  private hand(ticket: number, slot: number, flowPackets: number, packet: DecodedPacket): void {
    if (this.failure !== null) return;
    const w = this.channels[ticket % this.channels.length]!.writer;
    try {
      w.dissect(slot, flowPackets, ticket, packet);
      if (w.pending >= PUBLISH_EVERY) w.publish();
    } catch (err) {
      throw this.fail(err);
    }
  }

  /** Records `err` as the failure, reported to the meter by the throw that follows. */
  private fail(err: unknown): Error {
    this.failure ??= err instanceof Error ? err : new Error(String(err));
    this.reported = true;
    return this.failure;
  }

  /** Ends every thread: the end marker, at most `waitMs` for the thread to free its nDPI, then its end. */
  private endThreads(waitMs: number): void {
    for (const c of this.channels) c.end(waitMs);
  }

  private growOrder(): void {
    const to = new Uint16Array(this.order.length * 2);
    to.set(this.order);
    this.order = to;
  }
}

/** One dissection thread: its ring (packets and flow ends in), its port (fields out), its texts. */
class DissectionChannel {
  readonly writer: PacketRingWriter;
  private readonly control: Int32Array;
  private readonly port: MessagePort;
  private readonly thread: MeterWorkerThread;
  /** The fields of the flows received and not taken yet: {@link DISSECTION_INTS} ints each, from {@link at}. */
  private ints: Int32Array = new Int32Array(0);
  private at = 0;
  private left = 0;
  /** Messages of fields received after {@link ints}, and their flows. */
  private readonly queue: FieldsMessage[] = [];
  private queued = 0;
  /** Text of each code the thread sent. */
  private readonly texts: string[] = [];
  private ended = false;
  private readonly startedAt = Date.now();

  constructor(
    entry: WorkerEntry,
    channel: number,
    nDissections: number,
    finished: SharedArrayBuffer,
    private readonly bootTimeoutMs: number,
  ) {
    const ring = allocateRing(RING_BYTES);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.writer = new PacketRingWriter(ring, () => this.stillRunning());
    this.control = this.writer.control;
    this.thread = startMeterWorker(entry, { role: 'dissect', channel, nDissections, ring, finished, port: port2 });
  }

  /** Flows whose fields are here and not taken yet. */
  get available(): number {
    return this.left + this.queued;
  }

  /** Publishes what the thread was handed and takes the messages it posted meanwhile (waits for none). */
  poll(): void {
    this.writer.publish();
    for (let r = receiveMessageOnPort(this.port); r !== undefined; r = receiveMessageOnPort(this.port)) this.accept(r.message as DissectionMessage);
  }

  /** Writes the fields of the thread's next expired flow into `out`, waiting for them. */
  next(out: DissectionFields): void {
    if (this.left === 0) this.take();
    const ints = this.ints;
    const texts = this.texts;
    const o = this.at++ * DISSECTION_INTS;
    this.left--;
    out.application_is_guessed = ints[o]!;
    out.application_confidence = ints[o + 1]!;
    out.application_name = texts[ints[o + 2]!]!;
    out.application_category_name = texts[ints[o + 3]!]!;
    out.requested_server_name = texts[ints[o + 4]!]!;
    out.client_fingerprint = texts[ints[o + 5]!]!;
    out.server_fingerprint = texts[ints[o + 6]!]!;
    out.user_agent = texts[ints[o + 7]!]!;
    out.content_type = texts[ints[o + 8]!]!;
  }

  /** Makes the oldest message of fields the one read, receiving it first when none is queued. */
  private take(): void {
    while (this.queue.length === 0) this.receive();
    const m = this.queue.shift()!;
    this.ints = m.ints;
    this.at = 0;
    this.left = m.count;
    this.queued -= m.count;
  }

  /** Receives the thread's next message, publishing what it was handed and waiting as needed. */
  private receive(): void {
    for (;;) {
      const posted = Atomics.load(this.control, Ctl.Posted);
      const received = receiveMessageOnPort(this.port);
      if (received !== undefined) {
        this.accept(received.message as DissectionMessage);
        return;
      }
      // the thread sends what it finished when it runs out of records: let it see them all
      this.writer.publish();
      this.stillRunning();
      Atomics.wait(this.control, Ctl.Posted, posted, WAIT_SLICE_MS);
    }
  }

  /** A message from the thread: its texts join the codes in the order sent, its fields the queue. */
  private accept(m: DissectionMessage): void {
    if (m.kind === 'error') throw threadError(m.error);
    for (const t of m.texts) this.texts.push(t);
    if (m.count === 0) return;
    this.queue.push(m);
    this.queued += m.count;
  }

  /** True while the thread runs; throws the reason once it failed, ended early or never started. */
  private stillRunning(): boolean {
    const failure = this.thread.error ?? bootFailure(this.thread);
    if (failure !== null) throw failure;
    const state = Atomics.load(this.control, Ctl.State);
    if (state === WorkerState.Booting && Date.now() - this.startedAt > this.bootTimeoutMs) {
      throw new Error(`nDPI dissection thread did not start within ${this.bootTimeoutMs / 1000} s`);
    }
    if (state === WorkerState.Failed) {
      // its error was posted before the state was set
      for (let r = receiveMessageOnPort(this.port); r !== undefined; r = receiveMessageOnPort(this.port)) {
        const m = r.message as DissectionMessage;
        if (m.kind === 'error') throw threadError(m.error);
      }
      throw new Error('nDPI dissection thread failed');
    }
    if (this.thread.exited && state !== WorkerState.Done) throw new Error('nDPI dissection thread ended before its work was done');
    return true;
  }

  /** Sends the end marker, waits at most `waitMs` for the thread to free its nDPI, then ends it. */
  end(waitMs: number): void {
    if (this.ended) return;
    this.ended = true;
    const control = this.control;
    try {
      this.writer.end();
    } catch {
      // the thread failed: nothing to wait for
    }
    const until = Date.now() + waitMs;
    for (;;) {
      const state = Atomics.load(control, Ctl.State);
      if (state === WorkerState.Done || state === WorkerState.Failed || this.thread.exited || bootFailure(this.thread) !== null) break;
      const left = until - Date.now();
      if (left <= 0) break;
      Atomics.wait(control, Ctl.State, state, Math.min(left, WAIT_SLICE_MS));
    }
    // a thread still starting is left to end on the marker: ending it while it loads a native
    // module would abort the process
    const state = Atomics.load(control, Ctl.State);
    if (state === WorkerState.Done || state === WorkerState.Failed) void this.thread.worker.terminate();
    this.port.close();
  }
}

/** A dissection thread's message of fields. */
type FieldsMessage = Extract<DissectionMessage, { kind: 'dissections' }>;

/** The error a dissection thread posted, as an Error of this thread. */
function threadError(e: WorkerError): Error {
  const error = new Error(`nDPI dissection thread: ${e.message}`);
  if (e.stack !== undefined) error.stack = `${error.message}\n${e.stack}`;
  return error;
}
