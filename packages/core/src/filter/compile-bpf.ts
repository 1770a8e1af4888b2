import { BpfCompileError } from './bpf-compile-error.js';
import { BpfProgram } from './bpf-program.js';
import { loadLibpcap } from './libpcap.js';

/**
 * Compiles a tcpdump/pcap-filter expression for one DLT with the system libpcap, exactly as
 * NFStream does (`pcap_open_dead(linkType, 262144)`, optimised, netmask 0xFFFFFF00), and returns
 * a program that runs in JavaScript.
 *
 * @throws BpfCompileError with libpcap's message when the expression is invalid for that DLT.
 * @throws Error naming what to install when koffi or libpcap is missing.
 * @example
 * ```ts
 * import { CaptureRecord, ReadStatus, compileBpf, openCapture } from '@flowstream/core';
 *
 * const dns = compileBpf('udp port 53', 1); // for DLT_EN10MB (Ethernet)
 * const reader = openCapture('capture.pcap');
 * const record = new CaptureRecord();
 * while (reader.next(record) === ReadStatus.Record) {
 *   if (dns.matches(record.data, record.offset, record.caplen, record.wireLength)) console.log(record.timeMs);
 * }
 * ```
 */
export function compileBpf(expression: string, linkType: number): BpfProgram {
  const key = `${linkType} ${expression}`;
  const known = compiled.get(key);
  if (known !== undefined) return known;
  const pcap = loadLibpcap();
  if (pcap instanceof Error) throw pcap;
  const result = pcap.compile(expression, linkType);
  if (!result.ok) throw new BpfCompileError(expression, linkType, result.message);
  const program = new BpfProgram(result.insns);
  if (compiled.size >= KEPT_PROGRAMS) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, program);
  return program;
}

/**
 * Programs compiled in this thread, by link type and expression. libpcap's optimiser takes time
 * that grows fast with the expression (a list of 600 hosts: ~10 s, as for tcpdump), and a run
 * compiles its filter more than once (the command line checks it before reading, the inputs compile
 * it for their link type), so each is compiled once. The oldest goes past {@link KEPT_PROGRAMS}.
 */
const compiled = new Map<string, BpfProgram>();
const KEPT_PROGRAMS = 64;
