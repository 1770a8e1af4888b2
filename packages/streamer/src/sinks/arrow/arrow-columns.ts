import {
  Bool,
  Float64,
  Int8,
  Int32,
  Int64,
  List,
  Uint8,
  Uint16,
  Uint64,
  Utf8,
  makeData,
  type Data,
  type DataType,
} from 'apache-arrow';

import type { FlowColumn } from '@flowstream/core';
import { AddressTexts, MacTexts, MAX_ADDRESS_TEXT, writeIpText, writeMacText, writeOuiText } from '@flowstream/core/internal';
import { writeText } from '../files/byte-cursor.js';

/**
 * Column accumulators behind {@link ArrowEncoder}: values go straight into reusable typed
 * arrays (no per-value objects, unlike apache-arrow's generic builders) and `flush(n)` copies the
 * first n rows into an Arrow `Data`. Rows are addressed by index; nulls are recorded as a list
 * of row indexes (they are rare), so valid values cost no bitmap write.
 *
 * With `reuse`, two storages alternate instead: `flush` hands out the filled one as it is (no
 * copy, no fresh memory: page faults are much of what fresh memory costs) and writing goes on in
 * the other. Only for a caller that is done with each record batch before it flushes the
 * next-but-one (a file writer with one write in flight).
 * @internal
 */
export abstract class Column {
  protected nulls: number[] = [];
  constructor(readonly name: string, readonly type: DataType, public capacity: number, protected readonly reuse = false) {}

  /** Stores `v` at row `i` (list children grow as needed; top-level columns never exceed capacity). */
  abstract add(v: unknown, i: number): void;
  /** Rows 0…n−1 as Arrow data; the column is empty afterwards. */
  abstract flush(n: number): Data;

  protected newCapacity(min: number): number {
    let cap = this.capacity;
    while (cap < min) cap *= 2;
    return (this.capacity = cap);
  }

  /**
   * `a` copied into a longer array of its kind, for at least `rows` rows of `perRow` values plus
   * `extra` (the last offset of an offsets array); the column's capacity follows.
   */
  protected grown<T extends NumArray>(a: T, rows: number, perRow = 1, extra = 0): T {
    const longer = new (a.constructor as new (length: number) => T)(this.newCapacity(rows) * perRow + extra);
    longer.set(a);
    return longer;
  }

  protected takeValidity(n: number): { nullCount: number; nullBitmap?: Uint8Array } {
    const nulls = this.nulls;
    if (nulls.length === 0) return { nullCount: 0 };
    this.nulls = [];
    const bits = new Uint8Array((n + 7) >> 3).fill(0xff);
    for (const i of nulls) bits[i >> 3]! &= ~(1 << (i & 7));
    return { nullCount: nulls.length, nullBitmap: bits };
  }

  /** @internal */
  bad(v: unknown): never {
    throw new TypeError(`flow column ${this.name}: cannot store ${typeof v} ${String(v)} as ${this.type} (declare the field type in the plugin's static fields)`);
  }
}

/** The least value an Int64 column holds (a Uint64 column's values below 0 are read as signed). */
const INT64_MIN = -(2 ** 63);

