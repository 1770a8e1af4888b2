/**
 * Arrow IPC files and Parquet on standard output (`-o -`): through a pipe, into a file the shell
 * redirected it to, and refused on a terminal.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import * as pq from 'parquet-wasm';
import { CLI_SHELL, PCAPS, REPO, runCli, shellQuote } from '../support/run-cli.js';
import { writeUdpFlowsPcap } from '../support/udp-flows-pcap.js';

const CAPTURE = join(PCAPS, 'instagram.pcap');
const dir = mkdtempSync(join(tmpdir(), 'flowstream-binary-stdout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The rows and the footer's key-value metadata keys of Parquet bytes. */
function parquetContent(bytes: Uint8Array): { rows: number; keys: string[] } {
  const table = tableFromIPC(pq.readParquet(bytes).intoIPCStream());
  const keys = [...tableFromIPC(pq.readSchema(bytes).intoIPCStream()).schema.metadata.keys()].sort();
  return { rows: table.numRows, keys };
}

/** The run summary in the footer of Parquet bytes. */
function parquetSummary(bytes: Uint8Array): { flows: number; packets: { read: number } } {
  return JSON.parse(tableFromIPC(pq.readSchema(bytes).intoIPCStream()).schema.metadata.get('flowstream.summary')!);
}

describe('binary formats on standard output', () => {
  const csv = runCli([CAPTURE, '-q']);
  const flows = csv.stdout.toString().trimEnd().split('\n').length - 1;

  it('writes a whole Parquet file and a whole Arrow IPC file into a pipe', () => {
    expect(flows).toBeGreaterThan(10);
    const parquet = runCli([CAPTURE, '-q', '-f', 'parquet', '-o', '-']);
    expect(parquet.stderr.toString()).toBe('');
    expect(parquet.status).toBe(0);
    // a pipe cannot be rewritten: the footer has the manifest given at the start, and the summary
    // in the bytes held back until the end
    expect(parquetContent(parquet.stdout)).toEqual({ rows: flows, keys: ['flowstream', 'flowstream.summary'] });
    expect(parquetSummary(parquet.stdout)).toMatchObject({ flows, packets: { read: 3443 } });
    const arrow = runCli([CAPTURE, '-q', '-f', 'arrow', '-o', '-']);
    expect(arrow.status).toBe(0);
    expect(arrow.stdout.subarray(0, 6).toString('latin1')).toBe('ARROW1');
    const table = tableFromIPC(arrow.stdout);
    expect(table.numRows).toBe(flows);
    expect(table.schema.metadata.has('flowstream.summary')).toBe(true);
  });

  it('a Parquet output larger than the bytes held back for the footer goes out as it is written, and its footer still gets the summary', () => {
    const big = join(dir, 'udp-flows.pcap');
    writeUdpFlowsPcap(big, 150_000);
    const parquet = runCli([big, '-q', '--n-dissections', '0', '-f', 'parquet', '--compression', 'uncompressed', '-o', '-']);
    expect(parquet.stderr.toString()).toBe('');
    expect(parquet.status).toBe(0);
    // more than the 4 MiB held back: the first bytes went out before the end
    expect(parquet.stdout.length).toBeGreaterThan(8 << 20);
    expect(parquetContent(parquet.stdout)).toEqual({ rows: 150_000, keys: ['flowstream', 'flowstream.summary'] });
    expect(parquetSummary(parquet.stdout)).toMatchObject({ flows: 150_000, packets: { read: 150_000 } });
  });

  it('a Parquet footer larger than the bytes held back while the run goes on still gets the summary on a pipe', () => {
    const udp = join(dir, 'udp-20k.pcap');
    writeUdpFlowsPcap(udp, 20_000);
    // row groups of 10 flows: 2,000 of them, a footer of several MiB (more than the 4 MiB held back)
    const script = [
      "import { NFStreamer, ParquetSink } from '@flowstream/streamer';",
      `await new NFStreamer({ source: ${JSON.stringify(udp)}, nDissections: 0 }).writeTo(new ParquetSink('-', { batchSize: 10, compression: 'uncompressed' }));`,
    ].join('\n');
    const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO,
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    const footer = r.stdout.readUInt32LE(r.stdout.length - 8);
    expect(footer).toBeGreaterThan(4 << 20);
    expect(parquetContent(r.stdout)).toEqual({ rows: 20_000, keys: ['flowstream', 'flowstream.summary'] });
    expect(parquetSummary(r.stdout)).toMatchObject({ flows: 20_000, packets: { read: 20_000 } });
  });

  it('a file the shell redirected standard output to gets the summary in the Parquet footer too', () => {
    const file = join(dir, 'redirected.parquet');
    writeFileSync(file, 'old contents, longer than nothing');
    const r = spawnSync('/bin/sh', ['-c', `${CLI_SHELL} ${shellQuote(CAPTURE)} -q -f parquet -o - > ${shellQuote(file)}`]);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    expect(parquetContent(readFileSync(file))).toEqual({ rows: flows, keys: ['flowstream', 'flowstream.summary'] });
  });

  it('refuses a binary format on a terminal, naming it (a text format is written there)', () => {
    const tty = (args: string) => spawnSync('script', ['-qec', `${CLI_SHELL} ${shellQuote(CAPTURE)} -q ${args}`, '/dev/null'], { encoding: 'utf8' });
    const parquet = tty('-f parquet -o -');
    expect(parquet.status).toBe(2);
    expect(parquet.stdout).toContain('--format parquet is binary and standard output is a terminal: redirect it (> flows.parquet, | …) or give a file with -o');
    const jsonl = tty('-f jsonl -o -');
    expect(jsonl.status).toBe(0);
    expect(jsonl.stdout).toContain('"src_ip"');
  });
});
