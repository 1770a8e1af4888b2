#!/usr/bin/env node
// Synthesizes examples/sample.pcap deterministically: a small, realistic Ethernet capture with
// several flows (HTTP, TLS, DNS, ICMP, IPv6, VLAN, ARP) spread over ~3 minutes, so that the
// default 120 s idle timeout splits one flow. Plain Node, no dependencies:
//   node scripts/make-example-pcap.mjs [output-path]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'sample.pcap');

// --- deterministic randomness (mulberry32) ------------------------------------------------------
let seed = 0x5eed1234;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const randInt = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const randomBytes = (n) => Uint8Array.from({ length: n }, () => randInt(0, 255));
const ascii = (s) => new TextEncoder().encode(s);

// --- byte helpers -------------------------------------------------------------------------------
const be16 = (v) => [(v >>> 8) & 0xff, v & 0xff];
const be32 = (v) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const concat = (...parts) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
const mac = (s) => s.split(':').map((h) => parseInt(h, 16));
const ipv4 = (s) => s.split('.').map(Number);
function ipv6(s) {
  const [head, tail = ''] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => be16(parseInt(g, 16)));
}

/** RFC 1071 Internet checksum. */
function checksum(bytes) {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

// --- layers -------------------------------------------------------------------------------------
function ethernet(src, dst, type, payload, vlan) {
  const tag = vlan === undefined ? [] : [0x81, 0x00, ...be16(vlan)];
  return concat(mac(dst), mac(src), tag, be16(type), payload);
}

let ipId = 0x1c46;
function ipv4Packet(src, dst, proto, payload, ttl = 64) {
  const header = [0x45, 0, ...be16(20 + payload.length), ...be16(ipId++ & 0xffff), 0x40, 0, ttl, proto, 0, 0, ...ipv4(src), ...ipv4(dst)];
  const sum = checksum(header);
  header[10] = sum >>> 8;
  header[11] = sum & 0xff;
  return concat(header, payload);
}

function ipv6Packet(src, dst, next, payload) {
  return concat([0x60, 0, 0, 0], be16(payload.length), [next, 64], ipv6(src), ipv6(dst), payload);
}

function transportChecksum(pseudo, segment, at) {
  const sum = checksum(concat(pseudo, segment));
  segment[at] = sum >>> 8;
  segment[at + 1] = sum & 0xff;
  return segment;
}
const pseudo4 = (src, dst, proto, len) => [...ipv4(src), ...ipv4(dst), 0, proto, ...be16(len)];
const pseudo6 = (src, dst, proto, len) => [...ipv6(src), ...ipv6(dst), ...be32(len), 0, 0, 0, proto];

const FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10;
function tcpSegment(sport, dport, seq, ack, flags, payload) {
  const options = flags & SYN ? [2, 4, 0x05, 0xb4, 1, 1, 4, 2] : [];
  const hlen = 20 + options.length;
  return concat(be16(sport), be16(dport), be32(seq), be32(ack), [(hlen / 4) << 4, flags], be16(64240), [0, 0, 0, 0], options, payload);
}
function udpSegment(sport, dport, payload) {
  return concat(be16(sport), be16(dport), be16(8 + payload.length), [0, 0], payload);
}

// --- packets ------------------------------------------------------------------------------------
const BASE = 1700000000; // 2023-11-14T22:13:20Z
const packets = []; // { t: seconds (float), frame }
const at = (t, frame) => packets.push({ t, frame });

const CLIENT_MAC = '3c:22:fb:4a:10:01';
const GATEWAY_MAC = '00:1a:2b:3c:4d:5e';
const CLIENT = '192.168.1.23';

function udp4(t, src, dst, sport, dport, payload, { srcMac = CLIENT_MAC, dstMac = GATEWAY_MAC, vlan } = {}) {
  const seg = transportChecksum(pseudo4(src, dst, 17, 8 + payload.length), udpSegment(sport, dport, payload), 6);
  at(t, ethernet(srcMac, dstMac, 0x0800, ipv4Packet(src, dst, 17, seg), vlan));
}

/** A TCP conversation: handshake, exchanges (client bytes, server bytes), FIN handshake. */
function tcpConversation(t0, { client, server, sport, dport, exchanges, v6 = false, vlan, rtt = 0.03 }) {
  let cseq = randInt(1, 2 ** 31), sseq = randInt(1, 2 ** 31);
  let t = t0;
  const send = (fromClient, flags, payload) => {
    const [src, dst, sp, dp, seq, ack] = fromClient ? [client, server, sport, dport, cseq, sseq] : [server, client, dport, sport, sseq, cseq];
    const seg = tcpSegment(sp, dp, seq >>> 0, ack >>> 0, flags, payload);
    const frame = v6
      ? ethernet(fromClient ? CLIENT_MAC : GATEWAY_MAC, fromClient ? GATEWAY_MAC : CLIENT_MAC, 0x86dd,
          ipv6Packet(src, dst, 6, transportChecksum(pseudo6(src, dst, 6, seg.length), seg, 16)), vlan)
      : ethernet(fromClient ? CLIENT_MAC : GATEWAY_MAC, fromClient ? GATEWAY_MAC : CLIENT_MAC, 0x0800,
          ipv4Packet(src, dst, 6, transportChecksum(pseudo4(src, dst, 6, seg.length), seg, 16)), vlan);
    at(t, frame);
    const advance = payload.length + (flags & (SYN | FIN) ? 1 : 0);
    if (fromClient) cseq += advance; else sseq += advance;
  };
  const jitter = () => rtt * (0.8 + 0.4 * random());
  send(true, SYN, new Uint8Array(0)); t += jitter();
  send(false, SYN | ACK, new Uint8Array(0)); t += 0.0004;
  send(true, ACK, new Uint8Array(0)); t += 0.002;
  for (const [request, response] of exchanges) {
    send(true, PSH | ACK, request); t += jitter();
    for (let i = 0; i < response.length; i += 1448) {
      send(false, (i + 1448 >= response.length ? PSH : 0) | ACK, response.subarray(i, i + 1448));
      t += 0.0006;
    }
    send(true, ACK, new Uint8Array(0)); t += 0.05 + random() * 0.5;
  }
  send(true, FIN | ACK, new Uint8Array(0)); t += jitter();
  send(false, FIN | ACK, new Uint8Array(0)); t += 0.0003;
  send(true, ACK, new Uint8Array(0));
}

// ARP: who-has the gateway, and its reply.
const arp = (op, sha, spa, tha, tpa) => concat([0, 1, 8, 0, 6, 4, 0, op], mac(sha), ipv4(spa), mac(tha), ipv4(tpa));
at(0.0, ethernet(CLIENT_MAC, 'ff:ff:ff:ff:ff:ff', 0x0806, concat(arp(1, CLIENT_MAC, CLIENT, '00:00:00:00:00:00', '192.168.1.1'), new Uint8Array(18))));
at(0.0012, ethernet(GATEWAY_MAC, CLIENT_MAC, 0x0806, concat(arp(2, GATEWAY_MAC, '192.168.1.1', CLIENT_MAC, CLIENT), new Uint8Array(18))));

// DNS: queries and answers over UDP/IPv4.
function dnsName(name) {
  return concat(...name.split('.').map((label) => concat([label.length], ascii(label))), [0]);
}
function dns(t, name, address, sport) {
  const id = randInt(0, 0xffff);
  const question = concat(dnsName(name), [0, 1, 0, 1]);
  udp4(t, CLIENT, '192.168.1.1', sport, 53, concat(be16(id), [0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0], question));
  const answer = concat([0xc0, 0x0c, 0, 1, 0, 1], be32(300), [0, 4], ipv4(address));
  udp4(t + 0.018, '192.168.1.1', CLIENT, 53, sport, concat(be16(id), [0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0], question, answer),
    { srcMac: GATEWAY_MAC, dstMac: CLIENT_MAC });
}
dns(0.5, 'example.com', '93.184.216.34', 51234);
dns(2.1, 'www.wikipedia.org', '185.15.59.224', 51235);
dns(95.0, 'ntp.example.net', '203.0.113.123', 51236);
dns(150.2, 'github.com', '140.82.121.4', 51237);
dns(175.9, 'api.github.com', '140.82.121.6', 51238);

// HTTP over TCP/80 with a handshake, one GET, a response and a FIN handshake.
const page = ascii(`<!doctype html><html><head><title>Example</title></head><body>${'<p>flowstream sample</p>'.repeat(120)}</body></html>`);
tcpConversation(0.6, {
  client: CLIENT, server: '93.184.216.34', sport: 50612, dport: 80,
  exchanges: [[ascii('GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: flowstream-example\r\nAccept: */*\r\n\r\n'),
    concat(ascii(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${page.length}\r\n\r\n`), page)]],
});

// TLS-like exchange over TCP/443: ClientHello, ServerHello+certificate, then application data.
const tlsRecord = (type, body) => concat([type, 3, 3], be16(body.length), body);
const clientHello = tlsRecord(0x16, concat([1, 0], be16(508), [3, 3], randomBytes(32), [0], be16(2), [0x13, 0x01], [1, 0], be16(470),
  [0, 0], be16(22), be16(20), [0], be16(17), ascii('www.wikipedia.org'), randomBytes(444)));
const tlsExchanges = [[clientHello, concat(tlsRecord(0x16, randomBytes(90)), tlsRecord(0x14, [1]), tlsRecord(0x17, randomBytes(3900)))]];
for (let i = 0; i < 24; i++) tlsExchanges.push([tlsRecord(0x17, randomBytes(randInt(80, 600))), tlsRecord(0x17, randomBytes(randInt(500, 6000)))]);
tcpConversation(2.2, { client: CLIENT, server: '185.15.59.224', sport: 50613, dport: 443, exchanges: tlsExchanges, rtt: 0.012 });

// ICMP echo request and reply.
function icmpEcho(t, type, seq, src, dst, srcMac, dstMac) {
  const msg = concat([type, 0, 0, 0], be16(0x4d2), be16(seq), ascii('flowstream-ping-0123456789abcdef'));
  const sum = checksum(msg);
  msg[2] = sum >>> 8;
  msg[3] = sum & 0xff;
  at(t, ethernet(srcMac, dstMac, 0x0800, ipv4Packet(src, dst, 1, msg)));
}
for (let i = 0; i < 4; i++) {
  icmpEcho(10.0 + i, 8, i + 1, CLIENT, '8.8.8.8', CLIENT_MAC, GATEWAY_MAC);
  icmpEcho(10.021 + i, 0, i + 1, '8.8.8.8', CLIENT, GATEWAY_MAC, CLIENT_MAC);
}

// IPv6 TCP flow (HTTP over IPv6).
tcpConversation(20.0, {
  client: '2001:db8:1::23', server: '2001:db8:ffff::80', sport: 50700, dport: 80, v6: true,
  exchanges: [[ascii('GET /index.html HTTP/1.1\r\nHost: v6.example.org\r\n\r\n'), concat(ascii('HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n'), randomBytes(2000))]],
});

// VLAN-tagged UDP flow (syslog-like, VLAN 100).
for (let i = 0; i < 10; i++) {
  udp4(30 + i * 2.5, '10.100.0.5', '10.100.0.1', 40514, 514, ascii(`<134>Nov 14 22:13:${20 + i} sensor flowstream: sample message ${i}`),
    { srcMac: '02:00:00:00:64:05', dstMac: '02:00:00:00:64:01', vlan: 100 });
}

// NTP-like UDP flow with a 130 s pause: the default 120 s idle timeout splits it in two flows.
const ntp = () => concat([0x23], randomBytes(47));
[5.0, 5.02, 40.0, 40.03, 170.0, 170.02, 175.0, 175.03].forEach((t, i) => {
  const fromClient = i % 2 === 0;
  if (fromClient) udp4(t, CLIENT, '203.0.113.123', 123, 123, ntp());
  else udp4(t, '203.0.113.123', CLIENT, 123, 123, ntp(), { srcMac: GATEWAY_MAC, dstMac: CLIENT_MAC });
});

// A late HTTPS flow near the end of the capture.
tcpConversation(176.0, {
  client: CLIENT, server: '140.82.121.4', sport: 50950, dport: 443,
  exchanges: [[tlsRecord(0x16, randomBytes(300)), tlsRecord(0x16, randomBytes(2800))], [tlsRecord(0x17, randomBytes(200)), tlsRecord(0x17, randomBytes(1200))]],
});
at(178.5, ethernet(GATEWAY_MAC, 'ff:ff:ff:ff:ff:ff', 0x0806, concat(arp(1, GATEWAY_MAC, '192.168.1.1', '00:00:00:00:00:00', '192.168.1.77'), new Uint8Array(18))));

// --- pcap file ----------------------------------------------------------------------------------
packets.sort((a, b) => a.t - b.t);
const le32 = (v) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const le16 = (v) => [v & 0xff, (v >>> 8) & 0xff];
const parts = [Uint8Array.from([...le32(0xa1b2c3d4), ...le16(2), ...le16(4), ...le32(0), ...le32(0), ...le32(262144), ...le32(1)])];
for (const { t, frame } of packets) {
  const micros = Math.round(t * 1e6);
  const sec = BASE + Math.floor(micros / 1e6);
  parts.push(Uint8Array.from([...le32(sec), ...le32(micros % 1e6), ...le32(frame.length), ...le32(frame.length)]), frame);
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, Buffer.concat(parts));
console.log(`wrote ${out}: ${packets.length} packets over ${(packets.at(-1).t - packets[0].t).toFixed(1)} s`);
