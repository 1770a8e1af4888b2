// A throwaway CA and a server certificate for 127.0.0.1 / localhost, made with openssl at test time (tests only).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether `openssl` is installed (tests skip without it, except with CI=true, where they fail). */
export const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0;
if (process.env.CI === 'true' && !HAS_OPENSSL) throw new Error('CI=true: openssl must be installed (apt-get install openssl)');

export interface TestCerts {
  readonly dir: string;
  /** The CA certificate (PEM) the client must trust. */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** Removes the folder with every key. */
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

/** A fresh CA (P-256, valid one day) and a server certificate it signed, for IP 127.0.0.1 and DNS localhost. */
export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'flowstream-certs-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, ['req', '-x509', ...ec, '-days', '1', '-subj', '/CN=flowstream test CA', '-keyout', 'ca.key', '-out', 'ca.pem']);
  openssl(dir, ['req', ...ec, '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'server.ext', '-out', 'server.pem']);
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
