import { describe, expect, it } from 'vitest';
import { DHCP } from '../src/index.js';
import { flow, ipv4, packet, udp, utf8 } from './helpers/packets.js';

/** A BOOTP message: 236-byte fixed part + magic cookie + the given option bytes. */
function dhcpMessage(options: number[], init: { hlen?: number; chaddr?: number[]; ciaddr?: number[] } = {}): Uint8Array {
  const fixed = new Uint8Array(240);
  fixed[0] = 1;
  fixed[1] = 1;
  fixed[2] = init.hlen ?? 6;
  fixed.set(init.ciaddr ?? [0, 0, 0, 0], 12);
  fixed.set(init.chaddr ?? [0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42], 28);
  fixed.set([99, 130, 83, 99], 236);
  return new Uint8Array([...fixed, ...options]);
}

function run(messages: Uint8Array[], srcIp = '0.0.0.0', dstPort = 67) {
  const plugin = new DHCP();
  const f = flow({ src_ip: srcIp, dst_port: dstPort, src_port: 68 });
  const expirations: number[] = [];
  messages.forEach((m, i) => {
    const p = packet({ ip: ipv4(17, udp(68, dstPort, m)) });
    if (i === 0) plugin.onInit(p, f);
    else plugin.onUpdate(p, f);
    expirations.push(f.expiration_id);
  });
  return { udps: f.udps, expirations };
}

describe('DHCP', () => {
  it('creates the ten fields in NFStream order', () => {
    const { udps } = run([new Uint8Array(10)], '10.0.0.1');
    expect(Object.keys(udps)).toEqual(DHCP.fields.map((f) => f.name));
    expect(udps.dhcp_options).toEqual([]);
    expect(udps.dhcp_msg_type).toBeNull();
  });

  it('records the first message type and expires 0.0.0.0 senders (quirk §14 #27)', () => {
    const { udps, expirations } = run([dhcpMessage([53, 1, 1, 255])]);
    expect(udps.dhcp_msg_type).toBe('MsgType.DISCOVER');
    expect(expirations).toEqual([-1]);
  });

  it('fills the REQUEST fields', () => {
    const request = dhcpMessage(
      [0, 53, 1, 3, 61, 7, 1, 0, 11, 130, 1, 252, 66, 50, 4, 192, 168, 0, 10, 54, 4, 192, 168, 0, 1, 55, 4, 1, 3, 6, 42,
        12, 3, ...utf8('pc'), 0xc3, 57, 2, 0x05, 0xdc, 60, 4, ...utf8('MSFT'), 255, 77, 1, 65],
      { ciaddr: [192, 168, 0, 10] },
    );
    const { udps, expirations } = run([request], '192.168.0.10');
    expect(udps.dhcp_msg_type).toBe('MsgType.REQUEST');
    expect(udps.dhcp_options).toEqual([53, 61, 50, 54, 55, 12, 57, 60]); // pad skipped, stops at end (255)
    expect(udps.dhcp_50).toBe('192.168.0.10');
    expect(udps.dhcp_55).toBe('1,3,6,42');
    expect(udps.dhcp_57).toBe(1500);
    expect(udps.dhcp_60).toBe('MSFT');
    expect(udps.dhcp_77).toBeNull(); // after the end option
    expect(udps.dhcp_oui).toBe('00:0b:82');
    expect(udps.dhcp_addr).toBe('192.168.0.10');
    expect(udps.dhcp_12).toBe('pc\uFFFD'); // invalid UTF-8 replaced
    expect(expirations).toEqual([0]);
  });

  it('expires on ACK/NACK/INFORM/DECLINE but not on OFFER', () => {
    for (const [type, expected] of [[5, -1], [6, -1], [8, -1], [4, -1], [2, 0], [7, 0]] as const) {
      expect(run([dhcpMessage([53, 1, type])], '10.1.1.1').expirations).toEqual([expected]);
    }
  });

  it('uses 0 when the first parsed packet has no option 53, and sets the type only once', () => {
    const { udps } = run([dhcpMessage([12, 1, 65]), dhcpMessage([53, 1, 1])], '10.1.1.1');
    expect(udps.dhcp_msg_type).toBe(0);
    expect(udps.dhcp_12).toBe('A');
    expect(run([dhcpMessage([53, 1, 3]), dhcpMessage([53, 1, 5])], '10.1.1.1').udps.dhcp_msg_type).toBe('MsgType.REQUEST');
  });

  it('only REQUEST sets options, oui, 50, 55 and addr', () => {
    const { udps } = run([dhcpMessage([53, 1, 1, 50, 4, 1, 2, 3, 4, 55, 1, 3])], '10.1.1.1');
    expect([udps.dhcp_options, udps.dhcp_50, udps.dhcp_55, udps.dhcp_oui]).toEqual([[], null, null, null]);
  });

  it('skips short messages, flows to other ports and IPv6', () => {
    expect(run([dhcpMessage([53, 1, 1]).subarray(0, 239)]).udps.dhcp_msg_type).toBeNull();
    expect(run([dhcpMessage([53, 1, 1])], '10.0.0.1', 68).udps.dhcp_msg_type).toBeNull();
    const plugin = new DHCP();
    const f = flow({ dst_port: 67 });
    const v6 = new Uint8Array(48 + 240);
    v6[0] = 0x60;
    plugin.onInit(packet({ ip: v6 }), f);
    expect(f.udps.dhcp_msg_type).toBeNull();
  });

  it('cuts chaddr to hlen and a truncated option value at the end of the data', () => {
    const { udps } = run([dhcpMessage([53, 1, 3, 12, 9, 65, 66], { hlen: 2 })], '10.1.1.1');
    expect(udps.dhcp_oui).toBe('00:0b');
    expect(udps.dhcp_12).toBe('AB');
  });

  it('throws where NFStream crashes: invalid message type, invalid UTF-8 in option 60/77', () => {
    expect(() => run([dhcpMessage([53, 1, 9])])).toThrow(/MsgType/);
    expect(() => run([dhcpMessage([53, 1, 1, 60, 1, 0xff])])).toThrow(/UTF-8/);
    expect(() => run([dhcpMessage([77, 2, 0xc3, 0x28])])).toThrow(/UTF-8/);
  });
});
