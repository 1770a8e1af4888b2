// Anonymisation covers the manifest too: a BPF filter naming an address would name it in every
// output (Arrow and Parquet footers, NATS start messages, --summary) while its columns are hashed.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Anonymizer } from '../../src/sinks/transform/anonymizer.js';
import { anonymizeManifest } from '../../src/sinks/transform/manifest-anonymization.js';
import type { RunManifest } from '../../src/sinks/run-manifest.js';
import { PCAPS, runCli } from '../support/run-cli.js';

const KEY = 'ab'.repeat(64);
const anonymizer = new Anonymizer([], [], Buffer.from(KEY, 'hex'));
const h = (text: string) => anonymizer.hash(text);
const manifest = (bpfFilter: string | null): RunManifest => ({ flowstream: '0', parameters: { bpfFilter, idleTimeout: 120 }, plugins: [], sources: [] });
const filterOf = (m: RunManifest) => m.parameters.bpfFilter;

describe('anonymizeManifest', () => {
  it('hashes IP addresses and dotted networks as the address columns hash them, and leaves ports, lengths and words', () => {
    const m = anonymizeManifest(manifest('host 192.168.1.34 and (net 10.0/16 or src host FE80:0::0001) and not port 53'), ['src_ip', 'dst_ip'], h);
    expect(filterOf(m)).toBe(`host ${h('192.168.1.34')} and (net ${h('10.0')}/16 or src host ${h('fe80::1')}) and not port 53`);
    expect(m.parameters.idleTimeout).toBe(120);
  });

  it('hashes MAC addresses (in the MAC columns form) only when the MAC columns are hashed', () => {
    const filter = 'ether host 0:1B:2c:33:44:55 or ether src 001b.2c33.4456 or host 10.1.2.3';
    expect(filterOf(anonymizeManifest(manifest(filter), ['src_mac'], h))).toBe(`ether host ${h('00:1b:2c:33:44:55')} or ether src ${h('00:1b:2c:33:44:56')} or host 10.1.2.3`);
    expect(filterOf(anonymizeManifest(manifest(filter), ['src_port'], h))).toBe(filter);
  });

  it('hashes every form libpcap reads an address in, as the columns hold it: leading zeros, one number, twelve hex digits, next to an operator', () => {
    const ips = ['src_ip', 'dst_ip'];
    const same = h('192.168.1.34');
    for (const filter of ['host 192.168.1.034', 'host 192.168.001.034', 'host 3232235810', 'host 0xc0a80122', 'src 192.168.1.34', 'ip[12:4] = 0xc0a80122']) {
      expect(filterOf(anonymizeManifest(manifest(filter), ips, h)), filter).toContain(same);
    }
    expect(filterOf(anonymizeManifest(manifest('host 192.168.1.34&&port 53||host 10.0.0.1'), ips, h))).toBe(`host ${same}&&port 53||host ${h('10.0.0.1')}`);
    // a value after `or` keeps the qualifier before it, as libpcap reads it; a name after host is hashed too
    expect(filterOf(anonymizeManifest(manifest('host 10.0.0.1 or 167772162 or gw.example'), ips, h))).toBe(`host ${h('10.0.0.1')} or ${h('10.0.0.2')} or ${h('gw.example')}`);
    // a value without qualifier is a host, as libpcap reads it, also after src/dst and after a comparison
    expect(filterOf(anonymizeManifest(manifest('gw.example or src host.example or len > 100 and other.example'), ips, h))).toBe(`${h('gw.example')} or src ${h('host.example')} or len > 100 and ${h('other.example')}`);
    // offsets, lengths and protocol numbers stay
    expect(filterOf(anonymizeManifest(manifest('ip[2:2] > 576 and len < 1500 and ip proto 17 and tcp[tcpflags] & tcp-syn != 0'), ips, h))).toBe('ip[2:2] > 576 and len < 1500 and ip proto 17 and tcp[tcpflags] & tcp-syn != 0');
    expect(filterOf(anonymizeManifest(manifest('ether host 3c15c2b7720e&&port 53'), ['src_mac'], h))).toBe(`ether host ${h('3c:15:c2:b7:72:0e')}&&port 53`);
  });

  it('hashes ports (numbers, ranges, names) with the port columns hashed, VLAN ids with vlan_id', () => {
    expect(filterOf(anonymizeManifest(manifest('tcp port 40002 or portrange 1000-2000 or port domain'), ['src_port'], h))).toBe(`tcp port ${h('40002')} or portrange ${h('1000')}-${h('2000')} or port ${h('domain')}`);
    expect(filterOf(anonymizeManifest(manifest('vlan 10 and host 10.0.0.1'), ['vlan_id'], h))).toBe(`vlan ${h('10')} and host 10.0.0.1`);
  });

  it('hashes the IP protocols a filter names (words, numbers, escaped names) with the protocol column hashed, by their number', () => {
    const filter = 'tcp port 53 or ip proto 17 or ip6 proto \\icmp6 or proto 0x84 or (icmp and not igmp) or ip[9] = 6';
    expect(filterOf(anonymizeManifest(manifest(filter), ['protocol'], h))).toBe(
      `${h('6')} port 53 or ip proto ${h('17')} or ip6 proto ${h('58')} or proto ${h('132')} or (${h('1')} and not ${h('2')}) or ip[9] = 6`,
    );
    // the hash is the protocol column's for the same flows
    expect(h('6')).toBe(anonymizer.hash(6));
    expect(filterOf(anonymizeManifest(manifest(filter), ['src_ip', 'dst_ip', 'src_port'], h))).toBe(`tcp port ${h('53')} or ip proto 17 or ip6 proto \\icmp6 or proto 0x84 or (icmp and not igmp) or ip[9] = 6`);
  });

  it('is idempotent: a manifest read back from an anonymised file keeps its hashes', () => {
    const once = anonymizeManifest(manifest('host 10.0.0.1 or net 10.0/16'), ['src_ip'], h);
    expect(anonymizeManifest(once, ['src_ip'], h)).toEqual(once);
  });

  it('leaves a manifest without a filter as it is', () => {
    const m = manifest(null);
    expect(anonymizeManifest(m, ['src_ip'], h)).toBe(m);
  });
});

