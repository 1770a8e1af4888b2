import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
// the option table alone: `--help` and usage errors load nothing of the packet path
import { METERING_OPTION_TABLE, type MeteringOptionSpec } from '@flowstream/core/options';
import '../sinks/builtin-sinks.js';
import { formatsDeclaring, readsSetting } from '../sinks/export-option-names.js';
import { PARQUET_CODECS } from '../sinks/parquet/parquet-codecs.js';
import { formatOfTarget, sinkDefinition, sinkDefinitions, sinkNames, snapshotFormat as snapshotFormatOf } from '../sinks/sink-registry.js';

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
  /** Format-specific settings (`--ipfix-*`, `--nats-*`, `--sensor`), passed to the sink. */
  sinkOptions: Record<string, string>;
  flowsPerFile: number;
  rotateFiles: number;
  /** `--snapshot-output`: where flow snapshots go (with `--snapshot-interval`). */
  snapshotOutput: string | null;
  /** `--snapshot-format` (default: `--format`). */
  snapshotFormat: string | null;
  snapshotColumns: string[] | null;
  plugins: string[];
  windowsOutput: string | null;
  duration: number;
  /** `--progress` true, `--no-progress` false, else null (drawn when stderr is a terminal). */
  progress: boolean | null;
  metering: Record<string, unknown>;
}

/**
 * Format-specific flags → sink option keys, as the registered formats declare them
 * (`SinkDefinition.settings`); the sink's `check` validates the values.
 */
function sinkFlags(): Record<string, string> {
  const flags: Record<string, string> = {};
  for (const d of sinkDefinitions()) for (const [key, flag] of Object.entries(d.settings ?? {})) flags[flag.replace(/^--/, '')] = key;
  return flags;
}

/** A CLI-only option that is not an output option (metering options come from METERING_OPTION_TABLE). */
interface CliOptionSpec {
  readonly flag: string;
  readonly short?: string;
  /** `integer`: a whole number in [min, max]. */
  readonly type: 'boolean' | 'string' | 'integer';
  readonly multiple?: boolean;
  /** Booleans: `--no-FLAG` exists too. */
  readonly negatable?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly allowed?: string;
  readonly metavar?: string;
  readonly help: string;
  /** Help section. */
  readonly section: 'metering' | 'output' | 'live' | 'general';
}

/** The CLI's own options besides outputs, once: parser and `--help` are derived from here. */
const CLI_OPTION_TABLE: readonly CliOptionSpec[] = [
  {
    flag: 'plugin', type: 'string', multiple: true, metavar: 'SPEC', section: 'metering',
    help: 'a plugin: registry name, options optional (splt, splt:sequenceLength=10, flow-slicer:limit=4, dhcp, mdns, ' +
      'ja4, wf, wf:activeTimeout=120,levels=2, covertmark-windows) or a module file (./my-plugin.js[#Export]); repeatable',
  },
  { flag: 'windows-output', type: 'string', metavar: 'FILE', section: 'output', help: 'with --plugin covertmark-windows: window rows (.csv .arrow .parquet .jsonl)' },
  { flag: 'duration', type: 'integer', min: 0, max: 2 ** 31 - 1, allowed: 'a non-negative integer number of seconds', metavar: 'S', section: 'live', help: 'stop after S seconds (Ctrl-C also stops and flushes)' },
  { flag: 'quiet', short: 'q', type: 'boolean', section: 'general', help: 'no closing line, no progress line unless --progress asks for it' },
  { flag: 'progress', type: 'boolean', negatable: true, section: 'general', help: 'draw the progress line even when stderr is not a terminal (--no-progress: never)' },
  { flag: 'help', short: 'h', type: 'boolean', section: 'general', help: 'this help' },
  { flag: 'version', short: 'V', type: 'boolean', section: 'general', help: 'print the version' },
];

/** Flags of the metering options, from the core option table. */
const METERING_FLAGS = METERING_OPTION_TABLE.filter((o): o is MeteringOptionSpec & { flag: string } => o.flag !== null);

