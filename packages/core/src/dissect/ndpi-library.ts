import { loadKoffi } from '../koffi.js';
import { NDPI_LAYOUT } from './ndpi-layout.js';

/** The few koffi members the binding uses (koffi is an optional dependency, loaded lazily). */
interface Koffi {
  load(path: string): { func(signature: string): (...args: unknown[]) => unknown };
  struct(name: string, def: Record<string, string>): unknown;
}

/**
 * A C pointer held as its address (a number; user-space addresses fit in 53 bits). The bindings
 * take and return `uintptr_t` rather than koffi's External objects, whose type tag koffi checks on
 * every call and one of which (a global handle with a finalizer) every `ndpi_calloc` made: the nDPI
 * + statistics run is 14 % faster without them.
 */
export type NdpiAddress = number;

/** @internal The bound C functions of libndpi (signatures checked against nDPI 4.2's ndpi_api.h). */
export interface NdpiFunctions {
  initDetectionModule(prefs: number): NdpiAddress;
  setProtocolDetectionBitmask2(module: NdpiAddress, mask: Uint8Array): void;
  finalizeInitialization(module: NdpiAddress): void;
  exitDetectionModule(module: NdpiAddress): void;
  /**
   * `ndpi_free_flow_data`: frees the flow's own allocations (HTTP strings, TLS names…), not the
   * struct, which the dissector's pool owns (`ndpi_free_flow` is this and `ndpi_free`).
   */
  freeFlowData(flow: NdpiAddress): void;
  /**
   * `ndpi_detection_process_packet`, packet given by address. The returned `ndpi_protocol` is
   * read as its low 32 bits, `master | app << 16` (the struct is returned in one integer register
   * on LP64 ABIs): a small integer, so the call allocates nothing on the JS heap.
   */
  processPacketAt(module: NdpiAddress, flow: NdpiAddress, packet: number, len: number, timeMs: number): number;
  /** Same C function, packet given as a typed array (fallback when addresses are unavailable). */
  processPacket(module: NdpiAddress, flow: NdpiAddress, packet: Uint8Array, len: number, timeMs: number): number;
  /** `ndpi_detection_giveup(module, flow, enable_guess, &protocol_was_guessed)`, full 64-bit result. */
  detectionGiveup(module: NdpiAddress, flow: NdpiAddress, enableGuess: number, guessed: Uint8Array): number | bigint;
  extraDissectionPossible(module: NdpiAddress, flow: NdpiAddress): number;
  getProtoName(module: NdpiAddress, id: number): string | null;
  /** `ndpi_get_proto_category(module, proto)`; `proto` passed by value (cold path only). */
  getProtoCategory(module: NdpiAddress, proto: { master_protocol: number; app_protocol: number; category: number }): number;
  categoryGetName(module: NdpiAddress, category: number): string | null;
  /** `ndpi_match_string_subprotocol`: the protocol a host name maps to (no flow involved). */
  matchStringSubprotocol(module: NdpiAddress, name: Uint8Array, len: number, result: Uint8Array): number;
  /** libc `memmove(dst, src, n)` from C memory into a JS buffer (koffi.view would leak, see below). */
  copyFromAddress(dst: Uint8Array, src: number, n: number): unknown;
  /** libc `strnlen` on a C address held as a number. */
  strnlenAt(address: number, max: number): number;
  /** libc `memmove(dst, src, 0)`, used only to learn a buffer's address (it returns `dst`). */
  addressOf(buffer: Uint8Array, same: Uint8Array, zero: number): number | bigint;
}

/**
 * A loaded nDPI shared library. Load it once per process with {@link loadNdpi}; each flow meter then
 * makes its own detection module with `createNdpiDissector`.
 */
export interface NdpiLibrary {
  /** The file that was loaded (`libndpi.so.4.2` or `libndpi.so`). */
  readonly path: string;
  /** `ndpi_revision()`, e.g. `4.2.0`. */
  readonly revision: string;
  /** `ndpi_get_api_version()`. */
  readonly apiVersion: number;
  /** @internal */
  readonly fn: NdpiFunctions;
  /** @internal */
  readonly koffi: Koffi;
}

const CANDIDATES = ['libndpi.so.4.2', 'libndpi.so'];
const INSTALL_HINT =
  'install the system nDPI library (Debian/Ubuntu: `apt-get install libndpi4.2`, or libndpi-dev for libndpi.so)';

let cached: NdpiLibrary | Error | undefined;

/**
 * Loads koffi and the system's nDPI library (once per process; later calls return the same result).
 * Returns an `Error` naming what to install instead of throwing, so callers can fall back to running
 * without application detection.
 *
 * @example
 * ```ts
 * import { loadNdpi, ndpiVersion } from '@flowstream/core';
 *
 * const lib = loadNdpi();
 * if (lib instanceof Error) console.warn(lib.message);
 * else console.log(ndpiVersion(lib)); // 'nDPI 4.2.0 (API 8668, libndpi.so.4.2)'
 * ```
 */
export function loadNdpi(): NdpiLibrary | Error {
  cached ??= tryLoad();
  return cached;
}

