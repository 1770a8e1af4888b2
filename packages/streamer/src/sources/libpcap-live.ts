import { openLibpcapLibrary } from '@flowstream/core/internal';

/**
 * The libpcap calls of live capture, bound through koffi. Handles and buffers are passed as
 * plain addresses (`uintptr_t`): koffi then makes no JS object per call, which matters for the
 * calls the capture worker makes while packets flow (`pcap_dispatch` a batch, `poll`).
 */
export interface LivePcap {
  /** Shared object that was loaded. */
  readonly path: string;
  /** `pcap_create(device, errbuf)`: the handle's address, or 0 (errbuf holds the reason). */
  create(device: string, errbuf: Uint8Array): number;
  setSnaplen(p: number, snaplen: number): number;
  setPromisc(p: number, on: number): number;
  setBufferSize(p: number, bytes: number): number;
  setTimeout(p: number, ms: number): number;
  /** `pcap_set_tstamp_precision` (1 = nanoseconds); PCAP_ERROR_TSTAMP_PRECISION_NOTSUP when absent. */
  setTstampPrecision(p: number, precision: number): number;
  activate(p: number): number;
  /** `pcap_setnonblock(p, on, errbuf)`, after activation. */
  setNonblock(p: number, on: number, errbuf: Uint8Array): number;
  /** `pcap_get_selectable_fd`. */
  selectableFd(p: number): number;
  /** libc `poll(fds, n, timeout)` on a `struct pollfd` array at an address. */
  poll(fds: number, n: number, timeoutMs: number): number;
  datalink(p: number): number;
  geterr(p: number): string;
  statusToString(status: number): string;
  /** Compiles and installs a filter; returns null or libpcap's error text. */
  setFilter(p: number, expression: string): string | null;
  breakloop(p: number): void;
  close(p: number): void;
  /**
   * A memory stream over `bytes` at `address` (libc `fmemopen`, unbuffered) that libpcap's own
   * `pcap_dump` writes packets into, as pcap records (16-byte header, then the bytes): see
   * {@link dispatchToMemory}. Null when libc or libpcap lacks a piece of it.
   */
  openMemoryDump(p: number, address: number, bytes: number): MemoryDump | null;
  /**
   * `pcap_dispatch(p, count, pcap_dump, dump)` with the stream at byte `position`: up to `count`
   * packets written from there in one call (no call per packet). Returns the packets written,
   * 0 when none was waiting, -1 on error, -2 after `pcap_breakloop`.
   */
  dispatchToMemory(p: number, count: number, dump: MemoryDump, position: number): number;
  /** Closes the memory stream (`pcap_dump_close`). */
  closeMemoryDump(dump: MemoryDump): void;
  /** `pcap_stats(p, addr)` into a `struct pcap_stat` (ps_recv, ps_drop, ps_ifdrop: u32). */
  stats(p: number, out: number): number;
  /** Address of a typed array's first byte (its backing store must not move: use a SharedArrayBuffer). */
  addressOf(view: Uint8Array): number;
  /** `pcap_findalldevs`, decoded. */
  findAllDevices(): { name: string; description: string; addresses: string[]; flags: number }[] | Error;
}

/** The `pcap_dumper_t` (a `FILE *`) of a memory stream, see {@link LivePcap.openMemoryDump}. */
export interface MemoryDump {
  readonly dumper: number;
}

/** Bytes of the header `pcap_dump` writes before each packet (`struct pcap_sf_pkthdr`: sec, frac, caplen, len). */
export const DUMP_RECORD_HEADER = 16;

/** `PCAP_ERRBUF_SIZE`. */
export const ERRBUF_SIZE = 256;
/** `PCAP_IF_LOOPBACK`. */
export const IF_LOOPBACK = 1;

let cached: LivePcap | Error | undefined;

/**
 * Loads libpcap for live capture (once per thread).
 *
 * @returns the binding, or an Error whose message is one sentence saying what to install.
 * @example
 * ```ts
 * const pcap = loadLivePcap();
 * if (pcap instanceof Error) throw pcap;
 * console.log(pcap.findAllDevices());
 * ```
 */
export function loadLivePcap(): LivePcap | Error {
  cached ??= bind();
  return cached;
}

