import { loadKoffi } from '../koffi.js';

/** One classic BPF instruction as libpcap's `struct bpf_insn` holds it. */
export interface RawBpfInsn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** Result of {@link Libpcap.compile}: instructions, or libpcap's error text. */
export type LibpcapCompileResult = { ok: true; insns: Uint32Array } | { ok: false; message: string };

/**
 * The part of the system libpcap flowstream uses (through koffi): BPF compilation, plus the
 * offline reader the tests use as a reference.
 */
export interface Libpcap {
  /** Shared object that was loaded (e.g. `libpcap.so.0.8`). */
  readonly path: string;
  /** `pcap_lib_version()` text. */
  readonly version: string;
  /**
   * Compiles `expression` for a DLT as NFStream does: `pcap_open_dead(linkType, 262144)`,
   * `pcap_compile(optimize = 1, netmask = 0xFFFFFF00)`. Returns the instructions packed as
   * `[code, jt, jf, k] × n`.
   */
  compile(expression: string, linkType: number, snaplen?: number): LibpcapCompileResult;
}

const SNAPLEN = 262144;
const NETMASK = 0xffffff00;

/** Names tried in order: Debian/Ubuntu runtime package first, then the -dev symlink, then macOS. */
const LIBRARY_NAMES = ['libpcap.so.0.8', 'libpcap.so.1', 'libpcap.so', 'libpcap.A.dylib', 'libpcap.dylib'];

let cached: Libpcap | Error | undefined;

/** koffi and the loaded libpcap shared object, as {@link openLibpcapLibrary} returns them. */
export interface LibpcapLibrary {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly koffi: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly lib: any;
  /** Shared object that was loaded (e.g. `libpcap.so.0.8`). */
  readonly path: string;
}

let library: LibpcapLibrary | { missing: string } | undefined;

/**
 * Loads koffi and the system libpcap shared object once, for every binding that needs it (BPF
 * compilation here, live capture in the streamer).
 *
 * @param purpose what needs libpcap, for the error sentence (e.g. "BPF filters", "Live capture").
 * @returns the library, or an Error saying what to install.
 * @example
 * ```ts
 * const pcap = openLibpcapLibrary('Live capture');
 * if (pcap instanceof Error) throw pcap;
 * pcap.lib.func('const char *pcap_lib_version()')();
 * ```
 */
export function openLibpcapLibrary(purpose: string): LibpcapLibrary | Error {
  library ??= openLibrary();
  if ('missing' in library) return new Error(`${purpose} ${library.missing}`);
  return library;
}

function openLibrary(): LibpcapLibrary | { missing: string } {
  let koffi: Koffi;
  try {
    // koffi is a CommonJS native addon: require() keeps compileBpf synchronous.
    koffi = loadKoffi();
  } catch (e) {
    return {
      missing:
        `need the optional dependency "koffi" (npm install koffi) and the system libpcap ` +
        `(Debian/Ubuntu: apt install libpcap0.8 or libpcap-dev): ${(e as Error).message}`,
    };
  }
  const failures: string[] = [];
  for (const name of LIBRARY_NAMES) {
    try {
      return { koffi, lib: koffi.load(name), path: name };
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  return {
    missing:
      `need the system libpcap, which could not be loaded ` +
      `(Debian/Ubuntu: apt install libpcap0.8 or libpcap-dev; Fedora: dnf install libpcap; ` +
      `macOS: built in). Tried ${LIBRARY_NAMES.join(', ')}: ${failures[0] ?? ''}`,
  };
}

/**
 * Loads the system libpcap through koffi, once. Nothing is loaded until a BPF filter is used, so
 * flowstream needs neither koffi nor libpcap otherwise.
 *
 * @returns the binding, or an Error saying what to install.
 * @example
 * ```ts
 * const pcap = loadLibpcap();
 * if (pcap instanceof Error) throw pcap;
 * ```
 */
export function loadLibpcap(): Libpcap | Error {
  if (cached === undefined) cached = bind();
  return cached;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Koffi = any;

function bind(): Libpcap | Error {
  const loaded = openLibpcapLibrary('BPF filters');
  if (loaded instanceof Error) return loaded;
  const { koffi, lib, path } = loaded;
  // Types are registered under unique names: koffi's type registry is global to the process.
  const insnType = koffi.struct('flowstream_bpf_insn', { code: 'uint16_t', jt: 'uint8_t', jf: 'uint8_t', k: 'uint32_t' });
  koffi.struct('flowstream_bpf_program', { bf_len: 'uint32_t', bf_insns: 'void *' });
  koffi.opaque('flowstream_pcap_t');
  const openDead = lib.func('flowstream_pcap_t *pcap_open_dead(int linktype, int snaplen)');
  const compile = lib.func(
    'int pcap_compile(flowstream_pcap_t *p, _Inout_ flowstream_bpf_program *fp, const char *str, int optimize, uint32_t netmask)',
  );
  const freecode = lib.func('void pcap_freecode(_Inout_ flowstream_bpf_program *fp)');
  const geterr = lib.func('const char *pcap_geterr(flowstream_pcap_t *p)');
  const close = lib.func('void pcap_close(flowstream_pcap_t *p)');
  const libVersion = lib.func('const char *pcap_lib_version()');

  return {
    path,
    version: String(libVersion()),
    compile(expression: string, linkType: number, snaplen = SNAPLEN): LibpcapCompileResult {
      const p = openDead(linkType, snaplen);
      if (p === null) return { ok: false, message: `pcap_open_dead(${linkType}) failed` };
      const prog = { bf_len: 0, bf_insns: null as unknown };
      // Finally-free: pcap_close must run whatever happens (compile-time path, not per packet).
      try {
        if (compile(p, prog, expression, 1, NETMASK) !== 0) {
          return { ok: false, message: String(geterr(p)) };
        }
        const n = prog.bf_len;
        const raw = (n > 0 ? koffi.decode(prog.bf_insns, insnType, n) : []) as RawBpfInsn[];
        const insns = new Uint32Array(n * 4);
        for (let i = 0; i < n; i++) {
          const r = raw[i]!;
          insns[i * 4] = r.code;
          insns[i * 4 + 1] = r.jt;
          insns[i * 4 + 2] = r.jf;
          insns[i * 4 + 3] = r.k;
        }
        freecode(prog);
        return { ok: true, insns };
      } finally {
        close(p);
      }
    },
  };
}
