import { parseArgs } from 'node:util';

/** A command-line usage error (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Output formats of `--format`. */
export const FORMATS = ['csv', 'arrow', 'arrows', 'parquet', 'jsonl', 'none'] as const;
export type OutputFormat = (typeof FORMATS)[number];

/** Parsed command line. Metering options are passed to NFStreamer (which validates them again). */
export interface CliOptions {
  sources: string[];
  output: string;
  format: OutputFormat;
  summary: string | null;
  quiet: boolean;
  help: boolean;
  version: boolean;
  columns: string[] | null;
  anonymize: string[];
  flowsPerFile: number;
  rotateFiles: number;
  plugins: string[];
  windowsOutput: string | null;
  duration: number;
  metering: Record<string, unknown>;
}

const INT_OPTIONS: Record<string, { key: string; min: number; max: number; allowed: string }> = {
  'idle-timeout': { key: 'idleTimeout', min: 0, max: Number.MAX_SAFE_INTEGER, allowed: 'a non-negative integer number of seconds' },
  'active-timeout': { key: 'activeTimeout', min: 0, max: Number.MAX_SAFE_INTEGER, allowed: 'a non-negative integer number of seconds' },
  'accounting-mode': { key: 'accountingMode', min: 0, max: 3, allowed: 'one of 0, 1, 2, 3' },
  'n-dissections': { key: 'nDissections', min: 0, max: 255, allowed: 'an integer from 0 to 255' },
  'splt-analysis': { key: 'spltAnalysis', min: 0, max: 65535, allowed: 'an integer from 0 to 65535' },
  'n-meters': { key: 'nMeters', min: 1, max: 1024, allowed: 'an integer from 1 to 1024' },
  'max-nflows': { key: 'maxNflows', min: 0, max: Number.MAX_SAFE_INTEGER, allowed: 'a non-negative integer (0 = unlimited)' },
  'max-live-flows': { key: 'maxLiveFlows', min: 0, max: 2 ** 31 - 1, allowed: 'an integer from 0 to 2147483647 (0 = unlimited)' },
  'snapshot-length': { key: 'snapshotLength', min: 1, max: 2 ** 31 - 1, allowed: 'a positive integer (bytes)' },
  'socket-buffer-size': { key: 'socketBufferSize', min: 0, max: 2 ** 31 - 1, allowed: 'an integer from 0 to 2147483647 (bytes)' },
  'performance-report': { key: 'performanceReport', min: 0, max: 2 ** 31 - 1, allowed: 'a non-negative integer number of seconds' },
  'system-visibility-mode': { key: 'systemVisibilityMode', min: 0, max: 1, allowed: 'one of 0, 1' },
  'system-visibility-poll-ms': { key: 'systemVisibilityPollMs', min: 0, max: 2 ** 31 - 1, allowed: 'a non-negative integer (ms)' },
};

const BOOL_OPTIONS: Record<string, string> = {
  'decode-tunnels': 'decodeTunnels',
  'statistical-analysis': 'statisticalAnalysis',
  'promiscuous-mode': 'promiscuousMode',
};

function parseInteger(option: string, text: string, min: number, max: number, allowed: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`--${option}: expected ${allowed}, got "${text}"`);
  const v = Number(text);
  if (v < min || v > max) throw new UsageError(`--${option}: expected ${allowed}, got ${text}`);
  return v;
}

