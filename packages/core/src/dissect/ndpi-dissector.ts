import { unsignedTimeMs } from '../capture/time-ms.js';
import type { DecodedPacket } from '../decode/decoded-packet.js';
import type { NFlow } from '../flow/nflow.js';
import type { DissectionFields } from '../flow/flow-batch-writer.js';
import { cString } from './c-string.js';
import type { FlowDissector } from './flow-dissector.js';
import { FlowStructPool } from './flow-struct-pool.js';
import { compatLabel, compatProtocolName, type NdpiEvidence, type NdpiLabel } from './ndpi-compat.js';
import { NDPI_LAYOUT as L, NDPI_PROTO } from './ndpi-layout.js';
import { variableFields } from '../shapes/variable-fields.js';
import type { NdpiAddress, NdpiFunctions, NdpiLibrary } from './ndpi-library.js';

/** NFStream's C buffer sizes minus the terminator (spec §11). */
const MAX_NAME = 39;
const MAX_SERVER_NAME = 79;
const MAX_CONTENT_TYPE = 63;
const MAX_USER_AGENT = 255;
/** NFStream copies fingerprints into 48-byte buffers; nDPI's are shorter (JA3/HASSH 32 hex). */
const MAX_FINGERPRINT = 47;

/** `ndpi_no_prefs`, as NFStream's engine initialises its dissector. */
const NDPI_NO_PREFS = 0;

/** Slot states. */
const FREE = 0;
/** nDPI flow allocated, packets still dissected. */
const DISSECTING = 1;
/** Dissection finished (spec §11 "done"): results collected, nDPI flow freed. */
const DONE = 2;

/** The nine nDPI columns of one flow, collected when its dissection ends. */
interface Dissection {
  name: string;
  category: string;
  guessed: number;
  confidence: number;
  serverName: string;
  clientFingerprint: string;
  serverFingerprint: string;
  userAgent: string;
  contentType: string;
}

/**
 * Creates the nDPI dissector of one flow meter: one nDPI detection module (all protocols enabled,
 * like ndpiReader and NFStream), one nDPI flow struct per flow while it is dissected, and the
 * `n_dissections` rules of spec §11. Flows are identified by the meter's slot number.
 *
 * @param nDissections NFStream's `n_dissections` (1…255): most packets nDPI sees per flow.
 * @example
 * ```ts
 * import { FlowMeter, createNdpiDissector, loadNdpi } from '@flowstream/core';
 *
 * const lib = loadNdpi();
 * if (lib instanceof Error) throw lib;
 * const meter = new FlowMeter({
 *   decodeTunnels: true, idleTimeoutMs: 120_000, activeTimeoutMs: 1_800_000, accountingMode: 0,
 *   statisticalAnalysis: false, spltAnalysis: 0, plugins: [], systemVisibility: false,
 *   dissector: createNdpiDissector(lib, 20), // one dissector per meter; the meter calls it
 * });
 * // … meter.process(packet) for every packet; flows then carry application_name and the other nDPI fields
 * ```
 */
export function createNdpiDissector(lib: NdpiLibrary, nDissections: number): FlowDissector {
  if (!Number.isInteger(nDissections) || nDissections < 1 || nDissections > 255) {
    throw new RangeError(`nDissections must be an integer in 1…255, got ${nDissections}`);
  }
  return new NdpiDissector(lib, nDissections);
}

/**
 * The last packet of a flow (its count) that can change its nDPI fields with `nDissections` (spec
 * §11): the k-th ends every dissection, known or not, from k = 2 on; with k = 1 only an unknown
 * flow is given up at its first packet, and a known one goes on while extra dissection is possible.
 */
export function lastDissectedPacket(nDissections: number): number {
  return nDissections === 1 ? Infinity : nDissections;
}