function parseInteger(option: string, text: string, min: number, max: number, allowed: string, maxExact: bigint = BigInt(max)): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`--${option}: expected ${allowed}, got "${text}"`);
  // compared as written: past 2^53 a double rounds (18446744073709552 would pass as …551)
  const exact = BigInt(text.trim());
  if (exact < BigInt(min) || exact > maxExact) throw new UsageError(`--${option}: expected ${allowed}, got ${text}`);
  return Number(exact);
}

function list(text: string | undefined): string[] {
  return text === undefined ? [] : text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * The columns of every `--anonymize` (repeatable, so a second one adds to the first instead of
 * replacing it). One that names no column is refused: `--anonymize "$COLUMNS"` with an empty
 * variable would otherwise leave every address in the clear without a word.
 */
function anonymizeList(given: readonly string[] | undefined): string[] {
  const columns: string[] = [];
  for (const text of given ?? []) {
    const named = list(text);
    if (named.length === 0) throw new UsageError(`--anonymize: name the columns to hash, e.g. --anonymize src_ip,dst_ip (got "${text}")`);
    for (const c of named) if (!columns.includes(c)) columns.push(c);
  }
  return columns;
}

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/**
 * `--idle-timeout -5`: node's parser takes `-5` for a flag ("argument is ambiguous"). A negative
 * number after an option that takes a value is that option's value, so the range check can name it.
 */
function joinNegativeValues(argv: string[], options: ParseArgsOptions): string[] {
  const shorts = new Map(Object.entries(options).filter(([, o]) => o.short !== undefined).map(([name, o]) => [o.short!, name]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : /^-[A-Za-z]$/.test(arg) ? shorts.get(arg.slice(1)) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** node's parser error, with a hint for NFStream-style snake_case flags (`--idle_timeout`). */
function usageErrorOf(err: Error, options: ParseArgsOptions): UsageError {
  let message = err.message.replace(/\. To specify.*$/s, '');
  const unknown = /Unknown option '--([^'=]+)'/.exec(message);
  const kebab = unknown?.[1]?.replace(/_/g, '-').toLowerCase();
  if (kebab !== undefined && kebab !== unknown![1] && options[kebab] !== undefined) message += `. Did you mean --${kebab}?`;
  return new UsageError(message);
}

/**
 * NFStream writes `decode_tunnels=False`; `--decode-tunnels false` would read `false` as a capture
 * file. A `true`/`false`/`yes`/`no` right after a flag that takes no value (and not a file of that
 * name) is a usage error that names the flag's two forms.
 */
function checkFlagValues(tokens: readonly { kind: string; name?: string; value?: string | undefined; inlineValue?: boolean | undefined; rawName?: string }[], options: ParseArgsOptions): void {
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1]!;
    if (t.kind !== 'positional' || prev.kind !== 'option' || !/^(true|false|yes|no|on|off|0|1)$/i.test(t.value ?? '')) continue;
    if (options[prev.name!]?.type !== 'boolean' || existsSync(t.value!)) continue;
    const base = prev.name!.startsWith('no-') ? prev.name!.slice(3) : prev.name!;
    const forms = options[`no-${base}`] !== undefined ? `--${base} or --no-${base}` : `--${base} alone`;
    throw new UsageError(`${prev.rawName ?? `--${prev.name}`} takes no value: write ${forms} (got "${t.value}")`);
  }
}

