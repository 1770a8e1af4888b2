import { NFlow, type FieldSpec } from '@flowstream/core';

/**
 * Compact transfer of finished flows from a meter worker to the main thread: numeric columns in
 * one transferable Float64Array, strings in one array, per-flow `udps` objects only when plugins
 * filled them. Structured-cloning NFlow objects would copy every field name of every flow and
 * lose the per-run class; this keeps the main thread's share of the work small.
 */

/** How a column travels. */
const Kind = {
  /** `id`: assigned by the main thread in arrival order (spec §7). */
  Skip: 0,
  Number: 1,
  String: 2,
  /** Number lists (SPLT): length, then the values. */
  NumberList: 3,
  /** Anything else, structured-cloned. */
  Any: 4,
} as const;

/** One batch of flows as posted by a worker (structured-clone friendly; `numbers` is transferred). */
export interface FlowBatch {
  readonly count: number;
  /** Numeric column values, and each number list as its length then its values. */
  readonly numbers: Float64Array;
  /** Distinct strings of the batch; string columns hold indexes into it in `numbers`. */
  readonly strings: string[];
  /** Values of {@link Kind.Any} columns and values whose type does not match their column… */
  readonly others: unknown[];
  /** …at these positions (`flowIndex × columns + column`), ascending. */
  readonly otherAt: number[];
  /** Per-flow `udps` (null when no flow of the batch has plugin fields). */
  readonly udps: Record<string, unknown>[] | null;
}

function kindOf(spec: FieldSpec): number {
  if (spec.name === 'id') return Kind.Skip;
  switch (spec.type) {
    case 'int':
    case 'float':
      return Kind.Number;
    case 'string':
      return Kind.String;
    case 'int[]':
    case 'float[]':
      return Kind.NumberList;
    default:
      return Kind.Any;
  }
}

function isNumberList(v: unknown): v is number[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') return false;
  return true;
}

/** Encoder state shared with the generated per-run function. */
interface EncodeState {
  numbers: Float64Array;
  n: number;
  strings: string[];
  others: unknown[];
  otherAt: number[];
  /** Position of the current flow's first column (`flowIndex × columns`). */
  base: number;
  /** Appends a number list (SPLT) and returns the new `n`; `numbers` may be replaced. */
  list(v: unknown, at: number): void;
  other(v: unknown, at: number): void;
  /** Index of `v` in `strings` (MACs, OUIs and server IPs repeat: each is sent once per batch). */
  intern(v: string): number;
}

type EncodeFn = (flow: NFlow, st: EncodeState) => void;

// Field access is generated per column list: the names are constants in the generated code, so
// every access is a monomorphic named property access. Looping over names with `flow[name]`
// (keyed, megamorphic) cost several µs per flow — as much as metering the flow's packets.
function key(name: string): string {
  return JSON.stringify(name);
}

function compileEncoder(columns: readonly FieldSpec[]): EncodeFn {
  const lines: string[] = ['let v;', 'let nums = st.numbers;', 'let n = st.n;', 'const base = st.base;'];
  columns.forEach((spec, c) => {
    const kind = kindOf(spec);
    if (kind === Kind.Skip) return;
    lines.push(`v = flow[${key(spec.name)}];`);
    if (kind === Kind.Number) lines.push(`if (typeof v === 'number') nums[n++] = v; else st.other(v, base + ${c});`);
    else if (kind === Kind.String) lines.push(`if (typeof v === 'string') nums[n++] = st.intern(v); else st.other(v, base + ${c});`);
    else if (kind === Kind.NumberList) lines.push(`st.n = n; st.list(v, base + ${c}); nums = st.numbers; n = st.n;`);
    else lines.push(`st.other(v, base + ${c});`);
  });
  lines.push('st.n = n;');
  return new Function('flow', 'st', lines.join('\n')) as EncodeFn;
}

/** Read position in a batch while flows are being built from it. */
interface DecodeCursor {
  batch: FlowBatch;
  n: number;
  o: number;
  /** Next position that takes its value from `others` (-1: none). */
  next: number;
  base: number;
  id: number;
}

/**
 * The per-run NFlow subclass, with a generated constructor that sets every column from a
 * {@link DecodeCursor}: assigning all fields in the constructor gives the records in-object
 * fields and one hidden class (V8 sizes instances from constructor assignments), which makes
 * building a flow several times cheaper than adding ~30 properties to a bare object.
 */
