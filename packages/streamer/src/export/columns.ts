import {
  Bool,
  Float64,
  Int8,
  Int32,
  Int64,
  List,
  Uint8,
  Uint16,
  Utf8,
  makeData,
  type Data,
  type DataType,
} from 'apache-arrow';

/**
 * Column accumulators behind {@link FlowBatchBuilder}: values go straight into reusable typed
 * arrays (no per-value objects, unlike apache-arrow's generic builders, which are ~10× slower
 * here) and `flush()` copies the filled part into an Arrow `Data`. Validity bitmaps are created
 * only when the first null arrives.
 * @internal
 */
export abstract class Column {
  length = 0;
  nullCount = 0;
  protected bits: Uint8Array | null = null;
  constructor(readonly name: string, readonly type: DataType, protected capacity: number) {}

  abstract add(v: unknown): void;
  /** The filled rows as Arrow data; the column is empty afterwards. */
  abstract flush(): Data;

  protected grow(min: number): number {
    let cap = this.capacity;
    while (cap < min) cap *= 2;
    if (this.bits) {
      const b = new Uint8Array((cap + 7) >> 3);
      b.set(this.bits);
      this.bits = b;
    }
    this.capacity = cap;
    return cap;
  }

  protected setNull(i: number): void {
    if (!this.bits) {
      // First null: every earlier row was valid.
      this.bits = new Uint8Array((this.capacity + 7) >> 3);
      for (let j = 0; j < i; j++) this.bits[j >> 3]! |= 1 << (j & 7);
    }
    this.nullCount++;
  }

  protected setValid(i: number): void {
    if (this.bits) this.bits[i >> 3]! |= 1 << (i & 7);
  }

  protected takeValidity(n: number): { nullCount: number; nullBitmap?: Uint8Array } {
    const out = this.bits && this.nullCount > 0 ? { nullCount: this.nullCount, nullBitmap: this.bits.slice(0, (n + 7) >> 3) } : { nullCount: 0 };
    if (this.bits) this.bits.fill(0);
    this.bits = null;
    this.nullCount = 0;
    this.length = 0;
    return out;
  }

  protected bad(v: unknown, what: string): never {
    throw new TypeError(`flow column ${this.name}: cannot store ${typeof v} ${String(v)} as ${what} (declare the field type in the plugin's static fields)`);
  }
}

/** Int64 stored as little-endian lo/hi 32-bit halves: no BigInt per value. */
class Int64Column extends Column {
  private d: Int32Array;
  constructor(name: string, capacity: number) {
    super(name, new Int64(), capacity);
    this.d = new Int32Array(capacity * 2);
  }
  add(v: unknown): void {
    const i = this.length++;
    if (i >= this.capacity) {
      const d = new Int32Array(this.grow(i + 1) * 2);
      d.set(this.d);
      this.d = d;
    }
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) this.bad(v, 'Int64');
      // ToUint32 is exact modulo 2^32 and the division by 2^32 is exact, so this is two's complement.
      this.d[2 * i] = v >>> 0;
      this.d[2 * i + 1] = Math.floor(v / 4294967296);
      this.setValid(i);
    } else if (v == null) {
      this.d[2 * i] = 0;
      this.d[2 * i + 1] = 0;
      this.setNull(i);
    } else if (typeof v === 'bigint') {
      new BigInt64Array(this.d.buffer, i * 8, 1)[0] = v;
      this.setValid(i);
    } else if (typeof v === 'boolean') {
      this.d[2 * i] = v ? 1 : 0;
      this.d[2 * i + 1] = 0;
      this.setValid(i);
    } else this.bad(v, 'Int64');
  }
  flush(): Data {
    const n = this.length;
    const data = new BigInt64Array(this.d.buffer.slice(0, n * 8));
    return makeData({ type: this.type as Int64, length: n, data, ...this.takeValidity(n) });
  }
}

type NumArray = Int8Array | Uint8Array | Uint16Array | Int32Array | Float64Array;
type NumArrayCtor = { new (n: number): NumArray };

/** Narrow integers and Float64; integers are range-checked by reading the stored value back. */
class NumberColumn extends Column {
  private d: NumArray;
  private readonly isInt: boolean;
  constructor(name: string, type: DataType, private readonly Ctor: NumArrayCtor, capacity: number) {
    super(name, type, capacity);
    this.d = new Ctor(capacity);
    this.isInt = !(type instanceof Float64);
  }
  add(v: unknown): void {
    const i = this.length++;
    if (i >= this.capacity) {
      const d = new this.Ctor(this.grow(i + 1));
      d.set(this.d);
      this.d = d;
    }
    if (typeof v === 'number') {
      this.d[i] = v;
      if (this.isInt && this.d[i] !== v) this.bad(v, this.type.toString());
      this.setValid(i);
    } else if (v == null) {
      this.d[i] = 0;
      this.setNull(i);
    } else if (typeof v === 'boolean') {
      this.d[i] = v ? 1 : 0;
      this.setValid(i);
    } else if (typeof v === 'bigint') {
      this.add(Number(v));
      this.length--;
    } else this.bad(v, this.type.toString());
  }
  flush(): Data {
    const n = this.length;
    return makeData({ type: this.type as Float64, length: n, data: this.d.slice(0, n) as Float64Array, ...this.takeValidity(n) });
  }
}

