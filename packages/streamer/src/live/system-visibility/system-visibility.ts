import { readFile } from 'node:fs/promises';
import { parseProcNet, type ProcNetSocket } from './proc-net.js';
import { processName, scanSocketOwners } from './socket-owners.js';

/** The process owning a flow's socket. */
export interface SystemProcess {
  readonly pid: number;
  readonly name: string;
}

/** Options of {@link SystemVisibility}. */
export interface SystemVisibilityOptions {
  /** Poll period in ms (NFStream `system_visibility_poll_ms`, default 100). */
  pollMs?: number;
  /** NFStream `idle_timeout` in seconds: entries unseen for idleTimeout + 5 s are withdrawn. */
  idleTimeout?: number;
  /** procfs root (tests). */
  proc?: string;
  /** Wall clock in ms (tests). */
  now?: () => number;
}

interface Entry {
  process: SystemProcess;
  lastSeen: number;
}

const TABLES: [file: string, protocol: number][] = [
  ['tcp', 6],
  ['tcp6', 6],
  ['udp', 17],
  ['udp6', 17],
];

/**
 * System visibility (`system_visibility_mode=1`, spec §12; Linux only): polls the kernel socket
 * tables (`/proc/net/{tcp,tcp6,udp,udp6}`) and the sockets each process holds (`/proc/[pid]/fd`)
 * to know which process owns each connected socket, so flows can be given
 * `system_process_pid` / `system_process_name` (−1 / "" when unknown).
 *
 * Matching is exact on (ip, port, ip, port, protocol) in both orientations. NFStream only compares
 * the first two characters of the IP texts (best effort); exact matching is stricter but never
 * pairs unrelated sockets. A socket on an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, a dual-stack
 * server) is also registered under its IPv4 text, which is what the flow shows.
 *
 * Polling runs asynchronously on the event loop (NFStream uses a helper process); the fd scan only
 * runs when a socket with an unknown inode appears.
 *
 * @example
 * ```ts
 * const sv = new SystemVisibility({ pollMs: 100, idleTimeout: 120 });
 * sv.start();
 * const owner = sv.lookup(flow.src_ip, flow.src_port, flow.dst_ip, flow.dst_port, flow.protocol);
 * flow.system_process_pid = owner?.pid ?? -1;
 * flow.system_process_name = owner?.name ?? '';
 * sv.stop();
 * ```
 */
export class SystemVisibility {
  readonly pollMs: number;
  readonly withdrawAfterMs: number;
  private readonly proc: string;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private owners = new Map<number, number>();
  private readonly names = new Map<number, SystemProcess>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private polling: Promise<void> | null = null;

  constructor(options: SystemVisibilityOptions = {}) {
    this.pollMs = options.pollMs ?? 100;
    this.withdrawAfterMs = (options.idleTimeout ?? 120) * 1000 + 5000;
    this.proc = options.proc ?? '/proc';
    this.now = options.now ?? Date.now;
  }

  /** Starts polling every `pollMs` (first poll at once). The timer does not keep the process alive. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const loop = (): void => {
      void this.pollNow().finally(() => {
        if (!this.running) return;
        this.timer = setTimeout(loop, this.pollMs);
        this.timer.unref();
      });
    };
    loop();
  }

  /** Stops polling; known entries stay available to {@link lookup}. */
  stop(): void {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Number of known socket keys. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The process owning the socket of a flow, trying both orientations, or null. `protocol` other
   * than 6/17 never matches (NFStream reduces it to 0).
   */
  lookup(srcIp: string, srcPort: number, dstIp: string, dstPort: number, protocol: number): SystemProcess | null {
    if (protocol !== 6 && protocol !== 17) return null;
    const e =
      this.entries.get(key(srcIp, srcPort, dstIp, dstPort, protocol)) ??
      this.entries.get(key(dstIp, dstPort, srcIp, srcPort, protocol));
    return e === undefined ? null : e.process;
  }

  /** Polls once (concurrent calls share the poll in flight). */
  pollNow(): Promise<void> {
    if (this.polling === null) {
      this.polling = this.poll().finally(() => {
        this.polling = null;
      });
    }
    return this.polling;
  }

  private async poll(): Promise<void> {
    const tables = await Promise.all(
      TABLES.map(async ([file, protocol]) =>
        parseProcNet(await readFile(`${this.proc}/net/${file}`, 'latin1').catch(() => ''), protocol),
      ),
    );
    const sockets: ProcNetSocket[] = tables.flat();
    if (sockets.some((s) => !this.owners.has(s.inode))) {
      this.owners = await scanSocketOwners(this.proc);
      this.names.clear();
    }
    const now = this.now();
    for (const s of sockets) {
      const pid = this.owners.get(s.inode);
      if (pid === undefined) continue;
      let process = this.names.get(pid);
      if (process === undefined) {
        process = { pid, name: await processName(pid, this.proc) };
        this.names.set(pid, process);
      }
      this.touch(key(s.localIp, s.localPort, s.remoteIp, s.remotePort, s.protocol), process, now);
      const l4 = unmapped(s.localIp);
      const r4 = unmapped(s.remoteIp);
      if (l4 !== null && r4 !== null) this.touch(key(l4, s.localPort, r4, s.remotePort, s.protocol), process, now);
    }
    for (const [k, e] of this.entries) if (now - e.lastSeen >= this.withdrawAfterMs) this.entries.delete(k);
  }

  private touch(k: string, process: SystemProcess, now: number): void {
    const e = this.entries.get(k);
    // A new owner of the same 5-tuple (port reuse) replaces the old one.
    if (e === undefined || e.process.pid !== process.pid) this.entries.set(k, { process, lastSeen: now });
    else e.lastSeen = now;
  }
}

function key(ipA: string, portA: number, ipB: string, portB: number, protocol: number): string {
  return `${ipA}|${portA}|${ipB}|${portB}|${protocol}`;
}

function unmapped(ip: string): string | null {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : null;
}
