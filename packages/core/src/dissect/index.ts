export type { FlowDissector } from './flow-dissector.js';
export { loadNdpi, ndpiVersion } from './ndpi-library.js';
export type { NdpiLibrary } from './ndpi-library.js';
export { createNdpiDissector } from './ndpi-dissector.js';
export { NDPI_NAME_RENAMES, compatConfidence, compatProtocolName } from './ndpi-compat.js';
