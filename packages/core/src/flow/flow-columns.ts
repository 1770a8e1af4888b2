import type { FieldSpec } from './field-spec.js';

/** Which column groups a run has (spec §4). */
export interface ColumnGroups {
  readonly decodeTunnels: boolean;
  readonly statisticalAnalysis: boolean;
  readonly spltAnalysis: number;
  /** nDPI fields present (nDissections > 0 with nDPI loaded). */
  readonly dissection: boolean;
  readonly systemVisibility: boolean;
}

const DIRECTIONS = ['bidirectional', 'src2dst', 'dst2src'] as const;
const FLAGS = ['syn', 'cwr', 'ece', 'urg', 'ack', 'psh', 'rst', 'fin'] as const;

/**
 * The core columns of a run, in NFStream's order (spec §4), without plugin (`udps.*`) columns.
 *
 * @example flowColumns({ decodeTunnels: true, statisticalAnalysis: false, spltAnalysis: 0, dissection: false, systemVisibility: false }).length === 29
 */
export function flowColumns(g: ColumnGroups): FieldSpec[] {
  const c: FieldSpec[] = [];
  const add = (name: string, type: FieldSpec['type']) => c.push({ name, type });
  add('id', 'int');
  add('expiration_id', 'int');
  add('src_ip', 'string');
  add('src_mac', 'string');
  add('src_oui', 'string');
  add('src_port', 'int');
  add('dst_ip', 'string');
  add('dst_mac', 'string');
  add('dst_oui', 'string');
  add('dst_port', 'int');
  add('protocol', 'int');
  add('ip_version', 'int');
  add('vlan_id', 'int');
  if (g.decodeTunnels) add('tunnel_id', 'int');
  for (const d of DIRECTIONS) {
    add(`${d}_first_seen_ms`, 'uint64');
    add(`${d}_last_seen_ms`, 'uint64');
    add(`${d}_duration_ms`, 'uint64');
    add(`${d}_packets`, 'int');
    add(`${d}_bytes`, 'int');
  }
  if (g.statisticalAnalysis) {
    for (const d of DIRECTIONS) {
      add(`${d}_min_ps`, 'int');
      add(`${d}_mean_ps`, 'float');
      add(`${d}_stddev_ps`, 'float');
      add(`${d}_max_ps`, 'int');
    }
    for (const d of DIRECTIONS) {
      add(`${d}_min_piat_ms`, 'int');
      add(`${d}_mean_piat_ms`, 'float');
      add(`${d}_stddev_piat_ms`, 'float');
      add(`${d}_max_piat_ms`, 'int');
    }
    for (const d of DIRECTIONS) for (const f of FLAGS) add(`${d}_${f}_packets`, 'int');
  }
  if (g.spltAnalysis > 0) {
    add('splt_direction', 'int[]');
    add('splt_ps', 'int[]');
    add('splt_piat_ms', 'int[]');
  }
  if (g.dissection) {
    add('application_name', 'string');
    add('application_category_name', 'string');
    add('application_is_guessed', 'int');
    add('application_confidence', 'int');
    add('requested_server_name', 'string');
    add('client_fingerprint', 'string');
    add('server_fingerprint', 'string');
    add('user_agent', 'string');
    add('content_type', 'string');
  }
  if (g.systemVisibility) {
    add('system_process_pid', 'int');
    add('system_process_name', 'string');
  }
  return c;
}
