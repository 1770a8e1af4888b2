/**
 * The loop of a dissection thread (see `ThreadedDissector`): the nDPI of one meter's flows, run
 * beside that meter. It reads the packets nDPI sees and the flows' ends from its ring, calls the
 * same nDPI dissector a meter runs in its own thread, in the same order, and posts the fields of
 * the expired flows back in expiry order. Started from the meter worker's entry (a worker started
 * ahead for a meter may become a dissection thread).
 */
import type { MessagePort } from 'node:worker_threads';
import { CaptureRecord, createNdpiDissector, DecodedPacket, loadNdpi, type DissectionFields, type FlowDissector, type NFlow } from '@flowstream/core';
import { emptyDissectionFields, objectArray, variableFields } from '@flowstream/core/internal';
import { Ctl, PacketRingReader, RecordKind, WorkerState } from './packet-ring.js';
import { holdingSlot } from './slot-array.js';
import { takeEarlyDissector } from './early-dissector.js';
import { DISSECTION_INTS, type DissectionMessage, type DissectionWorkerData } from './worker-protocol.js';

/** Records between two releases of ring space (and stop checks). */
const RELEASE_EVERY = 1024;
/** Expired flows per posted message while packets are flowing (the rest go when the thread idles). */
const POST_EVERY = 1024;
/** Longest sleep while waiting for records, in ms (a safety net: the writer notifies). */
const IDLE_WAIT_MS = 500;

/** Runs the dissection thread of `data` until its ring's end marker or a stop request. */
export function runDissectionThread(data: DissectionWorkerData): void {
  const ring = new PacketRingReader(data.ring, [], false);
  const control = ring.control;
  const results = new DissectionResults(data.port, control);
  try {
    let dissector = takeEarlyDissector(data.nDissections);
    if (dissector === null) {
      const lib = loadNdpi();
      if (lib instanceof Error) throw lib;
      dissector = createNdpiDissector(lib, data.nDissections);
    }
    setState(control, WorkerState.Ready);
    dissectionLoop(dissector, ring, results, data);
    dissector.close();
    setState(control, WorkerState.Done);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    results.post({ kind: 'error', error: { name: e.name, message: e.message, stack: e.stack } });
    setState(control, WorkerState.Failed);
  }
}

function dissectionLoop(dissector: FlowDissector, ring: PacketRingReader, results: DissectionResults, data: DissectionWorkerData): void {
  const control = ring.control;
  const record = new CaptureRecord();
  const packet = new DecodedPacket();
  const finished = new Int32Array(data.finished);
  const mask = finished.length - 1;
  const fields = results.fields;
  // the ticket of each slot's flow
  let tickets: Int32Array = new Int32Array(1024);
  let sinceRelease = 0;
  for (;;) {
    const published = Atomics.load(control, Ctl.Write);
    while (ring.available(published)) {
      const kind = ring.next(record, packet);
      if (kind === RecordKind.Dissect) {
        const slot = ring.slot;
        if (slot >= tickets.length) tickets = holdingSlot(tickets, slot);
        if (ring.flowPackets === 1) {
          tickets[slot] = ring.ticket;
          dissector.init(slot, packet);
        } else dissector.update(slot, packet, ring.flowPackets);
        // a plain store: the meter reads it as a hint, and hands over a packet that comes too early for it
        if (!dissector.dissecting!(slot)) finished[tickets[slot]! & mask] = tickets[slot]!;
      } else if (kind === RecordKind.Expire) {
        dissector.expire(ring.slot, fields as unknown as NFlow);
        results.add();
      } else if (kind === RecordKind.End) {
        ring.release();
        results.flush();
        return;
      }
      if (++sinceRelease === RELEASE_EVERY) {
        sinceRelease = 0;
        ring.release();
        if (Atomics.load(control, Ctl.Stop) !== 0) return;
      }
    }
    ring.release();
    // idle: what was expired goes back now (the meter may be waiting for it)
    results.flush();
    if (Atomics.load(control, Ctl.Stop) !== 0) return;
    // the writer notifies only a sleeping reader: announce the sleep, then look once more
    Atomics.store(control, Ctl.Sleeping, 1);
    if (Atomics.load(control, Ctl.Write) === published) Atomics.wait(control, Ctl.Write, published, IDLE_WAIT_MS);
    Atomics.store(control, Ctl.Sleeping, 0);
  }
}

