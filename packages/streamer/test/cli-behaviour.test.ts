import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { CLI_NODE_ARGS, CLI_SHELL, PCAPS, REPO, runCli } from './support/run-cli.js';
import { corruptCapture } from './support/corrupt-capture.js';

// How the command line behaves around the flows: progress line, pipes, signals, counts, messages.
const pcap = (n: string) => join(PCAPS, n);
const tmp = () => mkdtempSync(join(tmpdir(), 'fs-clib-'));
const SAMPLE = join(REPO, 'examples', 'sample.pcap');
const NODE_CLI = CLI_SHELL;
const FILES = ['443-curl.pcap', 'google_ssl.pcap', 'skype.pcap', '1kxun.pcap', 'wechat.pcap'].map(pcap);
/** Enough CSV to overflow a pipe buffer long after `head -1` has gone. */
const MANY_FILES = ['instagram.pcap', 'pps.pcap', 'anydesk-2.pcap', 'ps_vue.pcap', 'skype.pcap', 'wechat.pcap', '1kxun.pcap', 'rdp.pcap'].map(pcap);
const hasScript = spawnSync('script', ['--version']).status === 0;

/** The progress redraws in raw terminal output: the text after each `\r ESC[K`. */
function redraws(output: string): string[] {
  return output
    .split('\r\x1b[K')
    .slice(1)
    .map((s) => s.split(/[\r\n]/)[0]!)
    .filter((s) => s.includes('flows out'));
}