function list(text: string | undefined): string[] {
  return text === undefined ? [] : text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Parses argv (without `node` and the script). Throws {@link UsageError}. */
export function parseCli(argv: string[]): CliOptions {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    output: { type: 'string', short: 'o' },
    format: { type: 'string', short: 'f' },
    summary: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'V' },
    columns: { type: 'string' },
    anonymize: { type: 'string' },
    'flows-per-file': { type: 'string' },
    'rotate-files': { type: 'string' },
    plugin: { type: 'string', multiple: true },
    'windows-output': { type: 'string' },
    duration: { type: 'string' },
    'bpf-filter': { type: 'string' },
  };
  for (const name of Object.keys(INT_OPTIONS)) options[name] = { type: 'string' };
  for (const name of Object.keys(BOOL_OPTIONS)) {
    options[name] = { type: 'boolean' };
    options[`no-${name}`] = { type: 'boolean' };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify.*$/s, ''));
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const metering: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(INT_OPTIONS)) {
    const text = v[name];
    if (typeof text === 'string') metering[spec.key] = parseInteger(name, text, spec.min, spec.max, spec.allowed);
  }
  for (const [name, key] of Object.entries(BOOL_OPTIONS)) {
    if (v[name] === true && v[`no-${name}`] === true) throw new UsageError(`--${name} and --no-${name} are exclusive`);
    if (v[name] === true) metering[key] = true;
    if (v[`no-${name}`] === true) metering[key] = false;
  }
  if (typeof v['bpf-filter'] === 'string') metering.bpfFilter = v['bpf-filter'];
  const format = (v.format ?? 'csv') as string;
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format: expected one of ${FORMATS.join(', ')}, got "${format}"`);
  }
  const output = (v.output as string | undefined) ?? '-';
  if ((format === 'arrow' || format === 'parquet') && output === '-') {
    throw new UsageError(`--format ${format} writes a file: give one with -o FILE (use --format arrows to stream to stdout)`);
  }
  const flowsPerFile = typeof v['flows-per-file'] === 'string' ? parseInteger('flows-per-file', v['flows-per-file'], 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer') : 0;
  const rotateFiles = typeof v['rotate-files'] === 'string' ? parseInteger('rotate-files', v['rotate-files'], 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer') : 0;
  const duration = typeof v.duration === 'string' ? parseInteger('duration', v.duration, 0, 2 ** 31 - 1, 'a non-negative integer number of seconds') : 0;
  return {
    sources: parsed.positionals,
    output,
    format: format as OutputFormat,
    summary: (v.summary as string | undefined) ?? null,
    quiet: v.quiet === true,
    help: v.help === true,
    version: v.version === true,
    columns: typeof v.columns === 'string' ? list(v.columns) : null,
    anonymize: list(v.anonymize as string | undefined),
    flowsPerFile,
    rotateFiles,
    plugins: (v.plugin as string[] | undefined) ?? [],
    windowsOutput: (v['windows-output'] as string | undefined) ?? null,
    duration,
    metering,
  };
}

export const HELP = `Usage: flowstream [options] SOURCE...

Meters packets into bidirectional flows with NFStream's fields (NFStream 6.5.4 compatible).
SOURCE is a pcap/pcapng file (several files are read as one capture), "-" for a capture on
standard input (e.g. tcpdump -w - | flowstream -), or a network interface name for live capture.

Output:
  -o, --output FILE            where flows go ("-" = stdout, the default)
  -f, --format FMT             csv (default, NFStream's to_csv format), arrow (IPC file/Feather v2),
                               arrows (IPC stream), parquet, jsonl, none (count only)
      --columns a,b,...        keep only these columns, in this order
      --anonymize a,b,...      replace these columns by keyed BLAKE2b-512 hashes (fresh key per run)
      --flows-per-file N       CSV: start a new file every N flows (NFStream's naming)
      --rotate-files N         CSV: reuse chunk file names modulo N
      --summary FILE           write the packet accounting JSON to FILE ("-" = stderr)
      --windows-output FILE    with --plugin covertmark-windows: window rows (.csv or .arrow)
  -q, --quiet                  no progress bar, no final summary line

Metering (NFStream's parameters):
      --decode-tunnels / --no-decode-tunnels   GTP-U, TZSP, CAPWAP (default on)
      --bpf-filter EXPR        libpcap filter, for files, pipes and interfaces
      --idle-timeout S         default 120
      --active-timeout S       default 1800
      --accounting-mode M      0 raw (default), 1 IP, 2 transport, 3 payload size
      --n-dissections N        packets per flow given to nDPI, 0-255 (default 20; 0 disables)
      --statistical-analysis   48 post-mortem statistics columns
      --splt-analysis N        first N packets' direction/size/piat (0 disables)
      --n-meters N             parallel meters (default 1: reproducible order)
      --max-nflows N           stop after N flows (0 = unlimited)
      --max-live-flows N       bound the flow cache: a new flow evicts the least recently seen
                               one (expiration_id 2, counted as "evictions"; 0 = unlimited)
      --plugin SPEC            a plugin: registry name with options (splt:sequenceLength=10,
                               flow-slicer:limit=4, dhcp, mdns, ja4, wf:activeTimeout=1800,levels=3,
                               covertmark-windows) or a module file (./my-plugin.js[#Export])
Live capture:
      --snapshot-length N      default 1536
      --promiscuous-mode / --no-promiscuous-mode
      --socket-buffer-size N   kernel capture buffer bytes (0 = 64 MiB)
      --duration S             stop after S seconds (Ctrl-C also stops and flushes)
      --performance-report S   print a JSON performance line every S seconds
      --system-visibility-mode 0|1   add the local process of each flow (Linux)
      --system-visibility-poll-ms N

  -h, --help                   this help
  -V, --version                print the version

Examples:
  flowstream capture.pcap -o flows.csv --statistical-analysis --splt-analysis 10
  flowstream a.pcap b.pcap --format parquet -o flows.parquet --summary run.json
  tcpdump -i eth0 -w - | flowstream - --format jsonl
  flowstream capture.pcap --plugin splt:sequenceLength=20 --format arrow -o flows.arrow
  flowstream capture.pcap --format none --summary -     # just count packets and flows

Exit codes: 0 ok, 1 input or runtime error (the message names the file and offset), 2 usage error.
`;
