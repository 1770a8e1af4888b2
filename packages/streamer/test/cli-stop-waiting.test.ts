// A stop signal while an output cannot take flows: the run says what it is doing, and never ignores
// the signal (a server that does not answer, a reader that stopped reading).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_NODE_ARGS, PCAPS } from './support/run-cli.js';

const FILES = ['skype.pcap', 'instagram.pcap', '1kxun.pcap'].map((n) => join(PCAPS, n));

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts the CLI with `args`, its stdout a pipe nobody reads; resolves its exit code and stderr. */
function start(args: string[]) {
  const child = spawn(process.execPath, [...CLI_NODE_ARGS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  let stderr = '';
  const seen: { text: string; resolve: () => void }[] = [];
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of seen) if (stderr.includes(w.text)) w.resolve();
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (text: string) => new Promise<void>((resolve) => (stderr.includes(text) ? resolve() : seen.push({ text, resolve })));
  return { child, exit, waitFor, stderr: () => stderr };
}

describe('a stop signal while an output waits', () => {
  it('for a NATS server that does not answer: the first SIGTERM ends the wait (exit 143, saying so)', async () => {
    const port = await closedPort();
    const run = start([...FILES, '-q', '--n-dissections', '0', '-o', `nats://127.0.0.1:${port}/flows.x`]);
    await run.waitFor('waiting for the server');
    const signalled = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(143);
    expect(Date.now() - signalled).toBeLessThan(5000);
    expect(run.stderr()).toContain('stopped while waiting for the server');
  }, 30_000);

  it('for a reader that stopped reading: the run says it is finishing, a second signal says what it leaves', async () => {
    // stdout is a pipe nobody reads: once it is full, the CSV waits
    const run = start([...FILES, '-q', '--n-dissections', '0', '--statistical-analysis', '--splt-analysis', '20']);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    run.child.kill('SIGTERM');
    await run.waitFor('finishing the outputs');
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(143);
    expect(run.stderr()).toContain('SIGTERM again: exiting now');
  }, 30_000);
});
