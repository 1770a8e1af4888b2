import type { FieldSpec } from './field-spec.js';
import { FlowBatch, type FlowColumn } from './flow-batch.js';
import type { NFlow } from './nflow.js';

const TWO_POW_63 = 9223372036854775808;
const TWO_POW_64 = 18446744073709551616;
const UDPS = 'udps.';

/**
 * A batch of existing flow objects (flows rebuilt from another thread, flows a user made): core
 * columns typed by `fields`, plugin fields as value columns (undeclared ones appended in order of
 * first appearance). The flow objects stay the rows' flows.
 *
 * @example const batch = flowsToBatch(streamer.schema, flows)
 */
export function flowsToBatch(fields: readonly FieldSpec[], flows: NFlow[]): FlowBatch {
  const n = flows.length;
  const all: FieldSpec[] = fields.slice();
  const names = new Set(all.map((f) => f.name));
  for (const f of flows) {
    const u = f._udps;
    if (u === undefined) continue;
    for (const k in u) {
      const name = `${UDPS}${k}`;
      if (!names.has(name)) {
        names.add(name);
        all.push({ name, type: 'string', nullable: true, inferred: true });
      }
    }
  }
  const columns: FlowColumn[] = all.map((field) => {
    const udps = field.name.startsWith(UDPS);
    const key = udps ? field.name.slice(UDPS.length) : field.name;
    const get = (f: NFlow): unknown => (udps ? f._udps?.[key] : (f as unknown as Record<string, unknown>)[key]);
    if (!udps && (field.type === 'int' || field.type === 'float' || field.type === 'uint64')) {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = get(flows[i]!);
        let x = typeof v === 'number' ? v : Number(v);
        // uint64 times kept in their signed reading (FlowBatch's convention)
        if (field.type === 'uint64' && x >= TWO_POW_63) x -= TWO_POW_64;
        values[i] = x;
      }
      return { kind: 'number', values };
    }
    if (!udps && field.type === 'string') return { kind: 'string', values: flows.map((f) => get(f) as string) };
    return { kind: 'value', values: flows.map(get) };
  });
  return new FlowBatch(all, columns, n, undefined, flows);
}