class BoolColumn extends Column {
  private d: Uint8Array;
  constructor(name: string, capacity: number) {
    super(name, new Bool(), capacity);
    this.d = new Uint8Array(capacity);
  }
  add(v: unknown): void {
    const i = this.length++;
    if (i >= this.capacity) {
      const d = new Uint8Array(this.grow(i + 1));
      d.set(this.d);
      this.d = d;
    }
    if (v == null) {
      this.d[i] = 0;
      this.setNull(i);
    } else {
      this.d[i] = v ? 1 : 0;
      this.setValid(i);
    }
  }
  flush(): Data {
    const n = this.length;
    const packed = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) if (this.d[i]) packed[i >> 3]! |= 1 << (i & 7);
    return makeData({ type: this.type as Bool, length: n, data: packed, ...this.takeValidity(n) });
  }
}

/** Strings are kept as JS strings and UTF-8 encoded once per batch with a single join. */
class Utf8Column extends Column {
  private s: string[] = [];
  constructor(name: string, capacity: number) {
    super(name, new Utf8(), capacity);
  }
  add(v: unknown): void {
    const i = this.length++;
    if (i >= this.capacity) this.grow(i + 1);
    if (typeof v === 'string') {
      this.s.push(v);
      this.setValid(i);
    } else if (v == null) {
      this.s.push('');
      this.setNull(i);
    } else {
      this.s.push(String(v));
      this.setValid(i);
    }
  }
  flush(): Data {
    const n = this.length;
    const s = this.s;
    const joined = s.join('');
    const bytes = Buffer.from(joined, 'utf8');
    const offsets = new Int32Array(n + 1);
    let o = 0;
    if (bytes.length === joined.length) {
      // Same length ⇒ all ASCII (any other UTF-16 unit takes ≥ 2 bytes): byte offsets = string offsets.
      for (let i = 0; i < n; i++) {
        offsets[i] = o;
        o += s[i]!.length;
      }
    } else {
      for (let i = 0; i < n; i++) {
        offsets[i] = o;
        o += Buffer.byteLength(s[i]!, 'utf8');
      }
    }
    offsets[n] = o;
    this.s = [];
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    return makeData({ type: this.type as Utf8, length: n, valueOffsets: offsets, data, ...this.takeValidity(n) });
  }
}

/** `List<T>`: offsets plus a growable child column of T. */
class ListColumn extends Column {
  private offsets: Int32Array;
  constructor(name: string, type: List, private readonly child: Column, capacity: number) {
    super(name, type, capacity);
    this.offsets = new Int32Array(capacity + 1);
  }
  add(v: unknown): void {
    const i = this.length++;
    if (i >= this.capacity) {
      const o = new Int32Array(this.grow(i + 1) + 1);
      o.set(this.offsets);
      this.offsets = o;
    }
    if (Array.isArray(v)) {
      const c = this.child;
      for (let k = 0; k < v.length; k++) c.add(v[k]);
      this.setValid(i);
    } else if (v == null) this.setNull(i);
    else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      this.add(Array.from(v as unknown as ArrayLike<number>));
      this.length--;
      return;
    } else this.bad(v, this.type.toString());
    this.offsets[i + 1] = this.child.length;
  }
  flush(): Data {
    const n = this.length;
    const valueOffsets = this.offsets.slice(0, n + 1);
    const child = this.child.flush();
    this.offsets[0] = 0;
    return makeData({ type: this.type as List, length: n, valueOffsets, child, ...this.takeValidity(n) });
  }
}

/**
 * The accumulator for a column of Arrow type `type` (one of those {@link arrowTypeFor} returns).
 * @internal
 */
export function makeColumn(name: string, type: DataType, capacity: number): Column {
  if (type instanceof Int64) return new Int64Column(name, capacity);
  if (type instanceof Float64) return new NumberColumn(name, type, Float64Array, capacity);
  if (type instanceof Int32) return new NumberColumn(name, type, Int32Array, capacity);
  if (type instanceof Uint16) return new NumberColumn(name, type, Uint16Array, capacity);
  if (type instanceof Uint8) return new NumberColumn(name, type, Uint8Array, capacity);
  if (type instanceof Int8) return new NumberColumn(name, type, Int8Array, capacity);
  if (type instanceof Bool) return new BoolColumn(name, capacity);
  if (type instanceof Utf8) return new Utf8Column(name, capacity);
  if (type instanceof List) {
    const item = (type as List).children[0]!;
    return new ListColumn(name, type as List, makeColumn(name, item.type as DataType, Math.max(16, capacity)), capacity);
  }
  throw new TypeError(`flow column ${name}: no accumulator for Arrow type ${String(type)}`);
}
