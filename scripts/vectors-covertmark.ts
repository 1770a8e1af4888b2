/**
 * Conformance runner for the CovertMark golden vectors (corpus/covertmark/README.md): runs every
 * case of every `*.jsonl` file in a directory through the public functions of
 * `@flowstream/plugins/covertmark`, compares as the README says and prints failures, then
 * `N passed, M failed`. Exit code 0 only when nothing failed.
 *
 * Usage: `pnpm run vectors:covertmark <vectors-dir>`
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  byteEntropy,
  getWindowStats,
  groupPacketsByIpFixedSize,
  isTlsPayload,
  meanShift1d,
  numpyMean,
  orderedTcpPayloadLengthFrequency,
  orderedUdpPayloadLengthFrequency,
  sgdFeatureRowsFromPackets,
  synchronisePackets,
  windowPacketsFixedSize,
  windowPacketsTimeSeries,
  type CovertMarkPacket,
} from '@flowstream/plugins/covertmark';

/** One vector case as stored (README "Case format"). */
export interface VectorCase {
  name: string;
  function: string;
  params: Record<string, unknown>;
  input: Record<string, unknown>;
  expected: unknown;
  original_raises?: string;
}

/** Outcome of a run: counts and the first difference of every failing case. */
export interface VectorReport {
  passed: number;
  failed: number;
  failures: { name: string; message: string }[];
}

type Json = unknown;

/** Decodes a payload: base64 text or `{fill, count}` (README "Payload encoding"). */
export function decodePayload(p: unknown): Uint8Array {
  if (typeof p === 'string') return new Uint8Array(Buffer.from(p, 'base64'));
  const { fill, count } = p as { fill: number; count: number };
  return new Uint8Array(count).fill(fill);
}

/** Turns `"NaN"`/`"Infinity"` strings back into numbers where the README says they stand for one. */
function num(v: unknown): unknown {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v;
}

function packetsOf(input: Record<string, unknown>): CovertMarkPacket[] {
  return (input['packets'] as Record<string, unknown>[]).map((r) => {
    const tcp = r['tcp'] as Record<string, unknown> | null;
    return {
      time: r['time'] as number,
      src: r['src'] as string,
      dst: r['dst'] as string,
      proto: r['proto'] as string,
      len: r['len'] as number,
      tcp:
        tcp === null
          ? null
          : { seq: tcp['seq'] as number, flags: tcp['flags'] as number, payload: decodePayload(tcp['payload']) },
      tls: r['tls'] as boolean,
    };
  });
}

const sortedList = (s: Iterable<string | number>): (string | number)[] =>
  [...s].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));

/** Tolerance rule: which paths hold entropies (relative 1e-12, README "How to compare"). */
type Tolerant = (path: string[]) => boolean;

function sameNumber(a: number, b: number, tolerant: boolean): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return tolerant && Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

