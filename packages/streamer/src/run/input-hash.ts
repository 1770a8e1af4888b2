import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/**
 * Hashes a file in a worker thread (page-cache reads beside the meter's own): the digest, hex.
 * One buffer is read into again and again: a fresh buffer per chunk would cost page faults.
 */
const FILE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { closeSync, openSync, readSync } = require('node:fs');
const h = createHash('sha256');
try {
  const fd = openSync(workerData, 'r');
  const buf = Buffer.allocUnsafeSlow(1 << 20);
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  parentPort.postMessage({ sha256: h.digest('hex') });
} catch (e) {
  parentPort.postMessage({ error: e.message });
}
`;

/**
 * SHA-256 of a capture file, computed off the main thread while the run reads it, so the manifest
 * can name exactly which bytes produced the flows. Resolves to null when the file cannot be read.
 *
 * @example const digest = await hashFile('capture.pcap') // 'e3b0c442…'
 */
export function hashFile(path: string): Promise<string | null> {
  return new Promise((resolve) => {
    const w = new Worker(FILE_WORKER, { eval: true, workerData: path });
    w.once('message', (m: { sha256?: string; error?: string }) => {
      resolve(m.sha256 ?? null);
      void w.terminate();
    });
    w.once('error', () => resolve(null));
  });
}

/**
 * SHA-256 of the bytes of a stream input, fed chunk by chunk as the reader takes them (a stream
 * cannot be read twice). OpenSSL's SHA-256 runs at memory speed on CPUs with SHA extensions.
 */
export class StreamHash {
  private readonly hash: Hash = createHash('sha256');
  private digestHex: string | null = null;

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }

  digest(): string {
    this.digestHex ??= this.hash.digest('hex');
    return this.digestHex;
  }
}
