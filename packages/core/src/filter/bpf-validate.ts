import {
  BPF_ABS, BPF_ALU, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT,
  BPF_JMP, BPF_JSET, BPF_LD, BPF_LDX, BPF_LEN, BPF_MEM, BPF_MEMWORDS, BPF_MISC,
  BPF_MOD, BPF_MSH, BPF_NEG, BPF_RET, BPF_ST, BPF_STX, BPF_W, BPF_K, BPF_X, BPF_A, BPF_TAX, BPF_TXA,
  BPF_ADD, BPF_SUB, BPF_MUL, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_XOR,
} from './bpf-opcodes.js';

const VALID_CODES: ReadonlySet<number> = new Set<number>([
  BPF_RET | BPF_K, BPF_RET | BPF_A,
  BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS,
  BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND,
  BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN,
  BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM, BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM,
  BPF_LDX | BPF_MSH | BPF_B, BPF_ST, BPF_STX,
  BPF_JMP | BPF_JA,
  ...[BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET].flatMap((op) => [BPF_JMP | op | BPF_K, BPF_JMP | op | BPF_X]),
  ...[BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_OR, BPF_AND, BPF_XOR, BPF_LSH, BPF_RSH].flatMap((op) => [
    BPF_ALU | op | BPF_K,
    BPF_ALU | op | BPF_X,
  ]),
  BPF_ALU | BPF_NEG, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
]);

/**
 * Checks a packed `[code, jt, jf, k] × n` program the way libpcap's `bpf_validate` does: known
 * opcodes, jumps that stay inside the program (forward, but for `ja`, whose offset is signed:
 * `protochain` loops back; never to itself), scratch-memory indices below 16, and a RET last. As in
 * userland libpcap, a program may be longer than the kernel's 4096 instructions (a filter listing
 * many hosts). Runtime faults (out-of-bounds loads, division by zero)
 * are left to the runner, which rejects the packet.
 *
 * @returns null when valid, else what is wrong and where.
 * @example
 * ```ts
 * validateBpf(new Uint32Array([6, 0, 0, 65535])); // null: "ret #65535"
 * ```
 */
export function validateBpf(insns: Uint32Array): string | null {
  if (insns.length % 4 !== 0) return `instruction array length ${insns.length} is not a multiple of 4`;
  const n = insns.length / 4;
  if (n === 0) return 'empty program';
  for (let pc = 0; pc < n; pc++) {
    const code = insns[pc * 4]!;
    const jt = insns[pc * 4 + 1]!;
    const jf = insns[pc * 4 + 2]!;
    const k = insns[pc * 4 + 3]!;
    if (!VALID_CODES.has(code)) return `instruction ${pc}: unknown opcode 0x${code.toString(16)}`;
    const cls = code & 0x07;
    if (cls === BPF_JMP) {
      if ((code & 0xf0) === BPF_JA) {
        const target = pc + 1 + (k | 0);
        if (target < 0 || target >= n) return `instruction ${pc}: jump out of the program`;
        if (target === pc) return `instruction ${pc}: jump to itself`;
      } else if (jt > 255 || jf > 255 || pc + 1 + jt >= n || pc + 1 + jf >= n) {
        return `instruction ${pc}: jump out of the program`;
      }
    }
    const usesMem =
      cls === BPF_ST || cls === BPF_STX || ((cls === BPF_LD || cls === BPF_LDX) && (code & 0xe0) === BPF_MEM);
    if (usesMem && k >= BPF_MEMWORDS) return `instruction ${pc}: scratch memory index ${k} out of range`;
  }
  if ((insns[(n - 1) * 4]! & 0x07) !== BPF_RET) return 'last instruction is not a return';
  return null;
}
