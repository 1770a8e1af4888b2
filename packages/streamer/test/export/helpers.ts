import { NFlow, type FieldSpec, type FlowBatch } from '@flowstream/core';
import { flowsToBatch } from '@flowstream/core/internal';
import type { FlowSink, RunManifest, SinkResult } from '../../src/sinks/index.js';

/** A representative run schema: core, statistics subset, SPLT, nDPI strings, plugin fields. */
export const FIELDS: FieldSpec[] = [
  { name: 'id', type: 'int' },
  { name: 'expiration_id', type: 'int' },
  { name: 'src_ip', type: 'string' },
  { name: 'src_mac', type: 'string' },
  { name: 'src_port', type: 'int' },
  { name: 'dst_ip', type: 'string' },
  { name: 'dst_port', type: 'int' },
  { name: 'protocol', type: 'int' },
  { name: 'ip_version', type: 'int' },
  { name: 'vlan_id', type: 'int' },
  { name: 'bidirectional_first_seen_ms', type: 'uint64' },
  { name: 'bidirectional_packets', type: 'int' },
  { name: 'bidirectional_bytes', type: 'int' },
  { name: 'bidirectional_mean_ps', type: 'float' },
  { name: 'bidirectional_stddev_ps', type: 'float' },
  { name: 'splt_direction', type: 'int[]' },
  { name: 'splt_ps', type: 'int[]' },
  { name: 'application_name', type: 'string' },
  { name: 'application_is_guessed', type: 'int' },
  { name: 'udps.count', type: 'int', nullable: true },
  { name: 'udps.ratio', type: 'float', nullable: true },
  { name: 'udps.names', type: 'string[]', nullable: true },
  { name: 'udps.flag', type: 'bool', nullable: true },
];

export const CORE = FIELDS.filter((f) => !f.name.startsWith('udps.')).map((f) => f.name);

/** Builds an NFlow by hand the way the meter does (`_columns` non-enumerable). */
export function makeFlow(values: Record<string, unknown>, udps: Record<string, unknown> = {}, columns: readonly string[] = CORE): NFlow {
  const flow = new NFlow();
  Object.defineProperty(flow, '_columns', { value: columns });
  setterFor(Object.keys(values))(flow, values);
  flow.udps = udps;
  return flow;
}

const setters = new Map<string, (flow: NFlow, values: Record<string, unknown>) => void>();

/**
 * Named stores (`f.src_port = v.src_port`), as the meter's materializer does: keyed stores or
 * Object.assign of more than ~20 fields turn the object into a slow dictionary-mode object,
 * which would make exports look several times slower than with real flows.
 */
function setterFor(keys: string[]): (flow: NFlow, values: Record<string, unknown>) => void {
  const id = keys.join(',');
  let fn = setters.get(id);
  if (!fn) {
    fn = new Function('f', 'v', keys.map((k) => `f.${k} = v.${k};`).join('\n')) as (flow: NFlow, values: Record<string, unknown>) => void;
    setters.set(id, fn);
  }
  return fn;
}

/** Deterministic varied flows (big timestamps, floats that need 17 digits, unicode, −1 SPLT slots, nulls). */
export function sampleFlows(n: number): NFlow[] {
  const out: NFlow[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      makeFlow(
        {
          id: i,
          expiration_id: i % 7 === 0 ? -1 : i % 2,
          src_ip: `192.168.${i % 256}.${(i * 7) % 256}`,
          src_mac: i === 3 ? '' : '30:52:cb:6c:9c:1b',
          src_port: (40000 + i * 13) % 65536,
          dst_ip: i % 5 === 0 ? 'fe80::1' : '66.220.156.68',
          dst_port: i % 3 === 0 ? 443 : 65535,
          protocol: i % 2 ? 6 : 17,
          ip_version: i % 5 === 0 ? 6 : 4,
          vlan_id: i % 11 === 0 ? 4095 : 0,
          bidirectional_first_seen_ms: 1472393122365 + i * 1000,
          bidirectional_packets: i + 1,
          bidirectional_bytes: 2 ** 40 + i,
          bidirectional_mean_ps: i === 0 ? 302.36842105263156 : (i * 1.1) / 3,
          bidirectional_stddev_ps: i % 4 === 0 ? 0 : Math.sqrt(i) * 1e-5,
          splt_direction: [0, 1, 0, i % 2, -1, -1],
          splt_ps: [74, 74, 66, 1454, -1, -1],
          application_name: i % 6 === 0 ? 'TLS.Facebook' : i === 1 ? 'Ünïcødé ✓ 𝄞' : 'DNS',
          application_is_guessed: i % 2,
        },
        {
          count: i % 3 === 0 ? null : i * 1000,
          ratio: i % 4 === 1 ? null : i / 7,
          names: i % 5 === 2 ? null : i % 5 === 1 ? [] : ['skynet.local', `n${i}`],
          flag: i % 3 === 0 ? null : i % 2 === 0,
        },
      ),
    );
  }
  return out;
}

const DIRS = ['bidirectional', 'src2dst', 'dst2src'];

