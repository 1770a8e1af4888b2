// One step of reading serves the single-meter and the parallel run (InputSequence.readStep): inputs
// in turn, each reader shown before its first record, a pause at a whole batch of pending rows,
// and a corrupt input closed with its error while the next one is read.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METERING_OPTIONS, FlowMeter, PacketDecoder, type CaptureReader } from '@flowstream/core';
import { CapturePump, MAX_PENDING_FLOWS, meterConfig, PacketAccounting } from '@flowstream/core/internal';
import { InputSequence, StepRead, type PendingRows } from '../../src/run/input-sequence.js';
import { fileInput } from '../../src/run/run-inputs.js';
import { StepChunk } from '../../src/run/step-chunk.js';
import { PCAPS } from '../support/run-cli.js';

function setUp(paths: string[]) {
  const accounting = new PacketAccounting();
  const meter = new FlowMeter(meterConfig({ ...DEFAULT_METERING_OPTIONS, nDissections: 0 }, null, false));
  const pump = new CapturePump(new PacketDecoder({ decodeTunnels: true }), meter, accounting);
  const errors: Error[] = [];
  const sources = new InputSequence(
    paths.map((p) => fileInput(p)),
    accounting,
    null,
    (e) => errors.push(e),
  );
  return { accounting, meter, pump, sources, errors };
}

describe('InputSequence.readStep', () => {
  it('reads the inputs in turn, shows each reader before its records, and ends', () => {
    const paths = [join(PCAPS, 'skype.pcap'), join(PCAPS, 'dns_long_domainname.pcap')];
    const { accounting, meter, pump, sources, errors } = setUp(paths);
    const opened: string[] = [];
    const readAtOpen: number[] = [];
    const onOpen = (reader: CaptureReader) => {
      opened.push(reader.name);
      readAtOpen.push(accounting.read);
    };
    const chunk = new StepChunk(1 << 16);
    let steps = 0;
    let read: StepRead;
    do {
      read = sources.readStep(pump, 1000, chunk, meter, onOpen);
      meter.drainBatches();
      steps++;
    } while (read === StepRead.Paused && steps < 1000);
    expect(read).toBe(StepRead.Ended);
    expect(errors).toEqual([]);
    expect(opened).toEqual(paths);
    expect(readAtOpen[0]).toBe(0);
    // the second reader is shown before any of its records: everything read by then is the first file's
    expect(readAtOpen[1]).toBe(accounting.sources[0]!.packetsRead);
    expect(accounting.read).toBe(accounting.sources[0]!.packetsRead + accounting.sources[1]!.packetsRead);
    // a budget of 1000 records a step: the two files took more than one step
    expect(steps).toBeGreaterThan(Math.ceil(accounting.read / 1000) - 1);
    expect(sources.readStep(pump, 1000, chunk, meter, onOpen)).toBe(StepRead.Ended);
  });

  it('pauses after a chunk while a whole batch of flows or of snapshot rows is pending', () => {
    for (const pending of [
      { pendingFlows: MAX_PENDING_FLOWS, pendingSnapshots: 0 },
      { pendingFlows: 0, pendingSnapshots: MAX_PENDING_FLOWS },
    ] satisfies PendingRows[]) {
      const { accounting, pump, sources } = setUp([join(PCAPS, 'skype.pcap')]);
      const chunk = new StepChunk(1 << 16);
      expect(sources.readStep(pump, 1 << 16, chunk, pending)).toBe(StepRead.Paused);
      // one chunk (64 records at first), not the budget
      expect(accounting.read).toBeGreaterThan(0);
      expect(accounting.read).toBeLessThanOrEqual(64);
    }
  });

  it('closes a corrupt input with its error and reads the next', () => {
    const corrupt = join(tmpdir(), `flowstream-readstep-${process.pid}.pcap`);
    // a pcap header, then a record header whose capture length exceeds libpcap's maximum
    const bytes = Buffer.alloc(24 + 16);
    bytes.writeUInt32LE(0xa1b2c3d4, 0);
    bytes.writeUInt16LE(2, 4);
    bytes.writeUInt16LE(4, 6);
    bytes.writeUInt32LE(65535, 16);
    bytes.writeUInt32LE(1, 20);
    bytes.writeUInt32LE(0x7fffffff, 24 + 8);
    bytes.writeUInt32LE(0x7fffffff, 24 + 12);
    writeFileSync(corrupt, bytes);
    const { accounting, meter, pump, sources, errors } = setUp([corrupt, join(PCAPS, 'skype.pcap')]);
    const chunk = new StepChunk(1 << 16);
    let read: StepRead;
    try {
      do {
        read = sources.readStep(pump, 1 << 16, chunk, meter);
        meter.drainBatches();
      } while (read === StepRead.Paused);
    } finally {
      rmSync(corrupt, { force: true });
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain(corrupt);
    expect(accounting.sources[0]!.error).toContain('capture length');
    expect(accounting.sources[1]!.packetsRead).toBeGreaterThan(0);
    expect(accounting.read).toBe(accounting.sources[1]!.packetsRead);
  });
});
