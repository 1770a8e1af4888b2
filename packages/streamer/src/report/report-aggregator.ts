import type { FlowBatch, FlowColumn, RunSummary } from '@flowstream/core';
import type { RunManifest } from '../sinks/run-manifest.js';
import { TopCounter, type TopRow } from './top-counter.js';

/** One bar of a log-scale histogram: flows with `lo ≤ value < hi`. */
export interface HistogramBin {
  readonly lo: number;
  readonly hi: number;
  readonly flows: number;
}

/** A distribution on a log scale; values ≤ 0 are counted apart (a log axis has no zero). */
export interface Histogram {
  readonly bins: HistogramBin[];
  /** Flows whose value was 0 (or below). */
  readonly zero: number;
}

/** A top list with its accuracy. */
export interface TopList {
  readonly byBytes: TopRow[];
  readonly byFlows: TopRow[];
  /** False when keys were dropped to bound memory (then rows are lower bounds). */
  readonly exact: boolean;
}

/** Bytes and flows of one category in one time bucket (flows count in the bucket they started). */
export interface TrafficPoint {
  /** Bucket start, ms since the epoch (UTC). */
  readonly t: number;
  readonly category: string;
  readonly bytes: number;
  readonly flows: number;
}

/** Everything the report shows, as plain data (also embedded in the page as JSON). */
export interface ReportData {
  /** Inputs (captures or flow files) and the columns that arrived hashed. */
  readonly inputs: string[];
  readonly anonymized: string[];
  /** Run summary (packet accounting, manifest) when the input told it. */
  readonly summary: (RunSummary & { manifest?: RunManifest | Record<string, unknown> }) | null;
  readonly totals: { flows: number; bytes: number; packets: number; firstSeenMs: number | null; lastSeenMs: number | null };
  readonly traffic: { bucketMs: number; categoryField: string; categories: string[]; points: TrafficPoint[] };
  readonly protocols: TopList;
  readonly talkers: TopList;
  readonly conversations: TopList;
  /** `application_name` (nDPI); null when the input has no such column. */
  readonly applications: TopList | null;
  readonly ports: TopList;
  readonly serverNames: TopList | null;
  readonly ja4: TopList | null;
  readonly distributions: { durationMs: Histogram; bytes: Histogram; packets: Histogram };
  /** The largest flows by bytes, largest first. */
  readonly largestFlows: { columns: string[]; rows: (string | number | null)[][] };
}

/** Limits of the aggregation (memory and page size). */
export interface ReportLimits {
  /** Rows per top list (default 20). */
  readonly topN?: number;
  /** Distinct keys kept per top counter before pruning (default 20 000). */
  readonly keys?: number;
  /** Rows of the largest-flows table (default 500). */
  readonly largest?: number;
  /** Most time buckets (default 90: bars stay wide enough to read). */
  readonly buckets?: number;
  /** Categories shown over time, the rest is `other` (default 8). */
  readonly categories?: number;
}

const PROTOCOL_NAMES: Record<number, string> = { 1: 'icmp', 2: 'igmp', 6: 'tcp', 17: 'udp', 47: 'gre', 50: 'esp', 58: 'icmpv6', 132: 'sctp' };

/** Bucket widths; each is a multiple of the one before, so coarsening merges whole buckets. */
const BUCKET_WIDTHS = [1, 2, 10, 30, 60, 120, 600, 1800, 3600, 10800, 21600, 43200, 86400, 604800].map((s) => s * 1000);

const BINS_PER_DECADE = 4;
const MAX_TRACKED_CATEGORIES = 64;
const OTHER = 'other';

/** Columns of the largest-flows table, in order (those the input lacks are left out). */
export const LARGEST_FLOW_COLUMNS = [
  'id', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'protocol', 'application_name', 'requested_server_name',
  'bidirectional_first_seen_ms', 'bidirectional_duration_ms', 'bidirectional_packets', 'bidirectional_bytes',
] as const;

/**
 * The name of IP protocol `n` (`tcp`, `udp`, …, else `ip-proto n`).
 *
 * @example protocolName(17) === 'udp'
 */
export function protocolName(n: number): string {
  return PROTOCOL_NAMES[n] ?? `ip-proto ${n}`;
}

type Cell = (row: number) => string | number | null;

/** Reads any column as cells (numbers stay numbers; hashed or plugin columns are texts). */
function cells(c: FlowColumn | undefined): Cell | null {
  if (c === undefined) return null;
  switch (c.kind) {
    case 'number':
      return (i) => c.values[i]!;
    case 'string':
      return (i) => c.values[i] ?? null;
    case 'value':
      return (i) => {
        const v = c.values[i];
        return v === null || v === undefined ? null : typeof v === 'number' ? v : String(v);
      };
    case 'list':
      return null;
  }
}

