import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BpfCompileError, BpfProgram, compileBpf, loadLibpcap } from '../../src/filter/index.js';
import { hasCommand, readWithLibpcap, recordKey } from './libpcap-reference.js';
import { PCAPS } from '../../../../test/support/paths.js';


const CI = process.env.CI === 'true';
const libpcap = loadLibpcap();
const missing = [
  libpcap instanceof Error ? `libpcap/koffi (${libpcap.message})` : null,
  hasCommand('tcpdump') ? null : 'tcpdump',
].filter((m) => m !== null);
// Outside CI a machine without libpcap or tcpdump skips; in CI the tests run and fail instead.
const skip = missing.length > 0 && !CI;
const title = skip ? `BPF vs tcpdump (skipped: missing ${missing.join(', ')})` : 'BPF vs tcpdump';

const CASES: [file: string, expressions: string[]][] = [
  [
    '1kxun.pcap', // pcapng, Ethernet, IPv4 + IPv6
    [
      'tcp',
      'udp port 53',
      'tcp[tcpflags] & tcp-syn != 0',
      'ip6',
      'ip6 and udp',
      'greater 500',
      'less 100',
      'port 443 or port 80',
      'not tcp and not udp',
      'udp and len > 200',
      'net 192.168.0.0/16 and tcp portrange 1-1024',
      'tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420', // "GET " via indirect loads
      'ip[6:2] & 0x1fff != 0 or ip[6] & 0x20 != 0',
      'ether broadcast or ether multicast',
      'icmp or icmp6 or arp',
      'ip6 protochain 58 or ip protochain 6',
    ],
  ],
  ['alexa-app.pcapng', ['tcp port 443', 'udp', 'src net 10.0.0.0/8 and dst port 53']],
  ['dns_fragmented.pcap', ['ip[6:2] & 0x3fff != 0', 'udp port 53']],
  ['4in4tunnel.pcap', ['vlan', 'vlan and ip', 'ip proto 4']],
  ['gtp-u.pcap', ['udp port 2152', 'udp[8] & 0xe0 = 0x20']],
  // protochain: libpcap walks the IPv6 extension headers in a loop closed by a backward ja
  ['http_ipv6.pcap', ['ip6 and tcp port 80', 'ip6[6] = 6', 'ip6 protochain 17', 'ip6 protochain 6', 'ip protochain 17']],
  ['mdns.pcap', ['udp port 5353', 'ip6', 'ip']], // LINUX_SLL
  ['KakaoTalk_chat.pcap', ['tcp', 'udp', 'inbound', 'outbound']], // LINUX_SLL direction
  ['rdp.pcap', ['tcp port 3389', 'ip', 'ip6']], // NULL
  ['nats.pcap', ['tcp']], // NULL
  ['BGP_Cisco_hdlc_slarp.pcap', ['tcp port 179', 'ip']], // PPP
  ['dlt_ppp.pcap', ['ip', 'tcp']], // PPP
  ['BGP_redist.pcap', ['tcp', 'mpls', 'ip']], // C_HDLC
];

describe.skipIf(skip)(title, () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowstream-bpf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [file, expressions] of CASES) {
    for (const expression of expressions) {
      it(`${file}: ${expression}`, () => {
        const path = join(PCAPS, file);
        const { dlt, records } = readWithLibpcap(path, expression);
        const program = compileBpf(expression, dlt);
        // the generated code has no backward jumps: protochain's loop is interpreted
        expect(program.engine).toBe(expression.includes('protochain') ? 'interpreter' : 'generated');
        const interpreter = new BpfProgram(program.insns, 'interpreter');
        const mine: number[] = [];
        const interpreted: number[] = [];
        const libpcapVerdict: number[] = [];
        records.forEach((r, i) => {
          if (program.matches(r.data, 0, r.caplen, r.len)) mine.push(i);
          if (interpreter.matches(r.data, 0, r.caplen, r.len)) interpreted.push(i);
          if (r.libpcapAccepts) libpcapVerdict.push(i);
        });
        expect(interpreted).toEqual(mine);
        // Same record indices as libpcap's own pcap_offline_filter on the same program...
        expect(mine).toEqual(libpcapVerdict);
        // ...and the same records, in the same order, as tcpdump writes.
        const out = join(dir, `${file}.${mine.length}.${Math.random().toString(36).slice(2)}.pcap`);
        execFileSync('tcpdump', ['-r', path, '-w', out, expression], { stdio: 'ignore' });
        const expected = readWithLibpcap(out).records.map(recordKey);
        expect(mine.map((i) => recordKey(records[i]!))).toEqual(expected);
      });
    }
  }

  it('keeps a non-trivial share of records for most expressions (sanity)', () => {
    const { dlt, records } = readWithLibpcap(join(PCAPS, '1kxun.pcap'));
    const tcp = compileBpf('tcp', dlt);
    const n = records.filter((r) => tcp.matches(r.data, 0, r.caplen, r.len)).length;
    expect(n).toBeGreaterThan(100);
    expect(n).toBeLessThan(records.length);
  });

  it('an invalid expression throws BpfCompileError with libpcap\'s message', () => {
    expect(() => compileBpf('udp port', 1)).toThrowError(/syntax error/);
    let error: unknown;
    try {
      compileBpf('tcp and and', 1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BpfCompileError);
    const e = error as BpfCompileError;
    expect(e.message).toBe("can't parse filter expression: syntax error");
    expect(e.libpcapMessage).toBe(e.message);
    expect(e.expression).toBe('tcp and and');
    expect(BpfCompileError.nfstreamMessage).toBe('Unable to compile BPF filter.');
    // Valid syntax, impossible for the link type: libpcap's semantic message.
    expect(() => compileBpf('ether host 01:02:03:04:05:06', 12)).toThrowError(/ethernet addresses supported only/);
    expect(() => compileBpf('port 99999', 1)).toThrowError(/port 99999 >= 65535|illegal port number/);
  });
});
