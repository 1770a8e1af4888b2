import { createRequire } from 'node:module';

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
  let koffi: Koffi;
  try {
    // koffi is a CommonJS native addon: require() keeps compileBpf synchronous.
    koffi = createRequire(import.meta.url)('koffi');
  } catch (e) {
    return new Error(
      `BPF filters need the optional dependency "koffi" (npm install koffi) and the system libpcap ` +
        `(Debian/Ubuntu: apt install libpcap0.8 or libpcap-dev): ${(e as Error).message}`,
    );
  }
  let lib: Koffi = null;
  let path = '';
  const failures: string[] = [];
  for (const name of LIBRARY_NAMES) {
    try {
      lib = koffi.load(name);
      path = name;
      break;
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  if (lib === null) {
    return new Error(
      `BPF filters need the system libpcap, which could not be loaded ` +
        `(Debian/Ubuntu: apt install libpcap0.8 or libpcap-dev; Fedora: dnf install libpcap; ` +
        `macOS: built in). Tried ${LIBRARY_NAMES.join(', ')}: ${failures[0] ?? ''}`,
    );
  }
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
