/** The HTML report: aggregation over flow batches, SVG charts, the page, its sink, flow file readers. */
export { ReportAggregator, reportData, protocolName, LARGEST_FLOW_COLUMNS } from './report-aggregator.js';
export type { ReportData, ReportLimits, TopList, Histogram, HistogramBin, TrafficPoint } from './report-aggregator.js';
export { TopCounter } from './top-counter.js';
export type { TopRow } from './top-counter.js';
export { renderCharts, chartSpecs } from './report-charts.js';
export type { ReportChart } from './report-charts.js';
export { reportHtml } from './report-html.js';
export { ReportSink, ReportDataSink } from './report-sink.js';
export type { ReportSinkOptions } from './report-sink.js';
export { openFlowFile, flowFileFormat, csvFields, reportFromFlowFiles, REPORT_COLUMNS } from './flow-file-reader.js';
export type { FlowFile, FlowFileFormat } from './flow-file-reader.js';
