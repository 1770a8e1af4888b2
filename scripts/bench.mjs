#!/usr/bin/env node
// `pnpm bench`: end-to-end throughput, memory and start-up of the flowstream CLI (see scripts/BENCH.md).
//
// Plain Node ESM, no build step. Times whole processes, the way a user times them, several runs per
// configuration, and reports the median and the best run. Benchmark captures are built once with
// make_bench_pcap.py into a cache outside git.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { homedir, tmpdir, cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STARTUP_VARIABLES, withoutStartupVariables } from './lib/startup-variables.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const HELP = `Usage: pnpm bench [-- options]      (or: node scripts/bench.mjs [options])

  --runs N             interleaved rounds per group of rows (default 5; 3 with --quick)
  --quick              small captures (200k packets each) and 3 runs: a smoke test, not a measurement
  --packets N          packets in the main capture (default 2000000)
  --many-flows-packets N   packets in the --many-flows capture (default 2000000)
  --report-packets N       packets in the report row's --many-flows capture (default 2700000: ~1M flows)
  --long-packets N     packets in the long capture of the long-* rows (default 14000000: 5.2 GB, ~1M
                       flows; its page cache must fit in memory); these rows run only when named in --only
  --only a,b,...       run only these rows (ids: ${'${IDS}'})
  --skip a,b,...       skip these rows
  --no-peers           do not run tcpdump / softflowd / nfpcapd
  --keep-env           time every process with this shell's environment as it is (by default
                       NODE_EXTRA_CA_CERTS is removed, see scripts/BENCH.md "Environment")
  --json FILE          also write the results as JSON
  --cache DIR          capture cache (default $FLOWSTREAM_BENCH_CACHE or ~/.cache/flowstream-bench)
  --fresh-captures     build the captures this run uses again, even when cached (see scripts/BENCH.md
                       "Captures": a machine that pages out idle memory ages a cached capture)
  --corpus DIR         input captures (default $FLOWSTREAM_BENCH_CORPUS or ../shared/corpus/nfstream/pcaps)
  --generator FILE     make_bench_pcap.py (default $FLOWSTREAM_BENCH_GENERATOR or ../shared/bench/make_bench_pcap.py)
  --timeout S          kill a run after S seconds (default 600)
  -h, --help           this help