/** First difference between `actual` and `expected` (JSON shapes), or null. */
export function firstDifference(actual: Json, expected: Json, tolerant: Tolerant = () => false, path: string[] = []): string | null {
  const at = path.length ? path.join('.') : '(root)';
  expected = num(expected);
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return `${at}: expected ${expected}, got ${JSON.stringify(actual)}`;
    return sameNumber(actual, expected, tolerant(path)) ? null : `${at}: expected ${expected}, got ${actual}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at}: expected a list, got ${JSON.stringify(actual)?.slice(0, 80)}`;
    if (actual.length !== expected.length) return `${at}: expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = firstDifference(actual[i], expected[i], tolerant, [...path, String(i)]);
      if (d !== null) return d;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${at}: expected an object`;
    const ek = Object.keys(expected);
    const ak = Object.keys(actual);
    if (ek.join('\u0000') !== ak.join('\u0000')) {
      const i = ek.findIndex((k, j) => ak[j] !== k);
      return `${at}: key order/set differs at position ${i}: expected ${JSON.stringify(ek[i])}, got ${JSON.stringify(ak[i])} (${ak.length} vs ${ek.length} keys)`;
    }
    for (const k of ek) {
      const d = firstDifference((actual as Record<string, Json>)[k], (expected as Record<string, Json>)[k], tolerant, [...path, k]);
      if (d !== null) return d;
    }
    return null;
  }
  return actual === expected ? null : `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/** Indices of `items` in `all` (windowing functions return the packet objects themselves). */
function indicesOf<T>(all: readonly T[], items: readonly T[]): number[] {
  const pos = new Map<T, number>();
  all.forEach((p, i) => pos.set(p, i));
  return items.map((p) => pos.get(p)!);
}

/** Runs one case; returns the actual value in the expected JSON shape plus its tolerance rule. */
function runCase(c: VectorCase): { actual: Json; tolerant: Tolerant } {
  const p = c.params;
  const exact: Tolerant = () => false;
  switch (c.function) {
    case 'byte_entropy':
      return { actual: byteEntropy(decodePayload(c.input['payload'])), tolerant: () => true };
    case 'numpy_mean':
      return { actual: numpyMean((c.input['values'] as unknown[]).map((v) => num(v) as number)), tolerant: exact };
    case 'get_window_stats': {
      const r = getWindowStats(packetsOf(c.input), p['client_ips'] as string[], p['feature_selection'] as string[] | null);
      return {
        actual: { stats: r.stats, remote_ips: sortedList(r.remoteIps), client_ips_seen: sortedList(r.clientIps) },
        tolerant: (path) => path[0] === 'stats' && (path[1] ?? '').includes('_entropy_'),
      };
    }
    case 'window_packets_time_series': {
      const packets = packetsOf(c.input);
      const segs = windowPacketsTimeSeries(packets, p['chronological_window'] as number, p['sort'] as boolean);
      return { actual: segs.map((s) => indicesOf(packets, s)), tolerant: exact };
    }
    case 'window_packets_fixed_size': {
      const packets = packetsOf(c.input);
      return { actual: windowPacketsFixedSize(packets, p['window_size'] as number).map((w) => indicesOf(packets, w)), tolerant: exact };
    }
    case 'group_packets_by_ip_fixed_size': {
      const packets = packetsOf(c.input);
      const groups = groupPacketsByIpFixedSize(packets, p['clients'] as string[], p['window_size'] as number);
      return {
        actual: groups.map((g) => ({ client: g.client, target: g.target, windows: g.windows.map((w) => indicesOf(packets, w)) })),
        tolerant: exact,
      };
    }
    case 'synchronise_packets': {
      const packets = packetsOf(c.input);
      const original = packets.slice();
      const out = synchronisePackets(packets, p['target_time'] as number, p['sort'] as boolean);
      return { actual: { order: indicesOf(original, out), times: out.map((q) => q.time) }, tolerant: exact };
    }
    case 'sgd_feature_rows': {
      const r = sgdFeatureRowsFromPackets(packetsOf(c.input), {
        clientSubnets: p['client_subnets'] as string[],
        windowSize: p['window_size'] as number,
        segmentSeconds: p['segment_seconds'] as number,
        featureSelection: p['feature_selection'] as string[] | null,
      });
      const keys = r.keys;
      return {
        actual: { keys, rows: r.rows, skipped: r.skipped },
        tolerant: (path) => path[0] === 'rows' && path[2] === 'values' && (keys[Number(path[3])] ?? '').includes('_entropy_'),
      };
    }
    case 'meanshift_1d': {
      const r = meanShift1d(c.input['values'] as number[], p['bandwidth'] as number);
      return { actual: { centers: r.centers, labels: r.labels }, tolerant: exact };
    }
    case 'ordered_tcp_payload_length_frequency': {
      const r = orderedTcpPayloadLengthFrequency(packetsOf(c.input), p['tls_only'] as boolean, p['bandwidth'] as number);
      return { actual: r.map((s) => sortedList(s)), tolerant: exact };
    }
    case 'ordered_udp_payload_length_frequency': {
      const r = orderedUdpPayloadLengthFrequency(packetsOf(c.input), p['bandwidth'] as number);
      return { actual: r.map((s) => sortedList(s)), tolerant: exact };
    }
    case 'parser_tls_flag':
      return { actual: { tls: isTlsPayload(decodePayload(c.input['payload'])) }, tolerant: exact };
    default:
      throw new UnknownFunctionError(c.function);
  }
}

class UnknownFunctionError extends Error {}

/** Checks one case; null when it passes, else the first difference. */
export function checkCase(c: VectorCase): string | null {
  const expected = c.expected as Record<string, unknown> | null;
  const wantsThrow =
    expected !== null && typeof expected === 'object' && !Array.isArray(expected) && Object.keys(expected).length === 1 && 'raises' in expected;
  let result: { actual: Json; tolerant: Tolerant };
  try {
    result = runCase(c);
  } catch (e) {
    if (e instanceof UnknownFunctionError) return `unknown function '${e.message}'`;
    const name = e instanceof Error ? e.constructor.name : typeof e;
    if (wantsThrow) return name === expected['raises'] ? null : `expected ${String(expected['raises'])}, threw ${name}: ${String(e)}`;
    return `threw ${name}: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (wantsThrow) return `expected ${String(expected['raises'])}, returned ${JSON.stringify(result.actual)?.slice(0, 120)}`;
  return firstDifference(result.actual, c.expected, result.tolerant);
}

/** Runs every case of every `*.jsonl` file in `dir` (sorted by file name). */
export function runCovertMarkVectors(dir: string): VectorReport {
  const report: VectorReport = { passed: 0, failed: 0, failures: [] };
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  for (const f of files) {
    const lines = readFileSync(join(dir, f), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let c: VectorCase;
      try {
        c = JSON.parse(line) as VectorCase;
      } catch (e) {
        report.failed++;
        report.failures.push({ name: `${f}:${i + 1}`, message: `unparseable JSON: ${String(e)}` });
        return;
      }
      const message = checkCase(c);
      if (message === null) report.passed++;
      else {
        report.failed++;
        report.failures.push({ name: c.name ?? `${f}:${i + 1}`, message });
      }
    });
  }
  return report;
}

function main(): void {
  const dir = process.argv[2];
  if (dir === undefined) {
    console.error('usage: vectors-covertmark <vectors-dir>');
    process.exit(2);
  }
  const report = runCovertMarkVectors(resolve(dir));
  for (const f of report.failures) console.log(`FAIL ${f.name}: ${f.message}`);
  console.log(`${report.passed} passed, ${report.failed} failed`);
  process.exitCode = report.failed === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
