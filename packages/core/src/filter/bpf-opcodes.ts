/**
 * Classic BPF opcode fields (`<pcap/bpf.h>`). An opcode is `class | size/op | mode/src`; the
 * interpreter and the code generator switch on the full 16-bit code.
 */
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_MISC = 0x07;

export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;

export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80;
export const BPF_MSH = 0xa0;

export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;

export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;

export const BPF_K = 0x00;
export const BPF_X = 0x08;

/** RET source "accumulator" (BPF_RVAL). */
export const BPF_A = 0x10;

export const BPF_TAX = 0x00;
export const BPF_TXA = 0x80;

/** Scratch memory words (BPF_MEMWORDS). */
export const BPF_MEMWORDS = 16;

/**
 * Backward jumps one packet may take before the program rejects it. libpcap compiles
 * `protochain` (walking IPv6 extension headers) as a loop closed by a backward `ja`; a packet
 * whose headers point back at each other would loop for ever, so libpcap's interpreter bounds
 * the loop, at this count, and we do too.
 */
export const MAX_BACKWARD_JUMPS = 64;

/** Packs one instruction into the `[code, jt, jf, k]` layout {@link BpfProgram} takes. */
export function bpfStmt(code: number, k: number): [number, number, number, number] {
  return [code, 0, 0, k >>> 0];
}

/** Packs one conditional jump into the `[code, jt, jf, k]` layout. */
export function bpfJump(code: number, k: number, jt: number, jf: number): [number, number, number, number] {
  return [code, jt, jf, k >>> 0];
}