`;

// ---- arguments -------------------------------------------------------------------------------------

function parseArgs(argv) {
  const o = {
    runs: null,
    quick: false,
    packets: null,
    manyFlowsPackets: null,
    only: null,
    skip: [],
    peers: true,
    keepEnv: false,
    freshCaptures: false,
    json: null,
    cache: process.env.FLOWSTREAM_BENCH_CACHE || join(homedir(), '.cache', 'flowstream-bench'),
    corpus: process.env.FLOWSTREAM_BENCH_CORPUS || resolve(REPO, '..', 'shared', 'corpus', 'nfstream', 'pcaps'),
    generator: process.env.FLOWSTREAM_BENCH_GENERATOR || resolve(REPO, '..', 'shared', 'bench', 'make_bench_pcap.py'),
    timeout: 600,
  };
  const int = (name, v, min = 1) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) fail(`${name}: expected an integer >= ${min}, got ${JSON.stringify(v)}`, 2);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) fail(`${a}: missing value`, 2);
      return argv[++i];
    };
    switch (a) {
      case '--': break;
      case '--runs': o.runs = int(a, next()); break;
      case '--quick': o.quick = true; break;
      case '--packets': o.packets = int(a, next()); break;
      case '--many-flows-packets': o.manyFlowsPackets = int(a, next()); break;
      case '--report-packets': o.reportPackets = int(a, next()); break;
      case '--long-packets': o.longPackets = int(a, next()); break;
      case '--only': o.only = next().split(',').filter(Boolean); break;
      case '--skip': o.skip = next().split(',').filter(Boolean); break;
      case '--no-peers': o.peers = false; break;
      case '--keep-env': o.keepEnv = true; break;
      case '--fresh-captures': o.freshCaptures = true; break;
      case '--json': o.json = resolve(next()); break;
      case '--cache': o.cache = resolve(next()); break;
      case '--corpus': o.corpus = resolve(next()); break;
      case '--generator': o.generator = resolve(next()); break;
      case '--timeout': o.timeout = int(a, next()); break;
      case '-h': case '--help': process.stdout.write(HELP.replace('${IDS}', ROW_IDS.join(', '))); process.exit(0);
      // falls through (unreachable)
      default: fail(`unknown option ${a} (see --help)`, 2);
    }
  }
  o.runs ??= o.quick ? 3 : 5;
  o.packets ??= o.quick ? 200_000 : 2_000_000;
  o.manyFlowsPackets ??= o.quick ? 200_000 : 2_000_000;
  o.reportPackets ??= o.quick ? 200_000 : 2_700_000;
  o.longPackets ??= o.quick ? 1_400_000 : 14_000_000;
  for (const id of [...(o.only ?? []), ...o.skip]) {
    if (!ROW_IDS.includes(id)) fail(`unknown row id "${id}" (known: ${ROW_IDS.join(', ')})`, 2);
  }
  return o;
}

function fail(msg, code = 1) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(code);
}

const log = (msg) => process.stderr.write(`${msg}\n`);

// ---- helpers -----------------------------------------------------------------------------------------

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(':').concat(['/usr/sbin', '/sbin'])) {
    const p = join(dir || '.', cmd);
    try {
      if (statSync(p).isFile()) return p;
    } catch {}
  }
  return null;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Newest mtime under a directory (files only), for the stale-build warning. */
function newestMtime(dir, skip = new Set(['node_modules'])) {
  let newest = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (skip.has(e.name)) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  if (existsSync(dir)) walk(dir);
  return newest;
}

async function warmPageCache(file) {
  await new Promise((res, rej) => {
    const s = createReadStream(file, { highWaterMark: 8 << 20 });
    s.on('data', () => {});
    s.on('end', res);
    s.on('error', rej);
  });
}

// ---- captures ----------------------------------------------------------------------------------------

/** Builds (once) a capture with make_bench_pcap.py; the cache key is the arguments + generator + corpus listing. */
function ensureCapture(opts, name, genArgs) {
  mkdirSync(opts.cache, { recursive: true });
  const out = join(opts.cache, `${name}.pcap`);
  const metaFile = `${out}.meta.json`;
  const g = statSync(opts.generator);
  const corpusListing = readdirSync(opts.corpus).sort();
  const meta = {
    args: genArgs,
    generator: { path: opts.generator, size: g.size, mtimeMs: Math.floor(g.mtimeMs) },
    corpus: { path: opts.corpus, files: corpusListing.length, firstLast: [corpusListing[0], corpusListing.at(-1)] },
  };
  if (!opts.freshCaptures && existsSync(out) && existsSync(metaFile)) {
    try {
      const old = JSON.parse(readFileSync(metaFile, 'utf8'));
      if (JSON.stringify(old.key) === JSON.stringify(meta)) {
        warnAged(out);
        return { path: out, ...old.info };
      }
    } catch {}
  }
  const tmp = `${out}.tmp-${process.pid}`;
  log(`bench: building ${out} (make_bench_pcap.py ${genArgs.join(' ')}) ...`);
  const t0 = performance.now();
  const r = spawnSync('python3', [opts.generator, ...genArgs, '--out', tmp, opts.corpus], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    fail(`make_bench_pcap.py failed (exit ${r.status}):\n${r.stderr}`);
  }
  renameSync(tmp, out);
  const info = { bytes: statSync(out).size, generatorSummary: r.stdout.trim().split('\n').slice(-3).join(' | '), buildSeconds: (performance.now() - t0) / 1000 };
  writeFileSync(metaFile, `${JSON.stringify({ key: meta, info }, null, 2)}\n`);
  log(`bench:   ${(info.bytes / 1e6).toFixed(0)} MB in ${info.buildSeconds.toFixed(1)} s`);
  return { path: out, ...info };
}

/** A cached capture older than this may have been paged out in part (see {@link warnAged}). */
const AGED_MS = 10 * 60 * 1000;

/**
 * Warns when a cached capture is older than {@link AGED_MS} on a machine whose kernel pages out
 * idle memory (a DAMON `pageout` scheme): its page cache is then aged, mapped reads of it take
 * up to twice as long, and rows timed on it are not comparable with rows timed on a fresh one.
 */
function warnAged(file) {
  const age = Date.now() - statSync(file).mtimeMs;
  if (age < AGED_MS || !pagesOutIdleMemory()) return;
  log(`bench: warning: ${file} was built ${Math.round(age / 60000)} min ago and this machine pages out idle memory (DAMON pageout): add --fresh-captures for comparable times`);
}

/** True when a running DAMON context has a `pageout` scheme (sysfs interface; false where there is none). */
function pagesOutIdleMemory() {
  const root = '/sys/kernel/mm/damon/admin/kdamonds';
  try {
    for (const k of readdirSync(root)) {
      if (!/^\d+$/.test(k) || readFileSync(join(root, k, 'state'), 'utf8').trim() !== 'on') continue;
      for (const c of readdirSync(join(root, k, 'contexts'))) {
        if (!/^\d+$/.test(c)) continue;
        const schemes = join(root, k, 'contexts', c, 'schemes');
        for (const s of readdirSync(schemes)) {
          if (/^\d+$/.test(s) && readFileSync(join(schemes, s, 'action'), 'utf8').trim() === 'pageout') return true;
        }
      }
    }
  } catch {}
  return false;
}

// ---- running a process -----------------------------------------------------------------------------

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** The environment measured processes run with (see {@link STARTUP_VARIABLES}; `--keep-env`: as is). */
let RUN_ENV = process.env;

/** The variables of {@link STARTUP_VARIABLES} set here, and what they cost a bare `node -e 0` (median ms of 7). */
function startupVariables(keep) {
  const set = STARTUP_VARIABLES.filter((v) => process.env[v] !== undefined);
  if (set.length === 0) return null;
  const clean = withoutStartupVariables(process.env);
  const startMs = (env) => {
    const ms = [];
    for (let i = 0; i < 7; i++) {
      const t0 = process.hrtime.bigint();
      spawnSync(process.execPath, ['-e', '0'], { env, stdio: 'ignore' });
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return median(ms);
  };
  const costMs = startMs(process.env) - startMs(clean);
  if (!keep) RUN_ENV = clean;
  return { variables: set, removed: !keep, costMs: Math.round(costMs) };
}

/**
 * Runs a command once: wall-clock seconds (measured here, around the whole process) and peak RSS
 * (GNU time's %M when available; otherwise VmHWM polled from /proc every 10 ms, which can miss a
 * last-moment peak).
 */
function runOnce(cmd, args, { timeoutS, cwd = REPO, env = RUN_ENV }) {
  return new Promise((res) => {
    const rssFile = join(tmpdir(), `flowstream-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const argv = TIME ? [TIME, '-f', '%M', '-o', rssFile, cmd, ...args] : [cmd, ...args];
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { if (stdout.length < 1 << 20) stdout += d; });
    child.stderr.on('data', (d) => { if (stderr.length < 1 << 20) stderr += d; });
    let hwmKb = 0;
    const poll = TIME ? null : setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
      } catch {}
    }, 10);
    let timedOut = false;
    const killer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      clearTimeout(killer);
      if (poll) clearInterval(poll);
      let rssKb = hwmKb;
      if (TIME) {
        try {
          // GNU time prints "Command exited with non-zero status N" before the value on failure.
          const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
          rssKb = Number(lines.at(-1));
        } catch {}
        rmSync(rssFile, { force: true });
      }
      res({ code: timedOut ? 'timeout' : code, signal, seconds, rssBytes: rssKb * 1024 || null, stdout, stderr });
    });
    child.on('error', (err) => {
      clearTimeout(killer);
      if (poll) clearInterval(poll);
      res({ code: 'spawn-error', seconds: 0, rssBytes: null, stdout: '', stderr: String(err) });
    });
  });
}

/** First warning / error line of a run's stderr, for the notes column. */
function firstNote(stderr) {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('(Use `node --trace-warnings'));
  return line ? line.replace(/^\(node:\d+\) /, '').slice(0, 160) : null;
}

// ---- rows ----------------------------------------------------------------------------------------------

/**
 * Parallel meters on a capture seven times the main one (~1M flows): the second engine's start and
 * compilation, fixed costs, weigh less there than on the 2M-packet capture. Asked for by name only
 * (`--only`): its 5.2 GB take a minute per round.
 */
const LONG_ROW_IDS = ['long-core', 'long-meters-2', 'long-ndpi-stats', 'long-ndpi-stats-meters-2'];

