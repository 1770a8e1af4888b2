export { BpfCompileError } from './bpf-compile-error.js';
export { BpfFilter } from './bpf-filter.js';
export { BpfInterpreter } from './bpf-interpreter.js';
export { BpfProgram, type BpfEngine } from './bpf-program.js';
export { generateBpfFunction, generateBpfSource, type BpfRunFunction } from './bpf-codegen.js';
export { validateBpf } from './bpf-validate.js';
export { compileBpf } from './compile-bpf.js';
export { loadLibpcap, openLibpcapLibrary, type Libpcap, type LibpcapLibrary, type LibpcapCompileResult, type RawBpfInsn } from './libpcap.js';
export * from './bpf-opcodes.js';
