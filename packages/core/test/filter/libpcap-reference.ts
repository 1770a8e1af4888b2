// Test helper: reads capture files with the system libpcap itself (through koffi), so the filter
// tests do not depend on flowstream's own readers, and gives libpcap's own verdict per record
// (pcap_offline_filter) as a second reference next to tcpdump.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';

export interface ReferenceRecord {
  sec: number;
  usec: number;
  caplen: number;
  len: number;
  data: Uint8Array;
  /** libpcap's verdict for the expression given to {@link readWithLibpcap} (true if none). */
  libpcapAccepts: boolean;
}

export interface ReferenceCapture {
  dlt: number;
  records: ReferenceRecord[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
let api: Any = null;

function bind(): Any {
  if (api !== null) return api;
  const koffi = createRequire(import.meta.url)('koffi');
  const lib = koffi.load('libpcap.so.0.8');
  koffi.opaque('ref_pcap_t');
  koffi.struct('ref_bpf_program', { bf_len: 'uint32_t', bf_insns: 'void *' });
  const hdr = koffi.struct('ref_pcap_pkthdr', { sec: 'int64_t', usec: 'int64_t', caplen: 'uint32_t', len: 'uint32_t' });
  api = {
    koffi,
    hdr,
    open: lib.func('ref_pcap_t *pcap_open_offline(const char *fname, _Out_ uint8_t *errbuf)'),
    datalink: lib.func('int pcap_datalink(ref_pcap_t *p)'),
    nextEx: lib.func('int pcap_next_ex(ref_pcap_t *p, _Out_ void **hdr, _Out_ void **data)'),
    compile: lib.func(
      'int pcap_compile(ref_pcap_t *p, _Inout_ ref_bpf_program *fp, const char *str, int optimize, uint32_t netmask)',
    ),
    offlineFilter: lib.func('int pcap_offline_filter(ref_bpf_program *fp, void *hdr, void *data)'),
    freecode: lib.func('void pcap_freecode(_Inout_ ref_bpf_program *fp)'),
    geterr: lib.func('const char *pcap_geterr(ref_pcap_t *p)'),
    close: lib.func('void pcap_close(ref_pcap_t *p)'),
  };
  return api;
}

/** Reads every record libpcap delivers; with `expression`, also records libpcap's verdict. */
export function readWithLibpcap(path: string, expression?: string): ReferenceCapture {
  const a = bind();
  const errbuf = new Uint8Array(256);
  const p = a.open(path, errbuf);
  if (p === null) throw new Error(`pcap_open_offline(${path}): ${Buffer.from(errbuf).toString('latin1').replace(/\0.*$/s, '')}`);
  const dlt: number = a.datalink(p);
  let prog: Any = null;
  if (expression !== undefined) {
    prog = { bf_len: 0, bf_insns: null };
    if (a.compile(p, prog, expression, 1, 0xffffff00) !== 0) {
      const message = String(a.geterr(p));
      a.close(p);
      throw new Error(message);
    }
  }
  const records: ReferenceRecord[] = [];
  const h: Any[] = [null];
  const d: Any[] = [null];
  for (;;) {
    const r = a.nextEx(p, h, d);
    if (r === -2) break;
    if (r !== 1) continue; // read error: NFStream asks again (spec §1.1)
    const header = a.koffi.decode(h[0], a.hdr);
    const caplen: number = header.caplen;
    const data = caplen > 0 ? new Uint8Array(a.koffi.view(d[0], caplen)).slice() : new Uint8Array(0);
    records.push({
      sec: Number(header.sec),
      usec: Number(header.usec),
      caplen,
      len: header.len,
      data,
      libpcapAccepts: prog === null ? true : a.offlineFilter(prog, h[0], d[0]) !== 0,
    });
  }
  if (prog !== null) a.freecode(prog);
  a.close(p);
  return { dlt, records };
}

/** Whether a command exists on PATH. */
export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Key identifying a record's content (timestamp, lengths, bytes). */
export function recordKey(r: Pick<ReferenceRecord, 'sec' | 'usec' | 'caplen' | 'len' | 'data'>): string {
  return `${r.sec}.${r.usec}/${r.caplen}/${r.len}/${Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).toString('base64')}`;
}

let bpfFilterFn: Any = null;

/** libpcap's own userland `bpf_filter()` on a packed `[code, jt, jf, k] × n` program. */
export function libpcapBpfFilter(insns: Uint32Array, data: Uint8Array, wireLen: number, caplen: number): number {
  if (bpfFilterFn === null) {
    const koffi = createRequire(import.meta.url)('koffi');
    const lib = koffi.load('libpcap.so.0.8');
    bpfFilterFn = lib.func('uint32_t bpf_filter(const uint8_t *pc, const uint8_t *pkt, uint32_t wirelen, uint32_t buflen)');
  }
  const n = insns.length / 4;
  const raw = Buffer.alloc(n * 8);
  for (let i = 0; i < n; i++) {
    raw.writeUInt16LE(insns[i * 4]!, i * 8);
    raw.writeUInt8(insns[i * 4 + 1]!, i * 8 + 2);
    raw.writeUInt8(insns[i * 4 + 2]!, i * 8 + 3);
    raw.writeUInt32LE(insns[i * 4 + 3]!, i * 8 + 4);
  }
  const pkt = Buffer.alloc(Math.max(1, data.length));
  pkt.set(data);
  return bpfFilterFn(raw, pkt, wireLen >>> 0, caplen >>> 0);
}
