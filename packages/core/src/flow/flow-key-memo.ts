/** Remembered keys: a power of two, past the flows a snapshot interval of a busy link revisits. */
const ENTRIES = 4096;
/** Values per row: two addresses (version and four words each), six numbers and the layout's id. */
export const MEMO_VALUES = 17;
const HEX = 16;
const TWO_POW_32 = 4294967296;

/**
 * The `flow_key` hex digits of recent rows, by the values they were computed from. A snapshot
 * stream repeats every live flow at each interval with the same identifying fields, so a row whose
 * values equal a remembered row's takes its 16 digits instead of writing the fields' texts and
 * hashing them (~350 ns a row). Direct-mapped and exact: an entry is used only when every value is
 * equal, so a collision costs a recomputation, never a wrong key. The last value is the id of the
 * way the fields are read ({@link layoutId}: the same values read another way give another text).
 * One per thread (see {@link flowKeyMemo}).
 */
export class FlowKeyMemo {
  /** The values of the row being looked up (the caller fills it, then calls {@link find}). */
  readonly row = new Float64Array(MEMO_VALUES);
  private readonly values = new Float64Array(ENTRIES * MEMO_VALUES);
  private readonly hex = new Uint8Array(ENTRIES * HEX);
  private readonly used = new Uint8Array(ENTRIES);
  /** Texts of the remembered keys made so far (string columns), by entry. */
  private readonly texts: (string | undefined)[] = new Array<string | undefined>(ENTRIES);
  /** Entry of the last {@link find}: the one found, or the one {@link store} fills. */
  private entry = 0;
  private readonly layouts = new Map<string, number>();

  /** The id of a way of reading the key fields (the last value of a {@link row}). */
  layoutId(layout: string): number {
    let id = this.layouts.get(layout);
    if (id === undefined) this.layouts.set(layout, (id = this.layouts.size));
    return id;
  }

  /** True when {@link row} is remembered (then {@link copyHex} and {@link text} give its key). */
  find(): boolean {
    const r = this.row;
    let h = 0x2545f491;
    for (let k = 0; k < MEMO_VALUES; k++) {
      const x = r[k]!;
      h = Math.imul(h ^ (x >>> 0), 0x9e3779b1);
      h = Math.imul(h ^ ((x / TWO_POW_32) | 0), 0x85ebca77);
    }
    const e = (h ^ (h >>> 16)) & (ENTRIES - 1);
    this.entry = e;
    if (this.used[e] === 0) return false;
    const v = this.values;
    const o = e * MEMO_VALUES;
    for (let k = 0; k < MEMO_VALUES; k++) if (v[o + k] !== r[k]) return false;
    return true;
  }

  /** Writes the found key's 16 hex digits at `pos`; returns the position after them. */
  copyHex(buf: Uint8Array, pos: number): number {
    const hex = this.hex;
    const o = this.entry * HEX;
    for (let k = 0; k < HEX; k++) buf[pos + k] = hex[o + k]!;
    return pos + HEX;
  }

  /** The found key as a string. */
  text(): string {
    const e = this.entry;
    let t = this.texts[e];
    if (t === undefined) {
      t = String.fromCharCode(...this.hex.subarray(e * HEX, e * HEX + HEX));
      this.texts[e] = t;
    }
    return t;
  }

  /** Remembers {@link row}'s key, the 16 hex digits at `src[at…]`, in the entry the last {@link find} chose. */
  store(src: Uint8Array, at: number, text?: string): void {
    const e = this.entry;
    this.values.set(this.row, e * MEMO_VALUES);
    const hex = this.hex;
    const o = e * HEX;
    for (let k = 0; k < HEX; k++) hex[o + k] = src[at + k]!;
    this.used[e] = 1;
    this.texts[e] = text;
  }
}

let memo: FlowKeyMemo | null = null;

/** This thread's memo, made on first use (runs without snapshots never pay for its ~600 KiB). */
export function flowKeyMemo(): FlowKeyMemo {
  return (memo ??= new FlowKeyMemo());
}
