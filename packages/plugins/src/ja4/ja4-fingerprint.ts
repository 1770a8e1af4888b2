import { removeGreaseBuggy } from './grease.js';
import { Ja4Error } from './ja4-error.js';
import { sha256Prefix12 } from './sha256-prefix.js';
import { decodeUtf8Strict } from '../parse/utf8.js';

/** Handshake type of a ClientHello (JA4) */
export const CLIENT_HELLO = 1;
/** Handshake type of a ServerHello (JA4S) */
export const SERVER_HELLO = 2;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * JA4 (ClientHello) or JA4S (ServerHello) of the TLS record at the start of `data[start, end)`,
 * exactly as NFStream's JA4 plugin computes it from a single packet (spec §10.3): no reassembly,
 * no length checks, reads past the end are silently short, the protocol letter is always `t`.
 *
 * @param random receives the hex of the hello's 32-byte random when a fingerprint is produced.
 * @returns the fingerprint, or null where NFStream's assertions fail (not a TLS hello of that
 *   type, inconsistent ALPN/signature-algorithm/supported-versions lengths).
 * @throws Ja4Error where NFStream's code raises (a cut GREASE candidate, an empty or non-UTF-8
 *   first ALPN protocol, an empty or data-less supported-versions extension).
 * @example
 * ```ts
 * ja4Fingerprint(tcpPayload, 0, tcpPayload.length, CLIENT_HELLO); // 't13d1516h2_8daaf6152771_e5627efa2ab1'
 * ```
 */
