import { networkInterfaces } from 'node:os';
import { IF_LOOPBACK, loadLivePcap } from './libpcap-live.js';

/** A capture interface as libpcap lists it (`pcap_findalldevs`). */
export interface CaptureInterface {
  /** Name to open (e.g. `eth0`, `lo`, `any`). */
  name: string;
  /** libpcap's description, or "" when it has none. */
  description: string;
  /** IPv4/IPv6 addresses of the interface. */
  addresses: string[];
  loopback: boolean;
}

/**
 * Lists the capture interfaces libpcap knows (`pcap_findalldevs` through koffi).
 *
 * @throws Error naming what to install when koffi/libpcap is missing, or libpcap's error text.
 * @example
 * ```ts
 * import { listInterfaces } from '@flowstream/streamer';
 *
 * for (const i of listInterfaces()) console.log(i.name, i.description, i.addresses, i.loopback);
 * ```
 */
export function listInterfaces(): CaptureInterface[] {
  const pcap = loadLivePcap();
  if (pcap instanceof Error) throw pcap;
  const devices = pcap.findAllDevices();
  if (devices instanceof Error) throw devices;
  return devices.map((d) => ({
    name: d.name,
    description: d.description,
    addresses: d.addresses,
    loopback: (d.flags & IF_LOOPBACK) !== 0,
  }));
}

/**
 * Resolves a live `source` the way NFStreamer does (spec §8): an interface given by its name or
 * by its description; the canonical name is returned. Names win over descriptions. Without
 * libpcap, the system's interface names (and `any`) still resolve, so that using one as a source
 * fails with the sentence saying what to install rather than "not a file".
 *
 * @returns the interface name, or null when nothing matches.
 * @example
 * ```ts
 * resolveInterface('lo'); // 'lo'
 * resolveInterface('Pseudo-device that captures on all interfaces'); // 'any'
 * ```
 */
export function resolveInterface(nameOrDescription: string): string | null {
  let interfaces: CaptureInterface[];
  try {
    interfaces = listInterfaces();
  } catch {
    // no libpcap (or pcap_findalldevs failed): the kernel's names
    const names = ['any', ...Object.keys(networkInterfaces())];
    return names.includes(nameOrDescription) ? nameOrDescription : null;
  }
  const byName = interfaces.find((i) => i.name === nameOrDescription);
  if (byName !== undefined) return byName.name;
  const byDescription = interfaces.find((i) => i.description !== '' && i.description === nameOrDescription);
  return byDescription?.name ?? null;
}
