import type { DecodedPacket } from '../decode/decoded-packet.js';
import { growInt32, growUint16, growUint32, growUint8 } from './grow.js';

/** No slot / not found. */
export const NO_SLOT = -1;

/** Slots are grown by this factor when the table is full (slab growth, amortised O(1)). */
const SLOT_GROWTH = 1.5;
/** Index (hash → slot) is kept at most half full, so linear probes stay short. */
const MAX_LOAD = 0.5;

/**
 * The flow cache: a purpose-built open-addressing hash table with numeric keys and per-flow state
 * in typed-array columns (struct of arrays). No string keys, no per-packet allocation.
 *
 * - Key = unordered endpoint pair + protocol + VLAN + tunnel (+ IP version, so IPv4 and IPv6
 *   addresses with the same words never merge: spec §2 allows it). The hash is symmetric, so both
 *   directions of a flow probe the same chain and a lookup needs no second probe.
 * - Linear probing with backward-shift deletion (no tombstones).
 * - Cache order (spec §6.1): a doubly linked list in creation order (updates never move a flow);
 *   the idle scan and the final flush walk it from the head.
 *
 * Slots are reused after a flow is removed; columns of other components (statistics, SPLT, plugins)
 * are indexed by the same slot and grown through {@link onGrow}.
 */
export class FlowTable {
  /** Number of slots allocated in every column. */
  capacity: number;
  /** Live flows. */
  size = 0;

  // Key columns (the flow's orientation: its first packet's source is `src`).
  src0: Uint32Array;
  src1: Uint32Array;
  src2: Uint32Array;
  src3: Uint32Array;
  dst0: Uint32Array;
  dst1: Uint32Array;
  dst2: Uint32Array;
  dst3: Uint32Array;
  srcPort: Uint16Array;
  dstPort: Uint16Array;
  protocol: Uint8Array;
  ipVersion: Uint8Array;
  vlanId: Uint16Array;
  tunnelId: Uint8Array;
  hash: Int32Array;

  /** Creation-order list (head = oldest). */
  prev: Int32Array;
  next: Int32Array;
  head = NO_SLOT;
  tail = NO_SLOT;

  /** Free slots (a stack). */
  private free: Int32Array;
  private freeTop = 0;

  /** hash → slot, NO_SLOT when empty. Size is a power of two. */
  private index: Int32Array;
  private mask: number;

  /** Direction of the packet given to the last successful {@link find}: 0 same as the flow, 1 reverse. */
  lastDirection = 0;

