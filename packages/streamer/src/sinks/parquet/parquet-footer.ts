import { open } from 'node:fs/promises';

/**
 * Appends key-value pairs to the footer metadata of a finished Parquet file, in place.
 *
 * Why: parquet-wasm takes the key-value metadata before the first row group, but the packet
 * accounting summary is known only after the last flow. The footer is the Thrift-compact
 * `FileMetaData` (field 5 = `key_value_metadata: list<KeyValue>`), followed by its 4-byte length
 * and `PAR1`, with no checksum: we splice entries into that list and rewrite the tail.
 *
 * @example await appendParquetMetadata('out.parquet', { 'flowstream.summary': JSON.stringify(summary) })
 */
export async function appendParquetMetadata(path: string, entries: Record<string, string>): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const size = (await fh.stat()).size;
    const tail = Buffer.alloc(8);
    await fh.read(tail, 0, 8, size - 8);
    if (size < 12 || tail.toString('latin1', 4) !== 'PAR1') throw new Error(`${path}: not a Parquet file (no PAR1 trailer)`);
    const len = tail.readUInt32LE(0);
    const start = size - 8 - len;
    // the footer and its trailer: the end of a stream holding nothing before its footer
    const end = Buffer.alloc(len + 8);
    await fh.read(end, 0, len + 8, start);
    const patched = withFooterEntries(end, entries);
    if (patched === null) throw new Error(`${path}: not a Parquet file (a footer of ${len} bytes)`);
    await fh.write(patched, 0, patched.length, start);
    await fh.truncate(start + patched.length);
  } finally {
    await fh.close();
  }
}

/**
 * The last bytes of a Parquet stream (its footer, the footer's length and `PAR1` at their end) with
 * key-value pairs added to the footer: the end of a finished file ({@link appendParquetMetadata}),
 * or the bytes held back by a writer to an output that cannot be rewritten (a pipe, a device) until
 * the summary is known. Null when `tail` does not hold the whole footer.
 *
 * @example const bytes = withFooterEntries(tail, { 'flowstream.summary': JSON.stringify(summary) }) ?? tail;
 */
export function withFooterEntries(tail: Uint8Array, entries: Record<string, string>): Uint8Array | null {
  const size = tail.length;
  if (size < 12 || Buffer.from(tail.buffer, tail.byteOffset + size - 4, 4).toString('latin1') !== 'PAR1') return null;
  const len = Buffer.from(tail.buffer, tail.byteOffset, size).readUInt32LE(size - 8);
  const start = size - 8 - len;
  if (start < 0) return null;
  const patched = addKeyValues(tail.subarray(start, size - 8), entries);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(patched.length, 0);
  trailer.write('PAR1', 4, 'latin1');
  return concat([tail.subarray(0, start), patched, trailer]);
}

// Thrift compact protocol type ids.
const T_BINARY = 8;
const T_LIST = 9;
const T_SET = 10;
const T_MAP = 11;
const T_STRUCT = 12;

/** Returns the Thrift-compact `FileMetaData` with `entries` appended to its key_value_metadata. */
export function addKeyValues(meta: Uint8Array, entries: Record<string, string>): Uint8Array {
  const r = new Reader(meta);
  let fieldId = 0;
  for (;;) {
    const header = r.byte();
    if (header === 0) break;
    const type = header & 0x0f;
    const delta = header >> 4;
    fieldId = delta === 0 ? r.zigzag() : fieldId + delta;
    if (fieldId === 5 && type === T_LIST) {
      const listStart = r.pos;
      const { size, elem } = r.listHeader();
      if (elem !== T_STRUCT) throw new Error('Parquet footer: key_value_metadata is not a list of structs');
      const elemsStart = r.pos;
      for (let i = 0; i < size; i++) r.skip(T_STRUCT);
      const elemsEnd = r.pos;
      const added = Object.entries(entries).map(([k, v]) => keyValue(k, v));
      return concat([
        meta.subarray(0, listStart),
        listHeader(size + added.length, T_STRUCT),
        meta.subarray(elemsStart, elemsEnd),
        ...added,
        meta.subarray(elemsEnd),
      ]);
    }
    r.skip(type);
  }
  throw new Error('Parquet footer: no key_value_metadata list to extend');
}

function keyValue(key: string, value: string): Uint8Array {
  const k = Buffer.from(key, 'utf8');
  const v = Buffer.from(value, 'utf8');
  // field 1 (key) and field 2 (value), both binary: header = delta 1 << 4 | T_BINARY.
  return concat([Uint8Array.of(0x10 | T_BINARY), varint(k.length), k, Uint8Array.of(0x10 | T_BINARY), varint(v.length), v, Uint8Array.of(0)]);
}

function listHeader(size: number, elem: number): Uint8Array {
  return size < 15 ? Uint8Array.of((size << 4) | elem) : concat([Uint8Array.of(0xf0 | elem), varint(size)]);
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

/** Just enough of a Thrift compact reader to skip values. */
class Reader {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.b.length) throw new Error('Parquet footer: truncated Thrift data');
    return this.b[this.pos++]!;
  }
  varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const x = this.byte();
      result += (x & 0x7f) * mul;
      if (x < 0x80) return result;
      mul *= 128;
    }
  }
  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
  listHeader(): { size: number; elem: number } {
    const h = this.byte();
    const short = h >> 4;
    return { size: short === 15 ? this.varint() : short, elem: h & 0x0f };
  }
  skip(type: number): void {
    switch (type) {
      case 1: // bool true / false: the value is in the type nibble
      case 2:
        return;
      case 3: // byte
        this.pos += 1;
        return;
      case 4: // i16, i32, i64: zigzag varints
      case 5:
      case 6:
        this.varint();
        return;
      case 7: // double
        this.pos += 8;
        return;
      case T_BINARY: {
        const n = this.varint(); // read first: `pos += varint()` would add to the stale pos
        this.pos += n;
        return;
      }
      case T_LIST:
      case T_SET: {
        const { size, elem } = this.listHeader();
        for (let i = 0; i < size; i++) this.skip(elem === 1 || elem === 2 ? 3 : elem); // bools in collections take one byte
        return;
      }
      case T_MAP: {
        const size = this.varint();
        if (size === 0) return;
        const kv = this.byte();
        for (let i = 0; i < size; i++) {
          this.skip(kv >> 4 === 1 || kv >> 4 === 2 ? 3 : kv >> 4);
          this.skip((kv & 0x0f) === 1 || (kv & 0x0f) === 2 ? 3 : kv & 0x0f);
        }
        return;
      }
      case T_STRUCT: {
        for (;;) {
          const h = this.byte();
          if (h === 0) return;
          if (h >> 4 === 0) this.zigzag();
          this.skip(h & 0x0f);
        }
      }
      default:
        throw new Error(`Parquet footer: unknown Thrift compact type ${type}`);
    }
  }
}