const ROW_IDS = [
  'core', 'stdin', 'stats-splt', 'meters-2', 'stats-splt-meters-2', 'plugins', 'snapshots', 'split-1', 'split-2',
  'ndpi-20', 'stdin-ndpi-20', 'ndpi-stats', 'ndpi-stats-meters-2', 'split-1-ndpi-stats', 'split-2-ndpi-stats',
  'csv', 'arrow', 'parquet', 'jsonl', 'ipfix', 'nats',
  'flood-unbounded', 'flood-bounded', 'report',
  'memory', 'memory-snapshots', 'startup-version', 'startup-tiny',
  'peer-tcpdump', 'peer-tcpdump-stdin', 'peer-softflowd', 'peer-nfpcapd', 'peer-nfpcapd-many',
  ...LONG_ROW_IDS,
];

/**
 * What each row is compared with, measured in the same interleaved rounds. `speed`: peer time ÷
 * row time (above 1: the row is faster); `time`: row time ÷ peer time (below 1: the row is faster).
 * `min`/`max`: the target.
 */
const COMPARISONS = [
  { row: 'core', peer: 'peer-nfpcapd', kind: 'speed', min: 1.4 },
  { row: 'core', peer: 'peer-softflowd', kind: 'speed', min: 1.5 },
  { row: 'core', peer: 'peer-tcpdump', kind: 'speed', min: 0.65 },
  { row: 'stats-splt', peer: 'peer-nfpcapd', kind: 'speed', min: 1.1 },
  { row: 'stdin', peer: 'core', kind: 'speed', min: 0.9 },
  { row: 'meters-2', peer: 'core', kind: 'speed', min: 1.0 },
  { row: 'stats-splt-meters-2', peer: 'stats-splt', kind: 'speed' },
  { row: 'plugins', peer: 'core', kind: 'speed' },
  { row: 'snapshots', peer: 'core', kind: 'time', max: 1.3 },
  { row: 'ndpi-20', peer: 'core', kind: 'speed' },
  { row: 'stdin-ndpi-20', peer: 'ndpi-20', kind: 'speed' },
  { row: 'ndpi-stats-meters-2', peer: 'ndpi-stats', kind: 'speed', min: 1.5 },
  { row: 'long-meters-2', peer: 'long-core', kind: 'speed' },
  { row: 'long-ndpi-stats-meters-2', peer: 'long-ndpi-stats', kind: 'speed' },
  // context for the rows above: what a pipe costs a C reader, and the other way to parallel meters
  // (every meter reads the whole capture and meters its share, scripts/bench-split.mjs)
  { row: 'peer-tcpdump-stdin', peer: 'peer-tcpdump', kind: 'speed' },
  { row: 'split-2', peer: 'split-1', kind: 'speed' },
  { row: 'split-2-ndpi-stats', peer: 'split-1-ndpi-stats', kind: 'speed' },
  { row: 'csv', peer: 'peer-nfpcapd-many', kind: 'time', max: 0.8 },
  { row: 'arrow', peer: 'peer-nfpcapd-many', kind: 'time', max: 0.8 },
  { row: 'parquet', peer: 'peer-nfpcapd-many', kind: 'time' },
  { row: 'jsonl', peer: 'peer-nfpcapd-many', kind: 'time' },
  { row: 'ipfix', peer: 'csv', kind: 'time' },
  { row: 'nats', peer: 'csv', kind: 'time' },
  { row: 'flood-bounded', peer: 'flood-unbounded', kind: 'time' },
];

/**
 * The command timed: the launcher the package's `bin` field names, which `npm install` links as
 * `flowstream`, not pnpm's workspace shim in node_modules/.bin (a shell script that runs `sed`,
 * `dirname` and `uname` before Node: ~4 ms a run, 81 against 77 ms on the tiny capture).
 */
const FLOWSTREAM = join(REPO, 'packages', 'streamer', JSON.parse(readFileSync(join(REPO, 'packages', 'streamer', 'package.json'), 'utf8')).bin.flowstream);

