import { resolve } from 'node:path';
import type { FlowBatch, NFPlugin } from '@flowstream/core';
import { METERING_OPTION_TABLE } from '@flowstream/core/options';
import type { NFStreamer, StreamerSummary } from '../nfstreamer.js';
import type { FlowSink, SinkError, SinkResult } from '../sinks/flow-sink.js';
import { removePartialFiles } from '../sinks/files/partial-files.js';
import { FLOWSTREAM_VERSION } from '../version.js';
import { helpText, parseCli, UsageError, type CliOptions } from './cli-options.js';
import { closingLine } from './closing-line.js';
import { keepFreedMemoryFor } from './freed-memory.js';
import type { Progress } from './progress.js';

/** Exit codes. */
const OK = 0;
const RUNTIME_ERROR = 1;
const USAGE_ERROR = 2;
/** 128 + signal number, as shells report a process ended by the signal. */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

function stderr(text: string): void {
  process.stderr.write(`${text}\n`);
}

/**
 * The `flowstream` command. Returns the process exit code: 0 ok (also when a reader closed
 * stdout), 1 input/runtime error, 2 usage, 130/143 stopped by SIGINT/SIGTERM after flushing.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['capture.pcap', '--format', 'none', '--summary', '-']);
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'collect') return (await import('./collect-command.js')).collectMain(argv.slice(1));
  // `flowstream report …`: the same options and run, with the HTML report as the output
  const report = argv[0] === 'report' ? await import('./report-command.js') : null;
  let cli: CliOptions;
  try {
    cli = parseCli(report === null ? argv : argv.slice(1));
  } catch (err) {
    if (err instanceof UsageError) {
      stderr(`flowstream: ${err.message}\nTry 'flowstream ${report === null ? '' : 'report '}--help'.`);
      return USAGE_ERROR;
    }
    throw err;
  }
  if (cli.help) {
    process.stdout.write(report === null ? helpText() : report.REPORT_HELP);
    return OK;
  }
  if (cli.version) {
    process.stdout.write(`flowstream ${FLOWSTREAM_VERSION}\n`);
    return OK;
  }
  if (cli.sources.length === 0) {
    stderr("flowstream: no SOURCE given\nTry 'flowstream --help'.");
    return USAGE_ERROR;
  }
  if (report !== null) {
    try {
      const paths = report.checkReportCli(cli);
      // standard input holds flows or a capture: its first bytes tell (a capture's go to its reader)
      const piped = paths === null && cli.sources.length === 1 && cli.sources[0] === '-' ? await report.pipedFlows() : null;
      const files = piped !== null ? [piped] : paths?.map((path) => ({ path, name: path }));
      if (files !== undefined) {
        try {
          const n = await report.reportFromFiles(cli, files);
          if (!cli.quiet) stderr(`flowstream: report of ${n} flows written to ${cli.output}`);
        } finally {
          piped?.dispose();
        }
        return OK;
      }
    } catch (err) {
      if (err instanceof UsageError) {
        stderr(`flowstream: ${err.message}\nTry 'flowstream report --help'.`);
        return USAGE_ERROR;
      }
      stderr(`flowstream: error: ${(err as Error).message}`);
      return RUNTIME_ERROR;
    }
  }
  // before the run's modules load: their compilation is where the allocator churns most
  keepFreedMemoryFor(cli.sources);
  // a pipe on standard input: its reader starts now (if the launcher did not) and fills while the
  // run's modules load
  const stdin = cli.sources.length === 1 && cli.sources[0] === '-' ? await import('../run/stdin-pipe.js') : null;
  stdin?.startStdinPipe();
  try {
    return await run(cli, report);
  } finally {
    // a run that did not start (bad plugin, option or output) leaves it unread: its thread must end
    stdin?.discardStdinPipe();
  }
}

/** Meters the sources into the output (or the report): the command once its options are known. */
async function run(cli: CliOptions, report: typeof import('./report-command.js') | null): Promise<number> {
  printLibraryWarnings();
  let plugins: NFPlugin[] = [];
  if (cli.plugins.length > 0) {
    try {
      const { createPluginRegistry, parsePluginSpec } = await import('../plugin-registry/index.js');
      const registry = createPluginRegistry();
      plugins = await Promise.all(cli.plugins.map((spec) => registry.resolve(parsePluginSpec(spec))));
    } catch (err) {
      stderr(`flowstream: --plugin: ${(err as Error).message}`);
      return USAGE_ERROR;
    }
  }

  // the run's modules load only now: `--help`, `--version` and usage errors need none of them
  const [{ NFStreamer }, { Progress }] = await Promise.all([import('../nfstreamer.js'), import('./progress.js'), import('../optional-parts.js')]);
  let progress: Progress | null = null;
  const drawProgress = cli.progress ?? (!cli.quiet && process.stderr.isTTY === true);
  // flows on stdout: performance lines must not mix with them
  const flowsOnStdout = cli.output === '-' && cli.format !== 'none';
  let streamer: NFStreamer;
  try {
    const source = cli.sources.length === 1 ? cli.sources[0]! : cli.sources;
    streamer = new NFStreamer({
      source,
      ...cli.metering,
      udps: plugins,
      onProgress: drawProgress ? (p) => progress?.draw(p) : null,
      onPerformanceReport: flowsOnStdout ? (line) => stderr(line) : null,
    });
  } catch (err) {
    const e = err as Error;
    if (e.message.startsWith('Invalid option source')) {
      stderr(`flowstream: ${e.message}`);
      return RUNTIME_ERROR;
    }
    if (e instanceof RangeError || e instanceof TypeError) {
      stderr(`flowstream: ${kebab(e.message)}`);
      return USAGE_ERROR;
    }
    stderr(`flowstream: ${e.message}`);
    return RUNTIME_ERROR;
  }
  // a filter wrong for every link type is a bad option: said now, not once per input
  const filter = cli.metering.bpfFilter;
  if (typeof filter === 'string') {
    const { filterSyntaxError } = await import('./filter-syntax.js');
    const problem = filterSyntaxError(filter);
    if (problem !== null) {
      stderr(`flowstream: --bpf-filter "${filter}": ${problem} (a libpcap filter expression, see pcap-filter(7))`);
      return USAGE_ERROR;
    }
  }

  let windowsPlugin: InstanceType<typeof import('@flowstream/plugins/covertmark').CovertMarkWindows> | null = null;
  if (cli.windowsOutput !== null) {
    const { CovertMarkWindows } = await import('@flowstream/plugins/covertmark');
    windowsPlugin = plugins.find((p): p is InstanceType<typeof CovertMarkWindows> => p instanceof CovertMarkWindows) ?? null;
    if (windowsPlugin === null) {
      stderr('flowstream: --windows-output needs --plugin covertmark-windows');
      return USAGE_ERROR;
    }
    const others = [cli.output, cli.snapshotOutput, cli.summary].filter((t) => t !== null && t !== '-').map((t) => resolve(t!));
    if (others.includes(resolve(cli.windowsOutput))) {
      stderr(`flowstream: --windows-output: ${cli.windowsOutput} is another output's file (give the window rows a file of their own)`);
      return USAGE_ERROR;
    }
    try {
      await (await import('../windows/window-rows-output.js')).checkWindowsTarget(cli.windowsOutput);
    } catch (err) {
      stderr(`flowstream: --windows-output: ${(err as Error).message}`);
      // a file name without a known ending is a usage error; a missing folder is the input's (as for -o)
      return err instanceof RangeError || err instanceof TypeError ? USAGE_ERROR : RUNTIME_ERROR;
    }
  }
  // the window rows hash what the flows hash with the flows' key, so both outputs need the same
  // one: a run's random key is drawn here rather than by each output
  const anonymizeKey =
    cli.windowsOutput !== null && cli.anonymize.length > 0 && cli.anonymizeKey === null ? (await import('../sinks/transform/anonymizer.js')).randomAnonymizerKey() : cli.anonymizeKey;

  // Output options and the target are checked before reading starts: a bad column or a missing
  // folder fails at once and leaves no file behind.
  let flowsTransform: ReturnType<NFStreamer['checkOutput']>;
  try {
    flowsTransform = streamer.checkOutput({ columns: cli.columns, columnsToAnonymize: cli.anonymize, anonymizeKey });
    if (cli.snapshotOutput !== null) streamer.checkSnapshotOutput({ snapshotColumns: cli.snapshotColumns, columnsToAnonymize: cli.anonymize, anonymizeKey });
  } catch (err) {
    stderr(`flowstream: ${kebab((err as Error).message)}`);
    return USAGE_ERROR;
  }
  if (report === null) {
    try {
      const [{ sinkDefinition, snapshotFormat }, { checkTarget }] = await Promise.all([import('../sinks/sink-registry.js'), import('../sinks/check-target.js')]);
      const sinkOptions = { ...cli.sinkOptions, flowsPerFile: cli.flowsPerFile, rotateFiles: cli.rotateFiles, anonymized: cli.anonymize, compression: cli.compression };
      await checkTarget(sinkDefinition(cli.format), cli.output, sinkOptions);
      if (cli.snapshotOutput !== null) {
        await checkTarget(sinkDefinition(snapshotFormat(cli.snapshotFormat, cli.snapshotOutput, cli.format)), cli.snapshotOutput, { ...sinkOptions, flowsPerFile: 0, rotateFiles: 0, targetOption: 'snapshotOutput' });
      }
    } catch (err) {
      stderr(`flowstream: ${kebab((err as Error).message)}`);
      return err instanceof RangeError || err instanceof TypeError ? USAGE_ERROR : RUNTIME_ERROR;
    }
  }
  // the summary's file too: a missing folder must not be found after an hour of capture
  if (cli.summary !== null && cli.summary !== '-') {
    try {
      const { checkOutputPath } = await import('../sinks/files/output-file.js');
      await checkOutputPath(cli.summary);
    } catch (err) {
      stderr(`flowstream: --summary: ${(err as Error).message}`);
      return RUNTIME_ERROR;
    }
  }

  // the window output is the last one made: every check before it leaves no file behind
  let windows: Awaited<ReturnType<typeof import('../windows/window-rows-output.js').openWindowsOutput>> | null = null;
  if (windowsPlugin !== null) {
    try {
      const { openWindowsOutput } = await import('../windows/window-rows-output.js');
      windows = await openWindowsOutput(cli.windowsOutput!, windowsPlugin, { flows: flowsTransform, manifest: streamer.manifest });
    } catch (err) {
      stderr(`flowstream: --windows-output: ${(err as Error).message}`);
      return RUNTIME_ERROR;
    }
  }
  progress = new Progress(drawProgress, windows);
  const started = performance.now();
  let failure: Error | null = null;
  /** What reached the flow output (a failed one: what it still holds), when known. */
  let output: SinkResult | null = null;
  const signals = installStopSignals(streamer, (await readsPipe(cli.sources)) ? PIPE_DRAIN_MS : 0);
  const stdout = watchStdout(streamer);
  // the duration is the planned end of the capture, not an interruption
  const durationTimer = cli.duration > 0 ? setTimeout(() => streamer.stop({ interrupted: false }), cli.duration * 1000) : null;
  try {
    if (report === null) output = await exportFlows(cli, anonymizeKey, streamer, progress);
    else output = await writeReport(cli, anonymizeKey, streamer, progress, report.reportSink(cli));
  } catch (err) {
    failure = err as Error;
    output = (err as Partial<SinkError>).delivered ?? null;
  } finally {
    if (durationTimer !== null) clearTimeout(durationTimer);
    signals.uninstall();
    progress.done(streamer.progress);
    // a failed window output is reported like a failed run; the flows were written
    if (windows !== null) await windows.close(failure === null ? streamer.summary : null).catch((err: Error) => (failure ??= err));
  }
  // stdout failed (a full disk): the flows after the failure were not written, whatever the sink saw
  if (stdout.error() !== null && (failure === null || !failure.message.includes(stdout.error()!.message))) failure = stdout.error();
  // `flowstream big.pcap | head -1`: the reader has gone, which ends the run; nothing to report
  const quietEnd = stdout.closed() || isBrokenPipe(failure);
  const summary = streamer.summary;
  if (summary !== null) {
    for (const s of summary.sources) {
      if (s.truncatedAt !== undefined && !quietEnd) stderr(`flowstream: warning: ${s.path}: truncated last record at byte offset ${s.truncatedAt} dropped`);
    }
    try {
      await writeSummaries(cli, summary, output, failure);
    } catch (err) {
      failure ??= new Error(`--summary: ${cli.summary}: ${(err as Error).message}`);
    }
  }
  // an error before the first record (not a capture, unreadable) stops the run from starting: no counts
  const runStarted = summary !== null && (failure === null || summary.packets.read > 0);
  if (!cli.quiet && !quietEnd && runStarted) stderr(`flowstream: ${closingLine(summary!, (performance.now() - started) / 1000)}`);
  if (failure !== null && !quietEnd) stderr(`flowstream: error: ${failure.message}`);
  const signal = signals.received();
  if (signal !== null) return SIGNAL_EXIT[signal];
  return failure !== null && !quietEnd ? RUNTIME_ERROR : OK;
}

function isBrokenPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}

/**
 * A reader that closed stdout (`| head -1`) ends the run: the streamer stops and the CLI exits 0
 * without a word (`closed`). Any other failure of stdout (a full disk, `> /dev/full`) stops the
 * run too, and is its error (`error`): the flows after it were not written.
 */
function watchStdout(streamer: NFStreamer): { closed: () => boolean; error: () => Error | null } {
  let closed = false;
  let error: Error | null = null;
  process.stdout.on('error', (err) => {
    if (isBrokenPipe(err)) closed = true;
    else error ??= new Error(`stdout: ${err.message}`);
    streamer.stop();
  });
  return { closed: () => closed, error: () => error };
}

/** Library option names whose CLI flag is not their name in kebab case. */
const FLAG_OF_OUTPUT_OPTION: Readonly<Record<string, string>> = { columnsToAnonymize: 'anonymize', anonymizeKey: 'anonymize-key', snapshotColumns: 'snapshot-columns' };

/** The CLI flag of a library option name. */
function cliFlag(name: string): string {
  if (FLAG_OF_OUTPUT_OPTION[name] !== undefined) return `--${FLAG_OF_OUTPUT_OPTION[name]}`;
  const metering = METERING_OPTION_TABLE.find((o) => o.name === name)?.flag;
  return metering ? `--${metering}` : name === 'udps' ? '--plugin' : `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Converts option names in validation messages to the CLI's flags. */
function kebab(message: string): string {
  // the option the error is about, and the chunk options a rule names beside it
  return message.replace(/Invalid option (\w+)/, (_m, name: string) => cliFlag(name)).replace(/\b(flowsPerFile|rotateFiles)\b/g, (name) => cliFlag(name));
}

/**
 * The library's warnings (`process.emitWarning` with code `FLOWSTREAM`) as the CLI's own lines,
 * naming its flags (`flowstream: warning: --n-meters 8: …`), not as Node prints a process warning;
 * other warnings as Node prints them.
 */
function printLibraryWarnings(): void {
  const node = process.listeners('warning');
  process.removeAllListeners('warning');
  const flagged = new Set<string>([...METERING_OPTION_TABLE.filter((o) => o.flag !== null).map((o) => o.name), ...Object.keys(FLAG_OF_OUTPUT_OPTION)]);
  process.on('warning', (warning: Error & { code?: string }) => {
    if (warning.code !== 'FLOWSTREAM') for (const print of node) print(warning);
    else stderr(`flowstream: warning: ${warning.message.replace(/\b[a-z]+[A-Z]\w*\b|\bcolumns\)/g, (word) => (word === 'columns)' ? '--columns)' : flagged.has(word) ? cliFlag(word) : word))}`);
  });
}

/**
 * Writes `--summary`: the run's summary, `output` (the flows and files that reached the flow
 * output, when the output can tell: after a failure, what it still holds) and the run's `error`
 * when it failed (its `flows` were metered, not all of them written). A file is written as flow
 * files are (`OutputFile`: a temporary name renamed when complete, devices and pipes in place): a
 * full disk leaves no empty summary.
 */
async function writeSummaries(cli: CliOptions, summary: StreamerSummary, output: SinkResult | null, failure: Error | null): Promise<void> {
  const record = output === null ? summary : { ...summary, output };
  const json = `${JSON.stringify(failure === null ? record : { ...record, error: failure.message })}\n`;
  if (cli.summary === '-') process.stderr.write(json);
  else if (cli.summary !== null) {
    const { OutputFile } = await import('../sinks/files/output-file.js');
    const file = await OutputFile.create(cli.summary);
    try {
      await file.handle.writeFile(json);
      await file.commit();
    } catch (err) {
      await file.discard();
      throw err;
    }
  }
}

/** `anonymizeKey`: the run's key (`--anonymize-key`, or one drawn for the run's outputs to share). */
async function exportFlows(cli: CliOptions, anonymizeKey: string | Uint8Array | null, streamer: NFStreamer, progress: Progress): Promise<SinkResult> {
  // Every format is a sink of the registry: options and the target are checked before reading
  // starts; the run's batches go through column selection and anonymisation, then to the sink.
  const result = await streamer.export(cli.format, cli.output, {
    ...cli.sinkOptions,
    columns: cli.columns,
    columnsToAnonymize: cli.anonymize,
    anonymizeKey,
    inputHash: cli.inputHash || undefined,
    flowsPerFile: cli.flowsPerFile,
    rotateFiles: cli.rotateFiles,
    compression: cli.compression,
    snapshotOutput: cli.snapshotOutput,
    snapshotFormat: cli.snapshotFormat ?? undefined,
    snapshotColumns: cli.snapshotColumns,
    warn: (m: string) => stderr(m),
    observe: progress.observer,
  });
  return result;
}

async function writeReport(cli: CliOptions, anonymizeKey: string | Uint8Array | null, streamer: NFStreamer, progress: Progress, sink: FlowSink): Promise<SinkResult> {
  const result = await streamer.writeTo(sink, {
    columns: cli.columns,
    columnsToAnonymize: cli.anonymize,
    anonymizeKey,
    inputHash: cli.inputHash || undefined,
    observe: progress.observer,
  });
  return result;
}

/** How long a stop may take before the CLI says it is still finishing the outputs, ms. */
const FINISHING_NOTE_MS = 2000;
/**
 * How long a run reading a pipe goes on reading after the first signal, ms: Ctrl-C reaches the
 * whole pipeline, and its writer (`tcpdump -w -`, which buffers) writes what it holds and closes
 * the pipe as it stops.
 */
const PIPE_DRAIN_MS = 1000;

/** Whether the run's one source is a pipe: standard input as a pipe or a socket, or a named pipe. */
async function readsPipe(sources: readonly string[]): Promise<boolean> {
  if (sources.length !== 1) return false;
  if (sources[0] === '-') return (await import('@flowstream/core/internal')).isPipeOrSocket(0);
  return (await import('../run/run-inputs.js')).isNamedPipe(sources[0]!);
}

/**
 * SIGINT/SIGTERM stop the capture and flush every live flow, so output files are complete; the
 * CLI then exits 130/143. A run reading a pipe first reads on for `drainMs`, or to the pipe's end
 * when that comes sooner, so that what the writer flushes as the same Ctrl-C stops it is metered
 * too (the summary says `interrupted`, as for a live capture stopped so). When finishing takes a while (a server that
 * does not answer), it says so. A second signal exits at once, saying so; the outputs' temporary
 * files are removed (no final file appears for an output that was not complete).
 */
function installStopSignals(streamer: NFStreamer, drainMs: number): { uninstall(): void; received(): 'SIGINT' | 'SIGTERM' | null } {
  let received: 'SIGINT' | 'SIGTERM' | null = null;
  let finishing: NodeJS.Timeout | null = null;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (received !== null) {
      stderr(`flowstream: ${signal} again: exiting now; outputs not finished are removed, flows not yet written or acknowledged are lost`);
      removePartialFiles();
      process.exit(SIGNAL_EXIT[signal]);
    }
    received = signal;
    streamer.stop({ readOnMs: drainMs });
    finishing = setTimeout(() => stderr(`flowstream: ${signal}: finishing the outputs (a second signal exits at once, leaving them unfinished)`), drainMs + FINISHING_NOTE_MS);
    finishing.unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    uninstall() {
      if (finishing !== null) clearTimeout(finishing);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
    received: () => received,
  };
}