function numbers(c: FlowColumn | undefined): Float64Array | null {
  return c?.kind === 'number' ? c.values : null;
}

function text(v: string | number | null): string {
  return v === null ? '' : String(v);
}

/** Counts per log bucket: bucket b holds 10^(b/4) ≤ v < 10^((b+1)/4). */
class LogHistogram {
  private readonly counts = new Map<number, number>();
  zero = 0;
  add(v: number): void {
    if (!(v > 0)) {
      this.zero++;
      return;
    }
    const b = Math.floor(Math.log10(v) * BINS_PER_DECADE + 1e-9);
    this.counts.set(b, (this.counts.get(b) ?? 0) + 1);
  }
  result(): Histogram {
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    const bins = keys.map((b) => ({ lo: 10 ** (b / BINS_PER_DECADE), hi: 10 ** ((b + 1) / BINS_PER_DECADE), flows: this.counts.get(b)! }));
    return { bins, zero: this.zero };
  }
}

/** Bytes/flows per (bucket, category), coarsening the buckets when the time span grows. */
class TrafficSeries {
  private level = 0;
  private readonly buckets = new Map<number, Map<string, [number, number]>>();
  private minIndex = Infinity;
  private maxIndex = -Infinity;
  private readonly categoryBytes = new Map<string, number>();

  constructor(private readonly maxBuckets: number) {}

  get width(): number {
    return BUCKET_WIDTHS[Math.min(this.level, BUCKET_WIDTHS.length - 1)]! * 4 ** Math.max(0, this.level - BUCKET_WIDTHS.length + 1);
  }

  add(t: number, category: string, bytes: number): void {
    let cat = category;
    if (!this.categoryBytes.has(cat) && this.categoryBytes.size >= MAX_TRACKED_CATEGORIES) cat = OTHER;
    this.categoryBytes.set(cat, (this.categoryBytes.get(cat) ?? 0) + bytes);
    let idx = Math.floor(t / this.width);
    if (idx < this.minIndex) this.minIndex = idx;
    if (idx > this.maxIndex) this.maxIndex = idx;
    while (this.maxIndex - this.minIndex + 1 > this.maxBuckets) {
      this.coarsen();
      idx = Math.floor(t / this.width);
    }
    let bucket = this.buckets.get(idx);
    if (bucket === undefined) this.buckets.set(idx, (bucket = new Map()));
    const cell = bucket.get(cat);
    if (cell === undefined) bucket.set(cat, [bytes, 1]);
    else {
      cell[0] += bytes;
      cell[1] += 1;
    }
  }

  private coarsen(): void {
    const old = this.width;
    this.level++;
    const factor = this.width / old;
    const merged = new Map<number, Map<string, [number, number]>>();
    for (const [idx, cats] of this.buckets) {
      const n = Math.floor(idx / factor);
      let into = merged.get(n);
      if (into === undefined) merged.set(n, (into = new Map()));
      for (const [cat, [b, f]] of cats) {
        const cell = into.get(cat);
        if (cell === undefined) into.set(cat, [b, f]);
        else {
          cell[0] += b;
          cell[1] += f;
        }
      }
    }
    this.buckets.clear();
    for (const [k, v] of merged) this.buckets.set(k, v);
    this.minIndex = Math.floor(this.minIndex / factor);
    this.maxIndex = Math.floor(this.maxIndex / factor);
  }

  result(shown: number, field: string): ReportData['traffic'] {
    const ranked = [...this.categoryBytes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
    const keep = new Set(ranked.filter((c) => c !== OTHER).slice(0, shown));
    const categories = [...keep];
    if (ranked.length > categories.length) categories.push(OTHER);
    const points: TrafficPoint[] = [];
    const w = this.width;
    for (const idx of [...this.buckets.keys()].sort((a, b) => a - b)) {
      const sums = new Map<string, [number, number]>();
      for (const [cat, [b, f]] of this.buckets.get(idx)!) {
        const c = keep.has(cat) ? cat : OTHER;
        const s = sums.get(c);
        if (s === undefined) sums.set(c, [b, f]);
        else {
          s[0] += b;
          s[1] += f;
        }
      }
      for (const c of categories) {
        const s = sums.get(c);
        if (s !== undefined) points.push({ t: idx * w, category: c, bytes: s[0], flows: s[1] });
      }
    }
    return { bucketMs: w, categoryField: field, categories, points };
  }
}

/** Keeps the `n` largest rows by bytes (a min-heap on bytes; ties keep the earlier flow). */
class LargestFlows {
  private readonly heap: { bytes: number; seq: number; row: (string | number | null)[] }[] = [];
  private seq = 0;
  constructor(private readonly n: number) {}

