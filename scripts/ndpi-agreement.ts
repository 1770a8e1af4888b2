/**
 * Measures how often flowstream's nDPI columns agree with NFStream's results on every dev capture,
 * using the core pieces directly (parser → decoder → meter with the nDPI dissector), so it runs
 * before the streamer is wired. Run: `npx tsx --conditions=source scripts/ndpi-agreement.ts [names…]`.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { ByteWindow } from '../packages/core/src/capture/byte-window.js';
import { CaptureRecord } from '../packages/core/src/capture/capture-record.js';
import type { FormatParser } from '../packages/core/src/capture/format-parser.js';
import { PcapParser } from '../packages/core/src/capture/pcap-parser.js';
import { PcapngParser } from '../packages/core/src/capture/pcapng-parser.js';
import { ReadStatus } from '../packages/core/src/capture/read-status.js';
import { DecodedPacket } from '../packages/core/src/decode/decoded-packet.js';
import { PacketDecoder } from '../packages/core/src/decode/packet-decoder.js';
import { createNdpiDissector, loadNdpi, ndpiVersion } from '../packages/core/src/dissect/index.js';
import type { NdpiLibrary } from '../packages/core/src/dissect/index.js';
import { FlowMeter } from '../packages/core/src/meter/flow-meter.js';
import type { FlowRow } from './lib/ndpi-agreement-report.js';
import { capturesWithResults, compareCapture, CORPUS, formatReport, readResults, summarize } from './lib/ndpi-agreement-report.js';

/** Runs one capture with NFStream's defaults and `n_dissections`. */
export function runCapture(lib: NdpiLibrary, path: string, nDissections = 20): FlowRow[] {
  const fd = openSync(path, 'r');
  try {
    const window = new ByteWindow(1 << 20, (buf, at, len) => readSync(fd, buf, at, len, null));
    window.ensure(4);
    const parser: FormatParser = PcapngParser.isMagic(window.buf, window.start) ? new PcapngParser(path) : new PcapParser(path);
    if (parser.readHeader(window) !== ReadStatus.Record) throw parser.error ?? new Error(`${path}: bad header`);
    const meter = new FlowMeter({
      decodeTunnels: true,
      idleTimeoutMs: 120_000,
      activeTimeoutMs: 1_800_000,
      accountingMode: 0,
      statisticalAnalysis: false,
      spltAnalysis: 0,
      plugins: [],
      dissector: createNdpiDissector(lib, nDissections),
      systemVisibility: false,
    });
    const decoder = new PacketDecoder({ decodeTunnels: true });
    const record = new CaptureRecord();
    const packet = new DecodedPacket();
    while (parser.next(window, record) === ReadStatus.Record) {
      if (decoder.decode(record, packet) === 0) meter.process(packet);
    }
    meter.flush();
    meter.cleanup();
    return meter.drain();
  } finally {
    closeSync(fd);
  }
}

function main(): void {
  const lib = loadNdpi();
  if (lib instanceof Error) {
    console.error(lib.message);
    process.exit(2);
  }
  console.log(ndpiVersion(lib));
  const only = process.argv.slice(2);
  const names = capturesWithResults().filter((n) => only.length === 0 || only.includes(n));
  const captures = names.map((n) => compareCapture(n, runCapture(lib, join(CORPUS, 'pcaps', n)), readResults(CORPUS, n)));
  console.log(formatReport(summarize(captures), Number(process.env.WORST ?? 15)));
}

if (import.meta.url === `file://${process.argv[1]}`) main();