/** `a` as one word of a /bin/sh command line. */
const shellQuote = (a) => `'${a.replace(/'/g, `'\\''`)}'`;

function defineRows(opts, caps, scratch) {
  // `group`: rows of one group run interleaved (round 1: every row once, round 2: …), so that a
  // row and the peer it is compared with see the same machine load.
  const fsRow = (id, group, title, capture, extra, { unit = 'pkt', needsOutput = null, stdin = false } = {}) => ({
    id,
    group,
    title,
    kind: 'flowstream',
    capture,
    unit,
    command: (summaryFile) => {
      const out = needsOutput ? ['-o', join(scratch, needsOutput)] : [];
      if (stdin) {
        // a shell pipe, as a user types it: cat F | flowstream - …
        const fsArgs = ['-', ...extra, ...out, '-q', '--summary', summaryFile].map(shellQuote).join(' ');
        return ['/bin/sh', ['-c', `cat ${shellQuote(capture.path)} | ${shellQuote(FLOWSTREAM)} ${fsArgs}`]];
      }
      return [FLOWSTREAM, [capture.path, ...extra, ...out, '-q', '--summary', summaryFile]];
    },
    display: stdin
      ? `cat ${'${capture}'} | flowstream - ${extra.join(' ')} -q`
      : `flowstream ${'${capture}'} ${extra.join(' ')}${needsOutput ? ` -o ${needsOutput}` : ''} -q`,
  });
  const core = ['--format', 'none', '--n-dissections', '0'];
  const ndpiStats = ['--format', 'none', '--n-dissections', '20', '--statistical-analysis'];
  // replicated reading: `shares` processes at once, each reading the whole capture and metering its share of the flows
  const splitRow = (id, group, title, capture, extra, shares) => {
    const script = join(REPO, 'scripts', 'bench-split.mjs');
    return {
      id,
      group,
      title,
      kind: 'split',
      capture,
      // one process per share, started together (each timed, bounded and measured on its own)
      commands: () => Array.from({ length: shares }, (_, i) => [process.execPath, [script, capture.path, '--share', `${i}/${shares}`, ...extra]]),
      display: Array.from({ length: shares }, (_, i) => `node scripts/bench-split.mjs \${capture} --share ${i}/${shares}${extra.length ? ` ${extra.join(' ')}` : ''}`).join(' & '),
    };
  };
  const ndpiStatsSplit = ['--n-dissections', '20', '--statistical-analysis'];
  const nfpcapd = (id, group, capture, title) => ({
    id,
    group,
    title,
    kind: 'peer',
    tool: 'nfpcapd',
    capture,
    // NFStream's timeouts (active 1800 s, idle 120 s); -t 86400: one output file (without it,
    // nfpcapd rotates every 5 minutes of capture time). The default node cache is preallocated.
    command: (bin) => {
      const dir = join(scratch, `nfpcapd-${id}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      return [bin, ['-r', capture.path, '-w', dir, '-e', '1800,120', '-t', '86400']];
    },
    display: 'nfpcapd -r ${capture} -w DIR -e 1800,120 -t 86400',
  });
  return [
    fsRow('core', 'main', 'core fields, output discarded', caps.main, core),
    fsRow('stdin', 'main', 'core fields from a pipe', caps.main, core, { stdin: true }),
    fsRow('stats-splt', 'main', '+ statistical analysis + SPLT 10', caps.main, [...core, '--statistical-analysis', '--splt-analysis', '10']),
    fsRow('meters-2', 'main', 'core fields, --n-meters 2', caps.main, [...core, '--n-meters', '2']),
    fsRow('stats-splt-meters-2', 'main', '+ statistical analysis + SPLT 10, --n-meters 2', caps.main, [...core, '--statistical-analysis', '--splt-analysis', '10', '--n-meters', '2']),
    fsRow('plugins', 'main', 'built-in plugins: splt + ja4', caps.main, [...core, '--plugin', 'splt:sequenceLength=10', '--plugin', 'ja4']),
    fsRow('snapshots', 'main', 'core fields + a snapshot every 1 s of capture time, to CSV', caps.main, [...core, '--snapshot-interval', '1', '--snapshot-output', join(scratch, 'snapshots.csv')]),
    {
      id: 'peer-tcpdump',
      group: 'main',
      title: 'peer: tcpdump -r (read + write, no flows)',
      kind: 'peer',
      tool: 'tcpdump',
      capture: caps.main,
      command: (bin) => [bin, ['-n', '-r', caps.main.path, '-w', '/dev/null']],
      display: 'tcpdump -n -r ${capture} -w /dev/null',
    },
    {
      id: 'peer-softflowd',
      group: 'main',
      title: 'peer: softflowd (NetFlow v9 to 127.0.0.1:9)',
      kind: 'peer',
      tool: 'softflowd',
      capture: caps.main,
      // -d: foreground; -c none: no control socket (with one, 1.1.0 blocks in accept() before
      // reading the file); -m: a table big enough that no flow is force-expired; NetFlow goes to
      // the local discard port only. -p: a private pid file, so concurrent runs do not collide.
      command: (bin) => [bin, ['-d', '-r', caps.main.path, '-n', '127.0.0.1:9', '-v', '9', '-6', '-m', '4000000', '-c', 'none', '-p', join(scratch, 'softflowd.pid')]],
      display: 'softflowd -d -r ${capture} -n 127.0.0.1:9 -v 9 -6 -m 4000000 -c none -p PIDFILE',
    },
    {
      id: 'peer-tcpdump-stdin',
      group: 'main',
      title: 'peer: tcpdump -r - on the same pipe (what a pipe costs a C reader)',
      kind: 'peer',
      tool: 'tcpdump',
      capture: caps.main,
      command: (bin) => ['/bin/sh', ['-c', `cat ${shellQuote(caps.main.path)} | ${shellQuote(bin)} -n -r - -w /dev/null`]],
      display: 'cat ${capture} | tcpdump -n -r - -w /dev/null',
    },
    nfpcapd('peer-nfpcapd', 'main', caps.main, 'peer: nfpcapd (nfcapd file)'),
    splitRow('split-1', 'main', 'replicated reading, one share of 1: all flows (the baseline of split-2)', caps.main, [], 1),
    splitRow('split-2', 'main', 'replicated reading: two processes at once, each reads the whole capture and meters half the flows', caps.main, [], 2),
    fsRow('ndpi-20', 'ndpi', 'nDPI, --n-dissections 20', caps.main, ['--format', 'none', '--n-dissections', '20']),
    fsRow('stdin-ndpi-20', 'ndpi', 'nDPI, --n-dissections 20 (NFStream\'s default), from a pipe', caps.main, ['--format', 'none', '--n-dissections', '20'], { stdin: true }),
    fsRow('ndpi-stats', 'ndpi', 'nDPI 20 + statistical analysis, 1 meter', caps.main, ndpiStats),
    fsRow('ndpi-stats-meters-2', 'ndpi', 'nDPI 20 + statistical analysis, --n-meters 2', caps.main, [...ndpiStats, '--n-meters', '2']),
    splitRow('split-1-ndpi-stats', 'ndpi', 'replicated reading, nDPI 20 + statistics, one share of 1', caps.main, ndpiStatsSplit, 1),
    splitRow('split-2-ndpi-stats', 'ndpi', 'replicated reading, nDPI 20 + statistics: two processes at once, half the flows each', caps.main, ndpiStatsSplit, 2),
    fsRow('long-core', 'long', 'core fields, long capture', caps.long, core),
    fsRow('long-meters-2', 'long', 'core fields, --n-meters 2, long capture', caps.long, [...core, '--n-meters', '2']),
    fsRow('long-ndpi-stats', 'long', 'nDPI 20 + statistical analysis, 1 meter, long capture', caps.long, ndpiStats),
    fsRow('long-ndpi-stats-meters-2', 'long', 'nDPI 20 + statistical analysis, --n-meters 2, long capture', caps.long, [...ndpiStats, '--n-meters', '2']),
    fsRow('csv', 'many', 'CSV export (many flows)', caps.many, ['--format', 'csv', '--n-dissections', '0'], { unit: 'flow', needsOutput: 'flows.csv' }),
    fsRow('arrow', 'many', 'Arrow file export (many flows)', caps.many, ['--format', 'arrow', '--n-dissections', '0'], { unit: 'flow', needsOutput: 'flows.arrow' }),
    fsRow('parquet', 'many', 'Parquet export (many flows)', caps.many, ['--format', 'parquet', '--n-dissections', '0'], { unit: 'flow', needsOutput: 'flows.parquet' }),
    fsRow('jsonl', 'many', 'JSON Lines export (many flows)', caps.many, ['--format', 'jsonl', '--n-dissections', '0'], { unit: 'flow', needsOutput: 'flows.jsonl' }),
    nfpcapd('peer-nfpcapd-many', 'many', caps.many, 'peer: nfpcapd on the many-flows capture'),
    { ...ipfixRow(caps.many, scratch), group: 'many' },
    { ...natsRow(caps.many, scratch), group: 'many' },
    // peak RSS with and without the flow-cache bound, on the capture with the most live flows
    fsRow('flood-unbounded', 'flood', 'many flows, unbounded cache (compare peak RSS)', caps.many, core),
    fsRow('flood-bounded', 'flood', 'many flows, --max-live-flows 100000 (compare peak RSS)', caps.many, [...core, '--max-live-flows', '100000']),
    {
      id: 'report',
      group: 'report',
      title: 'HTML report (~1M flows): build, size, open in headless Chromium',
      kind: 'report',
      capture: caps.report,
      unit: 'flow',
      command: (summaryFile) => [FLOWSTREAM, ['report', caps.report.path, '--n-dissections', '0', '-o', join(scratch, 'report.html'), '-q', '--summary', summaryFile]],
      output: join(scratch, 'report.html'),
      display: 'flowstream report ${capture} --n-dissections 0 -o report.html -q; node --import tsx scripts/report-open-time.ts report.html',
    },
    {
      id: 'memory',
      group: 'memory',
      title: 'memory per live flow (core, many flows, in-process)',
      kind: 'memory',
      capture: caps.many,
      args: [],
      display: 'node --expose-gc scripts/bench-memory.mjs ${capture} --n-dissections 0 --json',
    },
    {
      id: 'memory-snapshots',
      group: 'memory',
      title: 'memory per live flow with --snapshot-interval 1 (snapshot bookkeeping included)',
      kind: 'memory',
      capture: caps.many,
      args: ['--snapshot-interval', '1'],
      display: 'node --expose-gc scripts/bench-memory.mjs ${capture} --n-dissections 0 --snapshot-interval 1 --json',
    },
    {
      id: 'startup-version',
      group: 'startup',
      title: 'start-up: flowstream --version',
      kind: 'startup',
      capture: null,
      command: () => [FLOWSTREAM, ['--version']],
      display: 'flowstream --version',
    },
    {
      id: 'startup-tiny',
      group: 'startup',
      title: 'start-up: tiny capture (1000 packets)',
      kind: 'startup',
      capture: caps.tiny,
      command: () => [FLOWSTREAM, [caps.tiny.path, '--format', 'none', '--n-dissections', '0', '-q']],
      display: 'flowstream ${capture} --format none --n-dissections 0 -q',
    },
  ];
}

