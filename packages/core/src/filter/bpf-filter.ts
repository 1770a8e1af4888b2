import type { CaptureRecord } from '../capture/capture-record.js';
import type { BpfProgram } from './bpf-program.js';
import { compileBpf } from './compile-bpf.js';

/**
 * One BPF expression applied to a capture whose records may carry several link types (a pcapng
 * with one DLT per interface, a list of files): the expression is compiled lazily, once per DLT,
 * the first time a record of that DLT is seen.
 *
 * Records with a negative `linkType` (packets libpcap itself would refuse, see
 * `LINKTYPE_INVALID_INTERFACE`) pass, so the decoder still counts them.
 *
 * @example
 * ```ts
 * import { BpfFilter, CaptureRecord, ReadStatus, openCapture } from '@flowstream/core';
 *
 * const filter = new BpfFilter('tcp port 443');
 * const reader = openCapture('capture.pcapng');
 * filter.compileFor(reader.linkType); // optional: surface a syntax error before the first packet
 * const record = new CaptureRecord();
 * let https = 0;
 * while (reader.next(record) === ReadStatus.Record) if (filter.matches(record)) https++;
 * ```
 */
export class BpfFilter {
  // Indexed by DLT: a small dense array beats a Map lookup per packet.
  private readonly programs: (BpfProgram | undefined)[] = [];

  constructor(readonly expression: string) {}

  /**
   * Compiles (or returns the cached) program for a DLT.
   * @throws BpfCompileError when libpcap refuses the expression for that DLT.
   */
  compileFor(linkType: number): BpfProgram {
    let program = this.programs[linkType];
    if (program === undefined) {
      program = compileBpf(this.expression, linkType);
      this.programs[linkType] = program;
    }
    return program;
  }

  /**
   * Whether the record passes. Compiles on the first record of a new DLT (so it may throw
   * BpfCompileError there); otherwise allocation-free.
   */
  matches(record: CaptureRecord): boolean {
    const linkType = record.linkType;
    if (linkType < 0) return true;
    const program = this.programs[linkType] ?? this.compileFor(linkType);
    return program.matches(record.data, record.offset, record.caplen, record.wireLength);
  }
}
