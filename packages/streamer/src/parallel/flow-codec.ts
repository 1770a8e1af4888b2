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

/** Worker side: accumulates flows and hands them out as {@link FlowBatch}es. */
export class FlowBatchEncoder {
  private readonly names: string[];
  private readonly kinds: Uint8Array;
  private numbers = new Float64Array(4096);
  private n = 0;
  private strings: string[] = [];
  private others: unknown[] = [];
  private otherAt: number[] = [];
  private udps: Record<string, unknown>[] = [];
  private anyUdps = false;
  private count = 0;

  constructor(columns: readonly FieldSpec[]) {
    this.names = columns.map((c) => c.name);
    this.kinds = Uint8Array.from(columns, kindOf);
  }

  /** Flows added since the last {@link take}. */
  get size(): number {
    return this.count;
  }

  /** Appends one flow. */
  add(flow: NFlow): void {
    const record = flow as unknown as Record<string, unknown>;
    const names = this.names;
    const kinds = this.kinds;
    const base = this.count * names.length;
    this.ensure(names.length);
    for (let c = 0; c < names.length; c++) {
      const kind = kinds[c]!;
      if (kind === Kind.Skip) continue;
      const v = record[names[c]!];
      if (kind === Kind.Number && typeof v === 'number') {
        this.numbers[this.n++] = v;
      } else if (kind === Kind.String && typeof v === 'string') {
        this.strings.push(v);
      } else if (kind === Kind.NumberList && isNumberList(v)) {
        this.ensure(1 + v.length + names.length);
        this.numbers[this.n++] = v.length;
        for (let i = 0; i < v.length; i++) this.numbers[this.n++] = v[i]!;
      } else {
        this.others.push(v);
        this.otherAt.push(base + c);
      }
    }
    const u = flow.udps;
    this.udps.push(u);
    if (!this.anyUdps) for (const _ in u) {
      this.anyUdps = true;
      break;
    }
    this.count++;
  }

  /** The flows added so far as a batch (null when none), and a fresh start. */
  take(): FlowBatch | null {
    if (this.count === 0) return null;
    const batch: FlowBatch = {
      count: this.count,
      numbers: this.numbers.slice(0, this.n),
      strings: this.strings,
      others: this.others,
      otherAt: this.otherAt,
      udps: this.anyUdps ? this.udps : null,
    };
    this.n = 0;
    this.count = 0;
    this.strings = [];
    this.others = [];
    this.otherAt = [];
    this.udps = [];
    this.anyUdps = false;
    return batch;
  }

  private ensure(more: number): void {
    if (this.n + more <= this.numbers.length) return;
    let size = this.numbers.length * 2;
    while (size < this.n + more) size *= 2;
    const grown = new Float64Array(size);
    grown.set(this.numbers.subarray(0, this.n));
    this.numbers = grown;
  }
}

/**
 * Main-thread side: turns batches back into NFlow objects of one per-run subclass (`_columns` on
 * its prototype, fields set in column order so every record shares one hidden class), like the
 * single meter's materializer does.
 */
export class FlowBatchDecoder {
  private readonly names: string[];
  private readonly kinds: Uint8Array;
  private readonly FlowClass: typeof NFlow;

  constructor(columns: readonly FieldSpec[]) {
    this.names = columns.map((c) => c.name);
    this.kinds = Uint8Array.from(columns, kindOf);
    class RunFlow extends NFlow {}
    Object.defineProperty(RunFlow.prototype, '_columns', { value: this.names.slice(), enumerable: false });
    this.FlowClass = RunFlow;
  }

  /** Appends the batch's flows to `out` with ids `firstId, firstId + 1, …`; returns the next id. */
  decode(batch: FlowBatch, out: NFlow[], firstId: number): number {
    const names = this.names;
    const kinds = this.kinds;
    const nums = batch.numbers;
    const strings = batch.strings;
    const others = batch.others;
    const otherAt = batch.otherAt;
    let n = 0;
    let s = 0;
    let o = 0;
    let nextOther = otherAt.length > 0 ? otherAt[0]! : -1;
    let id = firstId;
    for (let i = 0; i < batch.count; i++) {
      const f = new this.FlowClass();
      const record = f as unknown as Record<string, unknown>;
      const base = i * names.length;
      for (let c = 0; c < names.length; c++) {
        const kind = kinds[c]!;
        const name = names[c]!;
        if (kind === Kind.Skip) {
          record[name] = id++;
        } else if (base + c === nextOther) {
          record[name] = others[o++];
          nextOther = o < otherAt.length ? otherAt[o]! : -1;
        } else if (kind === Kind.Number) {
          record[name] = nums[n++];
        } else if (kind === Kind.String) {
          record[name] = strings[s++];
        } else {
          const len = nums[n++]!;
          const list: number[] = new Array(len);
          for (let k = 0; k < len; k++) list[k] = nums[n++]!;
          record[name] = list;
        }
      }
      if (batch.udps !== null) f.udps = batch.udps[i]!;
      out.push(f);
    }
    return id;
  }
}
