import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, errors, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { NatsTarget } from './nats-target.js';

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

/** Whether a failed first connection may succeed later (the server is down or not reachable yet). */
function unreachable(err: unknown): boolean {
  if (err instanceof errors.TimeoutError) return true;
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof errors.ConnectionError && e.message === 'connection refused') return true;
    if (UNREACHABLE_CODES.has((e as NodeJS.ErrnoException).code ?? '')) return true;
  }
  return false;
}

const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A certificate the client does not accept: the error says how to give the CA. */
function untrustedHint(err: unknown, tlsCa: string | null): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (!(err instanceof Error) || code === undefined || !CERTIFICATE_CODES.has(code)) return err;
  const hint = tlsCa !== null ? `checked against --nats-tls-ca ${tlsCa}` : "give the server's CA with --nats-tls-ca FILE";
  return new Error(`${err.message} (${code}; ${hint})`, { cause: err });
}

/**
 * A server without JetStream answers every JetStream request with "no responders", which the client
 * words `jetstream is not enabled`: the error says how to enable it.
 *
 * @example explainJetStream(new Error('jetstream is not enabled')).message // '… (the server runs without JetStream: …)'
 */
export function explainJetStream(err: unknown): unknown {
  if (!(err instanceof Error) || !/jetstream is not enabled/i.test(err.message)) return err;
  return new Error(`${err.message} (the server runs without JetStream: start nats-server with -js, or add a jetstream {} block to its configuration)`, { cause: err });
}

/**
 * A NATS connection that never gives up: it waits for the first connection and reconnects
 * forever, and it tells whether it is connected now, so publishers can wait instead of piling
 * messages into the client's reconnect buffer (which has no bound).
 *
 * @example
 * ```ts
 * const link = await NatsLink.open(parseNatsTarget('nats://127.0.0.1:4222/flows.a', '-o'), { name: 'flowstream' });
 * await link.connected();
 * ```
 */
export class NatsLink {
  private up = true;
  private waiters: (() => void)[] = [];
  private readonly reconnectListeners = new Set<() => void>();

  private constructor(readonly nc: NatsConnection) {
    void this.watch();
  }

  /** Connects, waiting as long as the server is unreachable (or until `signal` aborts the wait). */
  static async open(
    target: NatsTarget,
    options: { name: string; creds?: string | null; tlsCa?: string | null; onStatus?: (text: string) => void; signal?: AbortSignal },
  ): Promise<NatsLink> {
    const opts: NodeConnectionOptions = {
      servers: target.servers,
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 5000,
    };
    if (target.user !== undefined) Object.assign(opts, { user: target.user, pass: target.pass });
    if (target.token !== undefined) opts.token = target.token;
    // A CA file asks for TLS as tls:// does (as `nats --tlsca` does).
    if (options.tlsCa) opts.tls = { caFile: options.tlsCa };
    else if (target.tls) opts.tls = {};
    if (options.creds) {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(options.creds);
      } catch (err) {
        throw new Error(`--nats-creds: cannot read ${options.creds}: ${(err as Error).message}`, { cause: err });
      }
      opts.authenticator = credsAuthenticator(bytes);
    }
    // Wait as long as the server is unreachable (saying so once rather than hang silently), but
    // not on an answer that will not change: an untrusted certificate, TLS on one side only, a
    // refused login (the client's own waitOnFirstConnect would retry those for ever).
    const waiting = setTimeout(() => options.onStatus?.('waiting for the server'), 2000);
    let nc: NatsConnection;
    try {
      for (;;) {
        try {
          nc = await connect(opts);
          break;
        } catch (err) {
          if (!unreachable(err)) throw untrustedHint(err, options.tlsCa ?? null);
          // stopped while waiting (a stop signal): nothing was sent
          if (options.signal?.aborted === true) throw new Error('stopped while waiting for the server (it did not answer)', { cause: err });
          await new Promise((r) => setTimeout(r, opts.reconnectTimeWait));
        }
      }
    } finally {
      clearTimeout(waiting);
    }
    const link = new NatsLink(nc);
    link.onStatus = options.onStatus ?? null;
    return link;
  }

  private onStatus: ((text: string) => void) | null = null;

  private async watch(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect') {
        this.up = false;
        this.onStatus?.(`disconnected from ${s.server}; retrying`);
      } else if (s.type === 'reconnect') {
        this.up = true;
        this.onStatus?.(`reconnected to ${s.server}`);
        for (const f of this.reconnectListeners) f();
        this.release();
      }
    }
    // Closed: nobody waits for a connection that will not come back.
    this.release();
  }

  private release(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Whether the client is connected now. */
  get isConnected(): boolean {
    return this.up && !this.nc.isClosed();
  }

  /** Resolves when the client is connected (at once if it is). */
  connected(): Promise<void> {
    if (this.isConnected || this.nc.isClosed()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Calls `listener` at every reconnection; returns the function that removes it. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** The server's largest message (headers + body), bytes. */
  get maxPayload(): number {
    return this.nc.info?.max_payload ?? 1024 * 1024;
  }

  /** Flushes and closes; pending acknowledgements are no longer awaited. */
  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain().catch(() => this.nc.close());
  }
}
