import { ipv4Text, ipv6Text, macText, ouiText } from '../decode/address-text.js';
import { KEY_DST, KEY_META, KEY_PORTS, KEY_SRC, KEY_VLAN, KEY_WORDS, type FlowTable } from '../meter/flow-table.js';
import { PAGE_MASK, PAGE_SHIFT } from '../meter/slot-pages.js';
import { variableFields } from '../shapes/variable-fields.js';
import type { FieldSpec } from './field-spec.js';
import { FlowBatch, type FlowColumn, type StringColumn } from './flow-batch.js';
import {
  BI_FIRST,
  BI_LAST,
  COUNTER_STRIDE,
  D2S_BYTES,
  D2S_FIRST,
  D2S_LAST,
  D2S_PACKETS,
  DST_MAC,
  S2D_BYTES,
  S2D_FIRST,
  S2D_LAST,
  S2D_PACKETS,
  SRC_MAC,
  type FlowCounters,
} from './flow-counters.js';
import type { FlowSplt } from './flow-splt.js';
import type { FlowStatistics } from './flow-statistics.js';
import type { NFlow } from './nflow.js';
import { TextCache } from './text-cache.js';

/** Rows per batch: large enough to amortise per-batch work, small enough to die young in the GC. */
export const FLOW_BATCH_ROWS = 4096;
/** Released batch storages kept for reuse (see {@link FlowBatch.release}). */
const POOLED_STORAGES = 4;

/** The typed arrays and text arrays one batch is written into. */
interface BatchStorage {
  readonly num: (Float64Array | null)[];
  readonly words: Uint32Array;
  readonly versions: Uint8Array;
  readonly macValues: Float64Array;
  readonly text: (string[] | null)[];
  readonly lists: (Int32Array | Float64Array | null)[];
}

/** The nDPI columns of a batch's storage (see `FlowBatchWriter.dissectionColumns`). */
export interface DissectionColumns {
  readonly text: readonly (string[] | null)[];
  readonly num: readonly (Float64Array | null)[];
  /** The column of `application_name`, the first of the nine. */
  readonly first: number;
}

/** Writes the nine nDPI fields of row `r` into the columns from `j` on of a batch's storage. */
export function writeDissectionRow(
  text: readonly (string[] | null)[],
  num: readonly (Float64Array | null)[],
  j: number,
  r: number,
  src: DissectionFields,
): void {
  text[j]![r] = src.application_name;
  text[j + 1]![r] = src.application_category_name;
  num[j + 2]![r] = src.application_is_guessed;
  num[j + 3]![r] = src.application_confidence;
  text[j + 4]![r] = src.requested_server_name;
  text[j + 5]![r] = src.client_fingerprint;
  text[j + 6]![r] = src.server_fingerprint;
  text[j + 7]![r] = src.user_agent;
  text[j + 8]![r] = src.content_type;
}

/** The nine nDPI fields a dissector writes at expiry (spec §11). */
export interface DissectionFields {
  application_name: string;
  application_category_name: string;
  application_is_guessed: number;
  application_confidence: number;
  requested_server_name: string;
  client_fingerprint: string;
  server_fingerprint: string;
  user_agent: string;
  content_type: string;
}

/** The names of {@link DissectionFields}, in NFStream's column order. */
export const DISSECTION_FIELD_NAMES = [
  'application_name',
  'application_category_name',
  'application_is_guessed',
  'application_confidence',
  'requested_server_name',
  'client_fingerprint',
  'server_fingerprint',
  'user_agent',
  'content_type',
] as const satisfies readonly (keyof DissectionFields)[];

/**
 * A fresh {@link DissectionFields} to write into (a scratch object, reused flow after flow): its
 * fields are variable from the start (see {@link variableFields}), as every flow writes them again.
 */
export function emptyDissectionFields(): DissectionFields {
  const fields: DissectionFields = {
    application_name: '',
    application_category_name: '',
    application_is_guessed: 0,
    application_confidence: 0,
    requested_server_name: '',
    client_fingerprint: '',
    server_fingerprint: '',
    user_agent: '',
    content_type: '',
  };
  return variableFields(fields, ...DISSECTION_FIELD_NAMES);
}

