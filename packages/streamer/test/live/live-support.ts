import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { loadLivePcap } from '../../src/sources/index.js';

/**
 * Why live tests cannot run here (no libpcap/koffi, not root, no tcpdump), or null. Outside CI a
 * machine lacking them skips; with CI=true the tests run and fail instead.
 */
export function liveSkipReason(needTcpdump = false): string | null {
  if (process.env.CI === 'true') return null;
  const reasons = [
    loadLivePcap() instanceof Error ? 'koffi/libpcap not available' : null,
    process.getuid?.() === 0 ? null : 'not root',
    needTcpdump && spawnSync('tcpdump', ['--version']).status !== 0 ? 'tcpdump not installed' : null,
  ].filter((r) => r !== null);
  return reasons.length > 0 ? reasons.join(', ') : null;
}

/** A UDP socket bound on 127.0.0.1 (a free port that consumes what it receives). */
export async function udpReceiver(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  s.on('message', () => {});
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return s;
}

/**
 * Runs `code` (CommonJS, may use `require`) in a separate Node process, so the test's own event
 * loop (blocked by slow plugins) does not pace the traffic. Resolves with its stdout.
 */
export function runNode(code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`sender exited with ${code}`))));
  });
}

/** Starts `tcpdump -w file` with nanosecond timestamps; resolves once it is listening. */
export async function startTcpdump(file: string, filter: string): Promise<ChildProcess> {
  const child = spawn('tcpdump', ['-i', 'lo', '-n', '-U', '--time-stamp-precision=nano', '-w', file, filter], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start: ${err}`)), 10_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`tcpdump exited with ${code}: ${err}`)));
  });
  return child;
}

/** Stops tcpdump (SIGINT: it flushes its file) and waits for it. */
export function stopTcpdump(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGINT');
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
