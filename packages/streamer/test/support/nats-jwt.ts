// A NATS operator, an account with JetStream and a user, as JWTs signed with fresh NKeys, for a server
// in operator mode (`resolver: MEMORY`) and a `.creds` file (tests only; nothing here is kept).
import { createHash } from 'node:crypto';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';

const b64url = (data: Uint8Array | string) => Buffer.from(data).toString('base64url');

/** Encodes and signs claims as nsc does (header `ed25519-nkey`, `jti` = SHA-256 of the claims, base32). */
function sign(issuer: KeyPair, subject: string, name: string, nats: Record<string, unknown>): string {
  const claims: Record<string, unknown> = { iat: Math.floor(Date.now() / 1000), iss: issuer.getPublicKey(), name, sub: subject, nats: { ...nats, version: 2 } };
  claims.jti = base32(createHash('sha256').update(JSON.stringify(claims)).digest());
  const body = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }))}.${b64url(JSON.stringify(claims))}`;
  return `${body}.${b64url(issuer.sign(new TextEncoder().encode(body)))}`;
}

function base32(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

export interface NatsOperatorSetup {
  /** nats-server configuration lines: operator, system account, memory resolver with both accounts. */
  readonly serverConfig: string;
  /** A `.creds` file's text for a user of the JetStream account. */
  readonly creds: string;
  /** The same for a user signed by another account the server does not know. */
  readonly foreignCreds: string;
}

/** A fresh operator with a system account and an account (JetStream unlimited) holding one user. */
export function makeOperatorSetup(): NatsOperatorSetup {
  const operator = createOperator();
  const op = operator.getPublicKey();
  const account = (name: string, kp: KeyPair, jetstream: boolean) =>
    sign(operator, kp.getPublicKey(), name, {
      type: 'account',
      limits: { ...UNLIMITED, ...(jetstream ? { mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 } : {}) },
      default_permissions: { pub: {}, sub: {} },
    });
  const sys = createAccount();
  const flows = createAccount();
  const creds = (issuer: KeyPair) => {
    const user = createUser();
    const jwt = sign(issuer, user.getPublicKey(), 'sensor', { type: 'user', pub: {}, sub: {}, subs: -1, data: -1, payload: -1 });
    return `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${new TextDecoder().decode(user.getSeed())}\n------END USER NKEY SEED------\n`;
  };
  return {
    serverConfig: [
      `operator: ${sign(operator, op, 'flowstream-test', { type: 'operator' })}`,
      `system_account: ${sys.getPublicKey()}`,
      'resolver: MEMORY',
      'resolver_preload: {',
      `  ${sys.getPublicKey()}: ${account('SYS', sys, false)}`,
      `  ${flows.getPublicKey()}: ${account('FLOWS', flows, true)}`,
      '}',
      '',
    ].join('\n'),
    creds: creds(flows),
    foreignCreds: creds(createAccount()),
  };
}
