import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { UdpTarget } from './udp-target.js';

/**
 * Sends IPFIX messages over UDP, paced by a token bucket so that a collector's receive buffer is
 * not overrun (UDP has no flow control: a burst faster than the collector reads is lost).
 *
 * @example
 * ```ts
 * const t = await UdpTransport.connect({ host: "127.0.0.1", port: 4739 }, 10000, 16);
 * await t.send(messages);
 * await t.close();
 * ```
 */
export class UdpTransport {
  private pending = 0;
  private error: Error | null = null;
  private idle: (() => void) | null = null;
  private tokens: number;
  private last = performance.now();
  /** Messages sent. */
  messages = 0;
  /** Bytes sent (IPFIX messages, without UDP/IP headers). */
  bytes = 0;
  /** Sends refused by the destination (no collector listening). */
  refused = 0;
  /** Told of each refused send (see {@link fail}). */
  onRefused: ((err: Error) => void) | null = null;

  private constructor(
    private readonly socket: Socket,
    /** Messages per second; 0 = unpaced. */
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    socket.on('error', (err) => this.fail(err));
  }

  /** Resolves the host and opens a connected socket (so that ICMP errors surface on later sends). */
  static async connect(target: UdpTarget, rate: number, burst: number): Promise<UdpTransport> {
    const address = isIP(target.host) !== 0 ? target.host : (await lookup(target.host)).address;
    const socket = createSocket(isIP(address) === 6 ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(target.port, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new UdpTransport(socket, rate, burst);
  }

  /** Sends `messages` in order at the configured rate; resolves when the kernel has taken them all. */
  async send(messages: readonly Buffer[]): Promise<void> {
    for (const m of messages) {
      if (this.error !== null) throw this.error;
      if (this.rate > 0) await this.token();
      this.pending++;
      this.socket.send(m, (err) => {
        if (err) this.fail(err);
        if (--this.pending === 0 && this.idle !== null) this.idle();
      });
      this.messages++;
      this.bytes += m.length;
    }
    if (this.pending > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    this.idle = null;
    if (this.error !== null) throw this.error;
  }

  /**
   * A collector that is down answers with ICMP port unreachable (ECONNREFUSED on a later send):
   * like any flow exporter, keep exporting (templates are re-sent periodically for when it is
   * back) and tell the owner; any other error stops the export.
   */
  private fail(err: Error): void {
    if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
      this.refused++;
      this.onRefused?.(err);
    } else this.error ??= err;
  }

  private async token(): Promise<void> {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    if (this.tokens < 1) {
      const waitMs = ((1 - this.tokens) * 1000) / this.rate;
      await sleep(Math.max(1, waitMs));
      const after = performance.now();
      this.tokens = Math.min(this.burst, this.tokens + ((after - this.last) * this.rate) / 1000);
      this.last = after;
    }
    this.tokens -= 1;
  }

  /** Closes the socket. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