/** Where the writer reads a flow's state. */
export interface FlowState {
  readonly table: FlowTable;
  readonly counters: FlowCounters;
  readonly stats: FlowStatistics | null;
  readonly splt: FlowSplt | null;
}

const UDPS = 'udps.';

/**
 * Writes emitted flows straight from the meter's typed-array state into the columns of a
 * {@link FlowBatch}: no object per flow. Address texts are made per batch when a consumer reads
 * them (an export with `--format none` never builds one).
 */
export class FlowBatchWriter {
  /** Rows in the batch being written. */
  rows = 0;
  private fields: FieldSpec[];
  private readonly coreCount: number;
  private readonly capacity: number;
  private readonly tunnel: boolean;
  /** First column of the 15 time/counter columns. */
  private readonly t0: number;
  /** First statistics column, or −1. */
  private readonly s0: number;
  private readonly splt0: number;
  private readonly ndpi0: number;
  private readonly sys0: number;
  private readonly macs = new TextCache(macText);
  private readonly ouis = new TextCache(ouiText);

  // storage of the batch being written: made with the writer's first row, so a writer that gets no
  // rows (snapshots of a short capture) costs no memory; replaced as soon as a full batch is handed
  // out, so `append` takes its allocating branch only once, at a first row that runs before V8 has
  // type feedback for it: taken again later, it would throw the compiled `append` away
  private hasStorage = false;
  private num!: (Float64Array | null)[];
  private words!: Uint32Array;
  private versions!: Uint8Array;
  private macValues!: Float64Array;
  private text!: (string[] | null)[];
  private lists!: (Int32Array | Float64Array | null)[];
  private values!: unknown[][];
  private flows: NFlow[] | null;
  /** Plugin field name → column index (declared fields first, then undeclared ones as they appear). */
  private readonly udpsIndex = new Map<string, number>();
  /** Copy only the declared plugin fields (snapshot rows); else undeclared ones join as they appear. */
  private readonly declaredOnly: boolean;
  /** Storages of released full batches (runs without plugins: their columns never change). */
  private readonly pool: BatchStorage[] = [];
  /** Typed arrays over shared memory (see the `shared` option). */
  private readonly shared: boolean;

  constructor(
    coreFields: readonly FieldSpec[],
    pluginFields: readonly FieldSpec[],
    private readonly state: FlowState,
    /**
     * `shared`: full batches' typed arrays live in `SharedArrayBuffer`s, so another thread reads
     * them in place (nothing is transferred) and, once it released the batch, the writer reuses
     * the same memory.
     */
    options: { keepFlows: boolean; capacity?: number; declaredOnly?: boolean; shared?: boolean },
  ) {
    this.capacity = options.capacity ?? FLOW_BATCH_ROWS;
    this.shared = options.shared ?? false;
    this.declaredOnly = options.declaredOnly ?? false;
    this.fields = [...coreFields, ...pluginFields];
    this.coreCount = coreFields.length;
    const at = (name: string) => coreFields.findIndex((f) => f.name === name);
    this.tunnel = at('tunnel_id') >= 0;
    this.t0 = at('bidirectional_first_seen_ms');
    this.s0 = at('bidirectional_min_ps');
    this.splt0 = at('splt_direction');
    this.ndpi0 = at('application_name');
    this.sys0 = at('system_process_pid');
    pluginFields.forEach((f, i) => this.udpsIndex.set(f.name.slice(UDPS.length), coreFields.length + i));
    this.flows = options.keepFlows ? [] : null;
  }

  /** True when the batch being written has reached its capacity (seal it). */
  get full(): boolean {
    return this.rows === this.capacity;
  }

  /** The batch's column list so far (plugin fields discovered during the run are appended). */
  get schema(): readonly FieldSpec[] {
    return this.fields;
  }

