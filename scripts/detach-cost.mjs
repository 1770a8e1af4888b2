#!/usr/bin/env node
// What detaching one ArrayBuffer costs the packet path afterwards: V8 then drops its assumption that
// no buffer is ever detached (the ArrayBufferDetaching protector), throws the optimised code away and
// checks every typed-array access from then on. Each pair runs two processes that decode and meter a
// capture (core fields + the statistics) 40 times in a row; one of them detaches a buffer before round
// 20. Printed per process: the best round of 10-19 and of 30-39 (both optimised) and the change.
// Uses the built packages (`pnpm build` first); a capture of ~500k packets keeps a round near 0.1 s.
// With `--loop` instead of a capture, each round is a loop over typed arrays shaped like the record
// walk (lengths read from bytes, counters in tables), without the rest of the meter.
//
// usage: node scripts/detach-cost.mjs CAPTURE|--loop [PAIRS]
//   python3 ../shared/bench/make_bench_pcap.py --packets 500000 --out /tmp/small.pcap ../shared/corpus/nfstream/pcaps
//   node scripts/detach-cost.mjs /tmp/small.pcap 6
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withoutStartupVariables } from './lib/startup-variables.mjs';

const ROUNDS = 40;
const DETACH_AT = 20;
const [capture, pairsArg, role] = process.argv.slice(2);
if (capture === undefined) {
  process.stderr.write('usage: node scripts/detach-cost.mjs CAPTURE [PAIRS]\n');
  process.exit(2);
}

if (role === undefined) {
  const env = withoutStartupVariables(process.env);
  for (let p = 0; p < Number(pairsArg ?? 6); p++) {
    for (const r of ['detach', 'control']) {
      const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), capture, '0', r], { env, encoding: 'utf8' });
      if (run.status !== 0) {
        process.stderr.write(run.stderr);
        process.exit(1);
      }
      process.stdout.write(run.stdout);
    }
  }
} else {
  const round = capture === '--loop' ? loopRound() : await meterRound(capture);
  const ms = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (role === 'detach' && r === DETACH_AT) {
      const b = new ArrayBuffer(8);
      structuredClone(b, { transfer: [b] });
    }
    ms.push(round());
  }
  const best = (from, to) => Math.min(...ms.slice(from, to));
  const before = best(DETACH_AT - 10, DETACH_AT);
  const after = best(ROUNDS - 10, ROUNDS);
  process.stdout.write(`${role.padEnd(8)} best of rounds 10-19 ${before.toFixed(1)} ms, 30-39 ${after.toFixed(1)} ms (${(((after - before) / before) * 100).toFixed(1)} %)\n`);
}

/** A round of `--loop`, timed (ms): a record walk over typed arrays, 100 times. */
function loopRound() {
  const bytes = new Uint8Array(1 << 20);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  const counts = new Uint32Array(1 << 16);
  const sums = new Float64Array(1 << 16);
  // each record's length is in its first bytes, its key picks a table entry (the tables are
  // written, so the work is kept)
  const walk = () => {
    let pos = 0;
    let acc = 0;
    while (pos + 64 < bytes.length) {
      const len = (bytes[pos] | (bytes[pos + 1] << 8)) & 511;
      const k = (bytes[pos + 2] ^ (bytes[pos + 5] << 3) ^ (bytes[pos + 9] << 7)) & 65535;
      counts[k] = (counts[k] + len) | 0;
      sums[k] += bytes[pos + 12];
      acc = (acc + counts[(k + 1) & 65535]) | 0;
      pos += 16 + (len & 63);
    }
    return acc;
  };
  return () => {
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) walk();
    return performance.now() - t0;
  };
}

/** A round on `path`, timed (ms): read, decode and meter it (core fields + the statistics) with a fresh meter. */
async function meterRound(path) {
  const { openCapture, CaptureRecord, DecodedPacket, PacketDecoder, FlowMeter, ReadStatus } = await import('../packages/core/dist/bundle/index.js');
  return () => {
    const record = new CaptureRecord();
    const packet = new DecodedPacket();
    const decoder = new PacketDecoder({ decodeTunnels: true });
    const meter = new FlowMeter({
      decodeTunnels: true, idleTimeoutMs: 120_000, activeTimeoutMs: 1_800_000, accountingMode: 0,
      statisticalAnalysis: true, spltAnalysis: 0, plugins: [], dissector: null, systemVisibility: false,
    });
    const t0 = performance.now();
    const reader = openCapture(path);
    while (reader.next(record) === ReadStatus.Record) if (decoder.decode(record, packet) === 0) meter.process(packet);
    meter.flush();
    meter.drainBatches();
    reader.close();
    return performance.now() - t0;
  };
}
