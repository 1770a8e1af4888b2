import type { FieldSpec } from './field-spec.js';
import type { FlowColumn } from './flow-column.js';
import type { NFlow } from './nflow.js';
import { runFlowClass } from './run-flow-class.js';

const TWO_POW_64 = 18446744073709551616;
const UDPS = 'udps.';

/** What a row builder reads of a batch (a `FlowBatch`). */
interface Columns {
  readonly fields: readonly FieldSpec[];
  readonly columns: readonly FlowColumn[];
}

type Build = (batch: Columns, row: number) => NFlow;
const builders = new WeakMap<readonly FieldSpec[], { kinds: string; build: Build }>();

/**
 * Makes the {@link NFlow} of one batch row: a straight-line function per column layout (compiled
 * once per run's field list), so iterating flows costs about what building them in the meter
 * used to.
 */
export function rowBuilder(batch: Columns, row: number): NFlow {
  const kinds = batch.columns.map((c) => c.kind).join(',');
  let entry = builders.get(batch.fields);
  if (entry === undefined || entry.kinds !== kinds) {
    entry = { kinds, build: compile(batch.fields, batch.columns) };
    builders.set(batch.fields, entry);
  }
  return entry.build(batch, row);
}

function compile(fields: readonly FieldSpec[], columns: readonly FlowColumn[]): Build {
  const core = fields.filter((f) => !f.name.startsWith(UDPS)).map((f) => f.name);
  const RunFlow = runFlowClass(core);
  const lines: string[] = [];
  fields.forEach((f, j) => {
    const c = columns[j]!;
    let v: string;
    if (c.kind === 'number') v = f.type === 'uint64' ? `(x = c[${j}].values[i], x < 0 ? x + T64 : x)` : `c[${j}].values[i]`;
    else if (c.kind === 'list') v = `Array.from(c[${j}].values.subarray(i * ${c.width}, (i + 1) * ${c.width}))`;
    else v = `c[${j}].values[i]`;
    if (f.name.startsWith(UDPS)) lines.push(`x = ${v}; if (x !== undefined) u[${JSON.stringify(f.name.slice(UDPS.length))}] = x;`);
    else lines.push(`f.${f.name} = ${v};`);
  });
  const hasUdps = fields.some((f) => f.name.startsWith(UDPS));
  const body = `return function row(batch, i) {
  const c = batch.columns; const f = new RunFlow(); let x;
  ${hasUdps ? 'const u = f.udps;' : ''}
  ${lines.join('\n  ')}
  return f;
};`;
  return new Function('RunFlow', 'T64', body)(RunFlow, TWO_POW_64) as Build;
}