class NdpiDissector implements FlowDissector {
  private readonly fn: NdpiFunctions;
  /** The detection module's address, 0 once closed. */
  private module: NdpiAddress;
  /** The slot's nDPI flow struct in {@link structs} while DISSECTING. */
  private structIds = new Int32Array(1024);
  /** The flow structs, in memory this side owns (no `ndpi_calloc`/`ndpi_free` call per flow). */
  private readonly structs: FlowStructPool;
  private state = new Uint8Array(1024);
  /** Last `ndpi_protocol` returned for the slot, as `master | app << 16` (category read at collect). */
  private proto = new Uint32Array(1024);
  private guessed = new Uint8Array(1024);
  /** Slots whose label comes from give-up: `ndpi_protocol.category` of its result, else -1. */
  private giveUpCategory = new Int32Array(1024).fill(-1);
  /** `flow->guessed_protocol_id` just before give-up (4.2 may clear it). */
  private portGuessBefore = new Uint16Array(1024);
  /**
   * Results of DONE slots, as long as {@link state} and filled with null from the start: a write
   * past the end or the first object in an array of nulls changes its elements kind, which threw
   * away the optimised code of every function reading it (trace of deoptimisations).
   */
  private results: (Dissection | null)[] = new Array<Dissection | null>(1024).fill(null);
  private readonly guessedOut = new Uint8Array(1);
  private readonly matchResult = new Uint8Array(L.sizeofProtocolMatchResult);
  /**
   * The flow struct being collected, read where it lies: its pool page as bytes and as numbers,
   * and where it starts in them (a copy of its 688 bytes per flow cost more than the reads).
   */
  private page: Uint8Array = new Uint8Array(0);
  private pageView: DataView = new DataView(new ArrayBuffer(0));
  private at = 0;
  /** Copy of one of the struct's heap strings. */
  private readonly stringBytes = new Uint8Array(MAX_USER_AGENT + 1);
  private readonly protoNames: (string | undefined)[] = [];
  /** Application names by `master << 16 | app` (see {@link applicationName}). */
  private readonly appNames = new Map<number, string>();
  private readonly categoryNames: (string | undefined)[] = [];
  private readonly defaultCategories: (number | undefined)[] = [];
  private readonly packets: PacketAddresses;
  /** What {@link collect} hands the label rules, reused for every flow (see `compatLabel`). */
  private readonly labelInput: NdpiLabel = { master: 0, app: 0, category: 0, confidence: 0, guessed: 0 };
  private readonly evidence: NdpiEvidence = {
    gaveUp: false,
    portGuess: 0,
    ipMatch: 0,
    // TLS sets subprotocol_detected for SNI and certificate names; QUIC only matches its SNI.
    dpiNamed: (master, app) =>
      (isTlsLike(master) && (this.page[this.at + L.tlsQuicFlags]! & L.tlsSubprotocolDetectedMask) !== 0) ||
      this.hostNameMatches(this.live(), app),
    defaultCategory: (id) => this.defaultCategory(this.live(), id),
  };

  /** {@link lastDissectedPacket} of this dissector's `nDissections`. */
  private readonly lastPacket: number;

  constructor(
    lib: NdpiLibrary,
    private readonly nDissections: number,
  ) {
    this.lastPacket = lastDissectedPacket(nDissections);
    // replaced by longer arrays as the flow table grows, after the dissection path was optimised
    variableFields(this, 'structIds', 'state', 'proto', 'guessed', 'giveUpCategory', 'portGuessBefore', 'page', 'pageView', 'at');
    this.fn = lib.fn;
    this.structs = new FlowStructPool(L.sizeofFlowStruct, (bytes) => Number(this.fn.addressOf(bytes, bytes, 0)));
    const module = this.fn.initDetectionModule(NDPI_NO_PREFS);
    if (module === 0) throw new Error('nDPI: ndpi_init_detection_module failed');
    // NDPI_BITMASK_SET_ALL: every protocol dissector enabled.
    this.fn.setProtocolDetectionBitmask2(module, new Uint8Array(L.sizeofProtocolBitmask).fill(0xff));
    this.fn.finalizeInitialization(module);
    this.module = module;
    this.packets = new PacketAddresses(this.fn);
  }

