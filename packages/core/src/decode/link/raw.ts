import type { DecodeState } from '../decode-state.js';

/** DLT_RAW (12): the version nibble of the first byte picks the type; otherwise it is kept (spec §1.4). */
export function decodeRaw(s: DecodeState): number {
  const lo = s.linkOffset;
  s.ipOffset = lo;
  if (s.end > lo) {
    const v = s.data[lo] >> 4;
    if (v === 4) s.type = 0x0800;
    else if (v === 6) s.type = 0x86dd;
  }
  return 0;
}
