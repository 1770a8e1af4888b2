import { NFlow } from './nflow.js';

/** Columns whose values are doubles (ms timestamps, means, deviations): initialised as doubles. */
const DOUBLE_COLUMN = /_ms$|_mean_|_stddev_/;

/**
 * The NFlow subclass of one run: its constructor initialises every column of the run in column
 * order, so V8 lays the fields out in-object with one hidden class (a record costs about half of
 * what adding ~30–100 properties one by one costs). `_columns` lives on the prototype.
 */
export function runFlowClass(columns: readonly string[]): typeof NFlow {
  for (const c of columns) {
    // names come from flowColumns(); guard the generated code anyway
    if (!/^[a-z0-9_]+$/.test(c)) throw new Error(`invalid column name ${c}`);
  }
  const body = columns
    .map((c) => (DOUBLE_COLUMN.test(c) ? `this.${c} = 0.5;` : `this.${c} = 0;`))
    .join('\n');
  const make = new Function('NFlow', `return class RunFlow extends NFlow {\n constructor() {\n super();\n${body}\nthis._udps = undefined;\n }\n};`) as (
    base: typeof NFlow,
  ) => typeof NFlow;
  const RunFlow = make(NFlow);
  Object.defineProperty(RunFlow.prototype, '_columns', { value: columns, enumerable: false });
  return RunFlow;
}