  init(slot: number, packet: DecodedPacket): void {
    const module = this.live();
    if (slot >= this.state.length) this.grow(slot);
    if (this.state[slot] !== FREE) this.release(slot); // a slot reused without expire: never leak
    const id = this.structs.take();
    const flow = this.structs.address(id);
    this.structIds[slot] = id;
    this.state[slot] = DISSECTING;
    this.guessed[slot] = 0;
    this.giveUpCategory[slot] = -1;
    // spec §11: packet 1 is always dissected; with k == 1 an unknown flow is given up at once.
    this.proto[slot] = this.process(module, flow, packet);
    if (this.nDissections === 1 && this.proto[slot]! >>> 16 === NDPI_PROTO.UNKNOWN) {
      this.giveUp(module, slot, flow);
      this.finish(slot);
    }
  }

  update(slot: number, packet: DecodedPacket, flowPackets: number): void {
    if (this.state[slot] !== DISSECTING) return;
    const module = this.live();
    const flow = this.structs.address(this.structIds[slot]!);
    // spec §11: continue while unknown, or known with extra dissection possible; else done.
    if (this.proto[slot]! >>> 16 === NDPI_PROTO.UNKNOWN || this.fn.extraDissectionPossible(module, flow) !== 0) {
      this.proto[slot] = this.process(module, flow, packet);
    } else {
      this.finish(slot);
      return;
    }
    if (flowPackets === this.lastPacket) {
      if (this.proto[slot]! >>> 16 === NDPI_PROTO.UNKNOWN) this.giveUp(module, slot, flow);
      this.finish(slot);
    }
  }

  expire(slot: number, flow: NFlow): void {
    const state = slot < this.state.length ? this.state[slot] : FREE;
    if (state === DISSECTING) {
      // spec §11: at expiry, an unknown flow whose dissection is not done is given up, then collected.
      if (this.proto[slot]! >>> 16 === NDPI_PROTO.UNKNOWN) this.giveUp(this.live(), slot, this.structs.address(this.structIds[slot]!));
      this.finish(slot);
    }
    writeDissection(slot < this.results.length ? this.results[slot]! : null, flow);
    if (slot < this.state.length) {
      this.results[slot] = null;
      this.state[slot] = FREE;
    }
  }

  dissecting(slot: number): boolean {
    return slot < this.state.length && this.state[slot] === DISSECTING;
  }

  peek(slot: number, out: DissectionFields): void {
    const state = slot < this.state.length ? this.state[slot] : FREE;
    // a dissection still running is read as it stands: no give-up, the flow goes on
    const r = state === DONE ? this.results[slot]! : state === DISSECTING ? this.collect(slot) : null;
    writeDissection(r, out);
  }

  close(): void {
    if (this.module === 0) return;
    for (let s = 0; s < this.state.length; s++) if (this.state[s] !== FREE) this.release(s);
    this.fn.exitDetectionModule(this.module);
    this.module = 0;
    this.packets.reset();
  }

  private live(): NdpiAddress {
    if (this.module === 0) throw new Error('nDPI dissector used after close()');
    return this.module;
  }

  /** One FFI call: `ndpi_detection_process_packet` on the inner IP bytes, no copy, no allocation. */
  private process(module: NdpiAddress, flow: NdpiAddress, p: DecodedPacket): number {
    const address = this.packets.addressOf(p.data);
    const ms = unsignedTimeMs(p.timeMs);
    if (address !== 0) return this.fn.processPacketAt(module, flow, address + p.ipOffset, p.ipLength, ms);
    return this.fn.processPacket(module, flow, p.data.subarray(p.ipOffset, p.ipOffset + p.ipLength), p.ipLength, ms);
  }

  private giveUp(module: NdpiAddress, slot: number, flow: NdpiAddress): void {
    this.guessedOut[0] = 0;
    const id = this.structIds[slot]!;
    const page = this.structs.bytes(id);
    const at = this.structs.offset(id) + L.guessedProtocolId;
    this.portGuessBefore[slot] = page[at]! | (page[at + 1]! << 8); // little-endian, as the layout's other reads
    const ret = Number(this.fn.detectionGiveup(module, flow, 1, this.guessedOut));
    this.proto[slot] = ret % 0x1_0000_0000;
    this.giveUpCategory[slot] = Math.floor(ret / 0x1_0000_0000);
    this.guessed[slot] = this.guessedOut[0]!;
  }