  /** Called after the slot columns grew, with the new capacity. */
  onGrow: ((capacity: number) => void) | null = null;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(16, initialCapacity | 0);
    this.capacity = cap;
    this.src0 = new Uint32Array(cap);
    this.src1 = new Uint32Array(cap);
    this.src2 = new Uint32Array(cap);
    this.src3 = new Uint32Array(cap);
    this.dst0 = new Uint32Array(cap);
    this.dst1 = new Uint32Array(cap);
    this.dst2 = new Uint32Array(cap);
    this.dst3 = new Uint32Array(cap);
    this.srcPort = new Uint16Array(cap);
    this.dstPort = new Uint16Array(cap);
    this.protocol = new Uint8Array(cap);
    this.ipVersion = new Uint8Array(cap);
    this.vlanId = new Uint16Array(cap);
    this.tunnelId = new Uint8Array(cap);
    this.hash = new Int32Array(cap);
    this.prev = new Int32Array(cap);
    this.next = new Int32Array(cap);
    this.free = new Int32Array(cap);
    this.pushFreeRange(0, cap);
    let indexSize = 16;
    while (indexSize * MAX_LOAD < cap) indexSize <<= 1;
    this.index = new Int32Array(indexSize).fill(NO_SLOT);
    this.mask = indexSize - 1;
  }

  /** Symmetric hash of a packet's flow key. */
  static hashPacket(p: DecodedPacket): number {
    const a = endpointHash(p.src0, p.src1, p.src2, p.src3, p.srcPort);
    const b = endpointHash(p.dst0, p.dst1, p.dst2, p.dst3, p.dstPort);
    let h = (a + b) | 0;
    h ^= Math.imul(p.protocol | (p.ipVersion << 8) | (p.tunnelId << 16), 0x27d4eb2f);
    h ^= Math.imul(p.vlanId + 0x165667b1, 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return h; // int32: stays a small integer (a uint32 above 2^31 would be boxed as a heap number)
  }

  /**
   * Finds the flow of packet `p` (hash from {@link hashPacket}); sets {@link lastDirection}.
   * Returns the slot or NO_SLOT.
   */
  find(p: DecodedPacket, h: number): number {
    const index = this.index;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const s = index[i]!;
      if (s === NO_SLOT) return NO_SLOT;
      if (
        this.hash[s] === h &&
        this.protocol[s] === p.protocol &&
        this.vlanId[s] === p.vlanId &&
        this.tunnelId[s] === p.tunnelId &&
        this.ipVersion[s] === p.ipVersion
      ) {
        // spec §2: direction 0 only when src/dst IPs and ports equal the flow's, in that orientation.
        if (
          this.srcPort[s] === p.srcPort &&
          this.dstPort[s] === p.dstPort &&
          this.src0[s] === p.src0 &&
          this.src1[s] === p.src1 &&
          this.src2[s] === p.src2 &&
          this.src3[s] === p.src3 &&
          this.dst0[s] === p.dst0 &&
          this.dst1[s] === p.dst1 &&
          this.dst2[s] === p.dst2 &&
          this.dst3[s] === p.dst3
        ) {
          this.lastDirection = 0;
          return s;
        }
        if (
          this.srcPort[s] === p.dstPort &&
          this.dstPort[s] === p.srcPort &&
          this.src0[s] === p.dst0 &&
          this.src1[s] === p.dst1 &&
          this.src2[s] === p.dst2 &&
          this.src3[s] === p.dst3 &&
          this.dst0[s] === p.src0 &&
          this.dst1[s] === p.src1 &&
          this.dst2[s] === p.src2 &&
          this.dst3[s] === p.src3
        ) {
          this.lastDirection = 1;
          return s;
        }
      }
      i = (i + 1) & mask;
    }
  }

  /** Creates a flow oriented like packet `p` and appends it at the cache tail. Returns its slot. */
  insert(p: DecodedPacket, h: number): number {
    if (this.freeTop === 0) this.growSlots();
    if (this.size + 1 > this.index.length * MAX_LOAD) this.rehash(this.index.length << 1);
    const s = this.free[--this.freeTop]!;
    this.src0[s] = p.src0;
    this.src1[s] = p.src1;
    this.src2[s] = p.src2;
    this.src3[s] = p.src3;
    this.dst0[s] = p.dst0;
    this.dst1[s] = p.dst1;
    this.dst2[s] = p.dst2;
    this.dst3[s] = p.dst3;
    this.srcPort[s] = p.srcPort;
    this.dstPort[s] = p.dstPort;
    this.protocol[s] = p.protocol;
    this.ipVersion[s] = p.ipVersion;
    this.vlanId[s] = p.vlanId;
    this.tunnelId[s] = p.tunnelId;
    this.hash[s] = h;
    // append to the creation-order list
    this.prev[s] = this.tail;
    this.next[s] = NO_SLOT;
    if (this.tail === NO_SLOT) this.head = s;
    else this.next[this.tail] = s;
    this.tail = s;
    this.size++;
    const index = this.index;
    const mask = this.mask;
    let i = h & mask;
    while (index[i] !== NO_SLOT) i = (i + 1) & mask;
    index[i] = s;
    return s;
  }

  /** Removes the flow at `slot` from the index and the cache list; the slot becomes free. */
  remove(slot: number): void {
    const index = this.index;
    const mask = this.mask;
    let i = this.hash[slot]! & mask;
    while (index[i] !== slot) i = (i + 1) & mask;
    // backward-shift deletion keeps probe chains intact without tombstones
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const s = index[j]!;
      if (s === NO_SLOT) break;
      const k = this.hash[s]! & mask;
      const between = i <= j ? i < k && k <= j : i < k || k <= j;
      if (!between) {
        index[i] = s;
        i = j;
      }
    }
    index[i] = NO_SLOT;
    const p = this.prev[slot]!;
    const n = this.next[slot]!;
    if (p === NO_SLOT) this.head = n;
    else this.next[p] = n;
    if (n === NO_SLOT) this.tail = p;
    else this.prev[n] = p;
    this.free[this.freeTop++] = slot;
    this.size--;
  }

  /** Bytes held by the table's own columns and index (for memory reports). */
  get byteLength(): number {
    return this.capacity * (8 * 4 + 2 * 2 + 1 + 1 + 2 + 1 + 4 + 4 + 4 + 4) + this.index.byteLength;
  }

  private pushFreeRange(from: number, to: number): void {
    // highest slot first on the stack bottom so low slots are used first (better locality)
    for (let s = to - 1; s >= from; s--) this.free[this.freeTop++] = s;
  }

  private growSlots(): void {
    const old = this.capacity;
    const cap = Math.ceil(old * SLOT_GROWTH);
    this.src0 = growUint32(this.src0, cap);
    this.src1 = growUint32(this.src1, cap);
    this.src2 = growUint32(this.src2, cap);
    this.src3 = growUint32(this.src3, cap);
    this.dst0 = growUint32(this.dst0, cap);
    this.dst1 = growUint32(this.dst1, cap);
    this.dst2 = growUint32(this.dst2, cap);
    this.dst3 = growUint32(this.dst3, cap);
    this.srcPort = growUint16(this.srcPort, cap);
    this.dstPort = growUint16(this.dstPort, cap);
    this.protocol = growUint8(this.protocol, cap);
    this.ipVersion = growUint8(this.ipVersion, cap);
    this.vlanId = growUint16(this.vlanId, cap);
    this.tunnelId = growUint8(this.tunnelId, cap);
    this.hash = growInt32(this.hash, cap);
    this.prev = growInt32(this.prev, cap);
    this.next = growInt32(this.next, cap);
    this.free = growInt32(this.free, cap);
    this.capacity = cap;
    this.pushFreeRange(old, cap);
    if (this.onGrow !== null) this.onGrow(cap);
  }

  private rehash(indexSize: number): void {
    const index = new Int32Array(indexSize).fill(NO_SLOT);
    const mask = indexSize - 1;
    for (let s = this.head; s !== NO_SLOT; s = this.next[s]!) {
      let i = this.hash[s]! & mask;
      while (index[i] !== NO_SLOT) i = (i + 1) & mask;
      index[i] = s;
    }
    this.index = index;
    this.mask = mask;
  }
}

function endpointHash(a0: number, a1: number, a2: number, a3: number, port: number): number {
  let h = Math.imul(a0 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ a1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ a2, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ a3, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ port, 0x9e3779b1);
  return h ^ (h >>> 15);
}
