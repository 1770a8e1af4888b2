import { be16, le16, mac48 } from '../bytes.js';
import type { DecodeState } from '../decode-state.js';
import { IgnoreReason } from '../ignore-reason.js';

/**
 * DLT_IEEE802_11_RADIO (127), spec §1.4. Replicates nDPI's reader: the flags byte is read at the
 * fixed offset 16 (assumes TSFT), and the 802.11 header length is 26 only when exactly one DS bit
 * is set, else 0 (quirk #6).
 */
export function decodeRadiotap(s: DecodeState): number {
  const d = s.data;
  const lo = s.linkOffset;
  const rlen = le16(d, lo + 2);
  if ((d[lo + 16] & 0x50) === 0x50) return IgnoreReason.Radiotap;
  const w = lo + rlen;
  if (s.end < w + 24) return IgnoreReason.Radiotap;
  const fc = le16(d, w);
  if (((fc >> 2) & 3) !== 2) return IgnoreReason.Radiotap;
  const toDs = (fc & 0x0100) !== 0;
  const fromDs = (fc & 0x0200) !== 0;
  const wifiLen = toDs !== fromDs ? 26 : 0;
  s.srcMac = mac48(d, w + 10);
  s.dstMac = mac48(d, w + 16);
  const llc = w + wifiLen;
  if (s.end < llc + 8) return IgnoreReason.Radiotap;
  if (d[llc] === 0xaa) s.type = be16(d, llc + 6);
  s.ipOffset = llc + 8;
  return 0;
}