/** Parses argv (without `node` and the script). Throws {@link UsageError}. */
export function parseCli(argv: string[]): CliOptions {
  // output options: parsed here until the sink registry declares them
  const options: ParseArgsOptions = {
    output: { type: 'string', short: 'o' },
    format: { type: 'string', short: 'f' },
    summary: { type: 'string' },
    columns: { type: 'string' },
    anonymize: { type: 'string', multiple: true },
    'anonymize-key': { type: 'string' },
    'input-hash': { type: 'boolean' },
    'flows-per-file': { type: 'string' },
    'rotate-files': { type: 'string' },
    'snapshot-output': { type: 'string' },
    'snapshot-format': { type: 'string' },
    'snapshot-columns': { type: 'string' },
  };
  const sinkFlagKeys = sinkFlags();
  for (const name of Object.keys(sinkFlagKeys)) options[name] = { type: 'string' };
  for (const o of CLI_OPTION_TABLE) {
    options[o.flag] = { type: o.type === 'boolean' ? 'boolean' : 'string', ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
    if (o.negatable) options[`no-${o.flag}`] = { type: 'boolean' };
  }
  for (const o of METERING_FLAGS) {
    options[o.flag] = { type: o.type === 'boolean' ? 'boolean' : 'string' };
    if (o.type === 'boolean') options[`no-${o.flag}`] = { type: 'boolean' };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    throw usageErrorOf(err as Error, options);
  }
  checkFlagValues(parsed.tokens ?? [], options);
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const flag = (name: string): boolean | null => {
    if (v[name] === true && v[`no-${name}`] === true) throw new UsageError(`--${name} and --no-${name} are exclusive`);
    return v[name] === true ? true : v[`no-${name}`] === true ? false : null;
  };
  const metering: Record<string, unknown> = {};
  for (const o of METERING_FLAGS) {
    const text = v[o.flag];
    if (o.type === 'boolean') {
      const b = flag(o.flag);
      if (b !== null) metering[o.name] = b;
    } else if (typeof text === 'string') {
      metering[o.name] = o.type === 'integer' ? parseInteger(o.flag, text, o.min!, o.max!, o.allowed, o.maxExact) : text;
    }
  }
  const output = (v.output as string | undefined) ?? '-';
  // as for --snapshot-format: `-o flows.parquet` means Parquet (CSV into a .parquet file helps nobody)
  const format = (v.format as string | undefined) ?? formatOfTarget(output, 'csv');
  if (!sinkNames().includes(format)) {
    throw new UsageError(`--format: expected one of ${sinkNames().join(', ')}, got "${format}"`);
  }
  const snapshotOutput = (v['snapshot-output'] as string | undefined) ?? null;
  const snapshotFormat = (v['snapshot-format'] as string | undefined) ?? null;
  const snapshotColumns = typeof v['snapshot-columns'] === 'string' ? list(v['snapshot-columns']) : null;
  if (snapshotFormat !== null && !sinkNames().includes(snapshotFormat)) {
    throw new UsageError(`--snapshot-format: expected one of ${sinkNames().join(', ')}, got "${snapshotFormat}"`);
  }
  // snapshots cost time: taken only for an output, and an output without an interval would stay empty
  const interval = (metering.snapshotInterval as number | undefined) ?? 0;
  if (snapshotOutput === null && interval > 0) throw new UsageError('--snapshot-interval needs --snapshot-output FILE (where the snapshot rows go)');
  if (snapshotOutput !== null && interval === 0) throw new UsageError('--snapshot-output needs --snapshot-interval S (a positive number of seconds)');
  if (snapshotOutput === null && (snapshotFormat !== null || snapshotColumns !== null)) {
    throw new UsageError(`--${snapshotFormat !== null ? 'snapshot-format' : 'snapshot-columns'} needs --snapshot-output FILE`);
  }
  // a key hashes nothing by itself: a run that names no column would write clear addresses
  const anonymize = anonymizeList(v.anonymize as string[] | undefined);
  if (typeof v['anonymize-key'] === 'string' && anonymize.length === 0) {
    throw new UsageError('--anonymize-key needs --anonymize COLUMNS (the columns to hash with it)');
  }
  // a format-specific flag belongs to the format of an output of this run
  const formats = snapshotOutput === null ? [format] : [format, snapshotFormatOf(snapshotFormat, snapshotOutput, format)];
  const sinkOptions: Record<string, string> = {};
  for (const [name, key] of Object.entries(sinkFlagKeys)) {
    if (typeof v[name] !== 'string') continue;
    if (!formats.some((f) => readsSetting(sinkDefinition(f), key))) {
      throw new UsageError(`--${name} applies to --format ${formatsDeclaring(key).join(' or ')}, not ${formats.join(' or ')}`);
    }
    sinkOptions[key] = v[name];
  }
  // the Parquet codec (a setting of that format, refused above where no output is Parquet), checked here: a usage error
  const compression = v.compression as string | undefined;
  if (compression !== undefined && !(PARQUET_CODECS as readonly string[]).includes(compression)) {
    throw new UsageError(`--compression: expected one of ${PARQUET_CODECS.join(', ')}, got "${compression}"`);
  }
  const flowsPerFile = typeof v['flows-per-file'] === 'string' ? parseInteger('flows-per-file', v['flows-per-file'], 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer') : 0;
  const rotateFiles = typeof v['rotate-files'] === 'string' ? parseInteger('rotate-files', v['rotate-files'], 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer') : 0;
  // their rules are every output's, checked with the target before reading (`checkTarget`)
  const cliInteger = (name: string): number => {
    const o = CLI_OPTION_TABLE.find((c) => c.flag === name)!;
    const text = v[name];
    return typeof text === 'string' ? parseInteger(name, text, o.min!, o.max!, o.allowed!) : 0;
  };
  return {
    sources: parsed.positionals,
    output,
    format: format as OutputFormat,
    summary: (v.summary as string | undefined) ?? null,
    quiet: v.quiet === true,
    help: v.help === true,
    version: v.version === true,
    columns: typeof v.columns === 'string' ? list(v.columns) : null,
    anonymize,
    anonymizeKey: (v['anonymize-key'] as string | undefined) ?? null,
    inputHash: v['input-hash'] === true,
    compression: v.compression as string | undefined,
    sinkOptions,
    flowsPerFile,
    rotateFiles,
    snapshotOutput,
    snapshotFormat,
    snapshotColumns,
    plugins: (v.plugin as string[] | undefined) ?? [],
    windowsOutput: (v['windows-output'] as string | undefined) ?? null,
    duration: cliInteger('duration'),
    progress: flag('progress'),
    metering,
  };
}

/** Help column where descriptions start, and the line width they wrap at. */
const HELP_COLUMN = 31;
const HELP_WIDTH = 100;

/** One `--help` entry: the flag part, then the description wrapped under the help column. */
function helpEntry(flags: string, text: string): string {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line.length > 0 && HELP_COLUMN + line.length + 1 + w.length > HELP_WIDTH) {
      lines.push(line);
      line = w;
    } else line = line.length > 0 ? `${line} ${w}` : w;
  }
  lines.push(line);
  const head = flags.length + 1 < HELP_COLUMN ? flags.padEnd(HELP_COLUMN) : `${flags}\n${' '.repeat(HELP_COLUMN)}`;
  return `${head}${lines.join(`\n${' '.repeat(HELP_COLUMN)}`).replace(/\u00a0/g, ' ')}\n`;
}

function meteringEntry(o: MeteringOptionSpec & { flag: string }): string {
  const flags = o.type === 'boolean' ? `      --${o.flag} / --no-${o.flag}` : `      --${o.flag} ${o.metavar ?? 'X'}`;
  const d = o.default;
  const shown = typeof d === 'boolean' ? (d ? 'on' : 'off') : d === null ? 'none' : String(d);
  // a no-break space keeps "(default X)" on one line
  return helpEntry(flags, `${o.help} (default\u00a0${shown})`);
}

function cliEntries(section: CliOptionSpec['section']): string {
  return CLI_OPTION_TABLE.filter((o) => o.section === section)
    .map((o) => {
      const name = o.negatable ? `--${o.flag} / --no-${o.flag}` : `--${o.flag}${o.metavar ? ` ${o.metavar}` : ''}`;
      return helpEntry(o.short ? `  -${o.short}, ${name}` : `      ${name}`, o.help);
    })
    .join('');
}

/** The `--format` lines of the help, from the sink registry. */
function formatHelp(): string {
  return sinkDefinitions()
    .map((d) => `                               ${d.name.padEnd(8)} ${d.description}`)
    .join('\n');
}

/** The output options' help (the formats come from the sink registry, so it is made when asked for). */
const outputHelp = (): string => `  -o, --output TARGET          where flows go: a file, "-" = stdout (the default), or a URL
  -f, --format FMT             one of (default: by -o's ending, .csv .jsonl .parquet .arrow
                               .arrows, or its scheme, nats:// udp://; else csv):
${formatHelp()}
      --columns a,b,...        keep only these columns, in this order (every format)
      --anonymize a,b,...      replace these columns by keyed BLAKE2b-512 hashes in every output
                               (repeatable; a fresh random key per run unless --anonymize-key);
                               only these: requested_server_name, *_oui and plugin columns can
                               hold addresses too, name them as well
      --anonymize-key FILE     key file (128 hex digits or 1-64 bytes): hashes stable across runs
      --input-hash             SHA-256 of every input in the manifest (arrow/parquet always)
      --compression CODEC      parquet: zstd (default), snappy, lz4_raw, gzip, uncompressed
      --flows-per-file N       start a new file every N flows (CSV: NFStream's naming;
                               other formats: NAME.N.EXT)
      --rotate-files N         reuse chunk file names modulo N
      --snapshot-output TARGET where flow snapshots go (with --snapshot-interval S): a row per
                               long live flow every S seconds of capture time; flows unchanged
      --snapshot-format FMT    format of the snapshot output (default: by its name's ending,
                               .csv .jsonl .parquet .arrow .arrows; else --format's; csv for none)
      --snapshot-columns a,b,… keep only these snapshot columns (--anonymize applies too)
      --summary FILE           write the run summary JSON (packet accounting, flows, manifest)
                               to FILE ("-" = stderr)
`;

/** Help of the network sinks' own options. */
const SINK_HELP = `NATS JetStream (--format nats -o nats://[user:pass@]HOST:PORT/SUBJECT, or tls://…):
      --sensor NAME            sensor name in headers and message ids (default: host name)
      --nats-stream NAME       stream, created when missing (default FLOWS, subjects flows.>)
      --nats-subjects LIST     subjects of a created stream (default flows.>)
      --nats-encoding ENC      arrow (default: Arrow IPC stream per message) or json (JSON lines)
      --nats-creds FILE        credentials file (JWT + NKey seed)
      --nats-tls-ca FILE       CA certificates (PEM) of the server's certificate (implies TLS)
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

`;

/**
 * `flowstream --help`: the metering and CLI sections are generated from the option tables, the
 * formats from the sink registry. Made when asked for, not when this module loads: in the bundled
 * CLI the built-in formats may register after this module's body ran (a bundler does not keep the
 * order of side-effect imports across chunks), and the list of formats came out empty.
 */
export const helpText = (): string => `Usage: flowstream [options] SOURCE...

Meters packets into bidirectional flows with NFStream's fields (NFStream 6.5.4 compatible).
SOURCE is a pcap/pcapng file (several files are read as one capture), "-" for a capture on
standard input (e.g. tcpdump -w - | flowstream -), a named pipe (mkfifo, or <(cmd) in bash),
or a network interface name for live capture.

Output:
${outputHelp()}${cliEntries('output')}
${SINK_HELP}
Metering (NFStream's parameters, files, pipes and interfaces):
${METERING_FLAGS.filter((o) => o.appliesTo === 'all').map(meteringEntry).join('')}${cliEntries('metering')}
Live capture (interfaces only):
${METERING_FLAGS.filter((o) => o.appliesTo === 'live').map(meteringEntry).join('')}${cliEntries('live')}
${cliEntries('general')}
A progress line is drawn on stderr when it is a terminal. Ctrl-C or SIGTERM stops reading, flushes
every flow and closes the outputs (exit 130 or 143, summary "interrupted": true). A pipe is read on
for up to a second first, for what its writer flushes as the same Ctrl-C stops it.

Examples:
  flowstream capture.pcap -o flows.csv --statistical-analysis --splt-analysis 10
  flowstream a.pcap b.pcap --format parquet -o flows.parquet --summary run.json
  tcpdump -i eth0 -w - | flowstream - --format jsonl
  flowstream capture.pcap --plugin splt:sequenceLength=20 --format arrow -o flows.arrow
  flowstream capture.pcap --format none --summary -     # just count packets and flows
  flowstream eth0 -o flows.csv --snapshot-interval 10 --snapshot-output live.jsonl --snapshot-format jsonl
  flowstream capture.pcap --accounting-mode 1 --format ipfix -o udp://127.0.0.1:4739
  flowstream report capture.pcap -o report.html         # an HTML report (flowstream report --help)

Exit codes: 0 ok, 1 input or runtime error (the message names the file and offset), 2 usage error,
130 interrupted (SIGINT), 143 terminated (SIGTERM). A signal flushes every flow into complete
files; a second one exits at once and removes the unfinished ones.
`;
