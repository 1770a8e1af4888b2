import { NFlow, type FieldSpec } from '@flowstream/core';

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
  { name: 'bidirectional_first_seen_ms', type: 'int' },
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
  Object.assign(flow, values);
  flow.udps = udps;
  return flow;
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
