import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

/** The system Chromium (Debian package `chromium`), or null when it is not installed. */
export function chromiumPath(): string | null {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (spawnSync('test', ['-x', p]).status === 0) return p;
  }
  return null;
}

/** Kills the browser's process group (it runs detached: the browser and its helper processes). */
function killGroup(proc: ChildProcess): void {
  try {
    process.kill(-proc.pid!, 'SIGKILL');
  } catch {
    proc.kill('SIGKILL'); // the group is gone already
  }
}

/** A page problem: console errors, uncaught exceptions, failed or network requests. */
export interface PageProblem {
  readonly kind: 'console' | 'exception' | 'log' | 'request';
  readonly text: string;
}

/**
 * Headless Chromium driven over the DevTools protocol, with networking disabled (a proxy to
 * nowhere and every host name unresolvable), so a page that tries to load anything fails visibly.
 */
export class HeadlessChromium {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly listeners: ((method: string, params: Record<string, unknown>, sessionId?: string) => void)[] = [];

  private constructor(
    private readonly proc: ChildProcess,
    private readonly ws: WebSocket,
    private readonly profile: string,
  ) {
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: Record<string, unknown>; sessionId?: string };
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(msg.error.message));
        else p?.resolve(msg.result);
      } else if (msg.method) for (const l of this.listeners) l(msg.method, msg.params ?? {}, msg.sessionId);
    });
  }

  static async launch(binary: string): Promise<HeadlessChromium> {
    const profile = mkdtempSync(join(tmpdir(), 'flowstream-chromium-'));
    const proc = spawn(
      binary,
      [
        '--headless',
        '--disable-gpu',
        '--no-sandbox',
        '--no-first-run',
        '--hide-scrollbars',
        '--proxy-server=127.0.0.1:9',
        '--host-resolver-rules=MAP * ~NOTFOUND',
        '--remote-debugging-port=0',
        `--user-data-dir=${profile}`,
        'about:blank',
      ],
      // its own process group: close() ends the browser's helper processes with it
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`chromium did not start: ${err.slice(-2000)}`)), 60_000);
      proc.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      proc.on('exit', (code) => reject(new Error(`chromium exited (${code}): ${err.slice(-2000)}`)));
    });
    // its own process group no longer gets the terminal's Ctrl-C: end it when the test process ends
    const onExit = (): void => killGroup(proc);
    process.once('exit', onExit);
    proc.once('exit', () => process.removeListener('exit', onExit));
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new HeadlessChromium(proc, ws, profile);
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<T> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, params, sessionId }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  /**
   * Opens `url` in a fresh tab of `width`×`height`, waits for the load event and returns the page,
   * the milliseconds from navigation to load, and the problems seen while loading.
   */
  async open(url: string, width = 1300, height = 900): Promise<{ page: Page; loadMs: number; problems: PageProblem[] }> {
    const { targetId } = await this.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, sessionId);
    const problems: PageProblem[] = [];
    let loaded: () => void = () => {};
    const loadedP = new Promise<void>((r) => (loaded = r));
    this.listeners.push((method, params, sid) => {
      if (sid !== sessionId) return;
      if (method === 'Page.loadEventFired') loaded();
      else if (method === 'Runtime.consoleAPICalled' && (params.type === 'error' || params.type === 'assert')) {
        problems.push({ kind: 'console', text: JSON.stringify(params.args) });
      } else if (method === 'Runtime.exceptionThrown') problems.push({ kind: 'exception', text: JSON.stringify(params.exceptionDetails) });
      else if (method === 'Log.entryAdded') {
        const e = params.entry as { level: string; text: string; url?: string };
        if (e.level === 'error') problems.push({ kind: 'log', text: `${e.text} ${e.url ?? ''}` });
      } else if (method === 'Network.requestWillBeSent') {
        const u = (params.request as { url: string }).url;
        if (!u.startsWith('file:') && !u.startsWith('data:') && !u.startsWith('about:')) problems.push({ kind: 'request', text: u });
      }
    });
    await Promise.all(['Page.enable', 'Runtime.enable', 'Log.enable', 'Network.enable'].map((m) => this.send(m, {}, sessionId)));
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false }, sessionId);
    const t0 = performance.now();
    await this.send('Page.navigate', { url }, sessionId);
    await loadedP;
    return { page, loadMs: performance.now() - t0, problems };
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.send('Browser.close'), new Promise((r) => setTimeout(r, 2000))]);
    } catch {
      /* already gone */
    }
    this.ws.close();
    // the profile is removed once the browser and its helpers stopped writing into it: the whole
    // process group is killed (a helper left alive kept writing, and the removal failed with ENOTEMPTY)
    const exited = this.proc.exitCode !== null ? Promise.resolve() : new Promise((r) => this.proc.once('exit', r));
    killGroup(this.proc);
    await exited;
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
}

/** One tab. */
export class Page {
  constructor(
    private readonly browser: HeadlessChromium,
    private readonly sessionId: string,
  ) {}

  /** Evaluates `expression` in the page and returns its value (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.browser.send<{ result: { value?: T }; exceptionDetails?: unknown }>('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, this.sessionId);
    if (r.exceptionDetails) throw new Error(`evaluate failed: ${JSON.stringify(r.exceptionDetails)}`);
    return r.result.value as T;
  }

  /** A PNG of the whole page (up to `maxHeight` pixels). */
  async screenshot(maxHeight = 6000): Promise<Buffer> {
    const height = Math.min(maxHeight, await this.evaluate<number>('document.documentElement.scrollHeight'));
    const width = await this.evaluate<number>('document.documentElement.scrollWidth');
    const r = await this.browser.send<{ data: string }>('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width, height, scale: 1 } }, this.sessionId);
    return Buffer.from(r.data, 'base64');
  }
}