  private allocate(): void {
    this.hasStorage = true;
    const reused = this.pool.pop();
    if (reused !== undefined) {
      this.num = reused.num;
      this.words = reused.words;
      this.versions = reused.versions;
      this.macValues = reused.macValues;
      this.text = reused.text;
      this.lists = reused.lists;
      return;
    }
    const cap = this.capacity;
    const n = this.fields.length;
    const arrays = this.storageArrays();
    const block = this.shared ? new SharedBlock(arrays.reduce((bytes, [kind, length]) => bytes + SharedBlock.size(kind, length), 0)) : null;
    let next = 0;
    const take = () => {
      const [kind, length] = arrays[next++]!;
      return typedArray(kind, length, block);
    };
    this.num = new Array(n).fill(null);
    this.text = new Array(n).fill(null);
    this.lists = new Array(n).fill(null);
    this.values = [];
    for (let j = 0; j < this.coreCount; j++) {
      const f = this.fields[j]!;
      if (f.type === 'string') {
        if (j > 8) this.text[j] = new Array<string>(cap);
        continue;
      }
      const a = take();
      if (f.type === 'int[]') this.lists[j] = a as Int32Array | Float64Array;
      else this.num[j] = a as Float64Array;
    }
    for (let j = this.coreCount; j < n; j++) this.values[j] = new Array(cap);
    this.words = take() as Uint32Array;
    this.versions = take() as Uint8Array;
    this.macValues = take() as Float64Array;
    if (this.flows !== null) this.flows = [];
  }

  /**
   * The typed arrays of a batch storage, in the order {@link allocate} makes them (one shared
   * block holds them all): the core columns that are not text, then address words, IP versions
   * and MACs.
   */
  private storageArrays(): StorageArray[] {
    const cap = this.capacity;
    const arrays: StorageArray[] = [];
    for (let j = 0; j < this.coreCount; j++) if (this.fields[j]!.type !== 'string') arrays.push(this.columnArray(j));
    arrays.push([Uint32Array, cap * 8], [Uint8Array, cap], [Float64Array, cap * 2]);
    return arrays;
  }

  /** The typed array of core column `j` (not a text column) in a batch: SPLT lists, else numbers. */
  private columnArray(j: number): [TypedArrayKind<Float64Array | Int32Array>, number] {
    const f = this.fields[j]!;
    if (f.type !== 'int[]') return [Float64Array, this.capacity];
    return [f.name === 'splt_piat_ms' ? Float64Array : Int32Array, this.capacity * this.state.splt!.n];
  }

  /**
   * Appends the flow at `slot` (before it leaves the table). `ndpi`: the dissector's fields;
   * `flow`: the live flow object of plugin runs (its plugin fields are copied, and it becomes the
   * row's flow object).
   */
  append(slot: number, id: number, reason: number, ndpi: DissectionFields | null, flow: NFlow | null): void {
    if (!this.hasStorage) this.allocate();
    const r = this.rows++;
    const num = this.num;
    const k = this.state.table.keyPages[slot >> PAGE_SHIFT]!;
    const ko = (slot & PAGE_MASK) * KEY_WORDS;
    num[0]![r] = id;
    num[1]![r] = reason;
    const w = this.words;
    const wo = r * 8;
    for (let i = 0; i < 4; i++) {
      w[wo + i] = k[ko + KEY_SRC + i]!;
      w[wo + 4 + i] = k[ko + KEY_DST + i]!;
    }
    const ports = k[ko + KEY_PORTS]!;
    const meta = k[ko + KEY_META]!;
    num[5]![r] = ports & 0xffff;
    num[9]![r] = ports >>> 16;
    num[10]![r] = meta & 0xff;
    const version = (meta >>> 8) & 0xff;
    num[11]![r] = version;
    this.versions[r] = version;
    num[12]![r] = k[ko + KEY_VLAN]!;
    if (this.tunnel) num[13]![r] = meta >>> 16;
    const v = this.state.counters.pages[slot >> PAGE_SHIFT]!;
    const o = (slot & PAGE_MASK) * COUNTER_STRIDE;
    this.macValues[r * 2] = v[o + SRC_MAC]!;
    this.macValues[r * 2 + 1] = v[o + DST_MAC]!;
    const t = this.t0;
    const nS = v[o + S2D_PACKETS]!;
    const nD = v[o + D2S_PACKETS]!;
    const bS = v[o + S2D_BYTES]!;
    const bD = v[o + D2S_BYTES]!;
    this.direction(r, t, v[o + BI_FIRST]!, v[o + BI_LAST]!, nS + nD, bS + bD);
    this.direction(r, t + 5, v[o + S2D_FIRST]!, v[o + S2D_LAST]!, nS, bS);
    this.direction(r, t + 10, v[o + D2S_FIRST]!, v[o + D2S_LAST]!, nD, bD);
    const s = this.state.stats;
    if (s !== null) s.writeRow(slot, nS + nD, nS, nD, this.num, this.s0, r);
    const sp = this.state.splt;
    if (sp !== null) {
      const j = this.splt0;
      sp.copyTo(slot, this.lists[j] as Int32Array, this.lists[j + 1] as Int32Array, this.lists[j + 2] as Float64Array, r * sp.n);
    }
    if (this.ndpi0 >= 0) this.setDissection(r, (ndpi ?? flow) as DissectionFields);
    if (this.sys0 >= 0) {
      num[this.sys0]![r] = flow === null ? -1 : flow.system_process_pid;
      this.text[this.sys0 + 1]![r] = flow === null ? '' : flow.system_process_name;
    }
    if (flow !== null) {
      if (this.flows !== null) this.flows.push(flow);
      const u = flow._udps;
      if (u === undefined) return;
      if (this.declaredOnly) {
        for (const [key, j] of this.udpsIndex) if (key in u) this.values[j]![r] = u[key];
      } else for (const key in u) this.udpsColumn(key)[r] = u[key];
    }
  }

