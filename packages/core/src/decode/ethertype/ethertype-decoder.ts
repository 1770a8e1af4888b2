import type { DecodeState } from '../decode-state.js';

/**
 * A stage-2 decoder (spec §1.5) for one ethertype: consumes its header at `s.ipOffset`, sets the
 * next `s.type` and returns 0 (the loop then looks at the new type), or an `IgnoreReason`.
 */
export type EthertypeDecoder = (s: DecodeState) => number;
