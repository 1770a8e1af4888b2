import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BpfProgram, generateBpfSource, loadLibpcap, validateBpf } from '../../src/filter/index.js';
import { MAX_BACKWARD_JUMPS } from '../../src/filter/bpf-opcodes.js';
import { libpcapBpfFilter } from './libpcap-reference.js';

// Every opcode classic BPF defines (see bpf-opcodes.ts); memory opcodes get k < 16.
const OPCODES = [
  0x06, 0x16, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x80, 0x81, 0x00, 0x01, 0x60, 0x61, 0xb1, 0x02, 0x03,
  0x05, 0x15, 0x25, 0x35, 0x45, 0x1d, 0x2d, 0x3d, 0x4d, 0x04, 0x14, 0x24, 0x34, 0x94, 0x44, 0x54, 0xa4,
  0x64, 0x74, 0x0c, 0x1c, 0x2c, 0x3c, 0x9c, 0x4c, 0x5c, 0xac, 0x6c, 0x7c, 0x84, 0x07, 0x87,
];
const MEM = new Set([0x60, 0x61, 0x02, 0x03]);

/** A random valid program: n instructions, forward jumps in range, RET last. */
const program = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc
    .array(
      fc.record({
        code: fc.constantFrom(...OPCODES),
        a: fc.nat(),
        b: fc.nat(),
        k: fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 1, 31, 32, 33)),
      }),
      { minLength: n, maxLength: n },
    )
    .map((raw) => {
      const insns = new Uint32Array(n * 4);
      raw.forEach(({ code, a, b, k }, pc) => {
        const last = pc === n - 1;
        const c = last ? (k & 1 ? 0x16 : 0x06) : code;
        const room = n - pc - 1; // instructions after this one
        let jt = 0;
        let jf = 0;
        let kk = k >>> 0;
        if ((c & 0x07) === 0x05) {
          if (c === 0x05) kk = room > 0 ? a % room : 0;
          else {
            jt = room > 0 ? a % Math.min(room, 256) : 0;
            jf = room > 0 ? b % Math.min(room, 256) : 0;
          }
        }
        if (MEM.has(c)) kk %= 16;
        insns.set([c, jt, jf, kk], pc * 4);
      });
      return insns;
    }),
);

const frame = fc.uint8Array({ minLength: 0, maxLength: 200 });

