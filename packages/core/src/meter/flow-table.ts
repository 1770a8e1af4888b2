import { storeAddressWords } from '../decode/address-words.js';
import type { DecodedPacket } from '../decode/decoded-packet.js';
import { addPages, PAGE_MASK, PAGE_SHIFT, PAGE_SLOTS } from './slot-pages.js';

/** No slot / not found. */
export const NO_SLOT = -1;

/**
 * Words of a flow key in {@link FlowTable.keyPages}: 4 source address words, 4 destination address
 * words, the two ports, protocol/IP version/tunnel, VLAN, and the key's hash. One flow's key fits
 * in 48 bytes, so a lookup touches one or two cache lines instead of one per column.
 */
export const KEY_WORDS = 12;
export const KEY_SRC = 0;
export const KEY_DST = 4;
/** `srcPort | dstPort << 16`. */
export const KEY_PORTS = 8;
/** `protocol | ipVersion << 8 | tunnelId << 16`. */
export const KEY_META = 9;
export const KEY_VLAN = 10;
export const KEY_HASH = 11;

/** Index (hash → slot) is kept at most half full, so linear probes stay short. */
const MAX_LOAD = 0.5;
/** (hash, slot) pairs of a new table's index. */
const INITIAL_PAIRS = 16;
/** Words per slot in {@link FlowTable.links} and the recency links: previous, next. */
const LINK_WORDS = 2;
const LINK_PREV = 0;
const LINK_NEXT = 1;

/**
 * The flow cache: a purpose-built open-addressing hash table with numeric keys. No string keys,
 * no per-packet allocation.
 *
 * - Key = unordered endpoint pair + protocol + VLAN + tunnel (+ IP version, so IPv4 and IPv6
 *   addresses with the same words never merge: spec §2 allows it), packed per slot in
 *   {@link keyPages}. The hash is symmetric, so both directions of a flow probe the same chain.
 * - The index holds (hash, slot) pairs: a probe compares hashes without touching the slots.
 *   Linear probing with backward-shift deletion (no tombstones).
 * - Cache order (spec §6.1): a doubly linked list in creation order (updates never move a flow);
 *   the idle scan and the final flush walk it from the head.
 * - With `recency` (the meter's `maxLiveFlows` bound), a second list in order of last packet
 *   ({@link touch} moves a flow to its tail), so the least recently seen flow is {@link lruHead}:
 *   O(1) to find, without changing the creation order NFStream's idle scan depends on.
 * - The hash is seeded per table ({@link hash}), so keys crafted to collide under one seed do
 *   not collide in another run. Emission order never depends on the hash.
 *
 * A slot is a stable integer for as long as its flow is live, and is reused after the flow is
 * removed. Slot state lives in pages (see slot-pages.ts): growing adds a page and copies nothing.
 * The per-flow state of other components (counters, statistics, SPLT) lives in their own paged
 * columns indexed by the same slot and grown through {@link onGrow}.
 */
export class FlowTable {
  /** Number of slots allocated (a multiple of {@link PAGE_SLOTS}). */
  capacity = 0;
  /** Live flows. */
  size = 0;

  /** Packed keys, {@link KEY_WORDS} per slot; the flow's orientation is its first packet's. */
  readonly keyPages: Int32Array[] = [];

  /** Creation-order list (head = oldest): previous and next slot per slot. Free slots chain through `next`. */
  private readonly links: Int32Array[] = [];
  head = NO_SLOT;
  tail = NO_SLOT;

  /** Removed slots, chained through their `next` link (last removed first: warm memory). */
  private freeHead = NO_SLOT;
  /** Slots `[fresh, capacity)` were never used. */
  private fresh = 0;

  /** (hash, slot) pairs; slot NO_SLOT when empty. The number of pairs is a power of two. */
  private index: Int32Array;
  /** Mask over pair indexes × 2 (an even offset into {@link index}). */
  private mask: number;
  /** False once the index was dropped (see {@link dropIndex}). */
  private indexed = true;

  /** Direction of the packet given to the last successful {@link find}: 0 same as the flow, 1 reverse. */
  lastDirection = 0;

  /** Called after pages were added, with the new capacity. */
  onGrow: ((capacity: number) => void) | null = null;

  /** Recency list (only with `recency`): previous and next slot per slot; head = least recently seen flow. */
  private readonly lruLinks: Int32Array[] = [];
  lruHead = NO_SLOT;
  lruTail = NO_SLOT;
  private readonly recency: boolean;
  /** Hash seed of this table. */
  readonly seed: number;