/** Int64 stored as little-endian lo/hi 32-bit halves: no BigInt per value. */
export class Int64Column extends Column {
  data: Int32Array;
  /** First integer the column cannot hold (2^63, or 2^64 unsigned); below, from −2^63 (the signed reading of a uint64). */
  private readonly limit: number;
  private spare: Int32Array | null = null;
  constructor(name: string, capacity: number, private readonly unsigned = false, reuse = false) {
    super(name, unsigned ? new Uint64() : new Int64(), capacity, reuse);
    this.data = new Int32Array(capacity * 2);
    this.limit = unsigned ? 2 ** 64 : 2 ** 63;
  }
  /**
   * Rows `at…` from a batch's numbers. A negative value of a Uint64 column is the signed reading
   * of NFStream's uint64 (see FlowBatch): its two's complement bits are the unsigned value.
   */
  addNumbers(src: Float64Array, at: number): void {
    const d = this.data;
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      const lo = v >>> 0;
      if (lo === v) {
        // an integer in [0, 2^32): most counters, no division
        d[2 * (at + i)] = lo;
        d[2 * (at + i) + 1] = 0;
      } else if (Number.isInteger(v) && v >= INT64_MIN && v < this.limit) {
        d[2 * (at + i)] = v >>> 0;
        d[2 * (at + i) + 1] = Math.floor(v / 4294967296);
      } else if (v !== v) {
        // NaN: no value
        d[2 * (at + i)] = 0;
        d[2 * (at + i) + 1] = 0;
        this.nulls.push(at + i);
      } else this.bad(v);
    }
  }
  add(v: unknown, i: number): void {
    if (i >= this.capacity) this.data = this.grown(this.data, i + 1, 2);
    if (typeof v === 'number' && Number.isInteger(v) && v >= INT64_MIN && v < this.limit) {
      // ToUint32 is exact modulo 2^32 and v / 2^32 is exact, so this is two's complement.
      this.data[2 * i] = v >>> 0;
      this.data[2 * i + 1] = Math.floor(v / 4294967296);
    } else this.slow(v, i);
  }
  /** Nulls, bigints, booleans; errors. */
  slow(v: unknown, i: number): void {
    let x = 0n;
    if (v == null) this.nulls.push(i);
    else if (typeof v === 'bigint') {
      // a value the column cannot hold would be stored wrapped (2^63 as -2^63): refused instead
      if (this.unsigned ? v < 0n || v > 0xffffffffffffffffn : v < -0x8000000000000000n || v > 0x7fffffffffffffffn) this.bad(v);
      x = v;
    } else if (typeof v === 'boolean') x = v ? 1n : 0n;
    else this.bad(v);
    new BigInt64Array(this.data.buffer, i * 8, 1)[0] = BigInt.asIntN(64, x);
  }
  flush(n: number): Data {
    const d = this.data;
    let buf: ArrayBuffer;
    if (this.reuse) {
      buf = d.buffer as ArrayBuffer;
      this.data = otherStorage(this.spare, d, (k) => new Int32Array(k));
      this.spare = d;
    } else buf = d.buffer.slice(0, n * 8) as ArrayBuffer;
    if (this.unsigned) return makeData({ type: this.type as Uint64, length: n, data: new BigUint64Array(buf, 0, n), ...this.takeValidity(n) });
    return makeData({ type: this.type as Int64, length: n, data: new BigInt64Array(buf, 0, n), ...this.takeValidity(n) });
  }
}

type NumArray = Int8Array | Uint8Array | Uint16Array | Int32Array | Float64Array;
type NumArrayCtor = { new (n: number): NumArray };

/** Narrow integers (range-checked by reading the stored value back) and Float64. */
export class NumberColumn extends Column {
  data: NumArray;
  private spare: NumArray | null = null;
  readonly isInt: boolean;
  constructor(name: string, type: DataType, private readonly Ctor: NumArrayCtor, capacity: number, reuse = false) {
    super(name, type, capacity, reuse);
    this.data = new Ctor(capacity);
    this.isInt = !(type instanceof Float64);
  }
  add(v: unknown, i: number): void {
    if (i >= this.capacity) this.data = this.grown(this.data, i + 1);
    if (typeof v === 'number') {
      this.data[i] = v;
      if (this.isInt && this.data[i] !== v) this.bad(v);
    } else this.slow(v, i);
  }
  /** Rows `at…` from a batch's numbers, copied in bulk, then checked (a value out of range fails, naming the column). */
  addNumbers(src: Float64Array, at: number): void {
    const d = this.data;
    d.set(src, at);
    if (!this.isInt) return;
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      if (d[at + i] === v) continue;
      if (v !== v) this.nulls.push(at + i); // NaN: no value
      else this.bad(v);
    }
  }
  slow(v: unknown, i: number): void {
    if (typeof v === 'number') this.bad(v);
    else if (v == null) {
      this.data[i] = 0;
      this.nulls.push(i);
    } else if (typeof v === 'boolean') this.data[i] = v ? 1 : 0;
    else if (typeof v === 'bigint') this.add(Number(v), i);
    else this.bad(v);
  }
  flush(n: number): Data {
    const d = this.data;
    let data = d;
    if (this.reuse) {
      data = d.subarray(0, n);
      this.data = otherStorage(this.spare, d, (k) => new this.Ctor(k));
      this.spare = d;
    } else data = d.slice(0, n);
    return makeData({ type: this.type as Float64, length: n, data: data as Float64Array, ...this.takeValidity(n) });
  }
}