function bind(): LivePcap | Error {
  const loaded = openLibpcapLibrary('Live capture');
  if (loaded instanceof Error) return loaded;
  const { koffi, lib, path } = loaded;
  const f = (sig: string) => lib.func(sig);
  // koffi's type registry is process-wide (shared by worker threads): register once.
  let ifType: unknown;
  let addrType: unknown;
  try {
    ifType = koffi.resolve('flowstream_live_pcap_if');
    addrType = koffi.resolve('flowstream_live_pcap_addr');
  } catch {
    addrType = koffi.struct('flowstream_live_pcap_addr', {
      next: 'void *',
      addr: 'void *',
      netmask: 'void *',
      broadaddr: 'void *',
      dstaddr: 'void *',
    });
    ifType = koffi.struct('flowstream_live_pcap_if', {
      next: 'void *',
      name: 'const char *',
      description: 'const char *',
      addresses: 'void *',
      flags: 'uint32_t',
    });
  }
  const create = f('uintptr_t pcap_create(const char *dev, _Out_ uint8_t *errbuf)');
  const geterr = f('const char *pcap_geterr(uintptr_t p)');
  const compile = f('int pcap_compile(uintptr_t p, uint8_t *prog, const char *str, int optimize, uint32_t netmask)');
  const setfilter = f('int pcap_setfilter(uintptr_t p, uint8_t *prog)');
  const freecode = f('void pcap_freecode(uint8_t *prog)');
  const findalldevs = f('int pcap_findalldevs(_Out_ void **alldevs, _Out_ uint8_t *errbuf)');
  const freealldevs = f('void pcap_freealldevs(void *alldevs)');
  const addressOf = f('uintptr_t memmove(uint8_t *dst, const uint8_t *src, size_t n)');
  const textOf = (buf: Uint8Array) => {
    const end = buf.indexOf(0);
    return Buffer.from(buf.subarray(0, end < 0 ? buf.length : end)).toString('latin1');
  };
  const toNumber = (v: number | bigint) => Number(v);
  return {
    path,
    create: (device, errbuf) => toNumber(create(device, errbuf)),
    setSnaplen: f('int pcap_set_snaplen(uintptr_t p, int snaplen)'),
    setPromisc: f('int pcap_set_promisc(uintptr_t p, int on)'),
    setBufferSize: f('int pcap_set_buffer_size(uintptr_t p, int bytes)'),
    setTimeout: f('int pcap_set_timeout(uintptr_t p, int ms)'),
    setTstampPrecision: f('int pcap_set_tstamp_precision(uintptr_t p, int precision)'),
    activate: f('int pcap_activate(uintptr_t p)'),
    setNonblock: f('int pcap_setnonblock(uintptr_t p, int nonblock, _Out_ uint8_t *errbuf)'),
    selectableFd: f('int pcap_get_selectable_fd(uintptr_t p)'),
    poll: f('int poll(uintptr_t fds, unsigned long n, int timeout)'),
    datalink: f('int pcap_datalink(uintptr_t p)'),
    geterr: (p) => String(geterr(p) ?? ''),
    statusToString: (() => {
      const s = f('const char *pcap_statustostr(int status)');
      return (status: number) => String(s(status) ?? status);
    })(),
    setFilter(p, expression) {
      // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; } on LP64: 16 bytes
      const prog = new Uint8Array(16);
      if (compile(p, prog, expression, 1, 0xffffff00) !== 0) return String(geterr(p));
      try {
        return setfilter(p, prog) === 0 ? null : String(geterr(p));
      } finally {
        freecode(prog);
      }
    },
    breakloop: f('void pcap_breakloop(uintptr_t p)'),
    close: f('void pcap_close(uintptr_t p)'),
    stats: f('int pcap_stats(uintptr_t p, uintptr_t ps)'),
    ...memoryDump(f, path),
    addressOf: (view) => toNumber(addressOf(view, view, 0)),
    findAllDevices() {
      const out: unknown[] = [null];
      const errbuf = new Uint8Array(ERRBUF_SIZE);
      if (findalldevs(out, errbuf) !== 0) return new Error(`pcap_findalldevs: ${textOf(errbuf)}`);
      const list: { name: string; description: string; addresses: string[]; flags: number }[] = [];
      try {
        for (let d = out[0]; d !== null; ) {
          const dev = koffi.decode(d, ifType) as { next: unknown; name: string; description: string | null; addresses: unknown; flags: number };
          const addresses: string[] = [];
          for (let a = dev.addresses; a !== null; ) {
            const addr = koffi.decode(a, addrType) as { next: unknown; addr: unknown };
            const text = addr.addr === null ? null : sockaddrText(koffi.decode(addr.addr, 'uint8_t', 24) as number[]);
            if (text !== null) addresses.push(text);
            a = addr.next;
          }
          list.push({ name: dev.name, description: dev.description ?? '', addresses, flags: dev.flags });
          d = dev.next;
        }
      } finally {
        if (out[0] !== null) freealldevs(out[0]);
      }
      return list;
    },
  };
}