  /**
   * @param initialCapacity slots to allocate up front (rounded up to whole pages).
   * @param recency keep the least-recently-seen list ({@link lruHead}, {@link touch}).
   * @param seed hash seed (default: random per table).
   */
  constructor(initialCapacity = PAGE_SLOTS, recency = false, seed = randomSeed()) {
    this.recency = recency;
    this.seed = seed | 0;
    this.addPages(Math.max(1, initialCapacity | 0));
    // a small index that doubles as flows come (`insert`): its growth runs with the first flows,
    // before the packet path is optimised, so that path is compiled with it; a first growth after
    // that deoptimised the whole path (it inlines `insert`) mid-run
    this.index = new Int32Array(INITIAL_PAIRS * 2).fill(NO_SLOT);
    this.mask = INITIAL_PAIRS * 2 - 1;
  }

  /** Symmetric hash of a packet's flow key with this table's seed. */
  hash(p: DecodedPacket): number {
    return FlowTable.hashPacket(p, this.seed);
  }

  /** Symmetric hash of a packet's flow key (an int32: small integers stay unboxed). */
  static hashPacket(p: DecodedPacket, seed = FIXED_SEED): number {
    const a = endpointHash(p.src0, p.src1, p.src2, p.src3, p.srcPort, seed);
    const b = endpointHash(p.dst0, p.dst1, p.dst2, p.dst3, p.dstPort, seed);
    let h = (a + b) | 0;
    h ^= Math.imul(p.protocol | (p.ipVersion << 8) | (p.tunnelId << 16), 0x27d4eb2f);
    h ^= Math.imul(p.vlanId + 0x165667b1, 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return h;
  }

  /**
   * Finds the flow of packet `p` (hash from {@link hashPacket}); sets {@link lastDirection}.
   * Returns the slot or NO_SLOT.
   */
  find(p: DecodedPacket, h: number): number {
    if (!this.indexed) this.reindex();
    const index = this.index;
    const mask = this.mask;
    const pages = this.keyPages;
    const meta = p.protocol | (p.ipVersion << 8) | (p.tunnelId << 16);
    const vlan = p.vlanId;
    const ports = p.srcPort | (p.dstPort << 16);
    const s0 = p.src0 | 0;
    const d0 = p.dst0 | 0;
    let i = (h << 1) & mask;
    for (;;) {
      const s = index[i + 1]!;
      if (s === NO_SLOT) return NO_SLOT;
      if (index[i] === h) {
        const k = pages[s >> PAGE_SHIFT]!;
        const o = (s & PAGE_MASK) * KEY_WORDS;
        if (k[o + KEY_META] === meta && k[o + KEY_VLAN] === vlan) {
          // spec §2: direction 0 only when src/dst IPs and ports equal the flow's, in that orientation
          if (
            k[o + KEY_PORTS] === ports &&
            k[o] === s0 &&
            k[o + 4] === d0 &&
            k[o + 1] === (p.src1 | 0) &&
            k[o + 2] === (p.src2 | 0) &&
            k[o + 3] === (p.src3 | 0) &&
            k[o + 5] === (p.dst1 | 0) &&
            k[o + 6] === (p.dst2 | 0) &&
            k[o + 7] === (p.dst3 | 0)
          ) {
            this.lastDirection = 0;
            return s;
          }
          if (
            k[o + KEY_PORTS] === (p.dstPort | (p.srcPort << 16)) &&
            k[o] === d0 &&
            k[o + 4] === s0 &&
            k[o + 1] === (p.dst1 | 0) &&
            k[o + 2] === (p.dst2 | 0) &&
            k[o + 3] === (p.dst3 | 0) &&
            k[o + 5] === (p.src1 | 0) &&
            k[o + 6] === (p.src2 | 0) &&
            k[o + 7] === (p.src3 | 0)
          ) {
            this.lastDirection = 1;
            return s;
          }
        }
      }
      i = (i + 2) & mask;
    }
  }

  /** Creates a flow oriented like packet `p` and appends it at the cache tail. Returns its slot. */
  insert(p: DecodedPacket, h: number): number {
    if (!this.indexed) this.reindex();
    if (this.size + 1 > (this.index.length >> 1) * MAX_LOAD) this.rehash(this.index.length << 1);
    const s = this.takeSlot();
    const k = this.keyPages[s >> PAGE_SHIFT]!;
    const o = (s & PAGE_MASK) * KEY_WORDS;
    storeAddressWords(p, k, o);
    k[o + KEY_PORTS] = p.srcPort | (p.dstPort << 16);
    k[o + KEY_META] = p.protocol | (p.ipVersion << 8) | (p.tunnelId << 16);
    k[o + KEY_VLAN] = p.vlanId;
    k[o + KEY_HASH] = h;
    // append to the creation-order list
    const l = this.links[s >> PAGE_SHIFT]!;
    const lo = (s & PAGE_MASK) * LINK_WORDS;
    l[lo + LINK_PREV] = this.tail;
    l[lo + LINK_NEXT] = NO_SLOT;
    if (this.tail === NO_SLOT) this.head = s;
    else this.setLink(this.links, this.tail, LINK_NEXT, s);
    this.tail = s;
    if (this.recency) this.appendRecent(s);
    this.size++;
    const index = this.index;
    const mask = this.mask;
    let i = (h << 1) & mask;
    while (index[i + 1] !== NO_SLOT) i = (i + 2) & mask;
    index[i] = h;
    index[i + 1] = s;
    return s;
  }

  /** Removes the flow at `slot` from the index and the cache list; the slot becomes free. */
  remove(slot: number): void {
    if (this.indexed) this.unindex(slot);
    const l = this.links[slot >> PAGE_SHIFT]!;
    const lo = (slot & PAGE_MASK) * LINK_WORDS;
    const p = l[lo + LINK_PREV]!;
    const n = l[lo + LINK_NEXT]!;
    if (p === NO_SLOT) this.head = n;
    else this.setLink(this.links, p, LINK_NEXT, n);
    if (n === NO_SLOT) this.tail = p;
    else this.setLink(this.links, n, LINK_PREV, p);
    if (this.recency) this.unlinkRecent(slot);
    l[lo + LINK_NEXT] = this.freeHead;
    this.freeHead = slot;
    this.size--;
  }

  /**
   * Drops the index: for the end of input, when every flow is about to be removed and none looked
   * up, so removals skip a random access each. A later {@link find} or {@link insert} rebuilds it.
   */
  dropIndex(): void {
    this.indexed = false;
  }

  /** Removes the slot's (hash, slot) pair from the index. */
  private unindex(slot: number): void {
    const index = this.index;
    const mask = this.mask;
    // every step below runs for every removal, also when the pair sits at its home: an arithmetic
    // step or comparison first reached after the packet path was optimised (a collision, a chain
    // that wraps past the end) would deoptimise the whole path (it is inlined there) mid-run
    let i = ((this.keyWord(slot, KEY_HASH) << 1) - 2) & mask;
    do i = (i + 2) & mask;
    while (index[i + 1] !== slot);
    // backward-shift deletion keeps probe chains intact without tombstones
    let j = i;
    for (;;) {
      j = (j + 2) & mask;
      const s = index[j + 1]!;
      if (s === NO_SLOT) break;
      const home = (index[j]! << 1) & mask;
      // the pair stays when its home lies in (i, j], cyclically: its home is nearer to j than i is
      if (((j - home) & mask) >= ((j - i) & mask)) {
        index[i] = index[j]!;
        index[i + 1] = s;
        i = j;
      }
    }
    index[i + 1] = NO_SLOT;
  }

  /** Indexes every live flow again (after {@link dropIndex}). */
  private reindex(): void {
    const index = this.index.fill(NO_SLOT);
    const mask = this.mask;
    for (let s = this.head; s !== NO_SLOT; s = this.next(s)) {
      const h = this.keyWord(s, KEY_HASH);
      let i = (h << 1) & mask;
      while (index[i + 1] !== NO_SLOT) i = (i + 2) & mask;
      index[i] = h;
      index[i + 1] = s;
    }
    this.indexed = true;
  }

  /** The slot after `slot` in creation order, or NO_SLOT. */
  next(slot: number): number {
    return this.links[slot >> PAGE_SHIFT]![(slot & PAGE_MASK) * LINK_WORDS + LINK_NEXT]!;
  }

  /** Marks the flow at `slot` as the most recently seen (only with `recency`). O(1). */
  touch(slot: number): void {
    if (slot === this.lruTail) return;
    this.unlinkRecent(slot);
    this.appendRecent(slot);
  }

  private appendRecent(slot: number): void {
    const l = this.lruLinks[slot >> PAGE_SHIFT]!;
    const lo = (slot & PAGE_MASK) * LINK_WORDS;
    l[lo + LINK_PREV] = this.lruTail;
    l[lo + LINK_NEXT] = NO_SLOT;
    if (this.lruTail === NO_SLOT) this.lruHead = slot;
    else this.setLink(this.lruLinks, this.lruTail, LINK_NEXT, slot);
    this.lruTail = slot;
  }

  private unlinkRecent(slot: number): void {
    const l = this.lruLinks[slot >> PAGE_SHIFT]!;
    const lo = (slot & PAGE_MASK) * LINK_WORDS;
    const p = l[lo + LINK_PREV]!;
    const n = l[lo + LINK_NEXT]!;
    if (p === NO_SLOT) this.lruHead = n;
    else this.setLink(this.lruLinks, p, LINK_NEXT, n);
    if (n === NO_SLOT) this.lruTail = p;
    else this.setLink(this.lruLinks, n, LINK_PREV, p);
  }

  private setLink(links: Int32Array[], slot: number, which: number, to: number): void {
    links[slot >> PAGE_SHIFT]![(slot & PAGE_MASK) * LINK_WORDS + which] = to;
  }

  // ---- key fields of a slot (emission time) ----------------------------------------------------

  /** Key word `w` ({@link KEY_SRC}…{@link KEY_HASH}) of the flow at `slot`, as stored (int32). */
  keyWord(slot: number, w: number): number {
    return this.keyPages[slot >> PAGE_SHIFT]![(slot & PAGE_MASK) * KEY_WORDS + w]!;
  }
  /** Address word `w` (0–3) of the flow's source, as an unsigned 32-bit number. */
  srcWord(slot: number, w: number): number {
    return this.keyWord(slot, KEY_SRC + w) >>> 0;
  }
  dstWord(slot: number, w: number): number {
    return this.keyWord(slot, KEY_DST + w) >>> 0;
  }
  srcPort(slot: number): number {
    return this.keyWord(slot, KEY_PORTS) & 0xffff;
  }
  dstPort(slot: number): number {
    return this.keyWord(slot, KEY_PORTS) >>> 16;
  }
  protocol(slot: number): number {
    return this.keyWord(slot, KEY_META) & 0xff;
  }
  ipVersion(slot: number): number {
    return (this.keyWord(slot, KEY_META) >>> 8) & 0xff;
  }
  tunnelId(slot: number): number {
    return this.keyWord(slot, KEY_META) >>> 16;
  }
  vlanId(slot: number): number {
    return this.keyWord(slot, KEY_VLAN);
  }

  /** Bytes held by the table's own pages and index (for memory reports). */
  get byteLength(): number {
    let n = this.index.byteLength;
    for (const pages of [this.keyPages, this.links, this.lruLinks]) for (const page of pages) n += page.byteLength;
    return n;
  }

  /** A free slot: the last removed one, else a never-used one (adding a page when none is left). */
  private takeSlot(): number {
    const s = this.freeHead;
    if (s !== NO_SLOT) {
      this.freeHead = this.next(s);
      return s;
    }
    if (this.fresh === this.capacity) this.addPages(this.capacity + PAGE_SLOTS);
    return this.fresh++;
  }

  private addPages(capacity: number): void {
    addPages(this.keyPages, capacity, () => new Int32Array(PAGE_SLOTS * KEY_WORDS));
    addPages(this.links, capacity, () => new Int32Array(PAGE_SLOTS * LINK_WORDS));
    if (this.recency) addPages(this.lruLinks, capacity, () => new Int32Array(PAGE_SLOTS * LINK_WORDS));
    this.capacity = this.keyPages.length * PAGE_SLOTS;
    if (this.onGrow !== null) this.onGrow(this.capacity);
  }

  /**
   * Moves every (hash, slot) pair into an index of `length` words. The old index is read in order,
   * so pairs land in the new one in nearly ascending positions: both are walked sequentially.
   */
  private rehash(length: number): void {
    const index = new Int32Array(length).fill(NO_SLOT);
    movePairs(this.index, index);
    this.index = index;
    this.mask = length - 1;
  }
}

/**
 * Inserts every (hash, slot) pair of `from` into the empty index `to`. A function of its own, so
 * the loop is optimised once for every rehash (not on-stack in a method that then deoptimises).
 */
function movePairs(from: Int32Array, to: Int32Array): void {
  const mask = to.length - 1;
  for (let j = 0; j < from.length; j += 2) {
    const s = from[j + 1]!;
    if (s === NO_SLOT) continue;
    const h = from[j]!;
    let i = (h << 1) & mask;
    while (to[i + 1] !== NO_SLOT) i = (i + 2) & mask;
    to[i] = h;
    to[i + 1] = s;
  }
}

/** Seed of the static {@link FlowTable.hashPacket} (reproducible hashes for tests and tools). */
const FIXED_SEED = 0x9e3779b9 | 0;

function randomSeed(): number {
  return globalThis.crypto.getRandomValues(new Int32Array(1))[0]!;
}

function endpointHash(a0: number, a1: number, a2: number, a3: number, port: number, seed: number): number {
  let h = Math.imul(a0 ^ seed, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ a1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ a2, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ a3, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ port, 0x9e3779b1);
  return h ^ (h >>> 15);
}