  /** Collects the columns from the nDPI flow (spec §11), then frees it. */
  private finish(slot: number): void {
    this.results[slot] = this.collect(slot);
    this.freeStruct(slot);
    this.state[slot] = DONE;
  }

  /**
   * Frees nDPI's allocations in the slot's flow struct and gives the struct back to the pool. Most
   * flows have none (no HTTP strings, no TLS names): for them `ndpi_free_flow_data` is not called.
   */
  private freeStruct(slot: number): void {
    const id = this.structIds[slot]!;
    if (holdsAllocations(this.structs.view(id), this.structs.offset(id))) this.fn.freeFlowData(this.structs.address(id));
    this.structs.give(id);
  }

  /** The slot's columns, read from its struct in JS (no call into C but for a heap string's length). */
  private collect(slot: number): Dissection {
    const module = this.live();
    const id = this.structIds[slot]!;
    // the label rules and the string readers read the struct through these
    const bytes = (this.page = this.structs.bytes(id));
    const view = (this.pageView = this.structs.view(id));
    const at = (this.at = this.structs.offset(id));
    const proto = this.proto[slot]!;
    const gaveUp = this.giveUpCategory[slot]! >= 0;
    const portGuess = view.getUint16(at + L.guessedProtocolId, true);
    // the label's inputs are written into reused objects: a flow costs no objects or closures here
    const input = this.labelInput;
    input.master = proto & 0xffff;
    input.app = proto >>> 16;
    // ndpi_protocol.category of the last result; process_packet keeps it equal to flow->category
    input.category = gaveUp ? this.giveUpCategory[slot]! : view.getUint32(at + L.category, true);
    input.confidence = view.getUint32(at + L.confidence, true);
    input.guessed = this.guessed[slot]!;
    const evidence = this.evidence;
    evidence.gaveUp = gaveUp;
    evidence.portGuess = portGuess === 0 && this.portGuessBefore[slot] === NDPI_PROTO.QUIC ? NDPI_PROTO.QUIC : portGuess;
    evidence.ipMatch = view.getUint16(at + L.guessedHostProtocolId, true);
    const label = compatLabel(input, evidence);
    const { master, app } = label;
    const r: Dissection = {
      name: this.applicationName(module, master, app),
      category: this.categoryName(module, label.category),
      guessed: label.guessed,
      confidence: label.confidence,
      serverName: cString(bytes, at + L.hostServerName, MAX_SERVER_NAME),
      clientFingerprint: '',
      serverFingerprint: '',
      userAgent: '',
      contentType: '',
    };
    // spec §11: checked on master or app, first match wins.
    if (isEither(master, app, NDPI_PROTO.DHCP)) {
      r.clientFingerprint = cString(bytes, at + L.dhcpFingerprint, MAX_FINGERPRINT);
    } else if (isEither(master, app, NDPI_PROTO.HTTP)) {
      r.contentType = this.heapString(L.httpContentType, MAX_CONTENT_TYPE);
      r.userAgent = this.heapString(L.httpUserAgent, MAX_USER_AGENT);
    } else if (isEither(master, app, NDPI_PROTO.SSH)) {
      r.clientFingerprint = cString(bytes, at + L.hasshClient, MAX_FINGERPRINT);
      r.serverFingerprint = cString(bytes, at + L.hasshServer, MAX_FINGERPRINT);
    } else if (isTlsLike(master) || isTlsLike(app)) {
      r.clientFingerprint = cString(bytes, at + L.ja3Client, MAX_FINGERPRINT);
      r.serverFingerprint = cString(bytes, at + L.ja3Server, MAX_FINGERPRINT);
      r.userAgent = this.heapString(L.httpUserAgent, MAX_USER_AGENT);
    }
    return r;
  }

