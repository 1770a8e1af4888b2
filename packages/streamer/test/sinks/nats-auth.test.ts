/**
 * `--format nats` against real nats-servers (JetStream, loopback, temporary port and store) that ask
 * for TLS (a CA and server certificate made with openssl at test time), a user and password, or a
 * token: the flows of a run arrive, and a refused connection ends the run with a clear error naming
 * the target (never its secret) instead of waiting for ever.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, credsAuthenticator, type NodeConnectionOptions } from '@nats-io/transport-node';
import { NFStreamer } from '../../src/nfstreamer.js';
import { parseCollectCli } from '../../src/cli/collect-command.js';
import { collectFlows } from '../../src/sinks/nats/collect/dataset-collector.js';
import { natsSinkDefinition } from '../../src/sinks/nats/nats-sink-definition.js';
import { parseNatsTarget } from '../../src/sinks/nats/nats-target.js';
import { makeOperatorSetup } from '../support/nats-jwt.js';
import { HAS_NATS_SERVER, NatsServer } from '../support/nats-server.js';
import { PCAPS, runCli } from '../support/run-cli.js';
import { HAS_OPENSSL, makeTestCerts, type TestCerts } from '../support/test-certs.js';

const capture = join(PCAPS, 'instagram.pcap');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'flowstream-nats-auth-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Publishes the capture in this process; resolves to the run's flows (its summary's count). */
async function publish(url: string, sensor: string, options: Record<string, string> = {}): Promise<number> {
  return (await new NFStreamer({ source: capture }).export('nats', url, { sensor, ...options })).flows;
}

/** Expects `publish(url)` to fail within `ms` with a message that contains `parts` and none of `secrets`. */
async function expectRefused(url: string, parts: (string | RegExp)[], secrets: string[] = [], options: Record<string, string> = {}, ms = 8_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<Error>((resolve) => (timer = setTimeout(() => resolve(new Error(`still connecting after ${ms} ms`)), ms)));
  const failed = publish(url, 'refused', options).then(
    () => null,
    (e: unknown) => e as Error,
  );
  const err = await Promise.race([failed, hung]).finally(() => clearTimeout(timer));
  expect(err, 'the run should have failed').toBeInstanceOf(Error);
  expect(err!.message).not.toMatch(/^still connecting/);
  for (const p of parts) expect(err!.message).toMatch(p);
  for (const s of secrets) expect(err!.message).not.toContain(s);
}

/** Flows stored on `subject` of stream FLOWS: the sum of the `Flowstream-Rows` headers. */
async function storedFlows(options: NodeConnectionOptions, subject: string): Promise<number> {
  const nc = await connect({ ...options, maxReconnectAttempts: 0 });
  try {
    const jsm = await jetstreamManager(nc);
    const last = (await jsm.streams.info('FLOWS')).state.last_seq;
    let rows = 0;
    for (let seq = 1; seq <= last; seq++) {
      const m = await jsm.streams.getMessage('FLOWS', { seq });
      if (m?.subject === subject) rows += Number(m.header.get('Flowstream-Rows') || 0);
    }
    return rows;
  } finally {
    await nc.close();
  }
}