  /** Would a flow of `bytes` enter? (Asked before the row's cells are read.) */
  admits(bytes: number): boolean {
    return this.heap.length < this.n || bytes > this.heap[0]!.bytes;
  }

  push(bytes: number, row: (string | number | null)[]): void {
    const h = this.heap;
    const item = { bytes, seq: this.seq++, row };
    if (h.length < this.n) {
      h.push(item);
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!less(h[i]!, h[p]!)) break;
        [h[i], h[p]] = [h[p]!, h[i]!];
        i = p;
      }
      return;
    }
    h[0] = item;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l]!, h[m]!)) m = l;
      if (r < h.length && less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }

  rows(): (string | number | null)[][] {
    return [...this.heap].sort((a, b) => b.bytes - a.bytes || a.seq - b.seq).map((x) => x.row);
  }
}

// heap order: smaller bytes first; among equals the later flow goes first (it is evicted first)
function less(a: { bytes: number; seq: number }, b: { bytes: number; seq: number }): boolean {
  return a.bytes < b.bytes || (a.bytes === b.bytes && a.seq > b.seq);
}

/**
 * Aggregates flow batches into the numbers of the report, in bounded memory: totals, traffic over
 * time, top lists (talkers, conversations, applications, ports, TLS server names, JA4), log-scale
 * distributions and the largest flows. Works on whatever columns the batches have (hashed
 * addresses are counted as they arrive).
 *
 * @example
 * ```ts
 * const agg = new ReportAggregator();
 * for await (const batch of streamer.batches()) agg.add(batch);
 * const data = agg.result({ inputs: ['a.pcap'], summary: streamer.summary });
 * console.log(data.talkers.byBytes[0]);
 * ```
 */
export class ReportAggregator {
  private readonly topN: number;
  private readonly largestN: number;
  private readonly categoriesShown: number;
  private readonly protocols: TopCounter;
  private readonly talkers: TopCounter;
  private readonly conversations: TopCounter;
  private readonly applications: TopCounter;
  private readonly ports: TopCounter;
  private readonly serverNames: TopCounter;
  private readonly ja4: TopCounter;
  private readonly duration = new LogHistogram();
  private readonly size = new LogHistogram();
  private readonly packetCounts = new LogHistogram();
  private readonly traffic: TrafficSeries;
  private readonly largest: LargestFlows;
  private largestColumns: string[] | null = null;
  private hasApplications = false;
  private hasServerNames = false;
  private hasJa4 = false;
  private flows = 0;
  private bytes = 0;
  private packets = 0;
  private firstSeen = Infinity;
  private lastSeen = -Infinity;

  constructor(limits: ReportLimits = {}) {
    this.topN = limits.topN ?? 20;
    this.largestN = limits.largest ?? 500;
    this.categoriesShown = limits.categories ?? 8;
    const keys = limits.keys ?? 20_000;
    this.protocols = new TopCounter(keys);
    this.talkers = new TopCounter(keys);
    this.conversations = new TopCounter(keys);
    this.applications = new TopCounter(keys);
    this.ports = new TopCounter(keys);
    this.serverNames = new TopCounter(keys);
    this.ja4 = new TopCounter(keys);
    this.traffic = new TrafficSeries(limits.buckets ?? 90);
    this.largest = new LargestFlows(this.largestN);
  }

