import { BPF_MEMWORDS, MAX_BACKWARD_JUMPS } from './bpf-opcodes.js';

/**
 * A classic BPF interpreter with libpcap's `bpf_filter` semantics: packet loads are relative to
 * the frame start and bounded by the captured length (out of bounds ⇒ the program returns 0,
 * i.e. reject), `len` loads give the wire length, division or modulo by zero returns 0, shifts by
 * 32 or more give 0, and a `ja` offset is signed (`protochain` loops back), a packet rejected after
 * {@link MAX_BACKWARD_JUMPS} of them. The program must have passed {@link validateBpf}.
 *
 * Allocates nothing per run: the program is unpacked into typed arrays once, and the scratch
 * memory is one reused array.
 *
 * @example
 * ```ts
 * const run = new BpfInterpreter(insns);
 * const accept = run.run(frame, 0, frame.length, frame.length) !== 0;
 * ```
 */
export class BpfInterpreter {
  private readonly code: Uint16Array;
  private readonly jt: Uint8Array;
  private readonly jf: Uint8Array;
  private readonly k: Uint32Array;
  private readonly mem = new Uint32Array(BPF_MEMWORDS);

  constructor(insns: Uint32Array) {
    const n = insns.length >>> 2;
    this.code = new Uint16Array(n);
    this.jt = new Uint8Array(n);
    this.jf = new Uint8Array(n);
    this.k = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      this.code[i] = insns[i * 4]!;
      this.jt[i] = insns[i * 4 + 1]!;
      this.jf[i] = insns[i * 4 + 2]!;
      this.k[i] = insns[i * 4 + 3]!;
    }
  }

  /**
   * Runs the program on `d[o, o + caplen)`.
   * @returns the program's return value (unsigned 32-bit); 0 means "reject".
   */
  run(d: Uint8Array, o: number, caplen: number, wireLen: number): number {
    const code = this.code;
    const jt = this.jt;
    const jf = this.jf;
    const kk = this.k;
    const mem = this.mem;
    // Never read past the buffer even if the caller's caplen overstates it.
    const c = Math.min(caplen, d.length - o);
    let A = 0;
    let X = 0;
    let pc = 0;
    let i = 0;
    let back = 0;
    for (;;) {
      const k = kk[pc]!;
      switch (code[pc]) {
        case 0x06: // ret #k
          return k;
        case 0x16: // ret a
          return A;
        case 0x20: // ld [k]
          if (k + 4 > c) return 0;
          i = o + k;
          A = ((d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!) >>> 0;
          break;
        case 0x28: // ldh [k]
          if (k + 2 > c) return 0;
          i = o + k;
          A = (d[i]! << 8) | d[i + 1]!;
          break;
        case 0x30: // ldb [k]
          if (k >= c) return 0;
          A = d[o + k]!;
          break;
        case 0x40: // ld [x + k]
          i = X + k;
          if (i + 4 > c) return 0;
          i += o;
          A = ((d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!) >>> 0;
          break;
        case 0x48: // ldh [x + k]
          i = X + k;
          if (i + 2 > c) return 0;
          i += o;
          A = (d[i]! << 8) | d[i + 1]!;
          break;
        case 0x50: // ldb [x + k]
          i = X + k;
          if (i >= c) return 0;
          A = d[o + i]!;
          break;
        case 0x80: // ld #len
          A = wireLen >>> 0;
          break;
        case 0x81: // ldx #len
          X = wireLen >>> 0;
          break;
        case 0x00: // ld #k
          A = k;
          break;
        case 0x01: // ldx #k
          X = k;
          break;
        case 0x60: // ld M[k]
          A = mem[k]!;
          break;
        case 0x61: // ldx M[k]
          X = mem[k]!;
          break;
        case 0xb1: // ldxb 4*([k]&0xf)
          if (k >= c) return 0;
          X = (d[o + k]! & 0xf) << 2;
          break;
        case 0x02: // st M[k]
          mem[k] = A;
          break;
        case 0x03: // stx M[k]
          mem[k] = X;
          break;
        case 0x05: // ja (signed)
          if ((k | 0) < 0 && ++back > MAX_BACKWARD_JUMPS) return 0;
          pc += k | 0;
          break;
        case 0x25: // jgt #k
          pc += A > k ? jt[pc]! : jf[pc]!;
          break;
        case 0x35: // jge #k
          pc += A >= k ? jt[pc]! : jf[pc]!;
          break;
        case 0x15: // jeq #k
          pc += A === k ? jt[pc]! : jf[pc]!;
          break;
        case 0x45: // jset #k
          pc += (A & k) !== 0 ? jt[pc]! : jf[pc]!;
          break;
        case 0x2d: // jgt x
          pc += A > X ? jt[pc]! : jf[pc]!;
          break;
        case 0x3d: // jge x
          pc += A >= X ? jt[pc]! : jf[pc]!;
          break;
        case 0x1d: // jeq x
          pc += A === X ? jt[pc]! : jf[pc]!;
          break;
        case 0x4d: // jset x
          pc += (A & X) !== 0 ? jt[pc]! : jf[pc]!;
          break;
        case 0x04: // add #k
          A = (A + k) >>> 0;
          break;
        case 0x14: // sub #k
          A = (A - k) >>> 0;
          break;
        case 0x24: // mul #k
          A = Math.imul(A, k) >>> 0;
          break;
        case 0x34: // div #k
          if (k === 0) return 0;
          A = (A / k) >>> 0;
          break;
        case 0x94: // mod #k
          if (k === 0) return 0;
          A = A % k;
          break;
        case 0x44: // or #k
          A = (A | k) >>> 0;
          break;
        case 0x54: // and #k
          A = (A & k) >>> 0;
          break;
        case 0xa4: // xor #k
          A = (A ^ k) >>> 0;
          break;
        case 0x64: // lsh #k
          A = k < 32 ? (A << k) >>> 0 : 0;
          break;
        case 0x74: // rsh #k
          A = k < 32 ? A >>> k : 0;
          break;
        case 0x0c: // add x
          A = (A + X) >>> 0;
          break;
        case 0x1c: // sub x
          A = (A - X) >>> 0;
          break;
        case 0x2c: // mul x
          A = Math.imul(A, X) >>> 0;
          break;
        case 0x3c: // div x
          if (X === 0) return 0;
          A = (A / X) >>> 0;
          break;
        case 0x9c: // mod x
          if (X === 0) return 0;
          A = A % X;
          break;
        case 0x4c: // or x
          A = (A | X) >>> 0;
          break;
        case 0x5c: // and x
          A = (A & X) >>> 0;
          break;
        case 0xac: // xor x
          A = (A ^ X) >>> 0;
          break;
        case 0x6c: // lsh x
          A = X < 32 ? (A << X) >>> 0 : 0;
          break;
        case 0x7c: // rsh x
          A = X < 32 ? A >>> X : 0;
          break;
        case 0x84: // neg
          A = -A >>> 0;
          break;
        case 0x07: // tax
          X = A;
          break;
        case 0x87: // txa
          A = X;
          break;
        default:
          // Unreachable for validated programs; reject rather than guess.
          return 0;
      }
      pc++;
    }
  }
}
