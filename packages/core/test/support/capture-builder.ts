/**
 * Builds small classic pcap and pcapng captures in memory, for reader and decoder tests.
 *
 * @example
 * ```ts
 * const bytes = pcap({ linkType: 1 }, [{ tsSec: 1, tsFrac: 500, data: frame }]);
 * const ng = pcapng({}, [shb(), idb({ linkType: 1, tsresol: 9 }), epb({ timestamp: 1_500_000_000n, data: frame })]);
 * ```
 */

/** Growable little/big-endian byte writer. */
class Writer {
  private bytes: number[] = [];
  constructor(private readonly bigEndian: boolean) {}
  u8(v: number): this {
    this.bytes.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.bigEndian ? this.u8(v >>> 8).u8(v) : this.u8(v).u8(v >>> 8);
  }
  u32(v: number): this {
    const x = v >>> 0;
    return this.bigEndian
      ? this.u8(x >>> 24).u8(x >>> 16).u8(x >>> 8).u8(x)
      : this.u8(x).u8(x >>> 8).u8(x >>> 16).u8(x >>> 24);
  }
  u64(v: bigint): this {
    const x = BigInt.asUintN(64, v);
    const high = Number(x >> 32n);
    const low = Number(x & 0xffffffffn);
    return this.bigEndian ? this.u32(high).u32(low) : this.u32(low).u32(high);
  }
  raw(data: Uint8Array): this {
    for (const b of data) this.bytes.push(b);
    return this;
  }
  pad4(): this {
    while (this.bytes.length % 4 !== 0) this.bytes.push(0);
    return this;
  }
  get length(): number {
    return this.bytes.length;
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

// ----------------------------------------------------------------------------------------------
// Classic pcap

export interface PcapOptions {
  /** LINKTYPE written in the header (low 16 bits used by readers). */
  linkType: number;
  /** Nanosecond magic (A1B23C4D) instead of microseconds. */
  nanos?: boolean;
  bigEndian?: boolean;
  /** Header snaplen; default 262144. */
  snaplen?: number;
  /** Header version; default 2.4. */
  versionMajor?: number;
  versionMinor?: number;
}

export interface PcapRecord {
  tsSec: number;
  /** Microseconds, or nanoseconds in a `nanos` file (written as an unsigned 32-bit value). */
  tsFrac: number;
  data: Uint8Array;
  /** Original length; default data.length. */
  wireLength?: number;
  /** Captured length written in the header; default data.length (for corrupt-file tests). */
  caplen?: number;
}

/** A classic pcap file. */
export function pcap(options: PcapOptions, records: readonly PcapRecord[]): Uint8Array {
  const w = new Writer(options.bigEndian ?? false);
  w.u32(options.nanos ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(options.versionMajor ?? 2)
    .u16(options.versionMinor ?? 4)
    .u32(0)
    .u32(0)
    .u32(options.snaplen ?? 262144)
    .u32(options.linkType);
  for (const r of records) {
    w.u32(r.tsSec).u32(r.tsFrac).u32(r.caplen ?? r.data.length).u32(r.wireLength ?? r.data.length).raw(r.data);
  }
  return w.toBytes();
}

// ----------------------------------------------------------------------------------------------
// pcapng

export interface PcapngOption {
  code: number;
  value: Uint8Array;
}

export interface ShbSpec {
  kind: 'shb';
  /** Byte order of this SHB; default: the file's. */
  bigEndian?: boolean;
  major?: number;
  minor?: number;
}

export interface IdbSpec {
  kind: 'idb';
  linkType: number;
  /** Default 262144. */
  snaplen?: number;
  /** Raw if_tsresol byte (6 = µs, 9 = ns, 0x80 | n = 2^-n); omitted when undefined. */
  tsresol?: number;
  /** if_tsoffset seconds; omitted when undefined. */
  tsoffset?: bigint;
  /** Extra options written before the end-of-options marker. */
  options?: readonly PcapngOption[];
  /** Skip the opt_endofopt marker. */
  noEndOfOptions?: boolean;
}

export interface EpbSpec {
  kind: 'epb';
  interfaceId?: number;
  /** 64-bit timestamp in the interface's units. */
  timestamp: bigint;
  data: Uint8Array;
  wireLength?: number;
  /** Captured length written in the block; default data.length. */
  caplen?: number;
}

export interface SpbSpec {
  kind: 'spb';
  data: Uint8Array;
  wireLength?: number;
}

export interface PbSpec {
  kind: 'pb';
  interfaceId?: number;
  timestamp: bigint;
  data: Uint8Array;
  wireLength?: number;
}

export interface RawBlockSpec {
  kind: 'raw';
  blockType: number;
  body: Uint8Array;
  /** Override the trailer length (for corrupt-file tests). */
  trailerLength?: number;
}

export type BlockSpec = ShbSpec | IdbSpec | EpbSpec | SpbSpec | PbSpec | RawBlockSpec;

export const shb = (o: Omit<ShbSpec, 'kind'> = {}): ShbSpec => ({ kind: 'shb', ...o });
export const idb = (o: Omit<IdbSpec, 'kind'>): IdbSpec => ({ kind: 'idb', ...o });
export const epb = (o: Omit<EpbSpec, 'kind'>): EpbSpec => ({ kind: 'epb', ...o });
export const spb = (o: Omit<SpbSpec, 'kind'>): SpbSpec => ({ kind: 'spb', ...o });
export const pb = (o: Omit<PbSpec, 'kind'>): PbSpec => ({ kind: 'pb', ...o });
export const rawBlock = (o: Omit<RawBlockSpec, 'kind'>): RawBlockSpec => ({ kind: 'raw', ...o });

/** Encodes one option (code, length, value, padding) in the given byte order. */
export function option(code: number, value: Uint8Array, bigEndian = false): Uint8Array {
  return new Writer(bigEndian).u16(code).u16(value.length).raw(value).pad4().toBytes();
}

/** A pcapng file made of the given blocks, all written in one byte order unless an SHB says otherwise. */
export function pcapng(options: { bigEndian?: boolean }, blocks: readonly BlockSpec[]): Uint8Array {
  let bigEndian = options.bigEndian ?? false;
  const out = new Writer(false);
  for (const block of blocks) {
    if (block.kind === 'shb' && block.bigEndian !== undefined) bigEndian = block.bigEndian;
    out.raw(encodeBlock(block, bigEndian));
  }
  return out.toBytes();
}

function encodeBlock(block: BlockSpec, be: boolean): Uint8Array {
  const body = new Writer(be);
  let type: number;
  let trailer: number | undefined;
  switch (block.kind) {
    case 'shb':
      type = 0x0a0d0d0a;
      body.u32(0x1a2b3c4d).u16(block.major ?? 1).u16(block.minor ?? 0).u64(-1n);
      break;
    case 'idb': {
      type = 1;
      body.u16(block.linkType).u16(0).u32(block.snaplen ?? 262144);
      const opts: PcapngOption[] = [];
      if (block.tsresol !== undefined) opts.push({ code: 9, value: Uint8Array.of(block.tsresol) });
      if (block.tsoffset !== undefined) opts.push({ code: 14, value: new Writer(be).u64(block.tsoffset).toBytes() });
      opts.push(...(block.options ?? []));
      for (const o of opts) body.raw(option(o.code, o.value, be));
      if (opts.length > 0 && !block.noEndOfOptions) body.u32(0);
      break;
    }
    case 'epb': {
      type = 6;
      const ts = BigInt.asUintN(64, block.timestamp);
      body
        .u32(block.interfaceId ?? 0)
        .u32(Number(ts >> 32n))
        .u32(Number(ts & 0xffffffffn))
        .u32(block.caplen ?? block.data.length)
        .u32(block.wireLength ?? block.data.length)
        .raw(block.data)
        .pad4();
      break;
    }
    case 'spb':
      type = 3;
      body.u32(block.wireLength ?? block.data.length).raw(block.data).pad4();
      break;
    case 'pb': {
      type = 2;
      const ts = BigInt.asUintN(64, block.timestamp);
      body
        .u16(block.interfaceId ?? 0)
        .u16(0)
        .u32(Number(ts >> 32n))
        .u32(Number(ts & 0xffffffffn))
        .u32(block.data.length)
        .u32(block.wireLength ?? block.data.length)
        .raw(block.data)
        .pad4();
      break;
    }
    case 'raw':
      type = block.blockType;
      body.raw(block.body).pad4();
      trailer = block.trailerLength;
      break;
  }
  const total = body.length + 12;
  return new Writer(be)
    .u32(type)
    .u32(total)
    .raw(body.toBytes())
    .u32(trailer ?? total)
    .toBytes();
}

/** Frame bytes 0, 1, 2, … (n bytes), distinct per `seed`, for checking delivered data. */
export function frame(n: number, seed = 0): Uint8Array {
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = (i + seed * 7) & 0xff;
  return data;
}

/** An IPv4/UDP packet with no payload, for LINKTYPE_RAW (101) captures: `src`/`dst` as 32-bit addresses. */
export function ipv4Udp(src: number, dst: number, srcPort: number, dstPort: number): Uint8Array {
  const b = new Uint8Array(28);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x4500001c); // v4, IHL 5, total length 28
  v.setUint32(8, 0x40110000); // TTL 64, UDP, checksum 0
  v.setUint32(12, src >>> 0);
  v.setUint32(16, dst >>> 0);
  v.setUint16(20, srcPort);
  v.setUint16(22, dstPort);
  v.setUint16(24, 8);
  return b;
}
