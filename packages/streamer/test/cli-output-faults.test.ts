// Outputs that fail while flows are written: the run says so (exit 1, a message naming the output),
// never a stack trace, never exit 0 with flows missing, and no half summary left behind.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_SHELL, PCAPS, shellQuote as q } from './support/run-cli.js';

const FILES = ['skype.pcap', 'instagram.pcap', '1kxun.pcap'].map((n) => q(join(PCAPS, n))).join(' ');
const tmp = () => mkdtempSync(join(tmpdir(), 'fs-outfault-'));

/** Runs `command` in bash with file writes limited to `kib` KiB (`ulimit -f`), SIGXFSZ ignored: writes past it fail with EFBIG. */
function limited(kib: number, command: string) {
  const r = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f ${kib}; ${command}`], { env: { ...process.env, NODE_NO_WARNINGS: '1' }, maxBuffer: 64 << 20 });
  return { status: r.status, stderr: r.stderr.toString() };
}

describe('stdout that fails', () => {
  it.each([['csv'], ['jsonl'], ['arrows']])('%s to /dev/full: exit 1 and "stdout: ENOSPC", no stack trace', (format) => {
    const r = spawnSync('bash', ['-c', `${CLI_SHELL} ${FILES} -q --n-dissections 0 -f ${format} > /dev/full`], { env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toMatch(/^flowstream: error: stdout: ENOSPC/);
    expect(r.stderr.toString()).not.toMatch(/\n\s+at /);
  });

  it.each([['csv'], ['jsonl'], ['arrows']])('%s redirected to a file the disk takes only in part: exit 1, not a silent cut', (format) => {
    const dir = tmp();
    const out = join(dir, `flows.${format}`);
    // a limit in the middle of a write: the system takes part of it, then refuses the rest
    const r = limited(64, `${CLI_SHELL} ${FILES} -q --n-dissections 0 --statistical-analysis --splt-analysis 20 -f ${format} --summary - > ${q(out)}`);
    expect(statSync(out).size).toBe(64 * 1024);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/flowstream: error: stdout: EFBIG/);
    // the summary says the run failed: its flows were metered, not all written
    const summary = JSON.parse(r.stderr.split('\n').find((l) => l.startsWith('{'))!) as { flows: number; error?: string };
    expect(summary.flows).toBeGreaterThan(0);
    expect(summary.error).toMatch(/stdout: EFBIG/);
  });
});

describe('--summary that cannot be written', () => {
  it('exit 1 naming --summary and the file, and no empty summary under its name', () => {
    const dir = tmp();
    const summary = join(dir, 'run.json');
    const r = limited(0, `${CLI_SHELL} ${FILES} -q --n-dissections 0 -f none --summary ${q(summary)}`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`flowstream: error: --summary: ${summary}: EFBIG`);
    expect(existsSync(summary)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a device given as the summary is written in place', () => {
    const out = join(tmp(), 'summary.out');
    const r = spawnSync('bash', ['-c', `${CLI_SHELL} ${FILES} -q --n-dissections 0 -f none --summary /dev/stdout > ${q(out)}`], { env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).flows).toBeGreaterThan(0);
  });
});

/** The JSON summary `--summary -` wrote among the stderr lines. */
function summaryOf(stderr: string): { flows: number; output?: { flows: number; files: string[] }; error?: string } {
  return JSON.parse(stderr.split('\n').find((l) => l.startsWith('{'))!);
}

describe('a file output that cannot be written', () => {
  it.each([['csv'], ['jsonl'], ['arrow'], ['parquet']])('%s: exit 1, no file, and the error and the summary say that none of the flows metered is in it', (format) => {
    const dir = tmp();
    const r = limited(64, `${CLI_SHELL} ${FILES} -q --n-dissections 0 --statistical-analysis --splt-analysis 20 -o ${q(join(dir, `flows.${format}`))} --summary -`);
    expect(r.status).toBe(1);
    const summary = summaryOf(r.stderr);
    expect(summary.flows).toBeGreaterThan(0);
    expect(summary.output).toEqual({ flows: 0, files: [] });
    expect(r.stderr).toContain(`flows.${format}: EFBIG: file too large, write (none of the ${summary.flows} flows metered is in the output: its unfinished file was removed)`);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('a chunk of --flows-per-file that cannot be written', () => {
  it.each([['csv'], ['jsonl'], ['arrow'], ['parquet']])('%s: exit 1 naming the chunk, no temporary file left', (format) => {
    const dir = tmp();
    const r = limited(64, `${CLI_SHELL} ${FILES} -q --n-dissections 0 --statistical-analysis --splt-analysis 20 --flows-per-file 2000 -o ${q(join(dir, `flows.${format}`))} --summary -`);
    expect(r.status).toBe(1);
    const summary = summaryOf(r.stderr);
    expect(summary.output).toEqual({ flows: 0, files: [] });
    expect(r.stderr).toMatch(new RegExp(`flows\\.0\\.${format}: EFBIG.*\\(none of the ${summary.flows} flows metered is in the output`));
    expect(readdirSync(dir).filter((n) => n.includes('partial'))).toEqual([]);
  });

  it('a run that succeeds lists its files and their flows in the summary', () => {
    const dir = tmp();
    const r = limited(1 << 20, `${CLI_SHELL} ${FILES} -q --n-dissections 0 --flows-per-file 100 -o ${q(join(dir, 'flows.csv'))} --summary -`);
    expect(r.status, r.stderr).toBe(0);
    const summary = summaryOf(r.stderr);
    const files = readdirSync(dir).sort();
    expect(files.length).toBeGreaterThan(2);
    expect(summary.output!.files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(files);
    const rows = files.reduce((n, f) => n + readFileSync(join(dir, f), 'utf8').trimEnd().split('\n').length - 1, 0);
    expect(summary.output!.flows).toBe(rows);
    expect(summary.flows).toBe(rows);
  });
});

describe('a target whose folder takes no new file', () => {
  it('fails before any packet is read, naming the file (root passes the permission check on /proc)', () => {
    const r = spawnSync('bash', ['-c', `${CLI_SHELL} ${FILES} --n-dissections 0 -o /proc/fs-flows.csv`], { env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toMatch(/^flowstream: \/proc\/fs-flows\.csv: folder \/proc (takes no new file|is not writable)/);
    // nothing was metered: the closing line of a run never came
    expect(r.stderr.toString()).not.toMatch(/flows from/);
    expect(existsSync('/proc/fs-flows.csv')).toBe(false);
  });
});

describe('a report that cannot be written', () => {
  it('exit 1 naming the page and saying nothing is left under its name', () => {
    const dir = tmp();
    const page = join(dir, 'report.html');
    // the page is written whole at the end, so a 16 KiB limit refuses it
    const capture = limited(16, `${CLI_SHELL} report ${FILES} -q --n-dissections 0 -o ${q(page)}`);
    expect(capture.status).toBe(1);
    expect(capture.stderr).toMatch(new RegExp(`^flowstream: error: ${page.replace(/[.]/g, '\\.')}: EFBIG: file too large, write \\(none of the \\d+ flows metered is in the output: its unfinished file was removed\\)\\n$`));
    expect(readdirSync(dir)).toEqual([]);
  });
});