/** Runs a shell command in a pseudo-terminal (util-linux `script`); stdout and stderr are the terminal. */
function inTerminal(command: string): ChildProcess {
  return spawn('script', ['-qefc', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
}

function collect(child: ChildProcess): { text: () => string; exit: Promise<number | null> } {
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  return { text: () => text, exit: new Promise((r) => child.on('exit', (code) => r(code))) };
}

/** Resolves once `condition(text)` holds (checked whenever output arrives), rejects if the process ends first. */
function waitForOutput(child: ChildProcess, text: () => string, condition: (t: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition(text())) {
        child.stdout!.off('data', check);
        child.stderr!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.on('exit', () => (condition(text()) ? resolve() : reject(new Error(`process ended before the expected output:\n${text()}`))));
  });
}

describe('progress line', () => {
  it.skipIf(!hasScript)('in a terminal: first redraw at the start with the total of every file, percentages rising to 100 %', async () => {
    const child = inTerminal(`${NODE_CLI} ${FILES.join(' ')} --format none --n-dissections 0`);
    const out = collect(child);
    expect(await out.exit).toBe(0);
    const lines = redraws(out.text());
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const total = FILES.reduce((n, f) => n + statSync(f).size, 0);
    // the first redraw comes before any packet was read, and already knows every file's size
    expect(lines[0]).toMatch(/^\s*0\.0% 0B\/[\d.]+ MB \|/);
    expect(lines[0]).toContain(`/${(total / 1e6).toFixed(2)} MB`);
    const percents = lines.map((l) => Number(/([\d.]+)%/.exec(l)![1]));
    for (let i = 1; i < percents.length; i++) expect(percents[i]).toBeGreaterThanOrEqual(percents[i - 1]!);
    expect(percents.at(-1)).toBe(100);
    expect(lines.at(-1)).toMatch(/pkt\/s \| \d+ live flows \| [\d.]+ k? ?flows out \| 0:\d\d$/);
    // the closing line comes after the progress line was cleared
    expect(out.text()).toMatch(/\r\x1b\[Kflowstream: \d+ flows from \d+ packets/);
  }, 60_000);

  it.skipIf(!hasScript)('redraws on its timer while no packet arrives; a stream shows counts without a percentage', async () => {
    const dir = tmp();
    const pidFile = join(dir, 'pid');
    // stdin (a FIFO the shell keeps open after writing the capture): no packet, no flow for as long as it runs
    const fifo = join(dir, 'in');
    const child = inTerminal(
      `sh -c 'mkfifo "${fifo}"; ${NODE_CLI.replace(/'/g, '')} - --format none < "${fifo}" & echo $! > "${pidFile}"; ` +
        `exec 3> "${fifo}"; cat "${SAMPLE}" >&3; wait $!'`,
    );
    const out = collect(child);
    await waitForOutput(child, out.text, (t) => redraws(t).filter((l) => l.startsWith('102.7 kB')).length >= 3);
    const lines = redraws(out.text());
    expect(lines.every((l) => !l.includes('%') && !l.includes('ETA'))).toBe(true);
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGINT');
    expect(await out.exit).toBe(130);
    expect(out.text()).toContain('13 flows from 189 packets');
  }, 60_000);

  it.skipIf(!hasScript)('--quiet and --no-progress silence it in a terminal; --progress forces it without one', async () => {
    for (const flag of ['-q', '--no-progress']) {
      const child = inTerminal(`${NODE_CLI} ${SAMPLE} --format none ${flag}`);
      const out = collect(child);
      expect(await out.exit).toBe(0);
      expect(redraws(out.text()), flag).toEqual([]);
    }
    expect(redraws(runCli([SAMPLE, '--format', 'none']).stderr.toString())).toEqual([]);
    const forced = runCli([SAMPLE, '--format', 'none', '--progress']);
    expect(redraws(forced.stderr.toString()).at(-1)).toMatch(/^100\.0% /);
  }, 60_000);
});

describe('pipes and signals', () => {
  it.each([['csv'], ['jsonl']])('a closed stdout (| head -1) ends the run quietly with exit 0 (%s)', (format) => {
    const r = spawnSync('bash', ['-c', `${NODE_CLI} ${MANY_FILES.join(' ')} --n-dissections 0 --format ${format} | head -1 > /dev/null; exit \${PIPESTATUS[0]}`]);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
  }, 60_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s flushes every flow, marks the summary interrupted and exits %i', async (signal, code) => {
    const dir = tmp();
    const summary = join(dir, 's.json');
    const csv = join(dir, 'f.csv');
    const child = spawn(process.execPath, [...CLI_NODE_ARGS, '-', '--progress', '-o', csv, '--summary', summary, '--n-dissections', '0'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out = collect(child);
    child.stdin!.write(readFileSync(SAMPLE)); // and stdin stays open: the run waits for more
    await waitForOutput(child, out.text, (t) => redraws(t).some((l) => l.startsWith('102.7 kB')));
    child.kill(signal);
    expect(await out.exit).toBe(code);
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    expect(s).toMatchObject({ flows: 13, interrupted: true, packets: { read: 189 } });
    expect(readFileSync(csv, 'utf8').trim().split('\n')).toHaveLength(14);
    expect(out.text()).toContain('flowstream: 13 flows from 189 packets');
  }, 60_000);

  it('a second signal exits at once and removes the temporary files of the outputs (main-thread and worker sinks)', async () => {
    const dir = tmp();
    const child = spawn(
      process.execPath,
      [...CLI_NODE_ARGS, '-', '-o', join(dir, 'f.csv'), '--idle-timeout', '1', '--snapshot-interval', '1', '--snapshot-output', join(dir, 's.csv'), '--n-dissections', '0'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out = collect(child);
    child.stdin!.write(readFileSync(SAMPLE)); // stdin stays open: flows that ended and snapshot rows are being written
    const partials = () => readdirSync(dir).filter((f) => f.endsWith('.partial'));
    for (let waited = 0; partials().length < 2; waited += 50) {
      if (waited > 30_000) throw new Error(`no temporary output files: ${readdirSync(dir).join(', ')}\n${out.text()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // two different signals (a repeated one may be merged by the kernel), handled back to back in either
    // order: the second ends the run before its flush, with its own exit code
    child.kill('SIGINT');
    child.kill('SIGTERM');
    expect([130, 143]).toContain(await out.exit);
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it('a run that ends by itself is not interrupted', () => {
    const r = runCli([SAMPLE, '--format', 'none', '--summary', '-', '-q']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stderr.toString()).interrupted).toBe(false);
  });
});

describe('counts and messages', () => {
  it('a capture corrupt in the middle: the closing line has the summary counts (singular), then the error', () => {
    const dir = tmp();
    const { path: bad, offset: off } = corruptCapture(pcap('443-curl.pcap'), 50, dir);
    const out = join(dir, 'out.csv');
    const summary = join(dir, 's.json');
    const r = runCli([bad, '-o', out, '--summary', summary, '--n-dissections', '0']);
    expect(r.status).toBe(1);
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    expect(s).toMatchObject({ flows: 1, packets: { read: 50 } });
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(2);
    const lines = r.stderr.toString().trim().split('\n');
    expect(lines[0]).toMatch(/^flowstream: 1 flow from 50 packets \(50 processed, 0 ignored\) in [\d.]+ s$/);
    expect(lines[1]).toMatch(new RegExp(`^flowstream: error: .*bad\\.pcap.*offset ${off}`));
  });

  it('a run that cannot start (missing file, folder, not a capture) prints no counts before the error', () => {
    const dir = tmp();
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello, this is not a capture file at all');
    for (const source of [join(dir, 'missing.pcap'), dir, text]) {
      const r = runCli([source]);
      expect(r.status, source).toBe(1);
      const stderr = r.stderr.toString();
      expect(stderr).not.toMatch(/flows? from/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain(source);
    }
  });

  it('negative values reach the range check naming the option; snake_case flags get a hint', () => {
    const cases: [string[], string][] = [
      [['--idle-timeout', '-5'], '--idle-timeout: expected a non-negative integer number of seconds, got -5'],
      [['--n-meters', '-1'], '--n-meters: expected an integer from 0 to 1024'],
      [['--duration', '-3'], '--duration: expected a non-negative integer number of seconds, got -3'],
      [['--idle_timeout', '5'], "Unknown option '--idle_timeout'. Did you mean --idle-timeout?"],
      [['--statistical_analysis'], 'Did you mean --statistical-analysis?'],
      // NFStream's bound, v × 1000 ≤ 2^64 − 1, on the digits as written (a double rounds …552 to …551's value)
      [['--idle-timeout', '18446744073709552'], '--idle-timeout: expected a non-negative integer number of seconds, got 18446744073709552'],
      [['--active-timeout', '18446744073709553'], '--active-timeout: expected'],
    ];
    for (const [args, message] of cases) {
      const r = runCli([...args, SAMPLE]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.toString()).toContain(message);
      expect(r.stderr.toString()).not.toContain('ambiguous');
    }
    // the bound itself is taken
    expect(runCli(['--idle-timeout', '18446744073709551', '--format', 'none', SAMPLE]).status).toBe(0);
  });

  it('output options that would be ignored or break a format are usage errors, before any file exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-chunks-'));
    const cases: [string[], string][] = [
      [['--flows-per-file', '5'], '--flows-per-file: its chunks are files, and standard output is one stream; give a file.'],
      [['--format', 'none', '--flows-per-file', '5'], '--flows-per-file: it applies to file formats, not none (its output is no file).'],
      // a column named twice: a CSV header twice, and Arrow and Parquet would refuse it mid-run
      [['-o', join(dir, 'd.parquet'), '--columns', 'id,src_ip,id'], '--columns: "id" is named twice'],
      [['-o', join(dir, 'e.csv'), '--snapshot-interval', '1', '--snapshot-output', join(dir, 's.csv'), '--snapshot-columns', 'flow_key,flow_key'], '--snapshot-columns: "flow_key" is named twice'],
      [['--format', 'ipfix', '-o', 'udp://127.0.0.1:4739', '--flows-per-file', '5'], '--flows-per-file: it applies to file formats, not ipfix (its output is a URL).'],
      [['-o', join(dir, 'a.csv'), '--rotate-files', '2'], '--rotate-files: it applies with --flows-per-file (reusing the chunk names modulo 2), got --flows-per-file 0.'],
      // the report is one HTML file: chunk options would be ignored
      [['report', '-o', join(dir, 'r.html'), '--flows-per-file', '5'], 'report: --flows-per-file splits flow files'],
      [['report', '-o', join(dir, 'r.html'), '--format', 'parquet'], 'report: --format parquet chooses a flow file'],
      [['report', '-o', join(dir, 'r.html'), '--snapshot-interval', '1', '--snapshot-output', join(dir, 's.csv')], 'report: --snapshot-output writes snapshot rows'],
    ];
    for (const [args, message] of cases) {
      const r = runCli([...args, SAMPLE]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.toString()).toContain(message);
    }
    expect(readdirSync(dir)).toEqual([]);
    // chunked flows beside a snapshot output: the snapshot file is one file, the chunks rotate
    const rotated = runCli([pcap('skype.pcap'), '-o', join(dir, 'r.csv'), '--flows-per-file', '100', '--rotate-files', '2', '--snapshot-interval', '1', '--snapshot-output', join(dir, 's.csv'), '-q', '--n-dissections', '0']);
    expect(rotated.stderr.toString()).toBe('');
    expect(rotated.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['r.0.csv', 'r.1.csv', 's.csv']);
    for (const f of readdirSync(dir)) rmSync(join(dir, f));
    // the library says the same
    const { NFStreamer } = await import('@flowstream/streamer');
    await expect(new NFStreamer({ source: SAMPLE, nDissections: 0 }).toCsv(join(dir, 'b.csv'), { rotateFiles: 2 })).rejects.toThrow(/Invalid option rotateFiles: it applies with flowsPerFile/);
    await expect(new NFStreamer({ source: SAMPLE, nDissections: 0 }).toCsv(join(dir, 'b.csv'), { flowsPerFile: '2' as never })).rejects.toThrow('Invalid option flowsPerFile: expected a non-negative integer, got "2".');
    // every output, not only files: a network output refuses the chunks it would never write
    await expect(new NFStreamer({ source: SAMPLE, nDissections: 0 }).export('ipfix', 'udp://127.0.0.1:9', { flowsPerFile: 2 })).rejects.toThrow('Invalid option flowsPerFile: it applies to file formats, not ipfix (its output is a URL).');
    await expect(new NFStreamer({ source: SAMPLE, nDissections: 0 }).export('nats', 'nats://127.0.0.1:9', { flowsPerFile: 2 })).rejects.toThrow(/Invalid option flowsPerFile: it applies to file formats, not nats/);
    await expect(new NFStreamer({ source: SAMPLE, nDissections: 0 }).export('csv', '-', { flowsPerFile: 2 })).rejects.toThrow(/Invalid option flowsPerFile: its chunks are files/);
  });

  it('a format-specific flag with another format is a usage error naming the flag and its format; with its format it is taken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-sinkflag-'));
    const cases: [string[], string][] = [
      [['--format', 'csv', '-o', join(dir, 'a.csv'), '--ipfix-rate', '5'], '--ipfix-rate applies to --format ipfix, not csv'],
      [['--format', 'parquet', '-o', join(dir, 'a.parquet'), '--nats-stream', 'X'], '--nats-stream applies to --format nats, not parquet'],
      // the snapshot output's format counts too
      [['--format', 'csv', '-o', join(dir, 'b.csv'), '--snapshot-interval', '1', '--snapshot-output', join(dir, 's.jsonl'), '--sensor', 'x'], '--sensor applies to --format nats, not csv or jsonl'],
      // the Parquet codec: ignored by other formats, so refused; a bad one named with the allowed ones
      [['-o', join(dir, 'c.csv'), '--compression', 'snappy'], '--compression applies to --format parquet, not csv'],
      [['-o', join(dir, 'c.parquet'), '--compression', 'foo'], '--compression: expected one of zstd, snappy, lz4_raw, gzip, uncompressed, got "foo"'],
    ];
    for (const [args, message] of cases) {
      const r = runCli([SAMPLE, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.toString()).toContain(message);
    }
    expect(readdirSync(dir)).toEqual([]);
    const ok = runCli([SAMPLE, '--format', 'ipfix', '-o', 'udp://127.0.0.1:9', '--ipfix-rate', '5', '-q']);
    expect(ok.stderr.toString()).not.toContain('applies to');
  });

  it('--help derives every metering option from the table and tells the truth about live capture', () => {
    const help = runCli(['--help']).stdout.toString();
    expect(help).toContain('--socket-buffer-size N   kernel capture buffer, bytes (0 = 64 MiB)');
    expect(help).not.toContain('libpcap default');
    expect(help).toMatch(/--promiscuous-mode \/ --no-promiscuous-mode\s+promiscuous capture \(--no-promiscuous-mode: only traffic to this\s+host\)/);
    expect(help).toMatch(/--n-meters N\s+parallel meters \(0 = one per available core/);
    for (const flag of ['--decode-tunnels', '--bpf-filter', '--idle-timeout', '--active-timeout', '--accounting-mode', '--n-dissections', '--statistical-analysis', '--splt-analysis', '--max-nflows', '--snapshot-length', '--performance-report', '--system-visibility-mode', '--system-visibility-poll-ms', '--plugin', '--duration', '--progress', '--quiet']) {
      expect(help, flag).toContain(flag);
    }
    expect(help).toContain('(default 120)');
  });

  it('--plugin wf and --plugin flow-slicer work without options', () => {
    for (const [plugin, column] of [['wf', 'udps.f_p_k_3'], ['flow-slicer', 'id']]) {
      const r = runCli([SAMPLE, '--plugin', plugin, '-q', '--n-dissections', '0']);
      expect(r.status, `${plugin}: ${r.stderr}`).toBe(0);
      expect(r.stdout.toString().split('\n')[0]!.split(',')).toContain(column);
    }
  });

  it('--n-meters 0 sizes the meters automatically and gives the same flows', () => {
    const one = runCli([SAMPLE, '-q', '--n-dissections', '0', '--columns', 'src_ip,dst_ip,src_port,dst_port,bidirectional_packets']);
    const auto = runCli([SAMPLE, '-q', '--n-dissections', '0', '--n-meters', '0', '--columns', 'src_ip,dst_ip,src_port,dst_port,bidirectional_packets']);
    expect(auto.status, auto.stderr.toString()).toBe(0);
    const sorted = (t: string) => t.trim().split('\n').slice(1).sort();
    expect(sorted(auto.stdout.toString())).toEqual(sorted(one.stdout.toString()));
  });
});

describe('live reports', () => {
  const notRoot = process.getuid?.() !== 0 ? 'live capture needs root (CAP_NET_RAW)' : null;
  it('performance report lines go to stderr when flows go to stdout; --duration is not an interruption', () => {
    if (notRoot !== null) {
      if (process.env.CI === 'true') throw new Error(notRoot);
      console.warn(`skipped: ${notRoot}`);
      return;
    }
    const summary = join(tmp(), 's.json');
    const r = runCli(['lo', '--performance-report', '1', '--duration', '3', '-q', '--n-dissections', '0', '--bpf-filter', 'udp port 9', '--summary', summary]);
    expect(r.status, r.stderr.toString()).toBe(0);
    // the duration is the planned end of a live capture
    expect(JSON.parse(readFileSync(summary, 'utf8')).interrupted).toBe(false);
    expect(r.stdout.toString()).not.toContain('flows_expired');
    expect(r.stderr.toString()).toMatch(/^\{"flows_expired": \d+, "packets_processed": \d+/m);
  }, 60_000);
});

describe('--windows-output (CovertMark window rows)', () => {
  const source = pcap('instagram.pcap');
  const base = [source, '-q', '--n-dissections', '0', '--plugin', 'covertmark-windows'];

  it('writes the window rows of the emitted flows, keyed by their ids', () => {
    const dir = tmp();
    const r = runCli([...base, '-o', join(dir, 'f.csv'), '--windows-output', join(dir, 'w.csv')]);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    const rows = readFileSync(join(dir, 'w.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/^flow_id,window_index,first_packet_time,last_packet_time,up_down_ratio,/);
    expect(rows.length).toBeGreaterThan(10);
    const ids = new Set(readFileSync(join(dir, 'f.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]));
    for (const row of rows.slice(1)) expect(ids.has(row.split(',')[0]!)).toBe(true);
  });

  it('with --n-meters 2 gives the rows of one meter, using one and saying so (the rows wait in the instance that metered the flow)', () => {
    const dir = tmp();
    const one = runCli([...base, '-o', join(dir, 'f1.csv'), '--windows-output', join(dir, 'w1.csv')]);
    expect(one.status).toBe(0);
    const two = runCli([...base, '-o', join(dir, 'f2.csv'), '--windows-output', join(dir, 'w2.csv'), '--n-meters', '2']);
    expect(two.stderr.toString()).toBe('flowstream: warning: --n-meters 2: plugin CovertMarkWindows hands out results beyond the flow columns from the instance that metered the flow (each meter worker has its own); using one meter.\n');
    expect(two.status).toBe(0);
    expect(readFileSync(join(dir, 'w2.csv'), 'utf8')).toBe(readFileSync(join(dir, 'w1.csv'), 'utf8'));
    expect(readFileSync(join(dir, 'w2.csv'), 'utf8').split('\n').length).toBeGreaterThan(10);
  });

  it('a window file with an unknown ending is a usage error (exit 2); a missing folder fails before reading (exit 1), as -o does', () => {
    const dir = tmp();
    const bad = runCli([...base, '-o', join(dir, 'f.csv'), '--windows-output', join(dir, 'w.txt')]);
    expect(bad.stderr.toString()).toMatch(/^flowstream: --windows-output: window output '.*w\.txt': use a file ending in \.csv, /);
    expect(bad.status).toBe(2);
    const missing = runCli([...base, '-o', join(dir, 'f.csv'), '--windows-output', join(dir, 'no', 'w.csv')]);
    expect(missing.stderr.toString()).toMatch(/^flowstream: --windows-output: .*\/no\/w\.csv: folder .*\/no does not exist\n$/);
    expect(missing.status).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is made after every other check: a usage error or a missing summary folder leaves no window file behind', () => {
    const dir = tmp();
    const windows = ['--windows-output', join(dir, 'w.parquet')];
    const badColumn = runCli([...base, '-o', join(dir, 'f.csv'), ...windows, '--columns', 'nope']);
    expect(badColumn.stderr.toString()).toMatch(/^flowstream: --columns: unknown column "nope"/);
    expect(badColumn.status).toBe(2);
    const noFolder = runCli([...base, '-o', join(dir, 'f.csv'), ...windows, '--summary', join(dir, 'no', 's.json')]);
    expect(noFolder.status).toBe(1);
    // another output's file: the window rows would overwrite the flows
    const same = runCli([...base, '-o', join(dir, 'f.csv'), '--windows-output', join(dir, 'f.csv')]);
    expect(same.stderr.toString()).toBe(`flowstream: --windows-output: ${join(dir, 'f.csv')} is another output's file (give the window rows a file of their own)\n`);
    expect(same.status).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('hashes what --anonymize hashes in the flows, with their key: flow_id as id (the files still join), packet times with a flow time; the manifest as the flows carry it', () => {
    const dir = tmp();
    const filter = 'not host 10.9.8.7';
    const r = runCli([...base, '--bpf-filter', filter, '--anonymize', 'id,src_ip', '-o', join(dir, 'f.csv'), '--windows-output', join(dir, 'w.arrow'), '--summary', join(dir, 's.json')]);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    const ids = new Set(readFileSync(join(dir, 'f.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]!.replace(/"/g, '')));
    const table = tableFromIPC(readFileSync(join(dir, 'w.arrow')));
    expect(table.numRows).toBeGreaterThan(10);
    const flowIds = table.getChild('flow_id')!.toArray() as string[];
    for (const id of flowIds) {
      expect(id).toMatch(/^[0-9a-f]{128}$/);
      expect(ids.has(id)).toBe(true);
    }
    expect(typeof table.getChild('first_packet_time')!.get(0)).toBe('number');
    // the run's manifest (it was empty), its filter's address hashed as the flows' summary has it
    const flowsManifest = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')).manifest;
    expect(flowsManifest.parameters.bpfFilter).toMatch(/^not host [0-9a-f]{128}$/);
    const meta = table.schema.metadata;
    const manifest = JSON.parse(meta.get('flowstream')!);
    expect(manifest.parameters).toEqual(flowsManifest.parameters);
    expect(manifest.plugins.map((p: { name: string }) => p.name)).toEqual(['CovertMarkWindows']);
    expect(manifest.sources).toEqual([{ name: source, size: statSync(source).size }]);
    expect(JSON.parse(meta.get('flowstream.summary')!)).toMatchObject({ flows: ids.size });
    expect(readFileSync(join(dir, 'w.arrow')).includes('10.9.8.7')).toBe(false);

    const timed = runCli([...base, '--anonymize', 'src2dst_last_seen_ms', '-o', join(dir, 'f2.csv'), '--windows-output', join(dir, 'w2.csv')]);
    expect(timed.status).toBe(0);
    const [header, ...rows] = readFileSync(join(dir, 'w2.csv'), 'utf8').trim().split('\n');
    expect(header).toMatch(/^flow_id,window_index,first_packet_time,last_packet_time,/);
    for (const row of rows) expect(row).toMatch(/^\d+,\d+,"[0-9a-f]{128}","[0-9a-f]{128}",/);
  });

  it('a window output that fails (a full disk) stops; the flow output is complete; exit 1 names the target', () => {
    const dir = tmp();
    const plain = runCli([...base, '-o', join(dir, 'plain.csv')]);
    expect(plain.status).toBe(0);
    const full = join(dir, 'full.csv');
    symlinkSync('/dev/full', full);
    const r = runCli([...base, '-o', join(dir, 'f.csv'), '--windows-output', full]);
    expect(r.stderr.toString()).toBe(`flowstream: error: ${full}: ENOSPC: no space left on device, write (window output stopped; the flow output was completed)\n`);
    expect(r.status).toBe(1);
    expect(readFileSync(join(dir, 'f.csv'), 'utf8')).toBe(readFileSync(join(dir, 'plain.csv'), 'utf8'));
  });
});

describe('--summary FILE', () => {
  it('a missing folder or a folder fails before reading; a write error after the run names the file; no stack traces', () => {
    const dir = tmp();
    const cases: [string, RegExp, boolean][] = [
      [join(dir, 'no', 's.json'), /^flowstream: --summary: .*\/no\/s\.json: folder .*\/no does not exist\n$/, false],
      [dir, /^flowstream: --summary: .*: is a folder, not a file\n$/, false],
      // after the run: the closing line, then the error
      ['/dev/full', /^flowstream: 13 flows from 189 packets .*\nflowstream: error: --summary: \/dev\/full: ENOSPC: no space left on device, write\n$/, true],
    ];
    for (const [target, message, ran] of cases) {
      const out = join(dir, `f-${ran}.csv`);
      const r = runCli([SAMPLE, '--n-dissections', '0', '-o', out, '--summary', target]);
      expect(r.stderr.toString(), target).toMatch(message);
      expect(r.status, target).toBe(1);
      expect(readdirSync(dir).includes(`f-${ran}.csv`), target).toBe(ran);
    }
  });
});
