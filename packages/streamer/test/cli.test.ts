import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { NFStreamer } from '@flowstream/streamer';
import { CLI_NODE_ARGS, CLI_SHELL, cliBuilt, PCAPS, REPO, runCli, shellQuote } from './support/run-cli.js';
import { csvText } from '../../../test/support/csv-text.js';
import { corruptCapture } from './support/corrupt-capture.js';

const pcap = (n: string) => join(PCAPS, n);
const tmp = () => mkdtempSync(join(tmpdir(), 'fs-cli-'));

/** The API's CSV of a capture (the real CSV sink, collected in memory). */
function csvOf(source: string, options: Record<string, unknown> = {}): Promise<string> {
  return csvText(new NFStreamer({ source, nDissections: 0, ...options }));
}

describe('flowstream CLI', () => {
  it('--help shows usage and examples; --version prints the version', () => {
    const help = runCli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout.toString()).toMatch(/Usage: flowstream/);
    expect(help.stdout.toString()).toMatch(/Examples:/);
    const version = runCli(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.toString()).toMatch(/^flowstream \d+\.\d+\.\d+/);
  });

  it('writes NFStream CSV to stdout identical to the API, and the summary JSON', async () => {
    const dir = tmp();
    const summary = join(dir, 's.json');
    const r = runCli([pcap('443-curl.pcap'), '--statistical-analysis', '--splt-analysis', '10', '--n-dissections', '0', '--summary', summary, '-q']);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(await csvOf(pcap('443-curl.pcap'), { statisticalAnalysis: true, spltAnalysis: 10 }));
    const json = JSON.parse(readFileSync(summary, 'utf8'));
    expect(json).toMatchObject({ packets: { read: 109, processed: 109, ignored: 0 }, flows: 1 });
    expect(json.sources[0]).toMatchObject({ path: pcap('443-curl.pcap'), format: 'pcap', linkType: 1, packetsRead: 109, error: null });
  });

  it('usage errors exit 2 naming the option and allowed values', () => {
    const cases: [string[], RegExp][] = [
      [['--accounting-mode', '7', pcap('google_ssl.pcap')], /--accounting-mode.*0, 1, 2, 3/],
      [['--idle-timeout=-1', pcap('google_ssl.pcap')], /--idle-timeout.*non-negative/],
      [['--format', 'xml', pcap('google_ssl.pcap')], /--format.*csv, arrow, arrows, parquet, jsonl, none/],
      [['--n-dissections', '256', pcap('google_ssl.pcap')], /--n-dissections.*0 to 255/],
      [['--max-live-flows=-1', pcap('google_ssl.pcap')], /--max-live-flows.*0 to 2\^31-1 \(flows in the cache; 0 = unlimited\)/],
      [['--bogus', pcap('google_ssl.pcap')], /bogus/],
      // NFStream's decode_tunnels=False, written as a value: not read as a capture file named "false"
      [[pcap('google_ssl.pcap'), '--decode-tunnels', 'false'], /--decode-tunnels takes no value: write --decode-tunnels or --no-decode-tunnels \(got "false"\)/],
      [['--input-hash', 'True', pcap('google_ssl.pcap')], /--input-hash takes no value: write --input-hash alone \(got "True"\)/],
      [[pcap('google_ssl.pcap'), '--no-decode-tunnels', '0'], /--no-decode-tunnels takes no value: write --decode-tunnels or --no-decode-tunnels \(got "0"\)/],
      // a key alone would leave the addresses in clear
      [['--anonymize-key', join(REPO, 'README.md'), pcap('google_ssl.pcap')], /--anonymize-key needs --anonymize COLUMNS/],
      [[], /no SOURCE/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.toString()).toMatch(message);
    }
  });

  it('input errors exit 1: a missing file fails before reading; a non-capture names the file', () => {
    const missing = runCli(['/nonexistent/x.pcap', '-q']);
    expect(missing.status).toBe(1);
    expect(missing.stderr.toString()).toMatch(/x\.pcap/);
    const dir = tmp();
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello, this is not a capture file at all');
    const notCapture = runCli([text, '-q']);
    expect(notCapture.status).toBe(1);
    expect(notCapture.stderr.toString()).toContain(`not a pcap or pcapng file: ${text}`);
  });

  it('a truncated last record is dropped with a warning naming file and offset (exit 0)', () => {
    const dir = tmp();
    const bytes = readFileSync(pcap('google_ssl.pcap'));
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    const summary = join(dir, 's.json');
    const r = runCli([cut, '--summary', summary, '--format', 'none']);
    expect(r.status).toBe(0);
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    expect(s.packets.read).toBe(27);
    expect(typeof s.sources[0].truncatedAt).toBe('number');
    expect(r.stderr.toString()).toContain(`cut.pcap: truncated last record at byte offset ${s.sources[0].truncatedAt}`);
  });

  it('a capture corrupt in the middle: flows so far are written, then exit 1 naming file and offset', () => {
    const dir = tmp();
    const { path: bad, offset: off } = corruptCapture(pcap('skype.pcap'), 2000, dir);
    const out = join(dir, 'out.csv');
    const r = runCli([bad, '-o', out, '-q']);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toMatch(new RegExp(`bad\\.pcap.*offset ${off}`));
    expect(readFileSync(out, 'utf8').trim().split('\n').length).toBeGreaterThan(10);
  });

  it('reads a capture from stdin: cat capture | flowstream - equals flowstream capture', () => {
    const file = runCli([pcap('skype.pcap'), '-q', '--n-dissections', '0']);
    const piped = runCli(['-', '-q', '--n-dissections', '0'], { input: readFileSync(pcap('skype.pcap')) });
    expect(piped.status).toBe(0);
    expect(piped.stdout.toString()).toBe(file.stdout.toString());
    const shell = spawnSync('bash', ['-c', `cat '${pcap('skype.pcap')}' | ${CLI_SHELL} - -q --n-dissections 0`], { maxBuffer: 1 << 28 });
    expect(shell.stdout.toString()).toBe(file.stdout.toString());
  });

  it('--columns, --anonymize, --max-nflows, --flows-per-file', () => {
    const cols = runCli([pcap('skype.pcap'), '-q', '--n-dissections', '0', '--columns', 'id,src_ip,dst_port', '--max-nflows', '5']);
    const lines = cols.stdout.toString().trim().split('\n');
    expect(lines[0]).toBe('id,src_ip,dst_port');
    expect(lines).toHaveLength(6);
    const anon = runCli([pcap('skype.pcap'), '-q', '--n-dissections', '0', '--anonymize', 'src_ip,dst_ip', '--columns', 'src_ip,dst_ip']);
    const rows = anon.stdout.toString().trim().split('\n').slice(1);
    expect(rows.every((r) => /^"[0-9a-f]{128}","[0-9a-f]{128}"$/.test(r))).toBe(true);
    const dir = tmp();
    const r = runCli([pcap('skype.pcap'), '-q', '--n-dissections', '0', '-o', join(dir, 'f.csv'), '--flows-per-file', '100']);
    expect(r.status).toBe(0);
    expect(['f.0.csv', 'f.1.csv', 'f.2.csv'].map((f) => existsSync(join(dir, f)))).toEqual([true, true, true]);
  });

  it('--max-live-flows bounds the cache: evicted flows carry expiration_id 2 and are counted in the summary', () => {
    const dir = tmp();
    const summary = join(dir, 's.json');
    const r = runCli([pcap('skype.pcap'), '-q', '--n-dissections', '0', '--max-live-flows', '20', '--columns', 'expiration_id,bidirectional_packets', '--summary', summary]);
    expect(r.status, r.stderr.toString()).toBe(0);
    const rows = r.stdout.toString().trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    expect(s.evictions).toBeGreaterThan(0);
    expect(rows.filter(([id]) => id === 2)).toHaveLength(s.evictions);
    expect(rows).toHaveLength(s.flows);
    expect(rows.reduce((n, [, p]) => n + p!, 0)).toBe(s.packets.processed);
    const unbounded = runCli([pcap('skype.pcap'), '-q', '--n-dissections', '0', '--summary', summary, '--format', 'none']);
    expect(unbounded.status, unbounded.stderr.toString()).toBe(0);
    expect(JSON.parse(readFileSync(summary, 'utf8')).evictions).toBeUndefined();
  });

  it('arrow, arrows, parquet and jsonl outputs hold every flow', async () => {
    const dir = tmp();
    const n = [...new NFStreamer({ source: pcap('skype.pcap'), nDissections: 0 })].length;
    expect(runCli([pcap('skype.pcap'), '-q', '--n-dissections', '0', '--format', 'arrow', '-o', join(dir, 'f.arrow')]).status).toBe(0);
    const arrow = tableFromIPC(readFileSync(join(dir, 'f.arrow')));
    expect(arrow.numRows).toBe(n);
    // the summary is in the footer's schema metadata; nothing is written beside the file
    expect(JSON.parse(arrow.schema.metadata.get('flowstream.summary')!)).toMatchObject({ flows: n, interrupted: false });
    expect(JSON.parse(arrow.schema.metadata.get('flowstream')!).sources[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readdirSync(dir)).toEqual(['f.arrow']);
    const stream = runCli([pcap('skype.pcap'), '-q', '--n-dissections', '0', '--format', 'arrows']);
    expect(tableFromIPC(stream.stdout).numRows).toBe(n);
    const jsonl = runCli([pcap('skype.pcap'), '-q', '--n-dissections', '0', '--format', 'jsonl']);
    const objs = jsonl.stdout.toString().trim().split('\n').map((l) => JSON.parse(l));
    expect(objs).toHaveLength(n);
    expect(objs[0].id).toBe(0);
    expect(runCli([pcap('skype.pcap'), '-q', '--n-dissections', '0', '--format', 'parquet', '-o', join(dir, 'f.parquet')]).status).toBe(0);
    const pl = await import('nodejs-polars');
    expect(pl.readParquet(readFileSync(join(dir, 'f.parquet'))).height).toBe(n);
  });

  it('the committed launcher runs the built CLI (node_modules/.bin/flowstream)', () => {
    const bin = join(REPO, 'node_modules', '.bin', 'flowstream');
    if (!cliBuilt()) {
      console.warn('skipped: packages/streamer/dist not built (run pnpm build)');
      return;
    }
    const r = spawnSync(bin, [join(REPO, 'examples', 'sample.pcap'), '-q', '--n-dissections', '0']);
    expect(r.status).toBe(0);
    // the built help lists every format (the bundle once evaluated the help before they registered)
    const help = spawnSync(bin, ['--help']).stdout.toString();
    for (const format of ['csv', 'arrow', 'arrows', 'parquet', 'jsonl', 'none', 'nats', 'ipfix']) expect(help).toMatch(new RegExp(`^ {31}${format} +\\S`, 'm'));
    const lines = r.stdout.toString().trim().split('\n');
    expect(lines[0]).toMatch(/^id,expiration_id,src_ip/);
    // worker threads start from their bundled entries too: a meter worker and the snapshot output's
    const dir = tmp();
    const p = spawnSync(bin, [join(REPO, 'examples', 'sample.pcap'), '-q', '--n-dissections', '0', '--splt-analysis', '3', '--n-meters', '2', '--snapshot-interval', '1', '--snapshot-output', join(dir, 's.csv'), '-o', join(dir, 'f.csv')]);
    expect(p.stderr.toString()).toBe('');
    expect(p.status).toBe(0);
    expect(readFileSync(join(dir, 'f.csv'), 'utf8').trim().split('\n')).toHaveLength(lines.length);
    const snapshots = readFileSync(join(dir, 's.csv'), 'utf8').trim().split('\n');
    expect(snapshots[0]).toMatch(/^snapshot_time_ms,flow_key,/);
    expect(snapshots.length).toBeGreaterThan(1);
    // a pipe on stdin, then the Arrow library loaded for the output: the built CLI resolves
    // packages as installed (Node 20 once lost pnpm's links after a stat of the pipe, see fileStat)
    const sample = join(REPO, 'examples', 'sample.pcap');
    expect(spawnSync(bin, [sample, '-q', '--n-dissections', '0', '--format', 'arrow', '-o', join(dir, 'file.arrow')]).status).toBe(0);
    const q = shellQuote;
    const piped = spawnSync('sh', ['-c', `cat ${q(sample)} | ${q(bin)} - -q --n-dissections 0 --format arrow -o ${q(join(dir, 'pipe.arrow'))}`]);
    expect(piped.stderr.toString()).toBe('');
    expect(piped.status).toBe(0);
    const rows = (f: string) => tableFromIPC(readFileSync(join(dir, f))).toArray().map((r) => String(Object.values(r.toJSON())));
    expect(rows('pipe.arrow')).toEqual(rows('file.arrow'));
  });
});