  /** Adds the rows of one batch. */
  add(batch: FlowBatch): void {
    const n = batch.length;
    if (n === 0) return;
    const bytesCol = numbers(batch.column('bidirectional_bytes'));
    const packetsCol = numbers(batch.column('bidirectional_packets'));
    const first = numbers(batch.column('bidirectional_first_seen_ms'));
    const last = numbers(batch.column('bidirectional_last_seen_ms'));
    const dur = numbers(batch.column('bidirectional_duration_ms'));
    const proto = cells(batch.column('protocol'));
    const src = cells(batch.column('src_ip'));
    const dst = cells(batch.column('dst_ip'));
    const dport = cells(batch.column('dst_port'));
    const app = cells(batch.column('application_name'));
    const sni = cells(batch.column('requested_server_name'));
    const ja4 = cells(batch.column('udps.ja4'));
    if (app !== null) this.hasApplications = true;
    if (sni !== null) this.hasServerNames = true;
    if (ja4 !== null) this.hasJa4 = true;
    if (this.largestColumns === null) this.largestColumns = LARGEST_FLOW_COLUMNS.filter((c) => batch.indexOf(c) >= 0);
    const rowCells = this.largestColumns.map((c) => cells(batch.column(c)));
    for (let i = 0; i < n; i++) {
      const b = bytesCol === null ? 0 : bytesCol[i]!;
      const p = packetsCol === null ? 0 : packetsCol[i]!;
      this.flows++;
      this.bytes += b;
      this.packets += p;
      const protoValue = proto === null ? null : proto(i);
      const protoLabel = typeof protoValue === 'number' ? protocolName(protoValue) : text(protoValue);
      this.protocols.add(protoLabel, b, p);
      const s = src === null ? '' : text(src(i));
      const d = dst === null ? '' : text(dst(i));
      this.talkers.add(s, b, p);
      if (d !== s) this.talkers.add(d, b, p);
      this.conversations.add(s <= d ? `${s} ↔ ${d}` : `${d} ↔ ${s}`, b, p);
      this.ports.add(portLabel(protoLabel, dport === null ? null : dport(i)), b, p);
      const appName = app === null ? '' : text(app(i));
      if (app !== null) this.applications.add(appName === '' ? 'Unknown' : appName, b, p);
      if (sni !== null) {
        const name = text(sni(i));
        if (name !== '') this.serverNames.add(name, b, p);
      }
      if (ja4 !== null) {
        const fp = text(ja4(i));
        if (fp !== '') this.ja4.add(fp, b, p);
      }
      if (first !== null) {
        const t = first[i]!;
        if (t < this.firstSeen) this.firstSeen = t;
        this.traffic.add(t, app !== null ? (appName === '' ? 'Unknown' : appName) : protoLabel, b);
      }
      if (last !== null && last[i]! > this.lastSeen) this.lastSeen = last[i]!;
      if (dur !== null) this.duration.add(dur[i]!);
      this.size.add(b);
      this.packetCounts.add(p);
      if (this.largest.admits(b)) this.largest.push(b, rowCells.map((c) => (c === null ? null : c(i))));
    }
  }

  /** The aggregates (call once the last batch was added). */
  result(context: { inputs?: string[]; anonymized?: readonly string[]; summary?: ReportData['summary'] } = {}): ReportData {
    const list = (c: TopCounter): TopList => ({ byBytes: c.top(this.topN, 'bytes'), byFlows: c.top(this.topN, 'flows'), exact: c.exact });
    const seen = this.flows > 0 && Number.isFinite(this.firstSeen);
    return {
      inputs: context.inputs ?? [],
      anonymized: [...(context.anonymized ?? [])],
      summary: context.summary ?? null,
      totals: {
        flows: this.flows,
        bytes: this.bytes,
        packets: this.packets,
        firstSeenMs: seen ? this.firstSeen : null,
        lastSeenMs: seen && Number.isFinite(this.lastSeen) ? this.lastSeen : null,
      },
      traffic: this.traffic.result(this.categoriesShown, this.hasApplications ? 'application_name' : 'protocol'),
      protocols: list(this.protocols),
      talkers: list(this.talkers),
      conversations: list(this.conversations),
      applications: this.hasApplications ? list(this.applications) : null,
      ports: list(this.ports),
      serverNames: this.hasServerNames ? list(this.serverNames) : null,
      ja4: this.hasJa4 ? list(this.ja4) : null,
      distributions: { durationMs: this.duration.result(), bytes: this.size.result(), packets: this.packetCounts.result() },
      largestFlows: { columns: this.largestColumns ?? [], rows: this.largest.rows() },
    };
  }
}

function portLabel(proto: string, port: string | number | null): string {
  if (proto === 'icmp' || proto === 'icmpv6' || port === null) return proto;
  return `${proto}/${port}`;
}

/**
 * The report's aggregates of a sequence of flow batches, as plain data.
 *
 * @example
 * ```ts
 * import { NFStreamer, reportData } from '@flowstream/streamer';
 *
 * const data = await reportData(new NFStreamer({ source: 'capture.pcap' }).batches());
 * console.log(data.totals.bytes, data.applications?.byBytes.slice(0, 5));
 * ```
 */
export async function reportData(
  batches: Iterable<FlowBatch> | AsyncIterable<FlowBatch>,
  options: ReportLimits & { inputs?: string[]; anonymized?: readonly string[]; summary?: ReportData['summary'] } = {},
): Promise<ReportData> {
  const agg = new ReportAggregator(options);
  for await (const b of batches) agg.add(b);
  return agg.result(options);
}
