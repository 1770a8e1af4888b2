import type { FlowBatch } from '@flowstream/core';
import type { FlowSink, SinkCloseContext, SinkOpenContext, SinkResult } from '../sinks/flow-sink.js';
import { NOTHING_KEPT, SinkError } from '../sinks/flow-sink.js';
import { OutputFile } from '../sinks/files/output-file.js';
import { ReportAggregator, type ReportData, type ReportLimits } from './report-aggregator.js';
import { renderCharts } from './report-charts.js';
import { reportHtml } from './report-html.js';

/** Options of {@link ReportSink}. */
export interface ReportSinkOptions extends ReportLimits {
  /** Inputs named in the page (default: the manifest's sources). */
  readonly inputs?: string[];
  /** Summary to show when the run gives none (flow files read back carry the one of their run). */
  readonly summary?: ReportData['summary'];
}

/**
 * The report's aggregates as an output: every batch goes through a {@link ReportAggregator}
 * (bounded memory); on close {@link data} holds the numbers as plain data. Nothing is written.
 *
 * @example
 * ```ts
 * const sink = new ReportDataSink();
 * await streamer.writeTo(sink);
 * console.log(sink.data?.talkers.byBytes[0]);
 * ```
 */
export class ReportDataSink implements FlowSink {
  private readonly aggregator: ReportAggregator;
  private anonymized: readonly string[] = [];
  private inputs: string[];
  private flows = 0;
  /** The aggregates, once closed. */
  data: ReportData | null = null;

  constructor(
    readonly target = 'report',
    protected readonly options: ReportSinkOptions = {},
  ) {
    this.aggregator = new ReportAggregator(options);
    this.inputs = options.inputs ?? [];
  }

  async open(context: SinkOpenContext): Promise<void> {
    this.anonymized = context.anonymized;
    if (this.options.inputs === undefined) this.inputs = context.manifest.sources.map((s) => s.name);
  }

  async write(batch: FlowBatch): Promise<void> {
    this.aggregator.add(batch);
    this.flows += batch.length;
  }

  /** `context` is null when the flows came from files without a run (the options' summary is shown). */
  async close(context: SinkCloseContext | null): Promise<SinkResult> {
    const summary = context?.summary ?? this.options.summary ?? null;
    this.data = this.aggregator.result({ inputs: this.inputs, anonymized: this.anonymized, summary });
    return { flows: this.flows, files: [] };
  }

  async abort(_reason: Error): Promise<SinkResult | void> {}
}

/**
 * The HTML report as an output: aggregates every batch in bounded memory
 * ({@link ReportAggregator}) and, on close, writes one self-contained page (SVG charts rendered
 * here, the aggregates as JSON, no network access when opened). The page is written to a
 * temporary name and renamed, so a failed run leaves no partial report.
 *
 * @example
 * ```ts
 * const sink = new ReportSink('report.html');
 * await streamer.writeTo(sink, { columnsToAnonymize: ['src_ip', 'dst_ip'] });
 * console.log(sink.data?.totals.flows);
 * ```
 */
export class ReportSink extends ReportDataSink {
  constructor(target: string, options: ReportSinkOptions = {}) {
    super(target, options);
  }

  override async close(context: SinkCloseContext | null): Promise<SinkResult> {
    const { flows } = await super.close(context);
    const data = this.data!;
    let file: OutputFile | null = null;
    try {
      const html = reportHtml(data, await renderCharts(data));
      file = await OutputFile.create(this.target);
      await file.handle.writeFile(html);
      await file.commit();
    } catch (err) {
      await file?.discard();
      throw new SinkError(this.target, err);
    }
    return { flows, files: [this.target] };
  }

  /** No page under the report's name: it is written whole, under a temporary name, in {@link close}. */
  override async abort(_reason: Error): Promise<SinkResult> {
    return NOTHING_KEPT;
  }
}
