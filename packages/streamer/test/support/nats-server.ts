// A real nats-server with JetStream on loopback, a free port and a temporary store (tests only).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether `nats-server` is installed (tests skip without it, except with CI=true, where they fail). */
export const HAS_NATS_SERVER = spawnSync('nats-server', ['--version']).status === 0;
if (process.env.CI === 'true' && !HAS_NATS_SERVER) throw new Error('CI=true: nats-server must be installed (apt-get install nats-server)');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = tcpConnect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** `nats-server -js -a 127.0.0.1 -p PORT -sd STORE`, restartable on the same port and store. */
export class NatsServer {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    readonly store: string,
    private readonly extra: readonly string[],
    private readonly jetstream = true,
  ) {}

  /** Starts a server without JetStream (core NATS only). */
  static async startWithoutJetStream(): Promise<NatsServer> {
    const s = new NatsServer(await freePort(), mkdtempSync(join(tmpdir(), 'flowstream-nats-')), [], false);
    await s.run();
    return s;
  }

  /** Starts a server; `extra` arguments are appended (e.g. `['--user', 'u', '--pass', 'p']`). */
  static async start(extra: readonly string[] = []): Promise<NatsServer> {
    const s = new NatsServer(await freePort(), mkdtempSync(join(tmpdir(), 'flowstream-nats-')), extra);
    await s.run();
    return s;
  }

  /**
   * Starts a server with a generated configuration file (`-c`), e.g. `tls { … }` or `authorization { … }`
   * blocks; port, address and store still come from the command line.
   */
  static async startWithConfig(config: string): Promise<NatsServer> {
    const store = mkdtempSync(join(tmpdir(), 'flowstream-nats-'));
    const file = join(store, 'nats-server.conf');
    writeFileSync(file, config);
    const s = new NatsServer(await freePort(), store, ['-c', file]);
    await s.run();
    return s;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the server process and waits until it accepts connections. */
  async run(): Promise<void> {
    const js = this.jetstream ? ['-js', '-sd', this.store] : [];
    this.child = spawn('nats-server', [...js, '-a', '127.0.0.1', '-p', String(this.port), ...this.extra], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await accepts(this.port))) {
      if (Date.now() > deadline) throw new Error(`nats-server did not start on port ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Kills the server process with `signal` and waits for its end. */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const c = this.child;
    if (c === null || c.exitCode !== null || c.signalCode !== null) return;
    const done = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await done;
    this.child = null;
  }

  /** Stops the server and removes its store. */
  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    rmSync(this.store, { recursive: true, force: true });
  }
}
