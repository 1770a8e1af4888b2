import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { flowFileFormat, flowFileSources, reportOfFlowFiles, type FlowFileSource } from '../report/flow-file-reader.js';
import { ReportSink } from '../report/report-sink.js';
import { formatOfTarget } from '../sinks/sink-registry.js';
import { UsageError, type CliOptions } from './cli-options.js';

export const REPORT_HELP = `Usage: flowstream report [options] SOURCE... -o report.html

Writes one self-contained HTML report (no network access when opened; charts are SVG): run
summary and packet accounting, traffic over time, top talkers, conversations, applications and
ports, TLS server names and JA4 fingerprints, log-scale distributions of duration, size and
packets, and a sortable, filterable table of the largest flows. The aggregates are embedded as
JSON (<script id="report-data">).

SOURCE is a capture (pcap/pcapng files, "-", an interface: every metering option of
'flowstream --help' applies) or flow files written earlier by flowstream or NFStream
(Arrow IPC file or stream, Parquet, CSV), recognised by their content; a folder stands for the flow
files in it (a dataset 'flowstream collect' wrote, --flows-per-file chunks). "-" (standard input)
may hold either: a capture, or flows piped from another run (-f arrows -o -) or a file.

  -o, --output FILE            the HTML file to write (required)
      --anonymize a,b,...      hash these columns before aggregation (e.g. src_ip,dst_ip)
      --anonymize-key FILE     a fixed key, so hashes match those of other outputs
  -q, --quiet                  no progress line, no final summary line

Examples:
  flowstream report capture.pcap -o report.html --plugin ja4
  flowstream report flows.parquet -o report.html --anonymize src_ip,dst_ip
  flowstream report /data/flows -o report.html     # every flow file in the folder
  flowstream cap.pcap -f arrows -o - | flowstream report - -o report.html
`;

/** Names of flow files (`.csv`, `.parquet`, `.arrow`, `.arrows`, `.feather`). */
const FLOW_FILE_NAME = /\.(csv|parquet|arrows?|feather)$/i;

/**
 * Checks the report's own rules before anything is read: an output file (usage error without one)
 * in an existing folder, no flow-file chunking, and sources all captures or all flow files (usage
 * error when mixed; a folder stands for the flow files in it). Returns the flow files to read, or
 * null when the sources are captures.
 *
 * @example checkReportCli(parseCli(['a.pcap', '-o', 'r.html'])) === null
 */
export function checkReportCli(cli: CliOptions): string[] | null {
  if (cli.output === '-') throw new UsageError('report: give the HTML file to write with -o FILE');
  // options of flow outputs would be ignored: the report is one HTML file
  if (cli.format !== formatOfTarget(cli.output, 'csv')) throw new UsageError(`report: --format ${cli.format} chooses a flow file's format; the report is one HTML file`);
  if (cli.flowsPerFile > 0) throw new UsageError('report: --flows-per-file splits flow files; the report is one HTML file');
  if (cli.rotateFiles > 0) throw new UsageError('report: --rotate-files reuses the names of flow file chunks; the report is one HTML file');
  if (cli.snapshotOutput !== null) throw new UsageError('report: --snapshot-output writes snapshot rows beside flow files; the report aggregates flows only (report a flow file written with it instead)');
  const folder = dirname(resolve(cli.output));
  // a missing folder is the environment's error, not the command line's (exit 1, as for -o with flows)
  if (!existsSync(folder)) throw new Error(`report: ${cli.output}: folder ${folder} does not exist`);
  const sources = flowFileSources(cli.sources);
  const kinds = sources.map((s) => flowFileFormat(s) !== null);
  // named as a flow file but none by its bytes: say so, rather than that it is no capture
  const misnamed = sources.find((s, i) => !kinds[i] && FLOW_FILE_NAME.test(s) && existsSync(s));
  if (misnamed !== undefined) throw new Error(`report: ${misnamed}: not a flow file flowstream reads (it begins with neither "PAR1", "ARROW1", an Arrow IPC stream message nor a CSV header naming src_ip)`);
  if (kinds.every((k) => k) && kinds.length > 0) return sources;
  if (kinds.some((k) => k)) throw new UsageError('report: give either captures or flow files (Arrow, Parquet, CSV), not both');
  return null;
}

/**
 * The report sink of a capture run (the run loop applies `--columns`/`--anonymize` before it).
 *
 * @example await streamer.writeTo(reportSink(cli), { columnsToAnonymize: cli.anonymize })
 */
export function reportSink(cli: CliOptions): ReportSink {
  return new ReportSink(cli.output, { inputs: cli.sources });
}

/**
 * `flowstream report FLOWFILE... -o report.html` (see `reportFromFlowFiles`) of the flow files
 * {@link checkReportCli} found, or of the flows piped in ({@link pipedFlows}); returns the flow count.
 *
 * @example await reportFromFiles(parseCli(['flows.parquet', '-o', 'r.html']), [{ path: 'flows.parquet', name: 'flows.parquet' }]) // 13
 */
export async function reportFromFiles(cli: CliOptions, files: readonly FlowFileSource[]): Promise<number> {
  return (await reportOfFlowFiles(files, cli.output, { columnsToAnonymize: cli.anonymize, anonymizeKey: cli.anonymizeKey })).totals.flows;
}

export { pipedFlows } from './report-stdin.js';