class BoolColumn extends Column {
  private data: Uint8Array;
  constructor(name: string, capacity: number) {
    super(name, new Bool(), capacity);
    this.data = new Uint8Array(capacity);
  }
  add(v: unknown, i: number): void {
    if (i >= this.capacity) this.data = this.grown(this.data, i + 1);
    if (v == null) this.nulls.push(i);
    this.data[i] = v ? 1 : 0;
  }
  flush(n: number): Data {
    const packed = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) if (this.data[i]) packed[i >> 3]! |= 1 << (i & 7);
    return makeData({ type: this.type as Bool, length: n, data: packed, ...this.takeValidity(n) });
  }
}

/**
 * Strings as UTF-8 bytes plus offsets, written as rows arrive (rows come in order). Address and
 * MAC columns of a flow batch are written from their packed values, without a string per value.
 */
export class Utf8Column extends Column {
  private bytes: Buffer;
  private offsets: Int32Array;
  private spareBytes: Buffer | null = null;
  private spareOffsets: Int32Array | null = null;
  /** Bytes used. */
  private end = 0;
  constructor(name: string, capacity: number, reuse = false) {
    super(name, new Utf8(), capacity, reuse);
    this.bytes = Buffer.allocUnsafeSlow(capacity * 16);
    this.offsets = new Int32Array(capacity + 1);
  }
  add(v: unknown, i: number): void {
    if (i >= this.capacity) this.offsets = this.grown(this.offsets, i + 1, 1, 1);
    if (typeof v === 'string') {
      this.room(v.length * 3);
      this.end = writeText(this.bytes, this.end, v);
    } else if (v == null) this.nulls.push(i);
    else return this.add(String(v), i);
    this.offsets[i + 1] = this.end;
  }
  /** Rows `at…` of a batch's IP address column. */
  addAddresses(c: AddressTexts, rows: number, at: number): void {
    this.room(rows * MAX_ADDRESS_TEXT);
    const b = this.bytes;
    const o = this.offsets;
    let end = this.end;
    for (let i = 0; i < rows; i++) {
      end = writeIpText(b, end, c.words, i * 8 + c.offset, c.versions[i]!);
      o[at + i + 1] = end;
    }
    this.end = end;
  }
  /** Rows `at…` of a batch's MAC or OUI column. */
  addMacs(c: MacTexts, rows: number, at: number): void {
    this.room(rows * 17);
    const b = this.bytes;
    const o = this.offsets;
    const macs = c.macs;
    const oui = c.oui;
    let end = this.end;
    for (let i = 0; i < rows; i++) {
      const mac = macs[i * 2 + c.side]!;
      end = oui ? writeOuiText(b, end, mac) : writeMacText(b, end, mac);
      o[at + i + 1] = end;
    }
    this.end = end;
  }
  flush(n: number): Data {
    const o = this.offsets;
    const b = this.bytes;
    let valueOffsets = o;
    let data: Uint8Array = b;
    if (this.reuse) {
      valueOffsets = o.subarray(0, n + 1);
      data = b.subarray(0, this.end);
      this.offsets = otherStorage(this.spareOffsets, o, (k) => new Int32Array(k));
      this.bytes = otherStorage(this.spareBytes, b, (k) => Buffer.allocUnsafeSlow(k));
      this.spareOffsets = o;
      this.spareBytes = b;
    } else {
      valueOffsets = o.slice(0, n + 1);
      data = new Uint8Array(b.subarray(0, this.end));
    }
    this.end = 0;
    return makeData({ type: this.type as Utf8, length: n, valueOffsets, data, ...this.takeValidity(n) });
  }
  /** Makes room for `n` more bytes. */
  private room(n: number): void {
    if (this.end + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.end + n));
    this.bytes.copy(grown, 0, 0, this.end);
    this.bytes = grown;
  }
}