function compileFlowClass(columns: readonly FieldSpec[]): new (cursor?: DecodeCursor) => NFlow {
  const body: string[] = [];
  columns.forEach((spec, c) => {
    const kind = kindOf(spec);
    const field = `this[${key(spec.name)}]`;
    if (kind === Kind.Skip) {
      body.push(`${field} = d.id++;`);
      return;
    }
    const other = `{ ${field} = b.others[d.o++]; d.next = d.o < b.otherAt.length ? b.otherAt[d.o] : -1; }`;
    let plain: string;
    if (kind === Kind.Number) plain = `${field} = nums[d.n++];`;
    else if (kind === Kind.String) plain = `${field} = b.strings[nums[d.n++]];`;
    else if (kind === Kind.NumberList) plain = `{ let n = d.n; const len = nums[n++]; const list = new Array(len); for (let k = 0; k < len; k++) list[k] = nums[n++]; d.n = n; ${field} = list; }`;
    else plain = other;
    body.push(kind === Kind.Any ? plain : `if (d.base + ${c} === d.next) ${other} else ${plain}`);
  });
  const source = [
    'return class RunFlow extends NFlow {',
    '  constructor(d) {',
    '    super();',
    '    if (d === undefined) return;',
    '    const b = d.batch; const nums = b.numbers;',
    ...body.map((l) => `    ${l}`),
    '  }',
    '};',
  ].join('\n');
  return new Function('NFlow', source)(NFlow) as new (cursor?: DecodeCursor) => NFlow;
}

/** Worker side: accumulates flows and hands them out as {@link FlowBatch}es. */
export class FlowBatchEncoder {
  private readonly columns: number;
  private readonly encode: EncodeFn;
  private readonly st: EncodeState;
  private readonly seen: Map<string, number>;
  private udps: Record<string, unknown>[] = [];
  private anyUdps = false;
  private count = 0;

  constructor(columns: readonly FieldSpec[]) {
    this.columns = columns.length;
    this.encode = compileEncoder(columns);
    const st: EncodeState = {
      numbers: new Float64Array(8192),
      n: 0,
      strings: [],
      others: [],
      otherAt: [],
      base: 0,
      list(v, at) {
        if (!isNumberList(v)) {
          this.other(v, at);
          return;
        }
        ensure(this, 1 + v.length);
        const nums = this.numbers;
        nums[this.n++] = v.length;
        for (let i = 0; i < v.length; i++) nums[this.n++] = v[i]!;
      },
      other(v, at) {
        this.others.push(v);
        this.otherAt.push(at);
      },
      intern(v) {
        let i = seen.get(v);
        if (i === undefined) {
          i = this.strings.length;
          this.strings.push(v);
          seen.set(v, i);
        }
        return i;
      },
    };
    const seen = new Map<string, number>();
    this.seen = seen;
    this.st = st;
  }

  /** Flows added since the last {@link take}. */
  get size(): number {
    return this.count;
  }

  /** Appends one flow. */
  add(flow: NFlow): void {
    const st = this.st;
    ensure(st, this.columns);
    st.base = this.count * this.columns;
    this.encode(flow, st);
    const u = flow.udps;
    this.udps.push(u);
    if (!this.anyUdps) {
      for (const _ in u) {
        this.anyUdps = true;
        break;
      }
    }
    this.count++;
  }

  /** The flows added so far as a batch (null when none), and a fresh start. */
  take(): FlowBatch | null {
    if (this.count === 0) return null;
    const st = this.st;
    const batch: FlowBatch = {
      count: this.count,
      numbers: st.numbers.slice(0, st.n),
      strings: st.strings,
      others: st.others,
      otherAt: st.otherAt,
      udps: this.anyUdps ? this.udps : null,
    };
    st.n = 0;
    st.strings = [];
    this.seen.clear();
    st.others = [];
    st.otherAt = [];
    this.count = 0;
    this.udps = [];
    this.anyUdps = false;
    return batch;
  }
}

function ensure(st: EncodeState, more: number): void {
  if (st.n + more <= st.numbers.length) return;
  let size = st.numbers.length * 2;
  while (size < st.n + more) size *= 2;
  const grown = new Float64Array(size);
  grown.set(st.numbers.subarray(0, st.n));
  st.numbers = grown;
}

/**
 * Main-thread side: turns batches back into NFlow objects of one per-run subclass (`_columns` on
 * its prototype, fields set in column order so every record shares one hidden class), like the
 * single meter's materializer does.
 */
export class FlowBatchDecoder {
  private readonly FlowClass: new (cursor?: DecodeCursor) => NFlow;
  private readonly columns: number;

  constructor(columns: readonly FieldSpec[]) {
    this.FlowClass = compileFlowClass(columns);
    this.columns = columns.length;
    Object.defineProperty(this.FlowClass.prototype, '_columns', { value: columns.map((c) => c.name), enumerable: false });
  }

  /** Appends the batch's flows to `out` with ids `firstId, firstId + 1, …`; returns the next id. */
  decode(batch: FlowBatch, out: NFlow[], firstId: number): number {
    const d: DecodeCursor = { batch, n: 0, o: 0, next: batch.otherAt.length > 0 ? batch.otherAt[0]! : -1, base: 0, id: firstId };
    const Flow = this.FlowClass;
    const udps = batch.udps;
    for (let i = 0; i < batch.count; i++) {
      d.base = i * this.columns;
      const f = new Flow(d);
      if (udps !== null) f.udps = udps[i]!;
      out.push(f);
    }
    return d.id;
  }
}
