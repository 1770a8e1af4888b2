import type { FlowBatch } from '@flowstream/core';
import { flowFileFormat, openFlowFile } from '../report/flow-file-reader.js';
import type { ReportData } from '../report/report-aggregator.js';
import { ReportSink } from '../report/report-sink.js';
import { OutputTransform } from '../sinks/transform/output-transform.js';
import { UsageError, type CliOptions } from './cli-options.js';

export const REPORT_HELP = `Usage: flowstream report [options] SOURCE... -o report.html

Writes one self-contained HTML report (no network access when opened; charts are SVG): run
summary and packet accounting, traffic over time, top talkers, conversations, applications and
ports, TLS server names and JA4 fingerprints, log-scale distributions of duration, size and
packets, and a sortable, filterable table of the largest flows. The aggregates are embedded as
JSON (<script id="report-data">).

SOURCE is a capture (pcap/pcapng files, "-", an interface: every metering option of
'flowstream --help' applies) or flow files written earlier by flowstream or NFStream
(Arrow IPC file, Parquet, CSV), recognised by their content.

  -o, --output FILE            the HTML file to write (required)
      --anonymize a,b,...      hash these columns before aggregation (e.g. src_ip,dst_ip)
      --anonymize-key FILE     a fixed key, so hashes match those of other outputs
  -q, --quiet                  no progress line, no final summary line

Examples:
  flowstream report capture.pcap -o report.html --plugin ja4
  flowstream report flows.parquet -o report.html --anonymize src_ip,dst_ip
`;

/** Is this the `report` subcommand? */
export function isReportCommand(argv: readonly string[]): boolean {
  return argv[0] === 'report';
}

/** Checks the report's own rules: an output file, and sources all captures or all flow files. */
export function checkReportCli(cli: CliOptions): 'captures' | 'files' {
  if (cli.output === '-') throw new UsageError('report: give the HTML file to write with -o FILE');
  const kinds = cli.sources.map((s) => flowFileFormat(s) !== null);
  if (kinds.every((k) => k) && kinds.length > 0) return 'files';
  if (kinds.some((k) => k)) throw new UsageError('report: give either captures or flow files (Arrow, Parquet, CSV), not both');
  return 'captures';
}

/** The report sink of a capture run (the run loop applies `--columns`/`--anonymize` before it). */
export function reportSink(cli: CliOptions): ReportSink {
  return new ReportSink(cli.output, { inputs: cli.sources });
}

/**
 * `flowstream report FLOWFILE... -o report.html`: reads flow files back (Arrow, Parquet, CSV),
 * anonymises like a run would, and writes the report. The summary shown is the one stored with the
 * files (Parquet footer, `<file>.summary.json`) when there is a single file.
 *
 * @example await reportFromFiles(parseCli(['flows.parquet', '-o', 'r.html'])) // → number of flows
 */
export async function reportFromFiles(cli: CliOptions): Promise<number> {
  const files = cli.sources.map((s) => openFlowFile(s, flowFileFormat(s)!));
  const summary: ReportData['summary'] = files.length === 1 ? await files[0]!.summary() : null;
  const sink = new ReportSink(cli.output, { inputs: cli.sources, summary });
  let transform: OutputTransform | null = null;
  let anonymized: readonly string[] = [];
  let opened = false;
  try {
    for (const file of files) {
      for await (const batch of file.batches()) {
        if (transform === null) {
          // only the columns the report reads exist here: anonymising another one is a no-op
          const known = cli.anonymize.filter((c) => batch.indexOf(c) >= 0);
          transform = OutputTransform.create(batch.fields, { columnsToAnonymize: known, anonymizeKey: cli.anonymizeKey });
          anonymized = transform.anonymized;
        }
        if (!opened) {
          await sink.open({ fields: transform.fields, anonymized, manifest: { flowstream: '', parameters: {}, plugins: [], sources: cli.sources.map((name) => ({ name, size: null })) } });
          opened = true;
        }
        await sink.write(transform.apply(batch as FlowBatch));
      }
    }
    if (!opened) await sink.open({ fields: [], anonymized: [], manifest: { flowstream: '', parameters: {}, plugins: [], sources: [] } });
    return (await sink.close(null)).flows;
  } catch (err) {
    await sink.abort(err as Error);
    throw err;
  }
}
