import type { DecodeState } from '../decode-state.js';

/**
 * A link-layer decoder (stage 1, spec §1.4): reads the header at `s.linkOffset`, sets `s.type`,
 * `s.ipOffset` (and MACs where the link has them) and returns 0, or an `IgnoreReason`.
 * The caller has already checked `caplen >= link_offset + 28`, so the first 28 bytes are readable.
 */
export type LinkDecoder = (s: DecodeState) => number;