  /**
   * `ndpi_protocol2name`'s `Master.App` rule (spec §11) with 4.7-dev names, ≤ 39 bytes; made once
   * per pair of ids (a flow's name is then a string already hashed, and the same string as the
   * last flow's of that pair).
   */
  private applicationName(module: NdpiAddress, master: number, app: number): string {
    const key = master * 0x1_0000 + app;
    let name = this.appNames.get(key);
    if (name === undefined) {
      name = this.pairName(module, master, app);
      this.appNames.set(key, name);
    }
    return name;
  }

  /** The name of the pair `master`, `app` (what {@link applicationName} keeps). */
  private pairName(module: NdpiAddress, master: number, app: number): string {
    let name: string;
    if (master !== NDPI_PROTO.UNKNOWN && master !== app) {
      name =
        app !== NDPI_PROTO.UNKNOWN
          ? `${this.protoName(module, master)}.${this.protoName(module, app)}`
          : this.protoName(module, master);
    } else {
      name = this.protoName(module, app);
    }
    return name.length > MAX_NAME ? name.slice(0, MAX_NAME) : name; // names are ASCII
  }

  private protoName(module: NdpiAddress, id: number): string {
    let name = this.protoNames[id];
    if (name === undefined) {
      name = compatProtocolName(this.fn.getProtoName(module, id) ?? 'Unknown');
      this.protoNames[id] = name;
    }
    return name;
  }

  /** Whether the collected flow's host name alone maps to protocol `id` in nDPI's host-name table. */
  private hostNameMatches(module: NdpiAddress, id: number): boolean {
    const page = this.page;
    const start = this.at + L.hostServerName;
    let end = start;
    while (end < start + L.hostServerNameSize && page[end] !== 0) end++;
    if (end === start) return false;
    // The host name is passed in place (a view of the flow struct's memory), with its length.
    const matched = this.fn.matchStringSubprotocol(module, page.subarray(start, end), end - start, this.matchResult);
    return matched === id;
  }

  /** nDPI's default category of protocol `id` (its `proto_defaults` entry). */
  private defaultCategory(module: NdpiAddress, id: number): number {
    let category = this.defaultCategories[id];
    if (category === undefined) {
      category = this.fn.getProtoCategory(module, { master_protocol: 0, app_protocol: id, category: 0 });
      this.defaultCategories[id] = category;
    }
    return category;
  }

  private categoryName(module: NdpiAddress, category: number): string {
    let name = this.categoryNames[category];
    if (name === undefined) {
      name = this.fn.categoryGetName(module, category) ?? '';
      this.categoryNames[category] = name;
    }
    return name;
  }

  /**
   * A `char *` member of the flow struct being collected (NULL ⇒ ''), read up to its NUL, at most
   * `max` bytes. The pointer is read from the struct copy as an integer (LP64: 8 bytes, < 2^53).
   */
  private heapString(offset: number, max: number): string {
    const view = this.pageView;
    const at = this.at + offset;
    const address = view.getUint32(at, true) + view.getUint32(at + 4, true) * 0x1_0000_0000;
    if (address === 0) return '';
    // strnlen first: never read past the C string's terminator.
    const n = this.fn.strnlenAt(address, max);
    this.fn.copyFromAddress(this.stringBytes, address, n);
    return cString(this.stringBytes, 0, n);
  }

  /** Frees a slot's nDPI flow without collecting (close, or a reused slot). */
  private release(slot: number): void {
    if (slot >= this.state.length) return;
    if (this.state[slot] === DISSECTING) this.freeStruct(slot);
    this.results[slot] = null;
    this.state[slot] = FREE;
  }

  private grow(slot: number): void {
    let n = this.state.length;
    while (n <= slot) n *= 2;
    this.state = grown(this.state, new Uint8Array(n));
    this.proto = grown(this.proto, new Uint32Array(n));
    this.guessed = grown(this.guessed, new Uint8Array(n));
    this.giveUpCategory = grown(this.giveUpCategory, new Int32Array(n).fill(-1));
    this.portGuessBefore = grown(this.portGuessBefore, new Uint16Array(n));
    this.structIds = grown(this.structIds, new Int32Array(n));
    for (let i = this.results.length; i < n; i++) this.results.push(null);
  }
}