describe('BPF engines', () => {
  it('random valid programs: generated code and interpreter agree and never throw', () => {
    fc.assert(
      fc.property(program, frame, fc.nat(), fc.nat(), (insns, data, cut, extra) => {
        expect(validateBpf(insns)).toBeNull();
        const generated = new BpfProgram(insns);
        const interpreter = new BpfProgram(insns, 'interpreter');
        expect(generated.engine).toBe('generated');
        const caplen = data.length === 0 ? 0 : cut % (data.length + 1);
        const wire = caplen + (extra % 2000);
        const g = generated.execute(data, 0, caplen, wire);
        const i = interpreter.execute(data, 0, caplen, wire);
        expect(g).toBe(i);
        expect(Number.isInteger(g) && g >= 0 && g <= 0xffffffff).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  // libpcap's bpf_filter leaves scratch memory uninitialised and divides by a constant 0 (SIGFPE):
  // programs for it start by zeroing M[0..15] and avoid constant divisors 0 and shifts >= 32.
  it.skipIf(loadLibpcap() instanceof Error && process.env.CI !== 'true')(
    'random valid programs: same result as libpcap\'s bpf_filter()',
    () => {
      const prefix: number[] = [0x00, 0, 0, 0];
      for (let m = 0; m < 16; m++) prefix.push(0x02, 0, 0, m);
      const safe = program.map((body) => {
        for (let pc = 0; pc < body.length / 4; pc++) {
          const c = body[pc * 4]!;
          if ((c === 0x34 || c === 0x94) && body[pc * 4 + 3] === 0) body[pc * 4 + 3] = 3;
          if ((c === 0x64 || c === 0x74) && body[pc * 4 + 3]! >= 32) body[pc * 4 + 3] = 5;
        }
        const all = new Uint32Array(prefix.length + body.length);
        all.set(prefix);
        all.set(body, prefix.length);
        return all;
      });
      fc.assert(
        fc.property(safe, frame, fc.nat(), fc.nat(), (insns, data, cut, extra) => {
          const caplen = data.length === 0 ? 0 : cut % (data.length + 1);
          const wire = caplen + (extra % 2000);
          const expected = libpcapBpfFilter(insns, data, wire, caplen);
          expect(new BpfProgram(insns).execute(data, 0, caplen, wire)).toBe(expected);
          expect(new BpfProgram(insns, 'interpreter').execute(data, 0, caplen, wire)).toBe(expected);
        }),
        { numRuns: 3000 },
      );
    },
  );

  it('never throws on random bytes, offsets and lengths, even an overstated caplen', () => {
    // "tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420" on Ethernet (libpcap 1.10 -O), exercises
    // absolute, indirect and MSH loads.
    const insns = new Uint32Array([
      0x28, 0, 0, 12, 0x15, 0, 12, 0x800, 0x30, 0, 0, 23, 0x15, 0, 10, 6, 0x28, 0, 0, 20, 0x45, 8, 0, 0x1fff,
      0xb1, 0, 0, 14, 0x50, 0, 0, 26, 0x54, 0, 0, 0xf0, 0x74, 0, 0, 2, 0x0c, 0, 0, 0, 0x07, 0, 0, 0,
      0x40, 0, 0, 14, 0x15, 0, 1, 0x47455420, 0x06, 0, 0, 262144, 0x06, 0, 0, 0,
    ]);
    const engines = [new BpfProgram(insns), new BpfProgram(insns, 'interpreter')];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat(200), fc.nat(400), fc.nat(), (data, offset, caplen, wire) => {
        const o = Math.min(offset, data.length);
        const results = engines.map((p) => p.matches(data, o, caplen, wire));
        expect(results[0]).toBe(results[1]);
      }),
      { numRuns: 5000 },
    );
  });

  // ldx #0; (1) ldb [x+0]; jeq #0 → ret #1; txa; add #1; tax; ja → 1: the first zero byte's loop,
  // closed by a backward ja as libpcap's protochain is
  const zeroScan = new Uint32Array([
    0x01, 0, 0, 0, 0x50, 0, 0, 0, 0x15, 4, 0, 0, 0x87, 0, 0, 0, 0x04, 0, 0, 1, 0x07, 0, 0, 0, 0x05, 0, 0, -6 >>> 0, 0x06, 0, 0, 1,
  ]);

  it.skipIf(loadLibpcap() instanceof Error && process.env.CI !== 'true')('a backward ja (signed offset) loops as in libpcap\'s bpf_filter()', () => {
    expect(validateBpf(zeroScan)).toBeNull();
    const program = new BpfProgram(zeroScan);
    expect(program.engine).toBe('interpreter');
    // frames short enough that the loop ends (found, or a load past the end) within the bound below
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (data) => {
        const expected = libpcapBpfFilter(zeroScan, data, data.length, data.length);
        expect(program.execute(data, 0, data.length, data.length)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
    expect(program.execute(new Uint8Array([1, 2, 0]), 0, 3, 3)).toBe(1);
  });

  it.skipIf(loadLibpcap() instanceof Error && process.env.CI !== 'true')('a program longer than the kernel\'s 4096 instructions runs as in libpcap\'s bpf_filter() (a filter listing many hosts)', () => {
    // 3,000 times: ldb [i mod 40]; jeq #(i mod 7) → ret #(i + 1); then ret #0 (9,001 instructions)
    const insns: number[] = [];
    for (let i = 0; i < 3000; i++) insns.push(0x30, 0, 0, i % 40, 0x15, 0, 1, i % 7, 0x06, 0, 0, i + 1);
    insns.push(0x06, 0, 0, 0);
    const long = new Uint32Array(insns);
    expect(long.length / 4).toBeGreaterThan(4096);
    expect(validateBpf(long)).toBeNull();
    const engines = [new BpfProgram(long), new BpfProgram(long, 'interpreter')];
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 40, maxLength: 40 }).map((d) => d.map((b) => 7 + (b % 200))), fc.nat(39), fc.nat(6), (data, at, value) => {
        data[at] = value;
        const expected = libpcapBpfFilter(long, data, data.length, data.length);
        for (const p of engines) expect(p.execute(data, 0, data.length, data.length)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('a packet that keeps a loop going is rejected after MAX_BACKWARD_JUMPS backward jumps (a cycle never ends the run)', () => {
    const program = new BpfProgram(zeroScan);
    const frame = (zeroAt: number) => {
      const d = new Uint8Array(200).fill(7);
      d[zeroAt] = 0;
      return d;
    };
    // the zero at index k takes k backward jumps to reach
    expect(program.execute(frame(MAX_BACKWARD_JUMPS), 0, 200, 200)).toBe(1);
    expect(program.execute(frame(MAX_BACKWARD_JUMPS + 1), 0, 200, 200)).toBe(0);
    // ld #1; (1) jeq #1 → 2 else ret; (2) ja → 1: a cycle that loads nothing
    const cycle = new Uint32Array([0x00, 0, 0, 1, 0x15, 0, 1, 1, 0x05, 0, 0, -3 >>> 0, 0x06, 0, 0, 5]);
    expect(new BpfProgram(cycle).execute(new Uint8Array(1), 0, 1, 1)).toBe(0);
  });

  it('rejects out-of-bounds loads, division by zero; len is the wire length', () => {
    const run = (insns: number[], data: number[], wire = data.length) =>
      [new BpfProgram(new Uint32Array(insns)), new BpfProgram(new Uint32Array(insns), 'interpreter')].map((p) =>
        p.execute(new Uint8Array(data), 0, data.length, wire),
      );
    // ld [0]; ret a — 3 bytes is out of bounds ⇒ 0, 4 bytes ⇒ the word.
    expect(run([0x20, 0, 0, 0, 0x16, 0, 0, 0], [1, 2, 3])).toEqual([0, 0]);
    expect(run([0x20, 0, 0, 0, 0x16, 0, 0, 0], [0xff, 2, 3, 4])).toEqual([0xff020304, 0xff020304]);
    // ldx #0; ld #7; div x; ret #1 — division by zero rejects.
    expect(run([0x01, 0, 0, 0, 0x00, 0, 0, 7, 0x3c, 0, 0, 0, 0x06, 0, 0, 1], [])).toEqual([0, 0]);
    // ld #len; ret a — the wire length, not the captured one.
    expect(run([0x80, 0, 0, 0, 0x16, 0, 0, 0], [1, 2], 1500)).toEqual([1500, 1500]);
    // ld #0xffffffff; add #2; ret a — 32-bit wrap.
    expect(run([0x00, 0, 0, 0xffffffff, 0x04, 0, 0, 2, 0x16, 0, 0, 0], [])).toEqual([1, 1]);
    // ld #5; neg; ret a
    expect(run([0x00, 0, 0, 5, 0x84, 0, 0, 0, 0x16, 0, 0, 0], [])).toEqual([0xfffffffb, 0xfffffffb]);
    // ldx #40; ld #1; lsh x; ret a — shift ≥ 32 gives 0 (libpcap 1.10)
    expect(run([0x01, 0, 0, 40, 0x00, 0, 0, 1, 0x6c, 0, 0, 0, 0x16, 0, 0, 0], [])).toEqual([0, 0]);
    // st/ldx memory, tax/txa, jset: ld #6; st M[3]; ldx M[3]; txa; jset #4 → ret #9 else ret #8
    const mem = [0x00, 0, 0, 6, 0x02, 0, 0, 3, 0x61, 0, 0, 3, 0x87, 0, 0, 0, 0x45, 0, 1, 4, 0x06, 0, 0, 9, 0x06, 0, 0, 8];
    expect(run(mem, [])).toEqual([9, 9]);
  });

  it('refuses invalid programs', () => {
    expect(() => new BpfProgram(new Uint32Array([]))).toThrowError(/empty/);
    expect(() => new BpfProgram(new Uint32Array([0x20, 0, 0, 0]))).toThrowError(/not a return/);
    expect(() => new BpfProgram(new Uint32Array([0x15, 5, 0, 1, 0x06, 0, 0, 0]))).toThrowError(/jump out/);
    expect(() => new BpfProgram(new Uint32Array([0x05, 0, 0, 1, 0x06, 0, 0, 0]))).toThrowError(/jump out/);
    // a backward ja before the start, or onto itself (a loop nothing ends)
    expect(() => new BpfProgram(new Uint32Array([0x00, 0, 0, 0, 0x05, 0, 0, -3 >>> 0, 0x06, 0, 0, 0]))).toThrowError(/jump out/);
    expect(() => new BpfProgram(new Uint32Array([0x00, 0, 0, 0, 0x05, 0, 0, -1 >>> 0, 0x06, 0, 0, 0]))).toThrowError(/jump to itself/);
    expect(() => new BpfProgram(new Uint32Array([0x02, 0, 0, 16, 0x06, 0, 0, 0]))).toThrowError(/memory/);
    expect(() => new BpfProgram(new Uint32Array([0xff, 0, 0, 0, 0x06, 0, 0, 0]))).toThrowError(/opcode/);
  });

  it('generates labelled blocks for forward jumps', () => {
    const src = generateBpfSource(new Uint32Array([0x28, 0, 0, 12, 0x15, 0, 1, 0x800, 0x06, 0, 0, 65535, 0x06, 0, 0, 0]));
    expect(src).toContain('L3: {');
    expect(src).toContain('break L3;');
  });
});
