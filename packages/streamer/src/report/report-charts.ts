import type { TopLevelSpec } from 'vega-lite';
import type { ReportData, Histogram } from './report-aggregator.js';
import type { TopRow } from './top-counter.js';

/** A chart of the report: its title and its SVG, rendered ahead of time. */
export interface ReportChart {
  readonly id: string;
  readonly title: string;
  readonly svg: string;
}

type Spec = TopLevelSpec;

const WIDTH = 560;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
const CONFIG = {
  font: FONT,
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom', columns: 4, labelLimit: 180 },
  range: { category: { scheme: 'tableau10' } },
} as const;

/**
 * Long labels (hashed addresses are 128 hex digits) are cut for the axis; tables show them whole.
 *
 * @example shortLabel('a'.repeat(128), 8) === 'aaaaaaa…'
 */
export function shortLabel(key: string, max = 40): string {
  return key.length > max ? `${key.slice(0, max - 1)}…` : key;
}

function topBars(rows: TopRow[], measure: 'bytes' | 'flows', color: string): Spec {
  const values = rows.slice(0, 15).map((r, i) => ({ rank: i, label: `${i + 1}. ${shortLabel(r.key)}`, key: r.key, value: r[measure] }));
  return {
    width: WIDTH - 300,
    height: { step: 16 },
    data: { values },
    mark: { type: 'bar', color },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: { field: 'rank' }, title: null, axis: { labelLimit: 280 } },
      x: { field: 'value', type: 'quantitative', title: measure, axis: { format: '~s', tickCount: 4 } },
      tooltip: [{ field: 'key', title: 'key' }, { field: 'value', title: measure, format: ',' }],
    },
  };
}

function histogram(h: Histogram, title: string, color: string): Spec {
  return {
    width: WIDTH - 160,
    height: 160,
    data: { values: h.bins.map((b) => ({ ...b })) }, // copies: Vega tags the objects it is given
    mark: { type: 'bar', color, stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: { field: 'lo', type: 'quantitative', scale: { type: 'log' }, title, axis: { format: '~s', grid: false } },
      x2: { field: 'hi' },
      y: { field: 'flows', type: 'quantitative', title: 'flows', axis: { format: '~s', tickCount: 4 } },
      y2: { datum: 0 }, // a ranged bar (x/x2) is not stacked, so it needs its base
      tooltip: [{ field: 'lo', title: 'from', format: ',.3~r' }, { field: 'hi', title: 'below', format: ',.3~r' }, { field: 'flows', format: ',' }],
    },
  };
}

function trafficChart(data: ReportData, measure: 'bytes' | 'flows'): Spec {
  const w = data.traffic.bucketMs;
  // stacked by hand: ranged bars (x/x2, one bar per bucket) are not stacked by Vega-Lite
  const base = new Map<number, number>();
  const values = data.traffic.points.map((p) => {
    const y0 = base.get(p.t) ?? 0;
    base.set(p.t, y0 + p[measure]);
    return { t: p.t, t2: p.t + w, category: p.category, value: p[measure], y0, y1: y0 + p[measure] };
  });
  return {
    width: WIDTH + 240,
    height: 180,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 't', type: 'temporal', scale: { type: 'utc' }, title: `UTC, ${durationText(w)} buckets`, axis: { labelOverlap: true } },
      x2: { field: 't2' },
      y: { field: 'y1', type: 'quantitative', title: measure, axis: { format: '~s', tickCount: 4 } },
      y2: { field: 'y0' },
      color: { field: 'category', type: 'nominal', title: data.traffic.categoryField, scale: { domain: data.traffic.categories } },
      tooltip: [{ field: 't', type: 'temporal', format: '%Y-%m-%d %H:%M:%S', title: 'from (UTC)', scale: { type: 'utc' } }, { field: 'category' }, { field: 'value', title: measure, format: ',' }],
    },
  } as Spec;
}

/**
 * A duration in its largest whole unit (`1 s`, `10 min`, `6 h`, `7 d`).
 *
 * @example durationText(600_000) === '10 min'
 */
export function durationText(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  for (const [size, name] of units) if (ms >= size && ms % size === 0) return `${ms / size} ${name}`;
  return `${ms} ms`;
}

const BLUE = '#4c78a8';
const ORANGE = '#f58518';
const GREEN = '#54a24b';
const PURPLE = '#b279a2';

/**
 * The chart specifications (Vega-Lite) of a report; charts without data are left out.
 *
 * @example chartSpecs(data).map((c) => c.id) // ['traffic-bytes', 'traffic-flows', 'talkers-bytes', …]
 */
export function chartSpecs(data: ReportData): { id: string; title: string; spec: Spec }[] {
  const out: { id: string; title: string; spec: Spec }[] = [];
  if (data.totals.flows === 0) return out;
  if (data.traffic.points.length > 0) {
    out.push({ id: 'traffic-bytes', title: 'Bytes over time', spec: trafficChart(data, 'bytes') });
    out.push({ id: 'traffic-flows', title: 'Flows over time (by start)', spec: trafficChart(data, 'flows') });
  }
  const pair = (id: string, title: string, rows: { byBytes: TopRow[]; byFlows: TopRow[] } | null) => {
    if (rows === null || rows.byBytes.length === 0) return;
    out.push({ id: `${id}-bytes`, title: `${title} by bytes`, spec: topBars(rows.byBytes, 'bytes', BLUE) });
    out.push({ id: `${id}-flows`, title: `${title} by flows`, spec: topBars(rows.byFlows, 'flows', ORANGE) });
  };
  pair('talkers', 'Top talkers', data.talkers);
  pair('conversations', 'Top conversations', data.conversations);
  pair('applications', 'Top applications', data.applications);
  pair('ports', 'Top ports', data.ports);
  pair('server-names', 'TLS server names', data.serverNames);
  pair('ja4', 'JA4 fingerprints', data.ja4);
  const d = data.distributions;
  if (d.durationMs.bins.length > 0) out.push({ id: 'dist-duration', title: 'Flow duration', spec: histogram(d.durationMs, 'duration (ms, log scale)', GREEN) });
  if (d.bytes.bins.length > 0) out.push({ id: 'dist-bytes', title: 'Flow size', spec: histogram(d.bytes, 'bytes (log scale)', BLUE) });
  if (d.packets.bins.length > 0) out.push({ id: 'dist-packets', title: 'Packets per flow', spec: histogram(d.packets, 'packets (log scale)', PURPLE) });
  return out;
}

/**
 * Renders the report's charts to SVG in Node with Vega-Lite and Vega (no browser, no canvas):
 * the page then needs no script to show them, opens fast and prints.
 *
 * @example
 * ```ts
 * const charts = await renderCharts(reportData);
 * console.log(charts.map((c) => `${c.id}: ${c.svg.length} bytes`));
 * ```
 */
export async function renderCharts(data: ReportData): Promise<ReportChart[]> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const out: ReportChart[] = [];
  for (const { id, title, spec } of chartSpecs(data)) {
    const compiled = vl.compile({ ...spec, config: CONFIG } as Spec).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    try {
      const svg = await view.toSVG();
      out.push({ id, title, svg });
    } finally {
      view.finalize();
    }
  }
  return out;
}