  /**
   * Writes the nine nDPI fields of row `r` of the batch being written (at append, or later for a
   * dissector whose results come from another thread).
   */
  setDissection(r: number, src: DissectionFields): void {
    writeDissectionRow(this.text, this.num, this.ndpi0, r, src);
  }

  /**
   * The nDPI columns of the batch being written, which stay its columns once it is sealed full:
   * where the fields of its rows go when they come from another thread after the batch was sealed.
   */
  dissectionColumns(): DissectionColumns {
    return { text: this.text, num: this.num, first: this.ndpi0 };
  }

  /** first/last seen, duration, packets, bytes of one direction (spec §4). */
  private direction(r: number, t: number, first: number, last: number, packets: number, bytes: number): void {
    const num = this.num;
    num[t]![r] = first;
    num[t + 1]![r] = last;
    num[t + 2]![r] = last - first;
    num[t + 3]![r] = packets;
    num[t + 4]![r] = bytes;
  }

  /** The value array of plugin field `key`, adding the column when the key is new. */
  private udpsColumn(key: string): unknown[] {
    let j = this.udpsIndex.get(key);
    if (j === undefined) {
      j = this.fields.length;
      this.fields = [...this.fields, { name: `${UDPS}${key}`, type: 'string', nullable: true, inferred: true }];
      this.udpsIndex.set(key, j);
      this.num.push(null);
      this.text.push(null);
      this.lists.push(null);
      this.values[j] = new Array(this.capacity);
    }
    return this.values[j]!;
  }

  /** The rows written so far as a batch (null when none); the writer starts a new batch. */
  seal(): FlowBatch | null {
    const n = this.rows;
    if (n === 0) return null;
    const full = n === this.capacity;
    const cut = <T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: T, width = 1): T => (full ? a : (a.slice(0, n * width) as T));
    const columns: FlowColumn[] = [];
    const words = cut(this.words, 8);
    const versions = cut(this.versions);
    const macs = cut(this.macValues, 2);
    for (let j = 0; j < this.fields.length; j++) {
      const numbers = this.num[j];
      if (numbers) {
        columns.push({ kind: 'number', values: cut(numbers) });
      } else if (j === 2 || j === 6) {
        columns.push(new AddressTexts(words, versions, n, j === 2 ? 0 : 4));
      } else if (j === 3 || j === 4 || j === 7 || j === 8) {
        columns.push(new MacTexts(macs, n, j < 5 ? 0 : 1, j === 3 || j === 7 ? this.macs : this.ouis));
      } else if (this.lists[j]) {
        const w = this.state.splt!.n;
        columns.push({ kind: 'list', width: w, values: cut(this.lists[j]!, w) });
      } else if (this.text[j]) {
        const t = this.text[j]!;
        columns.push({ kind: 'string', values: full ? t : t.slice(0, n) });
      } else {
        const vals = this.values[j]!;
        columns.push({ kind: 'value', values: full ? vals : vals.slice(0, n) });
      }
    }
    let recycle: (() => void) | null = null;
    if (full && this.flows === null) {
      const storage: BatchStorage = { num: this.num, words, versions, macValues: macs, text: this.text, lists: this.lists };
      recycle = () => {
        if (this.pool.length < POOLED_STORAGES) this.pool.push(storage);
      };
    }
    const batch = new FlowBatch(this.fields, columns, n, undefined, this.flows, recycle);
    this.rows = 0;
    if (full) this.allocate();
    else {
      if (this.flows !== null) this.flows = [];
      // plugin value arrays are handed out by slice; clear ours so old values do not linger
      for (let j = this.coreCount; j < this.fields.length; j++) this.values[j] = new Array(this.capacity);
    }
    return batch;
  }
}

