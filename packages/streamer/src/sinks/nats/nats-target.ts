/** A parsed `nats://` / `tls://` target: the servers to dial, credentials, and the path part. */
export interface NatsTarget {
  /** `host:port` servers for the client (credentials removed). */
  readonly servers: string[];
  /** The URL path without its leading `/` (a subject for the sink, a stream name for `collect`); '' when absent. */
  readonly path: string;
  /** User and password from `nats://user:pass@host`, or a token from `nats://token@host`. */
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
  /** `tls://` asks for TLS (CA and client certificates come from the usual Node/NATS options). */
  readonly tls: boolean;
  /** The target as it may appear in messages: the URL without its password. */
  readonly display: string;
}

const SCHEMES = ['nats:', 'tls:'];

/**
 * Parses `nats://[user:pass@|token@]host[:port][,host2[:port]]/PATH` (or `tls://…`), as the NATS
 * CLI and clients accept it. `option` names the flag in errors.
 *
 * @example
 * ```ts
 * parseNatsTarget('nats://alice:s3cret@127.0.0.1:4222/flows.berlin', '-o');
 * // { servers: ['127.0.0.1:4222'], path: 'flows.berlin', user: 'alice', pass: 's3cret', tls: false, … }
 * ```
 */
export function parseNatsTarget(text: string, option: string): NatsTarget {
  const bad = (why: string): never => {
    throw new RangeError(`Invalid option ${option}: expected nats://[user:pass@]HOST[:PORT]/NAME or tls://…, ${why}`);
  };
  const m = /^([a-z]+:)\/\/(?:([^@/]*)@)?([^/]+)(?:\/(.*))?$/i.exec(text);
  if (m === null) return bad(`got ${JSON.stringify(text)}`);
  const scheme = m[1]!.toLowerCase();
  if (!SCHEMES.includes(scheme)) return bad(`got scheme ${JSON.stringify(scheme.slice(0, -1))}`);
  const servers = m[3]!.split(',').map((s) => s.trim());
  for (const s of servers) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(s)) bad(`got host ${JSON.stringify(s)}`);
  }
  const auth = m[2];
  let user: string | undefined;
  let pass: string | undefined;
  let token: string | undefined;
  if (auth !== undefined && auth !== '') {
    const colon = auth.indexOf(':');
    if (colon < 0) token = decodeURIComponent(auth);
    else {
      user = decodeURIComponent(auth.slice(0, colon));
      pass = decodeURIComponent(auth.slice(colon + 1));
    }
  }
  const path = decodeURIComponent(m[4] ?? '');
  const who = user !== undefined ? `${user}:***@` : token !== undefined ? '***@' : '';
  return {
    servers,
    path,
    ...(user !== undefined ? { user, pass: pass! } : {}),
    ...(token !== undefined ? { token } : {}),
    tls: scheme === 'tls:',
    display: `${scheme}//${who}${m[3]}${path === '' ? '' : `/${path}`}`,
  };
}
