import { endianness } from 'node:os';
import { ipv4Text, ipv6Text } from '@flowstream/core/internal';

/** One connected socket of `/proc/net/{tcp,tcp6,udp,udp6}`. */
export interface ProcNetSocket {
  localIp: string;
  localPort: number;
  remoteIp: string;
  remotePort: number;
  /** 6 (TCP) or 17 (UDP). */
  protocol: number;
  inode: number;
}

// /proc prints each 32-bit address word with %08X of its in-memory (network order) value read as
// a host integer, so on little-endian hosts every word comes out byte-swapped.
const SWAP = endianness() === 'LE';

function word(hex: string, at: number): number {
  const v = Number.parseInt(hex.slice(at, at + 8), 16) >>> 0;
  return SWAP ? (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0 : v;
}

/** Address text of a `/proc/net` hex address (8 hex digits IPv4, 32 IPv6), as in flows (§1.10). */
export function procNetAddressText(hex: string): string {
  return hex.length === 8 ? ipv4Text(word(hex, 0)) : ipv6Text(word(hex, 0), word(hex, 8), word(hex, 16), word(hex, 24));
}

/**
 * Parses one `/proc/net/{tcp,tcp6,udp,udp6}` table into its sockets that have a remote end
 * (psutil reports a remote address only when the remote port is not 0) and an inode (sockets in
 * TIME_WAIT have inode 0 and no owner).
 *
 * @example
 * ```ts
 * parseProcNet(readFileSync('/proc/net/tcp', 'latin1'), 6);
 * ```
 */
export function parseProcNet(text: string, protocol: number): ProcNetSocket[] {
  const sockets: ProcNetSocket[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [localHex, localPortHex] = f[1]!.split(':');
    const [remoteHex, remotePortHex] = f[2]!.split(':');
    const remotePort = Number.parseInt(remotePortHex ?? '0', 16);
    const inode = Number(f[9]);
    if (!(remotePort > 0) || !(inode > 0) || localHex === undefined || remoteHex === undefined) continue;
    sockets.push({
      localIp: procNetAddressText(localHex),
      localPort: Number.parseInt(localPortHex ?? '0', 16),
      remoteIp: procNetAddressText(remoteHex),
      remotePort,
      protocol,
      inode,
    });
  }
  return sockets;
}
