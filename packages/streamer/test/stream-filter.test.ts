// A BPF filter is compiled for a capture's link type before any record is read. A file shows its
// link type when opened; a pipe or a redirected stdin only once its header arrives: the filter must
// then fail the same way, even on a stream without records, with the same accounting.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NFStreamer, packets } from '@flowstream/streamer';
import { CLI_SHELL, PCAPS, runCli, shellQuote as q } from './support/run-cli.js';

const CORE = ['-q', '--n-dissections', '0'];
const tmp = () => mkdtempSync(join(tmpdir(), 'fs-sfilter-'));

/** `bytes` with the classic pcap header's link type set to `linkType` (little-endian files). */
function withLinkType(bytes: Buffer, linkType: number): Buffer {
  const out = Buffer.from(bytes);
  out.writeUInt32LE(linkType, 20);
  return out;
}

interface Outcome {
  status: number | null;
  stderr: string;
  summary: { packets: Record<string, unknown>; sources: { error: string | null; packetsRead: number }[] };
}

/** The CLI on `file`, given as the path, through `cat |`, and as `- < file`. */
function threeWays(file: string, args: string[]): Record<'file' | 'pipe' | 'redirect', Outcome> {
  const dir = tmp();
  const run = (how: string, command: (summary: string) => string): Outcome => {
    const summary = join(dir, `${how}.json`);
    const r = spawnSync('bash', ['-c', command(summary)], { env: { ...process.env, NODE_NO_WARNINGS: '1' }, maxBuffer: 64 << 20 });
    return { status: r.status, stderr: r.stderr.toString(), summary: JSON.parse(readFileSync(summary, 'utf8')) };
  };
  const rest = (summary: string) => [...CORE, ...args, '--format', 'none', '--summary', summary].map(q).join(' ');
  return {
    file: run('file', (s) => `${CLI_SHELL} ${q(file)} ${rest(s)}`),
    pipe: run('pipe', (s) => `cat ${q(file)} | ${CLI_SHELL} - ${rest(s)}`),
    redirect: run('redirect', (s) => `${CLI_SHELL} - ${rest(s)} < ${q(file)}`),
  };
}

describe('a BPF filter on pipes and redirected stdin', () => {
  const dir = tmp();
  const dhcp = readFileSync(join(PCAPS, 'dhcp.pcap'));
  const cooked = join(dir, 'cooked.pcap');
  // DLT_LINUX_SLL: libpcap has no VLAN test for it
  writeFileSync(cooked, withLinkType(dhcp, 113));

  const cookedHeaderOnly = join(dir, 'cooked-header-only.pcap');
  writeFileSync(cookedHeaderOnly, withLinkType(dhcp.subarray(0, 24), 113));
  const cookedNg = join(dir, 'cooked.pcapng');
  // the pcapng's interface description block: its link type (LE u16) follows the block type and length
  const ng = Buffer.from(readFileSync(join(PCAPS, 'dhcp.pcapng')));
  const idb = ng.readUInt32LE(4); // right after the section header block
  if (ng.readUInt32LE(idb) !== 1) throw new Error('dhcp.pcapng: no interface description after the section header');
  ng.writeUInt16LE(113, idb + 8);
  writeFileSync(cookedNg, ng);

  it.each([
    ['a capture without records', cookedHeaderOnly],
    ['a capture with records', cooked],
    ['a pcapng capture', cookedNg],
  ])('that does not compile for the link type fails %s as a file does: exit 1, the message, no record counted', (_what, file) => {
    const filter = 'vlan';
    const message = /VLAN/i;
    const runs = threeWays(file, ['--bpf-filter', filter]);
    for (const [how, r] of Object.entries(runs)) {
      expect(r.status, how).toBe(1);
      expect(r.stderr, how).toMatch(message);
      // the message names the capture and the expression
      expect(r.stderr, how).toContain(`${how === 'file' ? file : 'stdin'}: BPF filter "${filter}"`);
      expect(r.summary.packets, how).toMatchObject({ read: 0, processed: 0, ignored: 0, filtered: 0 });
      expect(r.summary.sources[0]!.error, how).toMatch(message);
      expect(r.summary.sources[0]!.packetsRead, how).toBe(0);
    }
  }, 60_000);

  it('fails with parallel meters too', () => {
    const runs = threeWays(cooked, ['--bpf-filter', 'vlan', '--n-meters', '2']);
    for (const [how, r] of Object.entries(runs)) {
      expect(r.status, how).toBe(1);
      expect(r.summary.sources[0]!.error, how).toMatch(/VLAN/i);
      expect(r.summary.packets, how).toMatchObject({ read: 0 });
    }
  }, 60_000);

  it.each([
    ['tcp and', /syntax error/],
    ['port 99999', /port number 99999/],
    ['net 10.0.0.0/40', /mask length/],
  ])('wrong for every link type (%s) is a usage error before any input is read: exit 2, naming --bpf-filter', (filter, message) => {
    for (const command of [`${CLI_SHELL} ${q(join(PCAPS, 'dhcp.pcap'))}`, `cat ${q(join(PCAPS, 'dhcp.pcap'))} | ${CLI_SHELL} -`, `${CLI_SHELL} lo`]) {
      const r = spawnSync('bash', ['-c', `${command} ${[...CORE, '--bpf-filter', filter].map(q).join(' ')}`], { env: { ...process.env, NODE_NO_WARNINGS: '1' } });
      expect(r.status, command).toBe(2);
      expect(r.stderr.toString(), command).toMatch(message);
      expect(r.stderr.toString(), command).toContain(`--bpf-filter "${filter}"`);
      expect(r.stdout.toString(), command).toBe('');
    }
  }, 60_000);

  it('that compiles filters a stream as it filters the file, byte for byte', () => {
    const file = join(PCAPS, '443-curl.pcap');
    const args = [...CORE, '--bpf-filter', 'tcp and port 443'];
    const direct = runCli([file, ...args]);
    const piped = spawnSync('bash', ['-c', `cat ${q(file)} | ${CLI_SHELL} - ${args.map(q).join(' ')}`], { env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    expect(direct.status).toBe(0);
    expect(piped.status).toBe(0);
    expect(direct.stdout.toString().split('\n').length).toBeGreaterThan(2);
    expect(piped.stdout.toString()).toBe(direct.stdout.toString());
  }, 60_000);
});

describe('a BPF filter on a Readable source (API)', () => {
  const headerOnly = readFileSync(join(PCAPS, 'dhcp.pcap')).subarray(0, 24);

  it('packets(): a filter that does not compile errors the observable, records or not', async () => {
    for (const bytes of [headerOnly, readFileSync(join(PCAPS, 'dhcp.pcap'))]) {
      const outcome = await new Promise<{ n: number; error: Error | null }>((resolve) => {
        let n = 0;
        packets(Readable.from([bytes]), { bpfFilter: 'tcp and' }).subscribe({
          next: (b) => (n += b.length),
          error: (error: Error) => resolve({ n, error }),
          complete: () => resolve({ n, error: null }),
        });
      });
      expect(outcome.n).toBe(0);
      expect(outcome.error?.message).toMatch(/syntax error/);
    }
  });

  it('NFStreamer: the same error, with the source and no record in the summary', async () => {
    const streamer = new NFStreamer({ source: Readable.from([headerOnly]), bpfFilter: 'tcp and', nDissections: 0 });
    await expect(async () => {
      for await (const _ of streamer);
    }).rejects.toThrow(/syntax error/);
    expect(streamer.summary!.packets).toMatchObject({ read: 0 });
    expect(streamer.summary!.sources[0]!.error).toMatch(/syntax error/);
  });
});
