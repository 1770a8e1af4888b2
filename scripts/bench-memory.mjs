#!/usr/bin/env node
// In-process memory probe for `pnpm bench`: bytes of JS heap + external memory per live flow.
//
//   node --expose-gc scripts/bench-memory.mjs CAPTURE [--n-dissections N] [--statistical-analysis]
//        [--splt-analysis N] [--snapshot-interval S] [--json]
//
// With --snapshot-interval the run takes flow snapshots (their rows are dropped): the figure then
// includes the snapshot bookkeeping of each live flow.
//
// Why in-process: RSS of the CLI also counts the V8 heap reserve, code and the read buffers, so it
// cannot tell how much one flow costs. Here we measure heapUsed + external (external already
// includes arrayBuffers, see Node's process.memoryUsage() docs, so it is not added twice) against
// a baseline taken after gc(), and divide by the number of live flows.
//
// Two passes over the same capture (the run is deterministic: batches are cut at fixed record
// counts):
//   pass 1 (no forced gc): the peak number of live flows (streamer.runStats.liveFlows, read
//          after each step of the run, i.e. every STEP_RECORDS records), the batch where it happens, and the raw peak growth (includes garbage
//          not yet collected: an upper bound);
//   pass 2: the same run, gc() at the peak batch, then the retained growth: the number reported as
//          bytes per live flow.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

// The capture is read, not mapped: a mapped segment's view is external memory to V8 (its size, up
// to 256 MiB, would count as the flows'), and how the reader takes the file is not per flow.
process.env.FLOWSTREAM_MAP ??= 'never';

function usage(msg) {
  if (msg) process.stderr.write(`bench-memory: ${msg}\n`);
  process.stderr.write(
    'usage: node --expose-gc scripts/bench-memory.mjs CAPTURE [--n-dissections N] [--statistical-analysis] [--splt-analysis N] [--snapshot-interval S] [--json]\n',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
let file = null;
let json = false;
const options = { nDissections: 0 };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--json') json = true;
  else if (a === '--n-dissections') options.nDissections = Number(args[++i]);
  else if (a === '--statistical-analysis') options.statisticalAnalysis = true;
  else if (a === '--splt-analysis') options.spltAnalysis = Number(args[++i]);
  else if (a === '--snapshot-interval') options.snapshotInterval = Number(args[++i]);
  else if (a === '-h' || a === '--help') usage();
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else if (file === null) file = a;
  else usage('one capture only');
}
if (file === null) usage('missing CAPTURE');
if (!existsSync(file)) usage(`no such file: ${file}`);
if (typeof globalThis.gc !== 'function') usage('run with node --expose-gc');

let NFStreamer;
try {
  ({ NFStreamer } = await import('@flowstream/streamer'));
} catch (err) {
  process.stderr.write(`bench-memory: cannot import @flowstream/streamer (run \`pnpm build\` first): ${err.message}\n`);
  process.exit(1);
}

const used = () => {
  const m = process.memoryUsage();
  return { total: m.heapUsed + m.external, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
};

function fullGc() {
  // Two passes: weak references/finalizers released by the first are collected by the second.
  globalThis.gc();
  globalThis.gc();
}

/** One run; `gcAtBatch` >= 0 forces a gc and a measurement after that batch. */
async function run(gcAtBatch) {
  fullGc();
  const base = used();
  const streamer = new NFStreamer({ source: file, ...options });
  const t0 = performance.now();
  let batchIndex = 0;
  let flows = 0;
  let peakLive = 0;
  let peakBatch = -1;
  let rawPeak = 0;
  let atGc = null;
  // The synchronous step loop of the public API (what NFStreamer's iterators do): flowBatches()
  // only yields when flows expire, and on a many-flows capture nearly none expire before the end,
  // so it would give no chance to read the live-flow count while the table is full.
  const snapshots = (options.snapshotInterval ?? 0) > 0;
  const run = streamer.createRun(false, snapshots);
  const sample = (batchLength) => {
    flows += batchLength;
    const live = streamer.runStats?.liveFlows ?? 0;
    if (live > peakLive) {
      peakLive = live;
      peakBatch = batchIndex;
    }
    if (gcAtBatch < 0) {
      const u = used().total - base.total;
      if (u > rawPeak) rawPeak = u;
    } else if (batchIndex === gcAtBatch) {
      fullGc();
      const u = used();
      atGc = {
        liveFlows: live,
        growth: u.total - base.total,
        heapGrowth: u.heapUsed - base.heapUsed,
        externalGrowth: u.external - base.external,
        arrayBuffersGrowth: u.arrayBuffers - base.arrayBuffers,
      };
    }
    batchIndex++;
  };
  while (!run.done) {
    run.step();
    if (snapshots) run.drainSnapshots();
    sample(run.drain().length);
  }
  sample(run.drain().length);
  if (run.error) throw run.error;
  const summary = run.summary(flows);
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, flows, batches: batchIndex, peakLive, peakBatch, rawPeak, atGc, packets: summary?.packets?.read ?? null };
}

const first = await run(-1);
if (first.peakLive === 0) {
  process.stderr.write('bench-memory: no live flows observed (empty capture?)\n');
  process.exit(1);
}
const second = await run(first.peakBatch);
const g = second.atGc;
const result = {
  file,
  options,
  packets: first.packets,
  flows: first.flows,
  batches: first.batches,
  peakLiveFlows: first.peakLive,
  peakBatch: first.peakBatch,
  secondsNoGc: first.seconds,
  rawPeakGrowthBytes: first.rawPeak,
  rawBytesPerLiveFlow: first.rawPeak / first.peakLive,
  retainedGrowthBytes: g?.growth ?? null,
  liveFlowsAtGc: g?.liveFlows ?? null,
  heapGrowthBytes: g?.heapGrowth ?? null,
  externalGrowthBytes: g?.externalGrowth ?? null,
  arrayBuffersGrowthBytes: g?.arrayBuffersGrowth ?? null,
  bytesPerLiveFlow: g ? g.growth / g.liveFlows : null,
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
};
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  const f = (n) => (n === null ? 'n/a' : Math.round(n).toLocaleString('en-US'));
  process.stdout.write(
    [
      `capture            ${file}`,
      `packets / flows    ${f(result.packets)} / ${f(result.flows)}`,
      `peak live flows    ${f(result.peakLiveFlows)} (batch ${result.peakBatch} of ${result.batches})`,
      `retained growth    ${f(result.retainedGrowthBytes)} B (heap ${f(result.heapGrowthBytes)}, external ${f(result.externalGrowthBytes)})`,
      `bytes / live flow  ${f(result.bytesPerLiveFlow)}  (gc at peak; raw peak without gc: ${f(result.rawBytesPerLiveFlow)})`,
      `max RSS            ${f(result.maxRssBytes / 1048576)} MiB`,
      '',
    ].join('\n'),
  );
}
