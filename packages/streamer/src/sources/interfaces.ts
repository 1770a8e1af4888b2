import { loadCap } from './cap-binding.js';

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
 * Lists the capture interfaces libpcap knows (through `cap`).
 *
 * @throws Error naming what to install when `cap`/libpcap is missing, or libpcap's error text.
 * @example
 * ```ts
 * for (const i of listInterfaces()) console.log(i.name, i.description);
 * ```
 */
export function listInterfaces(): CaptureInterface[] {
  const cap = loadCap();
  if (cap instanceof Error) throw cap;
  return cap.Cap.deviceList().map((d) => ({
    name: d.name,
    description: d.description ?? '',
    addresses: d.addresses.map((a) => a.addr).filter((a): a is string => typeof a === 'string'),
    loopback: d.flags === 'PCAP_IF_LOOPBACK',
  }));
}

/**
 * Resolves a live `source` the way NFStreamer does (spec §8): an interface given by its name or
 * by its description; the canonical name is returned. Names win over descriptions.
 *
 * @returns the interface name, or null when nothing matches or live capture is unavailable
 * (`cap`/libpcap missing: then NFStreamer's "valid network interface name" message applies;
 * {@link listInterfaces} says what to install).
 * @example
 * ```ts
 * resolveInterface('lo'); // 'lo'
 * resolveInterface('Pseudo-device that captures on all interfaces'); // 'any'
 * ```
 */
export function resolveInterface(nameOrDescription: string): string | null {
  if (loadCap() instanceof Error) return null;
  let interfaces: CaptureInterface[];
  // pcap_findalldevs can fail (e.g. no permission on some platforms): treat as "no interface".
  try {
    interfaces = listInterfaces();
  } catch {
    return null;
  }
  const byName = interfaces.find((i) => i.name === nameOrDescription);
  if (byName !== undefined) return byName.name;
  const byDescription = interfaces.find((i) => i.description !== '' && i.description === nameOrDescription);
  return byDescription?.name ?? null;
}