/** `to`, a longer array of the same kind, with `from`'s values at its start. */
function grown<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * Whether the flow struct at `at` in `view` holds a pointer `ndpi_free_flow_data` would free (any
 * of them not NULL). Read as 32-bit halves: LP64 pointers, both halves zero for NULL.
 */
function holdsAllocations(view: DataView, at: number): boolean {
  const offsets = L.freedPointers;
  for (let i = 0; i < offsets.length; i++) {
    const o = at + offsets[i]!;
    if ((view.getUint32(o, true) | view.getUint32(o + 4, true)) !== 0) return true;
  }
  return false;
}

/** Protocols whose fields live in nDPI's `protos.tls_quic` (spec §11's JA3 list). */
function isTlsLike(id: number): boolean {
  return (
    id === NDPI_PROTO.TLS ||
    id === NDPI_PROTO.DTLS ||
    id === NDPI_PROTO.MAIL_SMTPS ||
    id === NDPI_PROTO.MAIL_IMAPS ||
    id === NDPI_PROTO.MAIL_POPS ||
    id === NDPI_PROTO.QUIC
  );
}

/** The nine nDPI fields of a dissection result (`null`: never dissected, spec §11's Unknown). */
function writeDissection(r: Dissection | null, out: DissectionFields): void {
  if (r === null) {
    writeUndissected(out);
    return;
  }
  out.application_name = r.name;
  out.application_category_name = r.category;
  out.application_is_guessed = r.guessed;
  out.application_confidence = r.confidence;
  out.requested_server_name = r.serverName;
  out.client_fingerprint = r.clientFingerprint;
  out.server_fingerprint = r.serverFingerprint;
  out.user_agent = r.userAgent;
  out.content_type = r.contentType;
}

/** The nine fields of a flow nDPI never dissected (spec §11's Unknown). */
export function writeUndissected(out: DissectionFields): void {
  out.application_name = 'Unknown';
  out.application_category_name = 'Unspecified';
  out.application_is_guessed = 0;
  out.application_confidence = 0;
  out.requested_server_name = '';
  out.client_fingerprint = '';
  out.server_fingerprint = '';
  out.user_agent = '';
  out.content_type = '';
}

/** True when `master` or `app` is protocol `id`. */
function isEither(master: number, app: number, id: number): boolean {
  return master === id || app === id;
}

/**
 * Native addresses of packet buffers, so `ndpi_detection_process_packet` can be given
 * `address + ipOffset` without making a subarray (an allocation) per packet. A capture reader
 * reuses one buffer, so the address is looked up once per buffer. ArrayBuffer backing stores do
 * not move once materialised (koffi itself passes them to C by pointer); the cache keeps the
 * buffer alive, so an address can never be reused by another buffer while cached.
 */
class PacketAddresses {
  private buffer: ArrayBufferLike | null = null;
  private base = 0;
  /** The last array asked about and its answer: readers hand the same array packet after packet. */
  private data: Uint8Array | null = null;
  private dataAddress = 0;

  constructor(private readonly fn: NdpiFunctions) {}

  /** Address of `data[0]`, or 0 when unknown (the caller then passes a subarray). */
  addressOf(data: Uint8Array): number {
    // `buffer` is a call into the engine for arrays over shared memory (a dissection thread's ring)
    if (data === this.data) return this.dataAddress;
    const buffer = data.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.base = 0;
      if (data.byteLength > 0) {
        const whole = new Uint8Array(buffer, 0, buffer.byteLength);
        const a = this.fn.addressOf(whole, whole, 0);
        // Only exact (safe-integer) addresses are usable as JS numbers.
        if (typeof a === 'number' && a !== 0 && Number.isSafeInteger(a + buffer.byteLength)) this.base = a;
      }
    }
    this.data = data;
    this.dataAddress = this.base === 0 ? 0 : this.base + data.byteOffset;
    return this.dataAddress;
  }

  reset(): void {
    this.buffer = null;
    this.base = 0;
    this.data = null;
    this.dataAddress = 0;
  }
}
