import { createRequire } from 'node:module';

/** The slice of the `cap` addon (mscdex/cap 0.2) flowstream uses. */
export interface CapDevice {
  name: string;
  description?: string;
  addresses: { addr?: string; netmask?: string; broadaddr?: string; dstaddr?: string }[];
  flags?: string;
}

/** One `cap` capture handle (an EventEmitter emitting `packet(nbytes, truncated)`). */
export interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): boolean;
  on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): this;
  removeAllListeners(event?: string): this;
}

/** The `cap` module. */
export interface CapModule {
  Cap: { new (): CapHandle; deviceList(): CapDevice[]; findDevice(ip?: string): string | undefined };
}

let cached: CapModule | Error | undefined;

/**
 * Loads the optional `cap` addon once. It is a CommonJS native module, so it is required
 * synchronously: interface names must be resolvable while NFStreamer validates its `source`
 * (spec §8), before anything is iterated.
 *
 * @returns the module, or an Error saying what to install.
 * @example
 * ```ts
 * const cap = loadCap();
 * if (cap instanceof Error) throw cap;
 * ```
 */
export function loadCap(): CapModule | Error {
  if (cached === undefined) {
    try {
      cached = createRequire(import.meta.url)('cap') as CapModule;
    } catch (e) {
      cached = new Error(
        'Live capture needs the optional dependency "cap" built against the system libpcap ' +
          '(Debian/Ubuntu: apt install libpcap-dev build-essential python3, then npm install cap; ' +
          `Windows: Npcap in WinPcap-compatible mode): ${(e as Error).message}`,
      );
    }
  }
  return cached;
}