describe('stopping the CLI', () => {
  const canCapture = process.getuid?.() !== 0 ? 'live capture needs root (CAP_NET_RAW)' : null;

  it('SIGINT during a live capture flushes flows, leaves a valid Arrow file and exits 130', async () => {
    if (canCapture !== null) {
      if (process.env.CI === 'true') throw new Error(`live capture needs root: ${canCapture}`);
      console.warn(`skipped: ${canCapture}`);
      return;
    }
    const dir = tmp();
    const out = join(dir, 'live.arrow');
    const port = 20000 + (process.pid % 20000);
    const child = spawn(
      process.execPath,
      // --progress: its first line tells that the run started (the capture opens with it)
      [...CLI_NODE_ARGS, 'lo', '--bpf-filter', `udp port ${port}`, '--format', 'arrow', '-o', out, '-q', '--progress', '--n-dissections', '0', '--summary', join(dir, 's.json')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let started: () => void;
    const running = new Promise<void>((r) => (started = r));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('live flows')) started();
    });
    // the child starts through tsx, which can take seconds on a loaded CI machine: wait for the
    // run's first progress line rather than a fixed time, then a little for the capture to open
    await Promise.race([running, new Promise((_, reject) => setTimeout(() => reject(new Error(`no progress line in 45 s: ${stderr}`)), 45_000))]);
    await new Promise((r) => setTimeout(r, 1000));
    const dgram = await import('node:dgram');
    const sock = dgram.createSocket('udp4');
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => sock.send(Buffer.from(`ping ${i}`), port, '127.0.0.1', () => r()));
    sock.close();
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code, stderr).toBe(130);
    expect(JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')).interrupted).toBe(true);
    const table = tableFromIPC(readFileSync(out));
    expect(table.numRows).toBe(1);
    expect(table.get(0)!.toJSON()).toMatchObject({ dst_port: port, protocol: 17 });
    expect(Number(table.get(0)!.toJSON().bidirectional_packets)).toBe(5);
  }, 60_000);
});