/** glibc's `RTLD_NOW | RTLD_NOLOAD`: the handle of a library already loaded, loading nothing. */
const RTLD_NOW_NOLOAD = 2 | 4;
/** `_IONBF`: the stream writes straight into its memory. */
const IONBF = 2;

/**
 * The memory-stream dump of {@link LivePcap.openMemoryDump}: libc's `fmemopen`, libpcap's
 * `pcap_dump_fopen`, and `pcap_dump` itself as the callback of `pcap_dispatch` (its address, from
 * `dlsym` on the loaded libpcap), so packets are copied in C, a whole block per call.
 */
function memoryDump(f: (sig: string) => (...args: unknown[]) => unknown, path: string): Pick<LivePcap, 'openMemoryDump' | 'dispatchToMemory' | 'closeMemoryDump'> {
  let pieces: {
    fmemopen: (...a: unknown[]) => unknown;
    setvbuf: (...a: unknown[]) => unknown;
    dumpFopen: (...a: unknown[]) => unknown;
    seek: (...a: unknown[]) => unknown;
    clearError: (...a: unknown[]) => unknown;
    dispatch: (...a: unknown[]) => unknown;
    dumpClose: (...a: unknown[]) => unknown;
    dump: number;
  } | null = null;
  try {
    const dlopen = f('uintptr_t dlopen(const char *file, int mode)');
    const dlsym = f('uintptr_t dlsym(uintptr_t handle, const char *name)');
    const handle = Number(dlopen(path, RTLD_NOW_NOLOAD));
    const dump = handle === 0 ? 0 : Number(dlsym(handle, 'pcap_dump'));
    if (dump !== 0) {
      pieces = {
        fmemopen: f('uintptr_t fmemopen(uintptr_t buf, size_t size, const char *mode)'),
        setvbuf: f('int setvbuf(uintptr_t stream, uintptr_t buf, int mode, size_t size)'),
        dumpFopen: f('uintptr_t pcap_dump_fopen(uintptr_t p, uintptr_t fp)'),
        seek: f('int fseek(uintptr_t stream, long offset, int whence)'),
        clearError: f('void clearerr(uintptr_t stream)'),
        dispatch: f('int pcap_dispatch(uintptr_t p, int cnt, uintptr_t callback, uintptr_t user)'),
        dumpClose: f('void pcap_dump_close(uintptr_t dumper)'),
        dump,
      };
    }
  } catch {
    pieces = null;
  }
  return {
    openMemoryDump(p, address, bytes) {
      if (pieces === null) return null;
      const file = Number(pieces.fmemopen(address, bytes, 'w'));
      if (file === 0) return null;
      pieces.setvbuf(file, 0, IONBF, 0);
      const dumper = Number(pieces.dumpFopen(p, file));
      return dumper === 0 ? null : { dumper };
    },
    dispatchToMemory(p, count, d, position) {
      // pcap_dump writes nothing to a stream in error: cleared, though the room given never overflows
      pieces!.clearError(d.dumper);
      pieces!.seek(d.dumper, position, 0);
      return pieces!.dispatch(p, count, pieces!.dump, d.dumper) as number;
    },
    closeMemoryDump(d) {
      pieces!.dumpClose(d.dumper);
    },
  };
}

/** An IPv4/IPv6 `struct sockaddr` as text (Linux family numbers), or null for other families. */
function sockaddrText(b: number[]): string | null {
  const family = b[0]! | (b[1]! << 8);
  if (family === 2) return `${b[4]}.${b[5]}.${b[6]}.${b[7]}`;
  if (family !== 10) return null;
  const groups: string[] = [];
  for (let i = 8; i < 24; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  // compress the longest run of zero groups, as inet_ntop does
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}
