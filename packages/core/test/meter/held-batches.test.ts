import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureRecord } from '../../src/capture/capture-record.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { ReadStatus } from '../../src/capture/read-status.js';
import { DecodedPacket } from '../../src/decode/decoded-packet.js';
import { IgnoreReason } from '../../src/decode/ignore-reason.js';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import type { DissectionSink, FlowDissector } from '../../src/dissect/flow-dissector.js';
import { emptyDissectionFields } from '../../src/flow/flow-batch-writer.js';
import type { FlowBatch } from '../../src/flow/flow-batch.js';
import { FlowMeter } from '../../src/meter/flow-meter.js';
import { ipv4Udp, pcap, type PcapRecord } from '../support/capture-builder.js';
import { NFSTREAM_DEFAULTS } from '../support/meter-defaults.js';

const BATCH_ROWS = 16;

/**
 * A dissector whose fields come later, as from a thread: the k-th expired flow's fields name it
 * (`flow k`); `ready` tells as many as the test lets through, and `settle` records whether it was
 * asked for more than that (what would wait for the thread).
 */
class LaterFields implements FlowDissector {
  readonly deferred = true;
  /** Fields the "thread" has sent so far (counted from the first expired flow). */
  sent = 0;
  expired = 0;
  settled = 0;
  /** Settles that asked for fields not sent yet. */
  waits = 0;
  private readonly fields = emptyDissectionFields();

  init(): void {}
  update(): void {}
  expire(): void {
    this.expired++;
  }
  peek(): void {
    throw new Error('not while the flow lives');
  }
  close(): void {}
  ready(max: number): number {
    return Math.max(0, Math.min(max, this.sent - this.settled));
  }
  settle(count: number, sink: DissectionSink): void {
    if (this.settled + count > this.expired) throw new RangeError(`settle(${count}): only ${this.expired - this.settled} expired`);
    if (this.settled + count > this.sent) this.waits++;
    for (let i = 0; i < count; i++) {
      this.fields.application_name = `flow ${this.settled++}`;
      sink.write(this.fields);
    }
  }
}

/**
 * A capture of one-packet UDP flows a second apart: past the idle timeout (120 s), each packet
 * expires one flow, so batches fill one row at a time.
 */
function oneByOne(): string {
  const records: PcapRecord[] = [];
  for (let i = 0; i < 400; i++) records.push({ tsSec: 1_000_000 + i, tsFrac: 0, data: ipv4Udp(0x0a000001 + i, 0x0a010001, 1024 + i, 53) });
  writeFileSync(join(DIR, 'one-by-one.pcap'), pcap({ linkType: 101 }, records));
  return join(DIR, 'one-by-one.pcap');
}
const DIR = mkdtempSync(join(tmpdir(), 'held-batches-'));
const CAPTURE = oneByOne();
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/**
 * A meter of {@link CAPTURE} with a {@link LaterFields} dissector, fed until `done(expired)` after
 * a packet (`sent`: the fields the dissector has sent meanwhile).
 */
function meterUntil(done: (expired: number) => boolean, sent = 0): { d: LaterFields; m: FlowMeter } {
  const d = new LaterFields();
  d.sent = sent;
  const m = new FlowMeter({ ...NFSTREAM_DEFAULTS, dissector: d, batchRows: BATCH_ROWS });
  const decoder = new PacketDecoder({ decodeTunnels: true });
  const record = new CaptureRecord();
  const packet = new DecodedPacket();
  const reader = openCapture(CAPTURE);
  try {
    while (reader.next(record) === ReadStatus.Record) {
      if (decoder.decode(record, packet) === IgnoreReason.None) m.process(packet);
      if (done(d.expired)) return { d, m };
    }
  } finally {
    reader.close();
  }
  throw new Error('the capture ended first');
}

/** Each row's `application_name` and id, batch after batch. */
function rows(batches: readonly FlowBatch[]): [string, number][] {
  const out: [string, number][] = [];
  for (const b of batches) for (const f of b) out.push([f.application_name, f.id]);
  return out;
}

describe('full batches held for fields from another thread', () => {
  it('a full batch waits for its fields instead of the meter, leaves once they came, in order, and counts as pending only then', () => {
    const { d, m } = meterUntil((expired) => expired >= 3 * BATCH_ROWS);
    try {
      // three full batches, none of their fields sent: held, the meter did not wait; pending are
      // only the flows that can be handed out (the pump returns early for those)
      expect(m.drainFullBatches()).toEqual([]);
      expect(m.pendingFlows).toBe(d.expired - 3 * BATCH_ROWS);
      expect(d.waits).toBe(0);
      // the fields of one batch and a half came: the first batch leaves, the second waits for the rest
      d.sent = BATCH_ROWS + BATCH_ROWS / 2;
      const first = m.drainFullBatches();
      expect(rows(first)).toEqual(Array.from({ length: BATCH_ROWS }, (_, i) => [`flow ${i}`, i]));
      expect(m.drainFullBatches()).toEqual([]);
      d.sent = d.expired;
      const more = m.drainFullBatches();
      expect(more.length).toBe(Math.floor(d.expired / BATCH_ROWS) - 1);
      expect(d.waits).toBe(0);
      m.flush();
      const rest = m.drainBatches();
      const all = rows([...first, ...more, ...rest]);
      expect(all.length).toBe(d.expired);
      expect(all).toEqual(all.map((_, i) => [`flow ${i}`, i]));
    } finally {
      m.cleanup();
    }
  });

  it('past four held batches the meter waits for the oldest one’s fields, not for all, rather than hold more', () => {
    const { d, m } = meterUntil((expired) => expired >= 6 * BATCH_ROWS);
    try {
      // the fifth and the sixth full batch each made the meter wait for the oldest held one
      expect(d.waits).toBe(2);
      expect(d.settled).toBe(2 * BATCH_ROWS);
      const out = m.drainFullBatches();
      expect(rows(out)).toEqual(Array.from({ length: 2 * BATCH_ROWS }, (_, i) => [`flow ${i}`, i]));
    } finally {
      m.cleanup();
    }
  });

  it('the end waits for every field: drainBatches hands out all flows, each with its own', () => {
    const { d, m } = meterUntil((expired) => expired >= 2 * BATCH_ROWS + 3);
    try {
      m.flush();
      const all = rows(m.drainBatches());
      expect(all.length).toBe(d.expired);
      expect(all).toEqual(all.map((_, i) => [`flow ${i}`, i]));
      expect(d.waits).toBeGreaterThan(0);
    } finally {
      m.cleanup();
    }
  });
});