/**
 * IPFIX export to a local nfcapd (started for the row on a free loopback port, stopped after it):
 * flows/s at the default pacing; the notes say what nfcapd stored (lost flows would show there).
 */
function ipfixRow(capture, scratch) {
  let collector = null;
  let port = 0;
  return {
    id: 'ipfix',
    title: 'IPFIX export to a local nfcapd (many flows)',
    kind: 'flowstream',
    capture,
    unit: 'flow',
    tool: 'nfcapd',
    async before() {
      const bin = which('nfcapd');
      if (!bin) throw new Error('nfcapd not installed (Debian package nfdump)');
      const s = createSocket('udp4');
      await new Promise((resolve) => s.bind(0, '127.0.0.1', resolve));
      port = s.address().port;
      await new Promise((resolve) => s.close(resolve));
      const dir = join(scratch, 'nfcapd');
      mkdirSync(dir, { recursive: true });
      collector = spawn(bin, ['-p', String(port), '-b', '127.0.0.1', '-w', dir, '-t', '3600'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      collector.stdout.on('data', (d) => (out += d));
      collector.stderr.on('data', (d) => (out += d));
      collector.log = () => out;
      for (let i = 0; i < 200 && !out.includes('Startup nfcapd.'); i++) await new Promise((r) => setTimeout(r, 25));
    },
    async after() {
      if (collector === null) return null;
      collector.kill('SIGTERM');
      await new Promise((resolve) => collector.on('exit', resolve));
      const m = /Flows: (\d+).*Sequence Errors: (\d+)/.exec(collector.log());
      return m ? `nfcapd stored ${fmtInt(Number(m[1]))} flows, ${m[2]} sequence errors` : null;
    },
    command: (summaryFile) => [FLOWSTREAM, [capture.path, '--format', 'ipfix', '-o', `udp://127.0.0.1:${port}`, '--n-dissections', '0', '-q', '--summary', summaryFile]],
    display: 'flowstream ${capture} --format ipfix -o udp://127.0.0.1:PORT --n-dissections 0 -q (nfcapd -b 127.0.0.1 -p PORT -w DIR)',
  };
}

/**
 * `--format nats` to a local nats-server (JetStream, file store in the scratch folder): every
 * message acknowledged before the CLI exits. A fresh server and store before each run, so runs do
 * not pile up in one stream.
 */
function natsRow(capture, scratch) {
  const server = { port: 0, child: null };
  const store = join(scratch, 'nats-store');
  const stop = async () => {
    const c = server.child;
    server.child = null;
    if (c && c.exitCode === null) await new Promise((r) => { c.once('exit', r); c.kill('SIGTERM'); });
    rmSync(store, { recursive: true, force: true });
  };
  return {
    id: 'nats',
    title: 'NATS JetStream publish (many flows, acknowledged)',
    kind: 'flowstream',
    capture,
    unit: 'flow',
    async before() {
      if (!which('nats-server')) throw new Error('nats-server not installed (Debian package nats-server)');
    },
    async beforeRun() {
      await stop();
      if (server.port === 0) server.port = await freePort();
      server.child = spawn(which('nats-server'), ['-js', '-a', '127.0.0.1', '-p', String(server.port), '-sd', store], { stdio: 'ignore' });
      await waitForPort(server.port, 10);
    },
    async after() {
      await stop();
      return null;
    },
    command: (summaryFile) => [FLOWSTREAM, [capture.path, '--format', 'nats', '--n-dissections', '0', '-o', `nats://127.0.0.1:${server.port}/flows.bench`, '--sensor', 'bench', '-q', '--summary', summaryFile]],
    display: 'flowstream ${capture} --format nats --n-dissections 0 -o nats://127.0.0.1:PORT/flows.bench --sensor bench -q',
  };
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolvePort(port));
    });
  });
}

