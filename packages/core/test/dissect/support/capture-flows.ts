// Drives real captures through the core pieces (parser → decoder → meter) for the nDPI tests and
// for scripts/ndpi-agreement.ts, before/independently of the streamer.
import { closeSync, openSync, readSync } from 'node:fs';
import { ByteWindow } from '../../../src/capture/byte-window.js';
import { CaptureRecord } from '../../../src/capture/capture-record.js';
import type { FormatParser } from '../../../src/capture/format-parser.js';
import { PcapParser } from '../../../src/capture/pcap-parser.js';
import { PcapngParser } from '../../../src/capture/pcapng-parser.js';
import { ReadStatus } from '../../../src/capture/read-status.js';
import { DecodedPacket } from '../../../src/decode/decoded-packet.js';
import { PacketDecoder } from '../../../src/decode/packet-decoder.js';
import type { FlowDissector } from '../../../src/dissect/flow-dissector.js';
import { loadNdpi } from '../../../src/dissect/ndpi-library.js';
import type { NdpiLibrary } from '../../../src/dissect/ndpi-library.js';
import type { NFlow } from '../../../src/flow/nflow.js';
import { FlowMeter } from '../../../src/meter/flow-meter.js';
import { PCAPS } from '../../../../../test/support/paths.js';
import { NFSTREAM_DEFAULTS } from '../../support/meter-defaults.js';

export { PCAPS };

/** Calls `fn` for every packet NFStream would process (decode_tunnels on); the packet object is reused. */
export function forEachPacket(path: string, fn: (p: DecodedPacket) => void): void {
  const fd = openSync(path, 'r');
  try {
    const window = new ByteWindow(1 << 20, (buf, at, len) => readSync(fd, buf, at, len, null));
    window.ensure(4);
    const parser: FormatParser = PcapngParser.isMagic(window.buf, window.start) ? new PcapngParser(path) : new PcapParser(path);
    if (parser.readHeader(window) !== ReadStatus.Record) throw parser.error ?? new Error(`${path}: bad header`);
    const decoder = new PacketDecoder({ decodeTunnels: true });
    const record = new CaptureRecord();
    const packet = new DecodedPacket();
    while (parser.next(window, record) === ReadStatus.Record) {
      if (decoder.decode(record, packet) === 0) fn(packet);
    }
  } finally {
    closeSync(fd);
  }
}

/** The flows of a capture with NFStream's defaults and the given dissector, in emission order. */
export function meterFlows(path: string, dissector: FlowDissector): NFlow[] {
  const meter = new FlowMeter({ ...NFSTREAM_DEFAULTS, dissector });
  forEachPacket(path, (p) => meter.process(p));
  meter.flush();
  meter.cleanup();
  return meter.drain();
}

/**
 * nDPI for a test file: `skip` is true (with the reason in `title`) when libndpi cannot be loaded,
 * except with CI=true, where the tests run and fail instead.
 */
export function ndpiForTests(name: string): { lib: NdpiLibrary; skip: boolean; title: string } {
  const loaded = loadNdpi();
  const skip = loaded instanceof Error && process.env.CI !== 'true';
  const title = skip ? `${name} (skipped: ${(loaded as Error).message})` : name;
  return { lib: loaded as NdpiLibrary, skip, title };
}