/**
 * Human-readable version of the loaded nDPI: revision, API version and file (the manifest's
 * `ndpiVersion`).
 *
 * @example
 * ```ts
 * import { loadNdpi, ndpiVersion } from '@flowstream/core';
 *
 * const lib = loadNdpi();
 * console.log(lib instanceof Error ? 'no nDPI' : ndpiVersion(lib)); // 'nDPI 4.2.0 (API 8668, libndpi.so.4.2)'
 * ```
 */
export function ndpiVersion(lib: NdpiLibrary): string {
  return `nDPI ${lib.revision} (API ${lib.apiVersion}, ${lib.path})`;
}

function tryLoad(): NdpiLibrary | Error {
  let koffi: Koffi;
  try {
    // Lazy and synchronous: the pure-TypeScript path must work where koffi is not installed.
    koffi = loadKoffi() as unknown as Koffi;
  } catch (err) {
    return new Error(`nDPI unavailable: the optional dependency koffi cannot be loaded (${errText(err)})`);
  }
  const failures: string[] = [];
  for (const path of CANDIDATES) {
    let lib: ReturnType<Koffi['load']>;
    try {
      lib = koffi.load(path);
    } catch (err) {
      failures.push(`${path}: ${errText(err)}`);
      continue;
    }
    try {
      return bind(koffi, lib, path);
    } catch (err) {
      return new Error(`nDPI unavailable: ${path} is not a usable nDPI 4.2 library: ${errText(err)}`);
    }
  }
  return new Error(`nDPI unavailable: cannot load ${failures.join('; ')}; ${INSTALL_HINT}`);
}

function bind(koffi: Koffi, lib: ReturnType<Koffi['load']>, path: string): NdpiLibrary {
  const f = (sig: string) => lib.func(sig);
  const apiVersion = f('uint16_t ndpi_get_api_version()')() as number;
  const flowSize = f('uint32_t ndpi_detection_get_sizeof_ndpi_flow_struct()')() as number;
  // The offsets in ndpi-layout.ts are only valid for this exact ABI.
  if (apiVersion !== NDPI_LAYOUT.apiVersion || flowSize !== NDPI_LAYOUT.sizeofFlowStruct) {
    throw new Error(
      `API version ${apiVersion} / flow struct ${flowSize} bytes, expected ${NDPI_LAYOUT.apiVersion} / ` +
        `${NDPI_LAYOUT.sizeofFlowStruct} (nDPI 4.2.0); ${INSTALL_HINT}`,
    );
  }
  const processPacket = 'ndpi_detection_process_packet';
  // ndpi_typedefs.h: typedef struct ndpi_proto { u_int16_t master_protocol, app_protocol; ndpi_protocol_category_t category; }
  koffi.struct('flowstream_ndpi_protocol', { master_protocol: 'uint16_t', app_protocol: 'uint16_t', category: 'uint32_t' });
  const fn = {
    initDetectionModule: f('uintptr_t ndpi_init_detection_module(uint32_t prefs)'),
    setProtocolDetectionBitmask2: f('void ndpi_set_protocol_detection_bitmask2(uintptr_t m, const uint8_t *mask)'),
    finalizeInitialization: f('void ndpi_finalize_initialization(uintptr_t m)'),
    exitDetectionModule: f('void ndpi_exit_detection_module(uintptr_t m)'),
    freeFlowData: f('void ndpi_free_flow_data(uintptr_t flow)'),
    processPacketAt: f(`uint32_t ${processPacket}(uintptr_t m, uintptr_t flow, uintptr_t packet, uint16_t len, uint64_t ms)`),
    processPacket: f(`uint32_t ${processPacket}(uintptr_t m, uintptr_t flow, const uint8_t *packet, uint16_t len, uint64_t ms)`),
    detectionGiveup: f('uint64_t ndpi_detection_giveup(uintptr_t m, uintptr_t flow, uint8_t guess, uint8_t *guessed)'),
    extraDissectionPossible: f('uint8_t ndpi_extra_dissection_possible(uintptr_t m, uintptr_t flow)'),
    getProtoName: f('const char *ndpi_get_proto_name(uintptr_t m, uint16_t id)'),
    getProtoCategory: f('uint32_t ndpi_get_proto_category(uintptr_t m, flowstream_ndpi_protocol proto)'),
    matchStringSubprotocol: f('int ndpi_match_string_subprotocol(uintptr_t m, const uint8_t *name, uint32_t len, uint8_t *result)'),
    categoryGetName: f('const char *ndpi_category_get_name(uintptr_t m, uint32_t category)'),
    // Resolved through libndpi's dependency tree (libc), so no libc file name is hard-coded.
    addressOf: f('uintptr_t memmove(uint8_t *dst, const uint8_t *src, size_t n)'),
    // C memory is copied into reusable JS buffers and C pointers read as integers: koffi.view's
    // ArrayBuffers and the Externals koffi.decode makes for non-NULL pointers are never released
    // (measured with koffi 2.16: ~200 and ~160 bytes of RSS each), which would leak per flow.
    // declared as returning nothing: memmove's result (dst) would come back as a number to drop
    copyFromAddress: f('void memmove(uint8_t *dst, uintptr_t src, size_t n)'),
    strnlenAt: f('size_t strnlen(uintptr_t s, size_t max)'),
  } as unknown as NdpiFunctions;
  const revision = (f('const char *ndpi_revision()')() as string | null) ?? '?';
  return { path, revision, apiVersion, fn, koffi };
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