describe('-o without --format', () => {
  it('takes the format from the file name\'s ending, else CSV', async () => {
    const dir = tmp();
    const args = (out: string) => [pcap('skype.pcap'), '-q', '--n-dissections', '0', '-o', join(dir, out)];
    for (const out of ['f.parquet', 'f.jsonl', 'f.arrow', 'f.txt']) expect(runCli(args(out)).status, out).toBe(0);
    const csv = readFileSync(join(dir, 'f.txt'), 'utf8');
    expect(csv).toMatch(/^id,expiration_id,src_ip,/);
    const n = csv.trim().split('\n').length - 1;
    const pl = await import('nodejs-polars');
    expect(pl.readParquet(readFileSync(join(dir, 'f.parquet'))).height).toBe(n);
    expect(tableFromIPC(readFileSync(join(dir, 'f.arrow'))).numRows).toBe(n);
    expect(readFileSync(join(dir, 'f.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).id)).toHaveLength(n);
    // a URL by its scheme: udp:// is IPFIX (to a closed port here: a warning, not a folder error)
    const ipfix = runCli([pcap('skype.pcap'), '-q', '--n-dissections', '0', '-o', 'udp://127.0.0.1:9', '--summary', join(dir, 's.json')]);
    expect(ipfix.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')).flows).toBe(n);
  });

  it('formatOfTarget: URL schemes and file endings of the registered formats', async () => {
    const { formatOfTarget } = await import('../src/sinks/sink-registry.js');
    await import('../src/sinks/builtin-sinks.js');
    expect(formatOfTarget('nats://127.0.0.1:4222/flows', 'csv')).toBe('nats');
    expect(formatOfTarget('TLS://nats.example/flows', 'csv')).toBe('nats');
    expect(formatOfTarget('udp://127.0.0.1:4739', 'csv')).toBe('ipfix');
    expect(formatOfTarget('http://example/flows.parquet', 'csv')).toBe('csv');
    expect(formatOfTarget('out/live.NDJSON', 'csv')).toBe('jsonl');
    expect(formatOfTarget('out/flows', 'arrow')).toBe('arrow');
  });
});