describe.skipIf(!HAS_NATS_SERVER || !HAS_OPENSSL)('NATS over TLS (tls://)', () => {
  let certs: TestCerts;
  let server: NatsServer;

  beforeAll(async () => {
    certs = makeTestCerts();
    server = await NatsServer.startWithConfig(`tls {\n  cert_file: "${certs.certFile}"\n  key_file: "${certs.keyFile}"\n  timeout: 2\n}\n`);
  });
  afterAll(async () => {
    await server?.stop();
    certs?.remove();
  });

  it('publishes every flow over TLS with the CLI trusting a private CA (--nats-tls-ca)', async () => {
    const summary = join(work, 'tls.summary.json');
    const url = `tls://127.0.0.1:${server.port}/flows.tls`;
    const r = runCli([capture, '--format', 'nats', '-o', url, '--nats-tls-ca', certs.caFile, '--sensor', 'tls', '--summary', summary, '-q'], { timeoutMs: 20_000 });
    expect(r.status, r.stderr.toString()).toBe(0);
    const flows = JSON.parse(readFileSync(summary, 'utf8')).flows as number;
    expect(flows).toBeGreaterThan(0);
    expect(await storedFlows({ servers: `127.0.0.1:${server.port}`, tls: { caFile: certs.caFile } }, 'flows.tls')).toBe(flows);
    // flowstream collect reads them back over TLS with the same CA.
    const { tlsCa } = parseCollectCli([`tls://127.0.0.1:${server.port}/FLOWS`, '--durable', 'tls', '-o', work, '--nats-tls-ca', certs.caFile]);
    const collected = await collectFlows({ source: parseNatsTarget(`tls://127.0.0.1:${server.port}/FLOWS`, 'SOURCE'), durable: 'tls', dir: join(work, 'tls-dataset'), idleExit: 1, tlsCa, warn: () => {} });
    expect(collected.flows).toBe(flows);
  });

  it('fails (not hangs) on a server certificate it does not trust, naming the URL', async () => {
    const url = `tls://127.0.0.1:${server.port}/flows.untrusted`;
    await expectRefused(url, [url, /certificate \(UNABLE_TO_VERIFY_LEAF_SIGNATURE; give the server's CA with --nats-tls-ca FILE\)/]);
    // A CA file that did not sign the server's certificate (here: the server certificate itself).
    await expectRefused(url, [url, /certificate.*checked against --nats-tls-ca .*server\.pem/], [], { natsTlsCa: certs.certFile });
    // nats:// meets a server that asks for TLS: the client upgrades, and the certificate decides.
    const plain = `nats://127.0.0.1:${server.port}/flows.plain`;
    await expectRefused(plain, [plain, /certificate/i]);
    expect(await publish(plain, 'plain', { natsTlsCa: certs.caFile })).toBeGreaterThan(0);
  });

  it('refuses an unreadable CA file before connecting', async () => {
    await expect(natsSinkDefinition.check!(`tls://127.0.0.1:${server.port}/flows.x`, { natsTlsCa: join(work, 'missing-ca.pem') })).rejects.toThrow(
      /^Invalid option natsTlsCa: expected a readable CA certificate file \(PEM\), got ".*missing-ca\.pem" \(ENOENT\)$/,
    );
  });
});

describe.skipIf(!HAS_NATS_SERVER)('NATS authorization from the server configuration', () => {
  it('logs in with nats://user:pass@ and fails fast on a wrong password without printing it', async () => {
    const server = await NatsServer.startWithConfig('authorization {\n  user: a\n  password: b\n}\n');
    try {
      const flows = await publish(`nats://a:b@127.0.0.1:${server.port}/flows.user`, 'user');
      expect(flows).toBeGreaterThan(0);
      expect(await storedFlows({ servers: `127.0.0.1:${server.port}`, user: 'a', pass: 'b' }, 'flows.user')).toBe(flows);
      await expectRefused(`nats://a:wrong-pass-XYZ@127.0.0.1:${server.port}/flows.user`, [`nats://a:***@127.0.0.1:${server.port}/flows.user`, /authorization violation/i], ['wrong-pass-XYZ']);
      await expectRefused(`nats://127.0.0.1:${server.port}/flows.user`, [`nats://127.0.0.1:${server.port}/flows.user`, /authorization violation/i]);
    } finally {
      await server.stop();
    }
  });

  it('logs in with a token (nats://TOKEN@) and refuses another token without printing it', async () => {
    const server = await NatsServer.startWithConfig('authorization {\n  token: s3cret\n}\n');
    try {
      const flows = await publish(`nats://s3cret@127.0.0.1:${server.port}/flows.token`, 'token');
      expect(flows).toBeGreaterThan(0);
      expect(await storedFlows({ servers: `127.0.0.1:${server.port}`, token: 's3cret' }, 'flows.token')).toBe(flows);
      await expectRefused(`nats://not-the-token@127.0.0.1:${server.port}/flows.token`, [`nats://***@127.0.0.1:${server.port}/flows.token`, /authorization violation/i], ['not-the-token']);
    } finally {
      await server.stop();
    }
  });
});

describe.skipIf(!HAS_NATS_SERVER)('NATS first connection', () => {
  it('waits for a server that is not up yet (and says so), then publishes', async () => {
    const server = await NatsServer.start();
    try {
      await server.kill();
      const warnings: string[] = [];
      const run = new NFStreamer({ source: capture }).export('nats', `${server.url}/flows.late`, { sensor: 'late', warn: (m: string) => warnings.push(m) });
      await new Promise((r) => setTimeout(r, 2500));
      await server.run();
      expect((await run).flows).toBeGreaterThan(0);
      expect(warnings.join('\n')).toContain(`nats ${server.url}/flows.late: waiting for the server`);
    } finally {
      await server.stop();
    }
  });
});

describe.skipIf(!HAS_NATS_SERVER)('NATS credentials file (--nats-creds) on a server in operator mode', () => {
  it('publishes with a user JWT + seed, and refuses a user of an unknown account', async () => {
    const setup = makeOperatorSetup();
    const server = await NatsServer.startWithConfig(setup.serverConfig);
    try {
      const creds = join(work, 'sensor.creds');
      writeFileSync(creds, setup.creds, { mode: 0o600 });
      const summary = join(work, 'creds.summary.json');
      const url = `nats://127.0.0.1:${server.port}/flows.creds`;
      const r = runCli([capture, '--format', 'nats', '-o', url, '--nats-creds', creds, '--sensor', 'creds', '--summary', summary, '-q'], { timeoutMs: 20_000 });
      expect(r.status, r.stderr.toString()).toBe(0);
      const flows = JSON.parse(readFileSync(summary, 'utf8')).flows as number;
      expect(flows).toBeGreaterThan(0);
      expect(await storedFlows({ servers: `127.0.0.1:${server.port}`, authenticator: credsAuthenticator(new TextEncoder().encode(setup.creds)) }, 'flows.creds')).toBe(flows);

      const foreign = join(work, 'foreign.creds');
      writeFileSync(foreign, setup.foreignCreds, { mode: 0o600 });
      await expectRefused(url, [url, /authorization violation/i], [], { natsCreds: foreign });
      await expectRefused(url, [url, /authorization violation/i]);
    } finally {
      await server.stop();
    }
  });
});
