import { BpfFilter, createNdpiDissector, loadNdpi, ndpiVersion } from '@flowstream/core';
import { extensions } from './nfstreamer.js';
import { resolveInterface } from './sources/interfaces.js';
import { liveInput } from './sources/live-input.js';

/**
 * Wires the optional parts (BPF, live capture, nDPI) into the streamer's extension points. Each
 * part loads its native library (libpcap and libndpi through koffi) lazily, only when a run
 * needs it, so offline use without them works and start-up stays small.
 */
export function registerOptionalParts(): void {
  extensions.compileFilter = (expression) => new BpfFilter(expression);
  extensions.resolveInterface = (name) => resolveInterface(name);
  extensions.liveInput = (iface, options) => liveInput(iface, options);
  extensions.loadDissector = (nDissections) => {
    const lib = loadNdpi();
    return lib instanceof Error ? lib : () => createNdpiDissector(lib, nDissections);
  };
  extensions.ndpiVersion = () => {
    const lib = loadNdpi();
    return lib instanceof Error ? null : ndpiVersion(lib);
  };
}

registerOptionalParts();