/**
 * The fields of expired flows on their way back: {@link DISSECTION_INTS} ints a flow, texts as
 * codes (each distinct text crosses once), posted in messages of up to {@link POST_EVERY} flows.
 */
class DissectionResults {
  /** Where the dissector writes one expired flow's fields. */
  readonly fields: DissectionFields = emptyDissectionFields();
  private ints = new Int32Array(POST_EVERY * DISSECTION_INTS);
  private count = 0;
  /** Code of each text sent; the empty text, most fields' value, is code 0 without a lookup. */
  private readonly codes = new Map<string, number>([['', 0]]);
  private texts: string[] = [''];
  /**
   * Each field's last text and its code: flows that leave one after another often share their
   * application and category names, and a string compared with the same string is one pointer
   * comparison where a lookup in {@link codes} hashes and probes (18 ms a run on the bench capture).
   */
  private readonly lastTexts: string[] = new Array<string>(DISSECTION_INTS).fill('');
  private readonly lastCodes = new Int32Array(DISSECTION_INTS);

  constructor(
    private readonly port: MessagePort,
    private readonly control: Int32Array,
  ) {
    // replaced after every post, once the dissection path was optimised
    variableFields(this, 'texts');
  }

  /** Takes {@link fields} as the next expired flow's. */
  add(): void {
    const f = this.fields;
    const o = this.count++ * DISSECTION_INTS;
    const ints = this.ints;
    ints[o] = f.application_is_guessed;
    ints[o + 1] = f.application_confidence;
    ints[o + 2] = this.code(2, f.application_name);
    ints[o + 3] = this.code(3, f.application_category_name);
    ints[o + 4] = this.code(4, f.requested_server_name);
    ints[o + 5] = this.code(5, f.client_fingerprint);
    ints[o + 6] = this.code(6, f.server_fingerprint);
    ints[o + 7] = this.code(7, f.user_agent);
    ints[o + 8] = this.code(8, f.content_type);
    if (this.count === POST_EVERY) this.flush();
  }

  /**
   * Posts the flows added since the last post. The fields are copied by the message, not
   * transferred: a detached buffer would slow every typed-array access of this thread from then
   * on (see `batchMessage`), and the same array is filled again.
   */
  flush(): void {
    if (this.count === 0) return;
    this.post({ kind: 'dissections', count: this.count, ints: postedInts(this.ints, this.count), texts: this.texts });
    this.count = 0;
    // the list's shape stays that of the first one (texts), not that of an empty `[]`
    this.texts = objectArray();
  }

  /** Posts `message` and tells a main thread that waits for it. */
  post(message: DissectionMessage): void {
    this.port.postMessage(message);
    Atomics.add(this.control, Ctl.Posted, 1);
    Atomics.notify(this.control, Ctl.Posted);
  }

  /** The code of `text`, the value of field `field` (its index in a flow's ints). */
  private code(field: number, text: string): number {
    if (text.length === 0) return 0;
    if (text === this.lastTexts[field]) return this.lastCodes[field]!;
    let c = this.codes.get(text);
    if (c === undefined) {
      c = this.codes.size;
      this.codes.set(text, c);
      this.texts.push(text);
    }
    this.lastTexts[field] = text;
    this.lastCodes[field] = c;
    return c;
  }
}

/**
 * The ints of the first `count` flows of `ints`, to post: `ints` itself when it is full, else a
 * copy of that part. A message copies the whole buffer under a view, and the thread posts a few
 * flows whenever it catches up with the meter: a view of the 36 KB array each time cost the meter
 * ~80 ms a run on the bench capture to receive.
 *
 * @example
 * ```ts
 * postedInts(new Int32Array(2 * DISSECTION_INTS), 1).buffer.byteLength; // DISSECTION_INTS * 4
 * ```
 */
export function postedInts(ints: Int32Array, count: number): Int32Array {
  const n = count * DISSECTION_INTS;
  return n === ints.length ? ints : ints.slice(0, n);
}

function setState(control: Int32Array, state: number): void {
  Atomics.store(control, Ctl.State, state);
  Atomics.notify(control, Ctl.State);
}