describe('every output of an anonymised run', () => {
  it('names no address of the BPF filter: Parquet footer, Arrow file, --summary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-anon-manifest-'));
    const key = join(dir, 'key');
    writeFileSync(key, KEY);
    const capture = join(PCAPS, 'skype.pcap');
    const filter = 'host 192.168.1.34';
    for (const out of ['flows.parquet', 'flows.arrow']) {
      const r = runCli([capture, '--bpf-filter', filter, '--anonymize', 'src_ip,dst_ip', '--anonymize-key', key, '-o', join(dir, out), '--summary', join(dir, `${out}.json`), '-q']);
      expect(r.status, r.stderr.toString()).toBe(0);
      for (const file of [out, `${out}.json`]) {
        const bytes = readFileSync(join(dir, file));
        expect(bytes.includes('192.168.1.34'), file).toBe(false);
        // the hash in the filter is the address's hash in the flow columns
        expect(bytes.includes(`host ${h('192.168.1.34')}`), file).toBe(true);
      }
      const summary = JSON.parse(readFileSync(join(dir, `${out}.json`), 'utf8')) as { flows: number; manifest: RunManifest };
      expect(summary.flows).toBeGreaterThan(0);
      expect(summary.manifest.parameters.bpfFilter).toBe(`host ${h('192.168.1.34')}`);
    }
    // the flows themselves hold that hash in an address column
    const csv = join(dir, 'flows.csv');
    expect(runCli([capture, '--bpf-filter', filter, '--anonymize', 'src_ip,dst_ip', '--anonymize-key', key, '-o', csv, '-q']).status).toBe(0);
    expect(readFileSync(csv, 'utf8')).toContain(h('192.168.1.34'));
  });

  it('names no address of the BPF filter in the errors of its inputs: stderr, --summary, Parquet footer, report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-anon-errors-'));
    const key = join(dir, 'key');
    writeFileSync(key, KEY);
    // a filter that compiles for Ethernet and not for Linux cooked captures: the second input fails
    const inputs = [join(PCAPS, 'skype.pcap'), join(PCAPS, 'KakaoTalk_chat.pcap')];
    const filter = 'host 192.168.1.34 or vlan';
    const hidden = `host ${h('192.168.1.34')} or vlan`;
    const out = join(dir, 'f.parquet');
    const r = runCli([...inputs, '--bpf-filter', filter, '--anonymize', 'src_ip,dst_ip', '--anonymize-key', key, '-o', out, '--summary', join(dir, 's.json'), '-q']);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain(`BPF filter "${hidden}"`);
    const summary = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')) as { sources: { error?: string }[]; error: string };
    expect(summary.sources[1]!.error).toContain(`BPF filter "${hidden}"`);
    expect(summary.error).toContain(`BPF filter "${hidden}"`);
    for (const file of [out, join(dir, 's.json')]) expect(readFileSync(file).includes('192.168.1.34'), file).toBe(false);
    // a report of the flow file written without anonymisation, asking for it now
    const plain = join(dir, 'plain.parquet');
    expect(runCli([...inputs, '--bpf-filter', filter, '-o', plain, '-q']).status).toBe(1);
    expect(readFileSync(plain).includes('192.168.1.34')).toBe(true);
    const html = join(dir, 'r.html');
    expect(runCli(['report', plain, '--anonymize', 'src_ip,dst_ip', '--anonymize-key', key, '-o', html, '-q']).status).toBe(0);
    expect(readFileSync(html, 'utf8').includes('192.168.1.34')).toBe(false);
  });

  it('names no address of the BPF filter in a report: of the capture, or of a flow file written without anonymisation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-anon-report-'));
    const key = join(dir, 'key');
    writeFileSync(key, KEY);
    const capture = join(PCAPS, 'skype.pcap');
    const plain = join(dir, 'plain.parquet');
    expect(runCli([capture, '--bpf-filter', 'host 192.168.1.34', '-o', plain, '-q']).status).toBe(0);
    expect(readFileSync(plain).includes('192.168.1.34')).toBe(true);
    for (const source of [[capture, '--bpf-filter', 'host 192.168.1.34'], [plain]]) {
      const html = join(dir, 'r.html');
      const r = runCli(['report', ...source, '--anonymize', 'src_ip,dst_ip', '--anonymize-key', key, '-o', html, '-q']);
      expect(r.status, r.stderr.toString()).toBe(0);
      const page = readFileSync(html, 'utf8');
      expect(page.includes('192.168.1.34'), source[0]).toBe(false);
      // the report shows the run's manifest (a capture's, or the one stored in the flow file) with the filter's address hashed as the columns are
      expect(page.includes(`host ${h('192.168.1.34')}`), source[0]).toBe(true);
    }
  });
});
