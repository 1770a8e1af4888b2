import { parseArgs } from 'node:util';
import '../sinks/builtin-sinks.js';
import { sinkDefinitions, sinkNames } from '../sinks/sink-registry.js';

/** A command-line usage error (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An output format of `--format`: a name in the sink registry. */
export type OutputFormat = string;

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
  anonymizeKey: string | null;
  inputHash: boolean;
  compression: string | undefined;
  flowsPerFile: number;
  rotateFiles: number;
  plugins: string[];
  windowsOutput: string | null;
  duration: number;
  metering: Record<string, unknown>;
  /** Format-specific options (`--ipfix-mode` → `ipfixMode`), as given: the format checks them. */
  sinkOptions: Record<string, string>;
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

/** Format-specific flags → sink option keys; the sink's `check` validates the values. */
const SINK_FLAGS: Record<string, string> = {
  'ipfix-mode': 'ipfixMode',
  'ipfix-pen': 'ipfixPen',
  'ipfix-observation-domain': 'ipfixObservationDomain',
  'ipfix-max-message-size': 'ipfixMaxMessageSize',
  'ipfix-template-refresh': 'ipfixTemplateRefresh',
  'ipfix-template-refresh-seconds': 'ipfixTemplateRefreshSeconds',
  'ipfix-rate': 'ipfixRate',
  'ipfix-burst': 'ipfixBurst',
  sensor: 'sensor',
  'nats-stream': 'natsStream',
  'nats-subjects': 'natsSubjects',
  'nats-encoding': 'natsEncoding',
  'nats-creds': 'natsCreds',
  'nats-max-age': 'natsMaxAge',
  'nats-max-bytes': 'natsMaxBytes',
  'nats-duplicate-window': 'natsDuplicateWindow',
  'nats-in-flight': 'natsInFlight',
  'nats-max-message-bytes': 'natsMaxMessageBytes',
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
    'anonymize-key': { type: 'string' },
    'input-hash': { type: 'boolean' },
    compression: { type: 'string' },
    'flows-per-file': { type: 'string' },
    'rotate-files': { type: 'string' },
    plugin: { type: 'string', multiple: true },
    'windows-output': { type: 'string' },
    duration: { type: 'string' },
    'bpf-filter': { type: 'string' },
  };
  for (const name of Object.keys(INT_OPTIONS)) options[name] = { type: 'string' };
  for (const name of Object.keys(SINK_FLAGS)) options[name] = { type: 'string' };
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
  const sinkOptions: Record<string, string> = {};
  for (const [name, key] of Object.entries(SINK_FLAGS)) if (typeof v[name] === 'string') sinkOptions[key] = v[name];
  const format = (v.format ?? 'csv') as string;
  if (!sinkNames().includes(format)) {
    throw new UsageError(`--format: expected one of ${sinkNames().join(', ')}, got "${format}"`);
  }
  const output = (v.output as string | undefined) ?? '-';
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
    anonymizeKey: (v['anonymize-key'] as string | undefined) ?? null,
    inputHash: v['input-hash'] === true,
    compression: v.compression as string | undefined,
    flowsPerFile,
    rotateFiles,
    plugins: (v.plugin as string[] | undefined) ?? [],
    windowsOutput: (v['windows-output'] as string | undefined) ?? null,
    duration,
    metering,
    sinkOptions,
  };
}

/** The `--format` lines of the help, from the sink registry. */
function formatHelp(): string {
  return sinkDefinitions()
    .map((d) => `                               ${d.name.padEnd(8)} ${d.description}`)
    .join('\n');
}

export const HELP = `Usage: flowstream [options] SOURCE...

Meters packets into bidirectional flows with NFStream's fields (NFStream 6.5.4 compatible).
SOURCE is a pcap/pcapng file (several files are read as one capture), "-" for a capture on
standard input (e.g. tcpdump -w - | flowstream -), or a network interface name for live capture.

Output:
  -o, --output TARGET          where flows go: a file, "-" = stdout (the default), or a URL
  -f, --format FMT             one of:
${formatHelp()}
      --columns a,b,...        keep only these columns, in this order (every format)
      --anonymize a,b,...      replace these columns by keyed BLAKE2b-512 hashes in every output
                               (a fresh random key per run unless --anonymize-key is given)
      --anonymize-key FILE     key file (128 hex digits or 1-64 bytes): hashes stable across runs
      --input-hash             SHA-256 of every input in the manifest (arrow/parquet always)
      --compression CODEC      parquet: zstd (default), snappy, lz4_raw, gzip, uncompressed
      --flows-per-file N       start a new file every N flows (CSV: NFStream's naming;
                               other formats: NAME.N.EXT)
      --rotate-files N         reuse chunk file names modulo N
      --summary FILE           write the run summary JSON (packet accounting, flows, manifest)
                               to FILE ("-" = stderr)
      --windows-output FILE    with --plugin covertmark-windows: window rows (.csv or .arrow)
  -q, --quiet                  no progress bar, no final summary line
NATS JetStream (--format nats -o nats://[user:pass@]HOST:PORT/SUBJECT, or tls://…):
      --sensor NAME            sensor name in headers and message ids (default: host name)
      --nats-stream NAME       stream, created when missing (default FLOWS, subjects flows.>)
      --nats-subjects LIST     subjects of a created stream (default flows.>)
      --nats-encoding ENC      arrow (default: Arrow IPC stream per message) or json (JSON lines)
      --nats-creds FILE        credentials file (JWT + NKey seed)
      --nats-max-age S / --nats-max-bytes N   retention of a created stream (0 = unlimited)
      --nats-duplicate-window S   de-duplication window of a created stream (default 120)
      --nats-in-flight N       unacknowledged messages at most (default 8)
      --nats-max-message-bytes N  message body limit (default: the server's max_payload)
  flowstream collect --help    consume such a stream into a Parquet dataset

IPFIX (--format ipfix -o udp://HOST:PORT; see README "Many sensors"):
      --ipfix-mode MODE        biflow (default: one RFC 5103 record per flow) or uniflow
                               (a record per direction, for collectors without reverse elements)
      --ipfix-pen N            PEN of flowstream's own elements (default 32473, RFC 5612's)
      --ipfix-observation-domain N   observation domain id (default 1)
      --ipfix-max-message-size N     bytes per message, 256-65535 (default 1400)
      --ipfix-template-refresh N     re-send templates every N messages (default 100)
      --ipfix-template-refresh-seconds S   … and every S seconds (default 30)
      --ipfix-rate N           messages per second (default 10000; 0 = unpaced)
      --ipfix-burst N          messages sent back to back before pacing waits (default 16)

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
  flowstream capture.pcap --accounting-mode 1 --format ipfix -o udp://127.0.0.1:4739
  flowstream report capture.pcap -o report.html         # an HTML report (flowstream report --help)

Exit codes: 0 ok, 1 input or runtime error (the message names the file and offset), 2 usage error.
`;
