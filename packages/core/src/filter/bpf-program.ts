import { generateBpfFunction, type BpfRunFunction } from './bpf-codegen.js';
import { BpfInterpreter } from './bpf-interpreter.js';
import { validateBpf } from './bpf-validate.js';

/** How a {@link BpfProgram} runs: generated JavaScript (default, faster) or the interpreter. */
export type BpfEngine = 'generated' | 'interpreter';

/**
 * A validated classic BPF program that decides, per frame, whether a packet passes the filter,
 * with libpcap's semantics (see {@link BpfInterpreter}). By default the program is translated to
 * a JavaScript function (measured ~3× faster than interpreting, see the filter benchmark test);
 * the interpreter is used when asked for or when the translation is refused.
 *
 * @example
 * ```ts
 * // "ret #262144": accept everything
 * const all = new BpfProgram(new Uint32Array([0x06, 0, 0, 262144]));
 * all.matches(frame, 0, frame.length, frame.length); // true
 * ```
 */
export class BpfProgram {
  /** The instructions, packed `[code, jt, jf, k] × n` (a private copy). */
  readonly insns: Uint32Array;
  /** Engine actually used. */
  readonly engine: BpfEngine;
  private readonly run: BpfRunFunction;

  /**
   * @param insns instructions packed `[code, jt, jf, k] × n` (libpcap's `struct bpf_insn` order).
   * @param engine force an engine (tests, benchmarks); default: generated, else interpreter.
   * @throws Error when the program is invalid (as libpcap's `bpf_validate` would refuse it).
   */
  constructor(insns: Uint32Array, engine?: BpfEngine) {
    const problem = validateBpf(insns);
    if (problem !== null) throw new Error(`Invalid BPF program: ${problem}`);
    this.insns = insns.slice();
    const generated = engine === 'interpreter' ? null : generateBpfFunction(this.insns);
    if (generated !== null) {
      this.run = generated;
      this.engine = 'generated';
    } else {
      const interpreter = new BpfInterpreter(this.insns);
      this.run = interpreter.run.bind(interpreter);
      this.engine = 'interpreter';
    }
  }

  /** Number of instructions. */
  get length(): number {
    return this.insns.length >>> 2;
  }

  /**
   * Whether the frame `data[offset, offset + caplen)` passes the filter. `wireLen` is the
   * original length (what `len` loads see). Never throws, allocates nothing.
   */
  matches(data: Uint8Array, offset: number, caplen: number, wireLen: number): boolean {
    return this.run(data, offset, caplen, wireLen) !== 0;
  }

  /** The program's raw return value (the snap length it would keep; 0 = reject). */
  execute(data: Uint8Array, offset: number, caplen: number, wireLen: number): number {
    return this.run(data, offset, caplen, wireLen);
  }
}
