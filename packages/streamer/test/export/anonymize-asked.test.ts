// Anonymisation asked for is applied, or the run refuses: no spelling of the request may be dropped
// silently (a repeated flag, an empty list, a misspelt API option name).
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NFStreamer, NullSink } from '@flowstream/streamer';
import { PCAPS, runCli } from '../support/run-cli.js';

const CAPTURE = join(PCAPS, 'dhcp.pcap');
const tmp = () => mkdtempSync(join(tmpdir(), 'fs-anon-asked-'));

/** The src_ip and dst_ip values of a CSV, by header name. */
function addresses(csv: string): { src: string[]; dst: string[] } {
  const [header, ...rows] = csv.trim().split('\n').map((l) => l.split(','));
  const s = header!.indexOf('src_ip');
  const d = header!.indexOf('dst_ip');
  return { src: rows.map((r) => r[s]!), dst: rows.map((r) => r[d]!) };
}

describe('--anonymize on the command line', () => {
  it('says which columns left in clear can tell the hashed addresses: server names, MAC vendor prefixes, plugin fields that say so', () => {
    const warning = (columns: string) =>
      `flowstream: warning: --anonymize hashes the addresses, and ${columns} can tell them too: written as they are (name them in --anonymize too, or leave them out with --columns).\n`;
    const run = (...args: string[]) => runCli([CAPTURE, '-q', '-o', '/dev/null', ...args]).stderr.toString();
    expect(run('--anonymize', 'src_ip,dst_ip')).toBe(warning('requested_server_name'));
    expect(run('--anonymize', 'src_ip,dst_ip', '--plugin', 'dhcp')).toBe(warning('requested_server_name, udps.dhcp_12, udps.dhcp_50, udps.dhcp_addr'));
    expect(run('--anonymize', 'src_mac', '--plugin', 'dhcp', '--n-dissections', '0')).toBe(warning('src_oui, dst_oui, udps.dhcp_oui'));
    // named too, left out, or nothing of the kind hashed: nothing to say
    expect(run('--anonymize', 'src_ip,dst_ip,requested_server_name')).toBe('');
    expect(run('--anonymize', 'src_ip,dst_ip', '--columns', 'src_ip,dst_ip,bidirectional_bytes')).toBe('');
    expect(run('--anonymize', 'src_port', '--plugin', 'dhcp')).toBe('');
  });

  it('is repeatable: a second flag adds its columns instead of replacing the first', () => {
    const clear = addresses(runCli([CAPTURE, '-q', '--n-dissections', '0']).stdout.toString());
    expect(clear.src.length).toBeGreaterThan(1);
    const r = runCli([CAPTURE, '-q', '--n-dissections', '0', '--anonymize', 'src_ip', '--anonymize', 'dst_ip']);
    expect(r.status).toBe(0);
    const hashed = addresses(r.stdout.toString());
    for (const [column, values] of [['src', hashed.src], ['dst', hashed.dst]] as const) {
      for (const v of values) expect(v, column).toMatch(/^"?[0-9a-f]{128}"?$/);
    }
    const csv = r.stdout.toString();
    for (const ip of new Set([...clear.src, ...clear.dst])) expect(csv).not.toContain(ip);
  });

  it.each([[''], [','], [' , ']])('naming no column ("%s") is a usage error, before any output exists', (given) => {
    for (const args of [
      [CAPTURE, '--anonymize', given],
      [CAPTURE, '--anonymize', 'src_ip', '--anonymize', given],
      ['report', CAPTURE, '--anonymize', given],
    ]) {
      const dir = tmp();
      const r = runCli([...args, '-q', '--n-dissections', '0', '-o', join(dir, args[0] === 'report' ? 'r.html' : 'f.csv')]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.toString()).toContain('--anonymize: name the columns to hash');
      expect(readdirSync(dir)).toEqual([]);
    }
  });
});

describe('anonymisation options of the API', () => {
  const streamer = () => new NFStreamer({ source: CAPTURE, nDissections: 0, snapshotInterval: 1 });
  const misspelt = { anonymize: ['src_ip', 'dst_ip'] };
  const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });

  it.each([
    ['toArrow', (s: NFStreamer) => s.toArrow(misspelt as never)],
    ['toArrowBatches', async (s: NFStreamer) => { for await (const _ of s.toArrowBatches(misspelt as never)); }],
    ['writeTo', (s: NFStreamer) => s.writeTo(new NullSink(), misspelt as never)],
    ['report', (s: NFStreamer) => s.report(misspelt as never)],
    ['toJsonl to a Writable', (s: NFStreamer) => s.toJsonl(discard(), misspelt as never)],
    ['toArrowStream to a Writable', (s: NFStreamer) => s.toArrowStream(discard(), misspelt as never)],
    ['snapshotBatches', async (s: NFStreamer) => { for await (const _ of s.snapshotBatches(misspelt as never)); }],
    ['snapshots', async (s: NFStreamer) => { for await (const _ of s.snapshots(misspelt as never)); }],
  ])('%s refuses an option name it does not read, naming it', async (_name, call) => {
    await expect(call(streamer())).rejects.toThrow(/anonymize.*columnsToAnonymize/);
  });

  it('snapshots refuse `columns` (their columns are snapshotColumns), which they would ignore', async () => {
    const run = async () => { for await (const _ of streamer().snapshotBatches({ columns: ['src_ip'] } as never)); };
    await expect(run()).rejects.toThrow(/columns.*snapshotColumns/);
  });

  it('the names they read still work', async () => {
    const table = await streamer().toArrow({ columnsToAnonymize: ['src_ip'], columns: ['src_ip', 'dst_port'], batchSize: 16 });
    expect(String(table.getChild('src_ip')!.get(0))).toMatch(/^[0-9a-f]{128}$/);
    const dir = tmp();
    const out = join(dir, 'f.jsonl');
    expect(await streamer().toJsonl(out, { columnsToAnonymize: ['dst_ip'] })).toBeGreaterThan(0);
    expect(existsSync(out) && JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!).dst_ip).toMatch(/^[0-9a-f]{128}$/);
    const data = await streamer().report({ columnsToAnonymize: ['src_ip', 'dst_ip'], topN: 3 });
    expect(JSON.stringify(data)).not.toContain('192.168.');
  });
});