/** NFStream's full column set with statisticalAnalysis, spltAnalysis=10 and nDPI (spec §4). */
export const FULL_FIELDS: FieldSpec[] = [
  ...['id', 'expiration_id'].map((name) => ({ name, type: 'int' as const })),
  ...['src', 'dst'].flatMap((s) => [
    { name: `${s}_ip`, type: 'string' as const },
    { name: `${s}_mac`, type: 'string' as const },
    { name: `${s}_oui`, type: 'string' as const },
    { name: `${s}_port`, type: 'int' as const },
  ]),
  ...['protocol', 'ip_version', 'vlan_id'].map((name) => ({ name, type: 'int' as const })),
  ...DIRS.flatMap((d) => ['first_seen_ms', 'last_seen_ms', 'duration_ms'].map((x) => ({ name: `${d}_${x}`, type: 'uint64' as const }))),
  ...DIRS.flatMap((d) => ['packets', 'bytes'].map((x) => ({ name: `${d}_${x}`, type: 'int' as const }))),
  ...['ps', 'piat_ms'].flatMap((m) =>
    DIRS.flatMap((d) => [
      { name: `${d}_min_${m}`, type: 'int' as const },
      { name: `${d}_mean_${m}`, type: 'float' as const },
      { name: `${d}_stddev_${m}`, type: 'float' as const },
      { name: `${d}_max_${m}`, type: 'int' as const },
    ]),
  ),
  ...DIRS.flatMap((d) => ['syn', 'cwr', 'ece', 'urg', 'ack', 'psh', 'rst', 'fin'].map((f) => ({ name: `${d}_${f}_packets`, type: 'int' as const }))),
  ...['splt_direction', 'splt_ps', 'splt_piat_ms'].map((name) => ({ name, type: 'int[]' as const })),
  { name: 'application_name', type: 'string' },
  { name: 'application_category_name', type: 'string' },
  { name: 'application_is_guessed', type: 'int' },
  { name: 'application_confidence', type: 'int' },
  ...['requested_server_name', 'client_fingerprint', 'server_fingerprint', 'user_agent', 'content_type'].map((name) => ({ name, type: 'string' as const })),
];

/** A pool of realistic full-schema flows to reuse (objects are mutated, not allocated, per flow). */
export function fullFlowPool(size: number): NFlow[] {
  const columns = FULL_FIELDS.map((f) => f.name);
  return Array.from({ length: size }, (_, k) => {
    const v: Record<string, unknown> = {};
    for (const f of FULL_FIELDS) {
      if (f.type === 'uint64') v[f.name] = 1472393122365 + k;
      else if (f.type === 'int') v[f.name] = (k * 31 + f.name.length) % 200;
      else if (f.type === 'float') v[f.name] = (k + 1) / 3 + f.name.length;
      else if (f.type === 'int[]') v[f.name] = [0, 1, 0, 1, 1, 0, k % 2, -1, -1, -1];
      else v[f.name] = f.name.endsWith('_ip') ? `10.0.${k}.${k * 3}` : f.name === 'application_name' ? 'TLS.Google' : f.name.endsWith('_mac') ? '30:52:cb:6c:9c:1b' : '';
    }
    return makeFlow(v, {}, columns);
  });
}

/** A manifest as a run would give it (sources without hashes: known only at the end). */
export const MANIFEST: RunManifest = {
  flowstream: '0.1.0',
  parameters: { statisticalAnalysis: true, spltAnalysis: 6 },
  plugins: [{ name: 'P', options: {} }],
  sources: [{ name: 'a.pcap', size: 123 }],
};

/** The manifest completed at the end of a run (what the sink's close context carries). */
export const FINAL_MANIFEST: RunManifest = { ...MANIFEST, sources: [{ name: 'a.pcap', size: 123, sha256: 'ab'.repeat(32) }], ndpi: '4.14' };

/** `flows` as flow batches of at most `size` rows (the meter emits a run in many batches). */
export function batchesOf(flows: NFlow[], size: number, fields: readonly FieldSpec[] = FIELDS): FlowBatch[] {
  const out: FlowBatch[] = [];
  for (let i = 0; i < flows.length; i += size) out.push(flowsToBatch(fields, flows.slice(i, i + size)));
  return out;
}

/**
 * Drives a sink the way `streamer.writeTo` does: open with the columns and the opening manifest,
 * every batch, close with the summary (completed manifest included; null = a file ending in the
 * middle of a run).
 */
export async function writeBatches(
  sink: FlowSink,
  batches: Iterable<FlowBatch> | AsyncIterable<FlowBatch>,
  options: { fields?: readonly FieldSpec[]; manifest?: RunManifest; summary?: Record<string, unknown> | null } = {},
): Promise<SinkResult> {
  await sink.open({ fields: options.fields ?? FIELDS, anonymized: [], manifest: options.manifest ?? MANIFEST });
  for await (const b of batches) await sink.write(b);
  const summary = options.summary === undefined || options.summary === null ? null : { ...options.summary, manifest: FINAL_MANIFEST };
  return sink.close({ summary: summary as never });
}