export function ja4Fingerprint(
  data: Uint8Array,
  start: number,
  end: number,
  type: number,
  random?: { hex: string },
): string | null {
  const length = end - start;
  // Checked before anything is allocated: most candidate packets are not TLS hellos.
  if (length < 10 || data[start] !== 0x16 || data[start + 1] !== 0x03 || data[start + 5] !== type || data[start + 9] !== 0x03) {
    return null;
  }
  const at = (i: number): number => (i < length ? data[start + i]! : -1);
  // A length field cut by the end of the data reads the bytes that exist (an empty slice is 0).
  const lengthAt = (i: number, n: number): number => {
    let v = 0;
    for (let k = i; k < i + n && k < length; k++) v = v * 256 + data[start + k]!;
    return v;
  };
  const hexRange = (from: number, to: number): string => {
    let s = '';
    for (let k = from; k < to && k < length; k++) s += HEX[data[start + k]!];
    return s;
  };
  const client = type === CLIENT_HELLO;
  const legacyVersion = [at(9), at(10)];
  let pos = 11;
  const randomStart = pos;
  pos += 32;
  pos += 1 + lengthAt(pos, 1); // session id
  let ciphers: string[] = [];
  let serverCipher = '';
  if (client) {
    const n = lengthAt(pos, 2);
    pos += 2;
    for (let k = pos; k < pos + n && k < length; k += 2) ciphers.push(hexRange(k, Math.min(k + 2, pos + n)));
    pos += n;
    pos += 1 + lengthAt(pos, 1); // compression methods
  } else {
    serverCipher = hexRange(pos, pos + 2);
    pos += 3; // cipher suite, compression method
  }
  const extensionsEnd = Math.min(pos + 2 + lengthAt(pos, 2), length);
  pos += 2;

  // Extension type → [dataStart, dataEnd) (empty data is "absent", -1); a later duplicate
  // overwrites the data but keeps the first position, as a Python dict does.
  const extensions = new Map<string, number[]>();
  while (pos < extensionsEnd) {
    const typeHex = hexRange(pos, Math.min(pos + 2, extensionsEnd));
    let n = 0;
    for (let k = pos + 2; k < pos + 4 && k < extensionsEnd; k++) n = n * 256 + data[start + k]!;
    const dataStart = pos + 4;
    const dataEnd = Math.min(dataStart + n, extensionsEnd);
    extensions.set(typeHex, dataEnd > dataStart ? [dataStart, dataEnd] : [-1, -1]);
    pos = dataStart + n;
  }
  // Version: supported_versions (002b) if present, else the legacy version.
  let version = legacyVersion;
  if (extensions.has('002b')) {
    const [s, e] = extensions.get('002b')!;
    if (s! < 0) throw new Ja4Error('supported_versions extension without data');
    if (client) {
      if (data[start + s!]! !== e! - s! - 1) return null;
      const versions = removeGreaseBuggy(pairs(s! + 1, e!, hexRange));
      if (versions.length === 0) throw new Ja4Error('empty supported_versions list');
      let best = versions[0]!;
      for (const v of versions) if (parseInt(v, 16) > parseInt(best, 16)) best = v;
      version = [parseInt(best.slice(0, 2), 16), parseInt(best.slice(2, 4), 16)];
    } else {
      version = [at(s!), s! + 1 < e! ? at(s! + 1) : -1];
    }
  }
  if (version[0]! < 0 || version[1]! < 0) throw new Ja4Error('truncated version');
  const versionText = `${version[0]! - 2}${version[1]! - 1}`;

  // ALPN: first and last character of the first protocol, 00 when absent or empty.
  let alpn = '00';
  const alpnRange = extensions.get('0010');
  if (alpnRange !== undefined && alpnRange[0]! >= 0) {
    const [s, e] = alpnRange;
    if (lengthAt(s!, 2) !== e! - s! - 2) return null;
    if (e! - s! > 2) {
      const n = data[start + s! + 2]!;
      let protocol: string;
      try {
        protocol = decodeUtf8Strict(data.subarray(start + s! + 3, start + Math.min(s! + 3 + n, e!)), 'ALPN');
      } catch (error) {
        throw new Ja4Error((error as Error).message);
      }
      const chars = Array.from(protocol);
      if (chars.length === 0) throw new Ja4Error('empty first ALPN protocol');
      alpn = chars[0]! + chars[chars.length - 1]!;
    }
  }

  const extensionTypes = removeGreaseBuggy(Array.from(extensions.keys()));
  const extensionCount = two(extensionTypes.length);
  if (random) random.hex = hexRange(randomStart, randomStart + 32);

  if (!client) {
    const c = Array.from(extensions.keys()).join(',');
    return `t${versionText}${extensionCount}${alpn}_${serverCipher}_${sha256Prefix12(c)}`.toLowerCase();
  }

  ciphers = removeGreaseBuggy(ciphers);
  const sni = extensions.has('0000') ? 'd' : 'i';
  const a = `t${versionText}${sni}${two(ciphers.length)}${extensionCount}${alpn}`;
  const b = sha256Prefix12(ciphers.sort(byValue).join(','));
  let c = extensionTypes
    .filter((t) => t !== '0000' && t !== '0010')
    .sort(byValue)
    .join(',');
  const signatureAlgorithms = extensions.get('000d');
  if (signatureAlgorithms !== undefined && signatureAlgorithms[0]! >= 0) {
    const [s, e] = signatureAlgorithms;
    if (lengthAt(s!, 2) !== e! - s! - 2) return null;
    const algorithms = removeGreaseBuggy(pairs(s! + 2, e!, hexRange));
    if (algorithms.length > 0) c += `_${algorithms.join(',')}`;
  }
  return `${a}_${b}_${sha256Prefix12(c)}`.toLowerCase();
}

function pairs(from: number, to: number, hexRange: (a: number, b: number) => string): string[] {
  const out: string[] = [];
  for (let k = from; k < to; k += 2) out.push(hexRange(k, Math.min(k + 2, to)));
  return out;
}

function two(n: number): string {
  return n > 99 ? '99' : n < 10 ? `0${n}` : `${n}`;
}

function byValue(x: string, y: string): number {
  return parseInt(x, 16) - parseInt(y, 16);
}
