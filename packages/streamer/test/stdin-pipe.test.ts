import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_NODE_ARGS, CLI_SHELL, PCAPS, runCli, shellQuote } from './support/run-cli.js';
import { corruptCapture } from './support/corrupt-capture.js';
import { ipv4Udp, pcap as pcapBytes } from '../../core/test/support/capture-builder.js';

// `flowstream -` on real pipes (a shell `|` or a FIFO): the output is the file run's, byte for
// byte, however the bytes arrive, and a stop or a broken capture behaves as it does on a file.
const pcap = (n: string) => join(PCAPS, n);
const tmp = () => mkdtempSync(join(tmpdir(), 'fs-pipe-'));
const q = shellQuote;
const NODE_CLI = CLI_SHELL;
const CORE = ['-q', '--n-dissections', '0'];

/** `producer | flowstream - ARGS` in a shell. */
function piped(producer: string, args: string[]): SpawnSyncReturns<Buffer> {
  return spawnSync('bash', ['-c', `set -o pipefail; ${producer} | ${NODE_CLI} - ${args.map(q).join(' ')}`], {
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
}

/** A producer that writes `path` in `chunk`-byte writes, `pauseMs` apart. */
function slowly(path: string, chunk: number, pauseMs: number): string {
  const code = `const b=require('fs').readFileSync(${JSON.stringify(path)});let i=0;const t=setInterval(()=>{process.stdout.write(b.subarray(i,i+${chunk}));i+=${chunk};if(i>=b.length)clearInterval(t);},${pauseMs});`;
  return `${q(process.execPath)} -e ${q(code)}`;
}

describe('flowstream - on a pipe', () => {
  it.each([['instagram.pcap'], ['quic-33.pcapng']])('cat %s | flowstream - writes the file run\'s CSV, byte for byte, and its summary names the format and link type', (name) => {
    const dir = tmp();
    const file = runCli([pcap(name), ...CORE, '--summary', join(dir, 'file.json')]);
    expect(file.status).toBe(0);
    const pipe = piped(`cat ${q(pcap(name))}`, [...CORE, '--summary', join(dir, 'pipe.json')]);
    expect(pipe.stderr.toString()).toBe('');
    expect(pipe.status).toBe(0);
    expect(pipe.stdout.toString()).toBe(file.stdout.toString());
    const source = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')).sources[0];
    const { format, linkType } = source('file.json');
    expect(linkType).toBeGreaterThanOrEqual(0);
    expect(source('pipe.json')).toMatchObject({ path: 'stdin', format, linkType });
  }, 60_000);

  // Node 20: a plain synchronous stat of a pipe poisoned module resolution, so the Arrow library
  // (loaded by these formats after stdin was examined) could not find its own dependencies
  it.each([['arrow'], ['parquet']])('cat F | flowstream - -o flows.%s writes the file run\'s rows', async (format) => {
    const dir = tmp();
    const path = pcap('instagram.pcap');
    expect(runCli([path, ...CORE, '--format', format, '-o', join(dir, `file.${format}`)]).status).toBe(0);
    const pipe = piped(`cat ${q(path)}`, [...CORE, '--format', format, '-o', join(dir, `pipe.${format}`)]);
    expect(pipe.stderr.toString()).toBe('');
    expect(pipe.status).toBe(0);
    // the same rows (the files' metadata name their sources: the path, or stdin)
    const pl = await import('nodejs-polars');
    const read = (f: string) => (format === 'arrow' ? pl.readIPC(readFileSync(join(dir, f))) : pl.readParquet(readFileSync(join(dir, f))));
    const [fromFile, fromPipe] = [read(`file.${format}`), read(`pipe.${format}`)];
    expect(fromPipe.height).toBeGreaterThan(0);
    expect(fromPipe.frameEqual(fromFile)).toBe(true);
  }, 60_000);

  it('bytes written slowly, in small pieces with pauses, give the same CSV', () => {
    const path = pcap('443-curl.pcap');
    const pipe = piped(slowly(path, 1000, 15), CORE);
    expect(pipe.status).toBe(0);
    expect(pipe.stdout.toString()).toBe(runCli([path, ...CORE]).stdout.toString());
  }, 60_000);

  it('--input-hash: the manifest names the SHA-256 of what came through the pipe', () => {
    const dir = tmp();
    const path = pcap('instagram.pcap');
    const r = piped(`cat ${q(path)}`, [...CORE, '--format', 'none', '--input-hash', '--summary', join(dir, 's.json')]);
    expect(r.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
    expect(summary.manifest.sources).toEqual([{ name: 'stdin', size: null, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') }]);
  }, 60_000);

  it('a pipe that ends mid-record: the truncated file\'s CSV and summary, the warning names stdin', () => {
    const dir = tmp();
    const path = join(dir, 'cut.pcap');
    writeFileSync(path, readFileSync(pcap('instagram.pcap')).subarray(0, 1_000_003));
    const file = runCli([path, ...CORE, '--summary', join(dir, 'file.json')]);
    const pipe = piped(`cat ${q(path)}`, [...CORE, '--summary', join(dir, 'pipe.json')]);
    expect(pipe.status).toBe(0);
    expect(pipe.stdout.toString()).toBe(file.stdout.toString());
    const cut = JSON.parse(readFileSync(join(dir, 'file.json'), 'utf8')).sources[0].truncatedAt;
    expect(JSON.parse(readFileSync(join(dir, 'pipe.json'), 'utf8')).sources[0]).toMatchObject({ path: 'stdin', truncatedAt: cut });
    expect(pipe.stderr.toString()).toContain(`stdin: truncated last record at byte offset ${cut} dropped`);
  }, 60_000);

  it('a corrupt capture: the flows before the bad record are written, then exit 1 naming stdin and the offset', () => {
    const dir = tmp();
    const { path, offset } = corruptCapture(pcap('instagram.pcap'), 2000, dir);
    const file = runCli([path, '-o', join(dir, 'file.csv'), ...CORE]);
    expect(file.status).toBe(1);
    const pipe = piped(`cat ${q(path)}`, ['-o', join(dir, 'pipe.csv'), ...CORE]);
    expect(pipe.status).toBe(1);
    expect(pipe.stderr.toString()).toMatch(new RegExp(`^flowstream: error: stdin: .* at byte offset ${offset}\\n$`));
    const rows = readFileSync(join(dir, 'pipe.csv'), 'utf8');
    expect(rows.split('\n').length).toBeGreaterThan(10);
    expect(rows).toBe(readFileSync(join(dir, 'file.csv'), 'utf8'));
  }, 60_000);

  it.each(['csv', 'jsonl'])('a flow that ended reaches stdout (%s) while the pipe stays open, not at exit', async (format) => {
    const dir = tmp();
    const fifo = join(dir, 'in');
    spawnSync('mkfifo', [fifo]);
    // flow A at 0 s; flow B at 10 s ends A (idle timeout 1 s); then the writer keeps the pipe open
    writeFileSync(join(dir, 'two.pcap'), pcapBytes({ linkType: 101 }, [
      { tsSec: 1_700_000_000, tsFrac: 0, data: ipv4Udp(0x0a000001, 0x0a000002, 1000, 53) },
      { tsSec: 1_700_000_010, tsFrac: 0, data: ipv4Udp(0x0a000003, 0x0a000004, 2000, 53) },
    ]));
    const writer = spawn('sh', ['-c', `(cat ${q(join(dir, 'two.pcap'))}; sleep 120) > ${q(fifo)}`], { stdio: 'ignore' });
    const cli = spawn('sh', ['-c', `exec ${NODE_CLI} - --idle-timeout 1 --format ${format} ${CORE.join(' ')} < ${q(fifo)}`], {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    const exit = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
    let out = '';
    try {
      // the row of flow A arrives while the run goes on (the writer holds the pipe for two minutes)
      await new Promise<void>((resolve) => {
        cli.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('10.0.0.1')) resolve();
        });
      });
      expect(out).not.toContain('10.0.0.3');
    } finally {
      cli.kill('SIGINT');
      writer.kill('SIGKILL');
    }
    expect(await exit).toBe(130);
  }, 60_000);

  it('SIGINT while the pipe is quiet: every flow is written, the run is marked interrupted, exit 130', async () => {
    const dir = tmp();
    const path = pcap('443-curl.pcap');
    const fifo = join(dir, 'in');
    spawnSync('mkfifo', [fifo]);
    // the writer sends the whole capture, then keeps the pipe open without a byte more
    const writer = spawn('sh', ['-c', `(cat ${q(path)}; sleep 120) > ${q(fifo)}`], { stdio: 'ignore' });
    const cli = spawn('sh', ['-c', `exec ${NODE_CLI} - --progress -o ${q(join(dir, 'pipe.csv'))} --summary ${q(join(dir, 's.json'))} --n-dissections 0 < ${q(fifo)}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    let stderr = '';
    const exit = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
    const size = readFileSync(path).length;
    // the progress line, redrawn on its timer while the pipe is quiet, has every byte of the capture
    await new Promise<void>((resolve) => {
      cli.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes(`${(size / 1e3).toFixed(1)} kB`)) resolve();
      });
    });
    cli.kill('SIGINT');
    expect(await exit).toBe(130);
    writer.kill('SIGKILL');
    const summary = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
    expect(summary).toMatchObject({ interrupted: true, packets: { read: 109 } });
    const file = runCli([path, ...CORE]);
    expect(readFileSync(join(dir, 'pipe.csv'), 'utf8')).toBe(file.stdout.toString());
  }, 60_000);

  it('Ctrl-C on `writer | flowstream -` reaching both: what the writer flushes as it stops is metered too (exit 130, interrupted)', async () => {
    const dir = tmp();
    const path = pcap('instagram.pcap');
    // as tcpdump -w - does: the first half now, the rest (its buffer) when SIGINT stops it
    const writer = `const b=require('fs').readFileSync(${JSON.stringify(path)});const h=b.length>>1;process.stdout.write(b.subarray(0,h));` +
      `process.on('SIGINT',()=>process.stdout.write(b.subarray(h),()=>process.exit(0)));setInterval(()=>{},1e6);`;
    const err = join(dir, 'stderr');
    const pipeline = spawn('bash', ['-c', `${q(process.execPath)} -e ${q(writer)} | ${NODE_CLI} - ${CORE.join(' ')} --progress -o ${q(join(dir, 'pipe.csv'))} --summary ${q(join(dir, 's.json'))} 2> ${q(err)}; echo $? > ${q(join(dir, 'status'))}`], {
      stdio: 'ignore',
      detached: true,
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    const done = new Promise<void>((resolve) => pipeline.on('exit', () => resolve()));
    // the run has read the first half (its progress line counts the bytes read)
    const half = readFileSync(path).length >> 1;
    const units: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6 };
    const bytesRead = () => {
      const shown = [...(existsSync(err) ? readFileSync(err, 'utf8') : '').matchAll(/([\d.]+) (B|kB|MB) \|/g)].at(-1);
      return shown === undefined ? 0 : Number(shown[1]) * units[shown[2]!]!;
    };
    for (const deadline = Date.now() + 30_000; bytesRead() < half * 0.99 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    expect(bytesRead()).toBeGreaterThan(half * 0.99);
    // the terminal's Ctrl-C: SIGINT to the whole process group
    process.kill(-pipeline.pid!, 'SIGINT');
    await done;
    expect(readFileSync(join(dir, 'status'), 'utf8').trim()).toBe('130');
    const summary = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
    const file = runCli([path, ...CORE, '--summary', join(dir, 'file.json')]);
    expect(summary.packets).toEqual(JSON.parse(readFileSync(join(dir, 'file.json'), 'utf8')).packets);
    // stopped by a signal, as a live capture stopped with Ctrl-C is
    expect(summary.interrupted).toBe(true);
    expect(readFileSync(join(dir, 'pipe.csv'), 'utf8')).toBe(file.stdout.toString());
  }, 60_000);

  it('a run that cannot start (an unknown column) on a quiet pipe exits at once: the reader started early is closed', async () => {
    const dir = tmp();
    const fifo = join(dir, 'in');
    spawnSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `(cat ${q(pcap('443-curl.pcap'))}; sleep 120) > ${q(fifo)}`], { stdio: 'ignore' });
    const cli = spawn('sh', ['-c', `exec ${NODE_CLI} - --columns nope < ${q(fifo)}`], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let stderr = '';
    cli.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => cli.on('exit', (c) => resolve(c)));
    writer.kill('SIGKILL');
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown column "nope"/);
  }, 60_000);

  // `flowstream - …` starts reading the pipe before the CLI parses its options: a command that
  // never runs (help, a usage error) must still close that reader and exit at once
  it.each([
    [['--help'], 0, /Usage:/],
    [['--no-such-option'], 2, /Unknown option '--no-such-option'/],
  ])('flowstream - %j on a quiet pipe exits at once with %i', async (args, expected, output) => {
    const dir = tmp();
    const fifo = join(dir, 'in');
    spawnSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `(cat ${q(pcap('443-curl.pcap'))}; sleep 120) > ${q(fifo)}`], { stdio: 'ignore' });
    const cli = spawn('sh', ['-c', `exec ${NODE_CLI} - ${args.map(q).join(' ')} < ${q(fifo)}`], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let text = '';
    cli.stdout!.on('data', (d: Buffer) => (text += d.toString()));
    cli.stderr!.on('data', (d: Buffer) => (text += d.toString()));
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => cli.on('exit', (c) => resolve(c)));
    writer.kill('SIGKILL');
    expect(code).toBe(expected);
    expect(text).toMatch(output);
    // the writer goes on for 120 s: exiting before it means the reader was closed
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});

// A named pipe given as the source (`mkfifo`, or a shell's `<(cmd)`, which names /dev/fd/N) is
// read as standard input's pipe is, once a writer opened it, as libpcap reads one.
describe('flowstream FIFO and flowstream <(cmd)', () => {
  it('a FIFO whose writer comes later: the file run\'s CSV, byte for byte, and a summary naming the FIFO', async () => {
    const dir = tmp();
    const path = pcap('instagram.pcap');
    const fifo = join(dir, 'in');
    spawnSync('mkfifo', [fifo]);
    const cli = spawn(process.execPath, [...CLI_NODE_ARGS, fifo, ...CORE, '-o', join(dir, 'fifo.csv'), '--summary', join(dir, 's.json')], { stdio: 'ignore' });
    const exit = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
    // the run has started and waits for a writer
    await new Promise((resolve) => setTimeout(resolve, 300));
    spawnSync('sh', ['-c', `cat ${q(path)} > ${q(fifo)}`]);
    expect(await exit).toBe(0);
    const file = runCli([path, ...CORE]);
    expect(readFileSync(join(dir, 'fifo.csv'), 'utf8')).toBe(file.stdout.toString());
    expect(JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')).sources[0]).toMatchObject({ path: fifo, format: 'pcap', error: null });
  }, 60_000);

  it.each([['instagram.pcap'], ['quic-33.pcapng']])('flowstream <(cat %s) writes the file run\'s CSV', (name) => {
    const file = runCli([pcap(name), ...CORE]);
    const sub = spawnSync('bash', ['-c', `${NODE_CLI} <(cat ${q(pcap(name))}) ${CORE.map(q).join(' ')}`], { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    expect(sub.stderr.toString()).toBe('');
    expect(sub.status).toBe(0);
    expect(sub.stdout.toString()).toBe(file.stdout.toString());
  }, 60_000);

  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s while no writer has opened the FIFO ends the run at once (exit %i)', async (signal, code) => {
    const dir = tmp();
    const fifo = join(dir, 'in');
    spawnSync('mkfifo', [fifo]);
    const cli = spawn('sh', ['-c', `exec ${NODE_CLI} ${q(fifo)} -o ${q(join(dir, 'f.csv'))} --n-dissections 0`], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let stderr = '';
    cli.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((resolve) => cli.on('exit', (status) => resolve(status)));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    cli.kill(signal);
    expect(await exit).toBe(code);
    expect(stderr).toMatch(/^flowstream: 0 flows from 0 packets/);
  }, 60_000);
});