/** `List<T>`: offsets plus a growable child column of T. */
class ListColumn extends Column {
  private offsets: Int32Array;
  private spare: Int32Array | null = null;
  private count = 0;
  get childIsNumber(): boolean {
    return this.child instanceof NumberColumn;
  }
  constructor(name: string, type: List, private readonly child: Column, capacity: number, reuse = false) {
    super(name, type, capacity, reuse);
    this.offsets = new Int32Array(capacity + 1);
  }
  add(v: unknown, i: number): void {
    if (i >= this.capacity) this.offsets = this.grown(this.offsets, i + 1, 1, 1);
    if (Array.isArray(v)) {
      const c = this.child;
      let k = this.count;
      if (c instanceof NumberColumn) {
        // Numeric lists (SPLT): grow once, then store inline.
        const end = k + v.length;
        if (end > c.capacity) c.add(0, end - 1);
        const d = c.data;
        for (let j = 0; j < v.length; j++, k++) {
          const x = v[j];
          if (typeof x === 'number') {
            d[k] = x;
            if (c.isInt && d[k] !== x) c.bad(x);
          } else c.slow(x, k);
        }
      } else for (let j = 0; j < v.length; j++) c.add(v[j], k++);
      this.count = k;
    } else if (v == null) this.nulls.push(i);
    else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return this.add(Array.from(v as unknown as ArrayLike<number>), i);
    else this.bad(v);
    this.offsets[i + 1] = this.count;
  }
  /** Rows `at…` of fixed-width lists (SPLT) from a batch. */
  addFixed(values: Int32Array | Float64Array, width: number, rows: number, at: number): void {
    const c = this.child as NumberColumn;
    const start = this.count;
    const end = start + rows * width;
    if (end > c.capacity) c.add(0, end - 1);
    c.data.set(values.subarray(0, rows * width), start);
    if (at + rows > this.capacity) this.offsets = this.grown(this.offsets, at + rows, 1, 1);
    const o = this.offsets;
    for (let i = 0; i < rows; i++) o[at + i + 1] = start + (i + 1) * width;
    this.count = end;
  }
  flush(n: number): Data {
    const o = this.offsets;
    let valueOffsets = o;
    if (this.reuse) {
      valueOffsets = o.subarray(0, n + 1);
      this.offsets = otherStorage(this.spare, o, (k) => new Int32Array(k));
      this.spare = o;
    } else valueOffsets = o.slice(0, n + 1);
    const child = this.child.flush(this.count);
    this.count = 0;
    return makeData({ type: this.type as List, length: n, valueOffsets, child, ...this.takeValidity(n) });
  }
}

/**
 * The accumulator for a column of Arrow type `type` (one of those {@link arrowTypeFor} returns).
 * @internal
 */
export function makeColumn(name: string, type: DataType, capacity: number, reuse = false): Column {
  if (type instanceof Int64) return new Int64Column(name, capacity, false, reuse);
  if (type instanceof Uint64) return new Int64Column(name, capacity, true, reuse);
  if (type instanceof Float64) return new NumberColumn(name, type, Float64Array, capacity, reuse);
  if (type instanceof Int32) return new NumberColumn(name, type, Int32Array, capacity, reuse);
  if (type instanceof Uint16) return new NumberColumn(name, type, Uint16Array, capacity, reuse);
  if (type instanceof Uint8) return new NumberColumn(name, type, Uint8Array, capacity, reuse);
  if (type instanceof Int8) return new NumberColumn(name, type, Int8Array, capacity, reuse);
  if (type instanceof Bool) return new BoolColumn(name, capacity);
  if (type instanceof Utf8) return new Utf8Column(name, capacity, reuse);
  if (type instanceof List) {
    const item = (type as List).children[0]!;
    return new ListColumn(name, type as List, makeColumn(name, item.type as DataType, Math.max(16, capacity), reuse), capacity, reuse);
  }
  throw new TypeError(`flow column ${name}: no accumulator for Arrow type ${String(type)}`);
}

/** The storage to fill after `handed` was handed out: the spare when large enough, else a new one. */
function otherStorage<T extends { length: number }>(spare: T | null, handed: T, make: (n: number) => T): T {
  return spare !== null && spare.length >= handed.length ? spare : make(handed.length);
}

/**
 * Appends `rows` rows of a batch column at row `at` of an accumulator: typed arrays are copied in
 * bulk, other values go one by one through the accumulator's checks.
 * @internal
 */
export function appendColumn(target: Column, source: FlowColumn, rows: number, at: number): void {
  if (source.kind === 'number' && (target instanceof Int64Column || target instanceof NumberColumn)) {
    target.addNumbers(source.values.subarray(0, rows), at);
  } else if (source.kind === 'list' && target instanceof ListColumn && target.childIsNumber) {
    target.addFixed(source.values, source.width, rows, at);
  } else if (source instanceof AddressTexts && target instanceof Utf8Column) {
    target.addAddresses(source, rows, at);
  } else if (source instanceof MacTexts && target instanceof Utf8Column) {
    target.addMacs(source, rows, at);
  } else if (source.kind === 'list') {
    const w = source.width;
    for (let i = 0; i < rows; i++) target.add(Array.from(source.values.subarray(i * w, i * w + w)), at + i);
  } else {
    const values = source.values as ArrayLike<unknown>;
    for (let i = 0; i < rows; i++) target.add(values[i], at + i);
  }
}