async function waitForPort(port, timeoutS) {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const up = await new Promise((r) => {
      const c = createConnection(port, '127.0.0.1');
      c.once('connect', () => { c.destroy(); r(true); });
      c.once('error', () => r(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not listen on port ${port} within ${timeoutS} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stats(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x));
  return v.length ? { median: median(v), min: Math.min(...v), max: Math.max(...v) } : null;
}

/** One timed run of a row; returns the run record, or `{ failed: reason }`. */
async function runRowOnce(row, opts, scratch) {
  if (row.kind === 'flowstream' || row.kind === 'report') {
    await row.beforeRun?.();
    const summaryFile = join(scratch, `summary-${row.id}.json`);
    rmSync(summaryFile, { force: true });
    const [cmd, args] = row.command(summaryFile);
    const r = await runOnce(cmd, args, { timeoutS: opts.timeout });
    // every run writes new files: replacing a file by renaming over it made ext4 write the new
    // one out at once (its auto_da_alloc): closing the 38 MB of snapshot rows took 25 ms, not 5
    for (const f of ['flows.csv', 'flows.arrow', 'flows.parquet', 'flows.jsonl', 'snapshots.csv']) rmSync(join(scratch, f), { force: true });
    if (r.code !== 0) return { failed: `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}: ${firstNote(r.stderr) ?? 'no message'}` };
    let summary = null;
    try {
      summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    } catch {}
    return { seconds: r.seconds, rssBytes: r.rssBytes, packets: summary?.packets?.read ?? null, flows: summary?.flows ?? null, note: firstNote(r.stderr) };
  }
  if (row.kind === 'split') {
    // the row's time is its slowest share's; its memory, the shares' peaks added up
    const runs = await Promise.all(row.commands().map(([cmd, args]) => runOnce(cmd, args, { timeoutS: opts.timeout })));
    const bad = runs.find((r) => r.code !== 0);
    if (bad !== undefined) return { failed: `exit ${bad.code}: ${firstNote(bad.stderr) ?? ''}` };
    const flows = runs.reduce((n, r) => n + Number(/^flows (\d+)$/m.exec(r.stdout)?.[1] ?? 0), 0);
    const rssBytes = runs.every((r) => r.rssBytes) ? runs.reduce((n, r) => n + r.rssBytes, 0) : null;
    return { seconds: Math.max(...runs.map((r) => r.seconds)), rssBytes, flows };
  }
  if (row.kind === 'peer') {
    const bin = which(row.tool);
    if (!bin) return { failed: `${row.tool} not installed` };
    const [cmd, args] = row.command(bin);
    const r = await runOnce(cmd, args, { timeoutS: opts.timeout });
    if (r.code !== 0) return { failed: `exit ${r.code}: ${firstNote(r.stderr) ?? ''}` };
    return { seconds: r.seconds, rssBytes: r.rssBytes };
  }
  // startup
  const [cmd, args] = row.command();
  const r = await runOnce(cmd, args, { timeoutS: 60 });
  if (r.code !== 0) return { failed: `exit ${r.code}: ${firstNote(r.stderr) ?? ''}` };
  return { seconds: r.seconds, rssBytes: r.rssBytes };
}

/** Summarises the runs of one row. */
function rowResult(row, runs, failed, packetsHint) {
  if (failed) return { status: 'unavailable', reason: failed, runs };
  const sec = stats(runs.map((r) => r.seconds));
  const peakRssBytes = stats(runs.map((r) => r.rssBytes));
  if (row.kind === 'startup') return { status: 'ok', seconds: sec, peakRssBytes, runs };
  const packets = row.kind === 'peer' || row.kind === 'split' ? packetsHint(row) : runs[0].packets;
  const flows = row.kind === 'peer' ? null : runs[0].flows;
  const count = row.unit === 'flow' ? flows : packets;
  return {
    status: 'ok',
    packets,
    flows,
    seconds: sec,
    rate: count ? { median: count / sec.median, best: count / sec.min } : null,
    rateUnit: row.unit === 'flow' ? 'M flows/s' : 'Mpps',
    peakRssBytes,
    note: runs.find((r) => r.note)?.note ?? null,
    runs,
  };
}

/**
 * Runs the rows of one group interleaved: `runs` rounds, each running every row of the group
 * once, in order (row A, peer, row A, peer, …).
 */
async function runGroup(rows, opts, scratch, packetsHint) {
  const rounds = rows[0].kind === 'startup' ? Math.max(opts.runs * 2, 10) : opts.runs;
  const state = rows.map(() => ({ runs: [], failed: null }));
  // rows with a server to start (IPFIX collector, nats-server): once around all their rounds
  for (let k = 0; k < rows.length; k++) {
    try {
      await rows[k].before?.();
    } catch (err) {
      state[k].failed = err?.message ?? String(err);
      log(`bench:   ${rows[k].id}: unavailable: ${state[k].failed}`);
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k];
      const s = state[k];
      if (s.failed) continue;
      let r;
      try {
        r = await runRowOnce(row, opts, scratch);
      } catch (err) {
        r = { failed: `harness error: ${err?.message ?? err}` };
      }
      if (r.failed) {
        s.failed = r.failed;
        log(`bench:   ${row.id}: unavailable: ${r.failed}`);
        continue;
      }
      s.runs.push(r);
      if (row.kind !== 'startup') {
        log(`bench:   round ${round + 1}/${rounds} ${row.id}: ${r.seconds.toFixed(3)} s, ${((r.rssBytes ?? 0) / 1048576).toFixed(0)} MiB`);
      }
    }
  }
  for (let k = 0; k < rows.length; k++) {
    const note = await rows[k].after?.().catch(() => null);
    if (note) for (const r of state[k].runs) r.note = note;
  }
  return rows.map((row, k) => rowResult(row, state[k].runs, state[k].failed, packetsHint));
}

/** The report row: one build (timed like a flowstream row), then page size and opening time in headless Chromium. */
async function runReportRow(row, opts, scratch, packetsHint) {
  const [built] = await runGroup([row], { ...opts, runs: 1 }, scratch, packetsHint);
  if (built.status !== 'ok') return built;
  const bytes = statSync(row.output).size;
  const r = await runOnce(process.execPath, ['--import', 'tsx', join(REPO, 'scripts', 'report-open-time.ts'), row.output, String(opts.runs)], { timeoutS: 300 });
  if (r.code !== 0) return { ...built, status: 'unavailable', reason: `open: exit ${r.code}: ${firstNote(r.stderr) ?? ''}` };
  const open = JSON.parse(r.stdout.trim().split('\n').at(-1));
  const load = stats(open.loadMs);
  log(`bench:   report: ${(bytes / 1e6).toFixed(2)} MB, opens in ${(load.median / 1000).toFixed(2)} s (best ${(load.min / 1000).toFixed(2)} s), ${open.charts} charts, ${open.problems} page problems`);
  return { ...built, reportBytes: bytes, openSeconds: { median: load.median / 1000, min: load.min / 1000, max: load.max / 1000 }, charts: open.charts, note: `${(bytes / 1e6).toFixed(2)} MB page, opens in ${(load.median / 1000).toFixed(2)} s (best ${(load.min / 1000).toFixed(2)}), ${open.charts} charts` };
}

async function runMemoryRow(row, opts) {
  // The probe is itself two passes over the capture; one or two repetitions are enough (it is
  // deterministic apart from GC timing).
  const n = Math.min(opts.runs, 2);
  const runs = [];
  for (let i = 0; i < n; i++) {
    const r = await runOnce(process.execPath, ['--expose-gc', join(REPO, 'scripts', 'bench-memory.mjs'), row.capture.path, '--n-dissections', '0', ...row.args, '--json'], { timeoutS: opts.timeout * 2 });
    if (r.code !== 0) return { status: 'unavailable', reason: `exit ${r.code}: ${firstNote(r.stderr) ?? ''}`, runs };
    const j = JSON.parse(r.stdout.trim().split('\n').at(-1));
    runs.push({ ...j, rssBytes: r.rssBytes, processSeconds: r.seconds });
    log(`bench:   memory run ${i + 1}/${n}: ${j.bytesPerLiveFlow?.toFixed(0)} B/live flow at ${j.peakLiveFlows} live flows`);
  }
  const best = runs.reduce((a, b) => ((a.bytesPerLiveFlow ?? Infinity) <= (b.bytesPerLiveFlow ?? Infinity) ? a : b));
  return {
    status: 'ok',
    packets: best.packets,
    flows: best.flows,
    peakLiveFlows: best.peakLiveFlows,
    bytesPerLiveFlow: stats(runs.map((r) => r.bytesPerLiveFlow)),
    rawBytesPerLiveFlow: stats(runs.map((r) => r.rawBytesPerLiveFlow)),
    peakRssBytes: stats(runs.map((r) => r.rssBytes)),
    runs,
  };
}

/** The ratio of each comparison whose two rows ran: from the medians and from the minima (best runs). */
function comparisons(results) {
  const byId = Object.fromEntries(results.map((r) => [r.id, r]));
  const out = [];
  for (const c of COMPARISONS) {
    const a = byId[c.row]?.result;
    const b = byId[c.peer]?.result;
    if (!a || !b || a.status !== 'ok' || b.status !== 'ok') continue;
    const ratio = (ta, tb) => (c.kind === 'speed' ? tb / ta : ta / tb);
    const med = ratio(a.seconds.median, b.seconds.median);
    const best = ratio(a.seconds.min, b.seconds.min);
    const rss = a.peakRssBytes && b.peakRssBytes ? a.peakRssBytes.median / b.peakRssBytes.median : null;
    const target = c.min !== undefined ? `>= ${c.min}` : c.max !== undefined ? `<= ${c.max}` : '';
    // met on the minima (the least disturbed runs); the medians are shown beside them
    const met = c.min !== undefined ? best >= c.min : c.max !== undefined ? best <= c.max : null;
    out.push({ ...c, median: med, best, rssRatio: rss, target, met });
  }
  return out;
}

// ---- output ----------------------------------------------------------------------------------------------

const fmtInt = (n) => (n === null || n === undefined ? '' : Math.round(n).toLocaleString('en-US'));
const fmtM = (n) => (n === null || n === undefined ? '' : (n / 1e6).toFixed(2));

function markdownTable(head, lines) {
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmtLine = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [fmtLine(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmtLine)].join('\n');
}

function table(results) {
  const head = ['row', 'packets', 'flows', 's (median)', 's (min)', 'rate (median)', 'rate (best)', 'unit', 'peak RSS MiB', 'B/live flow', 'notes'];
  const lines = [];
  for (const r of results) {
    const x = r.result;
    if (x.status !== 'ok') {
      lines.push([r.id, '', '', '', '', '', '', '', '', '', `unavailable: ${x.reason}`]);
      continue;
    }
    const rss = x.peakRssBytes ? (x.peakRssBytes.median / 1048576).toFixed(0) : '';
    if (r.kind === 'memory') {
      lines.push([r.id, fmtInt(x.packets), fmtInt(x.flows), '', '', '', '', '', rss, `${x.bytesPerLiveFlow.median.toFixed(0)}`,
        `peak ${fmtInt(x.peakLiveFlows)} live flows; without gc ${x.rawBytesPerLiveFlow.median.toFixed(0)} B; ${r.id === 'memory' ? 'target <= 350' : 'compare with memory: the snapshot bookkeeping'}`]);
      continue;
    }
    if (r.kind === 'startup') {
      lines.push([r.id, '', '', `${(x.seconds.median * 1000).toFixed(0)} ms`, `${(x.seconds.min * 1000).toFixed(0)} ms`, '', '', '', rss, '', '']);
      continue;
    }
    lines.push([
      r.id,
      fmtInt(x.packets),
      fmtInt(x.flows),
      x.seconds.median.toFixed(3),
      x.seconds.min.toFixed(3),
      x.rate ? fmtM(x.rate.median) : '',
      x.rate ? fmtM(x.rate.best) : '',
      x.rate ? x.rateUnit : '',
      rss,
      '',
      x.note ?? '',
    ]);
  }
  return markdownTable(head, lines);
}

function ratioTable(cmps) {
  const head = ['row', 'against (same rounds)', 'measure', 'ratio (medians)', 'ratio (minima)', 'target', 'met (minima)', 'peak RSS ratio'];
  const lines = cmps.map((c) => [
    c.row,
    c.peer,
    c.kind === 'speed' ? 'speed: peer time / row time' : 'time: row time / peer time',
    c.median.toFixed(2),
    c.best.toFixed(2),
    c.target,
    c.met === null ? '' : c.met ? 'yes' : 'NO',
    c.rssRatio === null ? '' : c.rssRatio.toFixed(2),
  ]);
  return markdownTable(head, lines);
}

// ---- main --------------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));

  // The harness times the built CLI: refuse to time a missing build.
  const dist = join(REPO, 'packages', 'streamer', 'dist');
  if (!existsSync(join(dist, 'cli', 'main.js')) || !existsSync(join(dist, 'index.js'))) {
    fail(`${dist} is missing or incomplete: run \`pnpm build\` first`);
  }
  if (!existsSync(join(REPO, 'node_modules', '.bin', 'flowstream'))) fail('flowstream is not installed here: run `pnpm install` (and `pnpm build`)');
  for (const pkg of ['core', 'plugins', 'streamer']) {
    const src = newestMtime(join(REPO, 'packages', pkg, 'src'));
    const built = newestMtime(join(REPO, 'packages', pkg, 'dist'));
    if (src > built) log(`bench: warning: packages/${pkg}/src is newer than its dist/ (stale build? run \`pnpm build\`)`);
  }
  if (!existsSync(opts.generator)) fail(`capture generator not found: ${opts.generator} (use --generator or $FLOWSTREAM_BENCH_GENERATOR)`);
  if (!existsSync(opts.corpus)) fail(`corpus not found: ${opts.corpus} (use --corpus or $FLOWSTREAM_BENCH_CORPUS)`);

  // A row asked for with --only brings the rows it is compared with (unless --no-peers).
  let only = opts.only;
  if (only !== null) {
    const more = new Set(only);
    for (const c of COMPARISONS) if (more.has(c.row) && (opts.peers || !c.peer.startsWith('peer-'))) more.add(c.peer);
    only = [...more];
  }
  const wanted = (id) => (only === null ? !LONG_ROW_IDS.includes(id) : only.includes(id)) && !opts.skip.includes(id);
  const caps = {
    main: ensureCapture(opts, `bench-${opts.packets}`, ['--packets', String(opts.packets), '-q']),
    many: ['csv', 'arrow', 'parquet', 'jsonl', 'ipfix', 'nats', 'flood-unbounded', 'flood-bounded', 'memory', 'peer-nfpcapd-many'].some(wanted)
      ? ensureCapture(opts, `many-flows-${opts.manyFlowsPackets}`, ['--many-flows', '--packets', String(opts.manyFlowsPackets), '-q'])
      : null,
    tiny: ensureCapture(opts, 'tiny-1000', ['--packets', '1000', '-q']),
    report: wanted('report') ? ensureCapture(opts, `many-flows-${opts.reportPackets}`, ['--many-flows', '--packets', String(opts.reportPackets), '-q']) : null,
    long: LONG_ROW_IDS.some(wanted) ? ensureCapture(opts, `bench-${opts.longPackets}`, ['--packets', String(opts.longPackets), '-q']) : null,
  };

  const scratch = join(tmpdir(), `flowstream-bench-${process.pid}`);
  mkdirSync(scratch, { recursive: true });
  const rows = defineRows(opts, caps, scratch).filter((r) => wanted(r.id) && (opts.peers || r.kind !== 'peer'));

  for (const c of Object.values(caps)) if (c) await warmPageCache(c.path);

  const startupEnv = startupVariables(opts.keepEnv);
  const flowstreamVersion = spawnSync(FLOWSTREAM, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const meta = {
    date: new Date().toISOString(),
    flowstream: flowstreamVersion,
    node: process.version,
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    runs: opts.runs,
    loadavg: readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).join(' '),
    environment: startupEnv,
    captures: Object.fromEntries(Object.entries(caps).filter(([, c]) => c).map(([k, c]) => [k, { path: c.path, bytes: c.bytes }])),
  };
  log(`bench: ${meta.flowstream}, node ${meta.node}, ${meta.cpus}, ${opts.runs} rounds per group, load ${meta.loadavg}`);
  if (startupEnv?.removed) log(`bench: ${startupEnv.variables.join(', ')} removed from the measured runs' environment (+${startupEnv.costMs} ms per Node start here; --keep-env keeps it)`);

  const results = [];
  // make_bench_pcap.py writes exactly --packets records; peers are credited with the packet count
  // flowstream read from the same capture in the same group.
  const packetsOf = new Map();
  const packetsHint = (row) => packetsOf.get(row.capture?.path) ?? (row.capture === caps.main ? opts.packets : opts.manyFlowsPackets);
  try {
    const groups = [];
    for (const row of rows) {
      let g = groups.find((x) => x.name === row.group);
      if (!g) groups.push((g = { name: row.group, rows: [] }));
      g.rows.push(row);
    }
    for (const g of groups) {
      log(`bench: group ${g.name}: ${g.rows.map((r) => r.id).join(', ')} (interleaved)`);
      let res;
      if (g.name === 'report') {
        res = [];
        for (const row of g.rows) res.push(await runReportRow(row, opts, scratch, packetsHint).catch((err) => ({ status: 'unavailable', reason: `harness error: ${err?.message ?? err}` })));
      } else if (g.name === 'memory') {
        res = [];
        for (const row of g.rows) res.push(await runMemoryRow(row, opts).catch((err) => ({ status: 'unavailable', reason: `harness error: ${err?.message ?? err}` })));
      } else {
        // flowstream rows first, so the peers' packet counts are known (they run in the same rounds)
        res = await runGroup(g.rows, opts, scratch, packetsHint);
        g.rows.forEach((row, k) => {
          if (row.kind === 'flowstream' && res[k].status === 'ok' && res[k].packets && !packetsOf.has(row.capture.path)) packetsOf.set(row.capture.path, res[k].packets);
        });
        res = g.rows.map((row, k) => ((row.kind === 'peer' || row.kind === 'split') && res[k].status === 'ok' ? rowResult(row, res[k].runs, null, packetsHint) : res[k]));
      }
      g.rows.forEach((row, k) => {
        const display = row.display.replaceAll('${capture}', row.capture ? row.capture.path.replace(homedir(), '~') : '');
        results.push({ id: row.id, title: row.title, kind: row.kind, command: display, result: res[k] });
      });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  results.sort((a, b) => ROW_IDS.indexOf(a.id) - ROW_IDS.indexOf(b.id));
  const cmps = comparisons(results);

  process.stdout.write(`\nflowstream bench: ${meta.flowstream}, node ${meta.node}, ${meta.cpus}, ${meta.memory}, ${opts.runs} interleaved rounds, load at start ${meta.loadavg}\n`);
  for (const [k, c] of Object.entries(meta.captures)) process.stdout.write(`  ${k}: ${c.path} (${(c.bytes / 1e6).toFixed(0)} MB)\n`);
  if (startupEnv) process.stdout.write(`  environment: ${startupEnv.variables.join(', ')} ${startupEnv.removed ? 'removed for the measured runs' : 'kept (--keep-env)'}; set, it costs a bare \`node -e 0\` ${startupEnv.costMs} ms here\n`);
  process.stdout.write(`\n${table(results)}\n\nRatios against peers measured in the same interleaved rounds:\n\n${ratioTable(cmps)}\n\nCommands:\n`);
  for (const r of results) process.stdout.write(`  ${r.id.padEnd(20)} ${r.command}\n`);
  process.stdout.write('\n');
  const doc = { meta, results, comparisons: cmps };
  if (opts.json) {
    writeFileSync(opts.json, `${JSON.stringify(doc, null, 2)}\n`);
    log(`bench: JSON written to ${opts.json}`);
  }
}

await main();