type TypedArrayKind<T> = { new (length: number): T; new (buffer: SharedArrayBuffer, offset: number, length: number): T; readonly BYTES_PER_ELEMENT: number };
/** One typed array of a batch storage: its kind and length in elements. */
type StorageArray = [TypedArrayKind<Float64Array | Int32Array | Uint32Array | Uint8Array>, number];

/**
 * Typed arrays cut from one `SharedArrayBuffer`: a batch storage is one allocation, not one per
 * column (each shared allocation is costly, and the meter makes them while the output thread
 * starts).
 */
export class SharedBlock {
  private readonly buffer: SharedArrayBuffer;
  private offset = 0;
  constructor(bytes: number) {
    this.buffer = new SharedArrayBuffer(bytes);
  }

  /** Bytes an array of `length` elements takes in a block (8-byte aligned). */
  static size(kind: { readonly BYTES_PER_ELEMENT: number }, length: number): number {
    return (length * kind.BYTES_PER_ELEMENT + 7) & ~7;
  }

  take<T>(kind: TypedArrayKind<T>, length: number): T {
    const a = new kind(this.buffer, this.offset, length);
    this.offset += SharedBlock.size(kind, length);
    return a;
  }
}

/** A typed array of `length` elements: cut from `block` (shared memory), else its own. */
export function typedArray<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(kind: TypedArrayKind<T>, length: number, block: SharedBlock | null): T {
  return block === null ? new kind(length) : block.take(kind, length);
}

/** IP address texts of a batch, built on first read (glibc `inet_ntop` forms, spec §4). */
export class AddressTexts implements StringColumn {
  readonly kind = 'string' as const;
  private texts: string[] | null = null;
  constructor(
    /** Packed addresses, 8 words per row (source at 0, destination at 4). */
    readonly words: Uint32Array,
    /** IP version per row. */
    readonly versions: Uint8Array,
    readonly n: number,
    /** 0: source addresses, 4: destination addresses. */
    readonly offset: number,
  ) {}
  get values(): readonly string[] {
    let t = this.texts;
    if (t === null) {
      t = new Array<string>(this.n);
      const w = this.words;
      for (let i = 0; i < this.n; i++) {
        const o = i * 8 + this.offset;
        t[i] = this.versions[i] === 6 ? ipv6Text(w[o]!, w[o + 1]!, w[o + 2]!, w[o + 3]!) : ipv4Text(w[o]!);
      }
      this.texts = t;
    }
    return t;
  }
}

/** MAC or OUI texts of a batch, built on first read through the run's text cache. */
export class MacTexts implements StringColumn {
  readonly kind = 'string' as const;
  private texts: string[] | null = null;
  constructor(
    /** MAC values, 2 per row (source, destination). */
    readonly macs: Float64Array,
    readonly n: number,
    /** 0: source, 1: destination. */
    readonly side: number,
    private readonly cache: TextCache,
  ) {}
  /** True for OUI texts (the first three bytes), false for whole MACs. */
  get oui(): boolean {
    return this.cache.format === ouiText;
  }
  get values(): readonly string[] {
    let t = this.texts;
    if (t === null) {
      t = new Array<string>(this.n);
      for (let i = 0; i < this.n; i++) t[i] = this.cache.text(this.macs[i * 2 + this.side]!);
      this.texts = t;
    }
    return t;
  }
}
