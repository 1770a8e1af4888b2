/** Signature of a compiled program: returns the BPF return value (0 = reject). */
export type BpfRunFunction = (d: Uint8Array, o: number, caplen: number, wireLen: number) => number;

/**
 * Translates a validated classic BPF program into JavaScript source and compiles it with
 * `new Function`, so V8 optimises the filter like hand-written code (constants inlined, no
 * dispatch). Same semantics as {@link BpfInterpreter}.
 *
 * A program that only jumps forward (all but `protochain`'s) is emitted in order and every jump target t
 * gets a labelled block `Lt: { … }` opened at the top of the function and closed just before
 * instruction t; a jump to t is `break Lt`. Blocks nest by target (largest outermost), so code
 * size stays linear in the program size.
 *
 * @returns the compiled function, or null for a program that jumps back (`protochain`'s loop,
 * which labelled blocks cannot express) or when the engine refuses the generated source (e.g. a
 * nesting depth limit on a huge program); the caller then interprets.
 * @example
 * ```ts
 * const run = generateBpfFunction(insns) ?? interpreterRun;
 * ```
 */
export function generateBpfFunction(insns: Uint32Array): BpfRunFunction | null {
  for (let pc = 0; pc < insns.length >>> 2; pc++) if (insns[pc * 4] === 0x05 && (insns[pc * 4 + 3]! | 0) < 0) return null;
  const source = generateBpfSource(insns);
  // Compile-time only: a SyntaxError/RangeError here means "fall back to the interpreter".
  try {
    return new Function('d', 'o', 'caplen', 'w', source) as BpfRunFunction;
  } catch {
    return null;
  }
}

/** The function body {@link generateBpfFunction} compiles (exported for inspection and tests). */
export function generateBpfSource(insns: Uint32Array): string {
  const n = insns.length >>> 2;
  const targets = new Set<number>();
  for (let pc = 0; pc < n; pc++) {
    const code = insns[pc * 4]!;
    if ((code & 0x07) !== 0x05) continue;
    if (code === 0x05) {
      if (insns[pc * 4 + 3]! !== 0) targets.add(pc + 1 + insns[pc * 4 + 3]!);
    } else {
      if (insns[pc * 4 + 1]! !== 0) targets.add(pc + 1 + insns[pc * 4 + 1]!);
      if (insns[pc * 4 + 2]! !== 0) targets.add(pc + 1 + insns[pc * 4 + 2]!);
    }
  }
  const usedMem = new Set<number>();
  for (let pc = 0; pc < n; pc++) {
    const code = insns[pc * 4]!;
    if (code === 0x60 || code === 0x61 || code === 0x02 || code === 0x03) usedMem.add(insns[pc * 4 + 3]!);
  }
  const out: string[] = [];
  out.push("'use strict';");
  // Never read past the buffer even if the caller's caplen overstates it.
  out.push('const c = Math.min(caplen, d.length - o);');
  out.push('let A = 0, X = 0, i = 0;');
  for (const m of [...usedMem].sort((a, b) => a - b)) out.push(`let m${m} = 0;`);
  for (const t of [...targets].sort((a, b) => b - a)) out.push(`L${t}: {`);
  for (let pc = 0; pc < n; pc++) {
    if (targets.has(pc)) out.push(`} // L${pc}`);
    out.push(emit(pc, insns[pc * 4]!, insns[pc * 4 + 1]!, insns[pc * 4 + 2]!, insns[pc * 4 + 3]!));
  }
  out.push('return 0;');
  return out.join('\n');
}

const WORD = '((d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]) >>> 0';
const HALF = '(d[i] << 8) | d[i + 1]';

function emit(pc: number, code: number, jt: number, jf: number, k: number): string {
  switch (code) {
    case 0x06: return `return ${k};`;
    case 0x16: return 'return A;';
    case 0x20: return `if (${k + 4} > c) return 0; i = o + ${k}; A = ${WORD};`;
    case 0x28: return `if (${k + 2} > c) return 0; i = o + ${k}; A = ${HALF};`;
    case 0x30: return `if (${k} >= c) return 0; A = d[o + ${k}];`;
    case 0x40: return `i = X + ${k}; if (i + 4 > c) return 0; i += o; A = ${WORD};`;
    case 0x48: return `i = X + ${k}; if (i + 2 > c) return 0; i += o; A = ${HALF};`;
    case 0x50: return `i = X + ${k}; if (i >= c) return 0; A = d[o + i];`;
    case 0x80: return 'A = w >>> 0;';
    case 0x81: return 'X = w >>> 0;';
    case 0x00: return `A = ${k};`;
    case 0x01: return `X = ${k};`;
    case 0x60: return `A = m${k};`;
    case 0x61: return `X = m${k};`;
    case 0xb1: return `if (${k} >= c) return 0; X = (d[o + ${k}] & 15) << 2;`;
    case 0x02: return `m${k} = A;`;
    case 0x03: return `m${k} = X;`;
    case 0x05: return k === 0 ? '' : `break L${pc + 1 + k};`;
    case 0x25: return branch(pc, `A > ${k}`, jt, jf);
    case 0x35: return branch(pc, `A >= ${k}`, jt, jf);
    case 0x15: return branch(pc, `A === ${k}`, jt, jf);
    case 0x45: return branch(pc, `(A & ${k}) !== 0`, jt, jf);
    case 0x2d: return branch(pc, 'A > X', jt, jf);
    case 0x3d: return branch(pc, 'A >= X', jt, jf);
    case 0x1d: return branch(pc, 'A === X', jt, jf);
    case 0x4d: return branch(pc, '(A & X) !== 0', jt, jf);
    case 0x04: return `A = (A + ${k}) >>> 0;`;
    case 0x14: return `A = (A - ${k}) >>> 0;`;
    case 0x24: return `A = Math.imul(A, ${k}) >>> 0;`;
    case 0x34: return k === 0 ? 'return 0;' : `A = (A / ${k}) >>> 0;`;
    case 0x94: return k === 0 ? 'return 0;' : `A = A % ${k};`;
    case 0x44: return `A = (A | ${k}) >>> 0;`;
    case 0x54: return `A = (A & ${k}) >>> 0;`;
    case 0xa4: return `A = (A ^ ${k}) >>> 0;`;
    case 0x64: return k < 32 ? `A = (A << ${k}) >>> 0;` : 'A = 0;';
    case 0x74: return k < 32 ? `A = A >>> ${k};` : 'A = 0;';
    case 0x0c: return 'A = (A + X) >>> 0;';
    case 0x1c: return 'A = (A - X) >>> 0;';
    case 0x2c: return 'A = Math.imul(A, X) >>> 0;';
    case 0x3c: return 'if (X === 0) return 0; A = (A / X) >>> 0;';
    case 0x9c: return 'if (X === 0) return 0; A = A % X;';
    case 0x4c: return 'A = (A | X) >>> 0;';
    case 0x5c: return 'A = (A & X) >>> 0;';
    case 0xac: return 'A = (A ^ X) >>> 0;';
    case 0x6c: return 'A = X < 32 ? (A << X) >>> 0 : 0;';
    case 0x7c: return 'A = X < 32 ? A >>> X : 0;';
    case 0x84: return 'A = -A >>> 0;';
    case 0x07: return 'X = A;';
    case 0x87: return 'A = X;';
    default: return 'return 0;';
  }
}

function branch(pc: number, cond: string, jt: number, jf: number): string {
  if (jt === jf) return jt === 0 ? '' : `break L${pc + 1 + jt};`;
  if (jt === 0) return `if (!(${cond})) break L${pc + 1 + jf};`;
  if (jf === 0) return `if (${cond}) break L${pc + 1 + jt};`;
  return `if (${cond}) break L${pc + 1 + jt}; break L${pc + 1 + jf};`;
}
