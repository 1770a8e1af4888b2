import { FlowBatch, type FieldSpec, type FlowColumn } from '@flowstream/core';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeIpv4, writeIpv6, writeMac } from '../../src/sinks/ipfix/address-bytes.js';
import { PMACCT_MAX_PRIMITIVES, ipfixElementsXml, knownFields, pmacctPrimitives } from '../../src/sinks/ipfix/element-files.js';
import { ipfixSinkDefinition } from '../../src/sinks/ipfix/ipfix-definition.js';
import { IpfixSink } from '../../src/sinks/ipfix/ipfix-sink.js';
import { DEFAULT_FLOWSTREAM_PEN, HASHED_ID_BASE, REVERSE_PEN, enterpriseId } from '../../src/sinks/ipfix/information-elements.js';
import { MessageEncoder } from '../../src/sinks/ipfix/message-encoder.js';
import { bindTemplate, valueText, writeRecord } from '../../src/sinks/ipfix/record-encoder.js';
import { csvCell } from '../../src/sinks/csv/csv-cell.js';
import { buildTemplates, writeTemplateRecord, templateRecordLength, type Template } from '../../src/sinks/ipfix/templates.js';

const FIELDS: FieldSpec[] = [
  { name: 'id', type: 'int' },
  { name: 'expiration_id', type: 'int' },
  { name: 'src_ip', type: 'string' },
  { name: 'src_port', type: 'int' },
  { name: 'dst_ip', type: 'string' },
  { name: 'dst_port', type: 'int' },
  { name: 'protocol', type: 'int' },
  { name: 'bidirectional_first_seen_ms', type: 'uint64' },
  { name: 'bidirectional_last_seen_ms', type: 'uint64' },
  { name: 'src2dst_packets', type: 'int' },
  { name: 'src2dst_bytes', type: 'int' },
  { name: 'dst2src_packets', type: 'int' },
  { name: 'dst2src_bytes', type: 'int' },
  { name: 'src2dst_mean_ps', type: 'float' },
  { name: 'application_name', type: 'string' },
];

function batch(n: number, appName = (i: number) => `App${i}`, v6 = (_i: number) => false): FlowBatch {
  const num = (f: (i: number) => number): FlowColumn => ({ kind: 'number', values: Float64Array.from({ length: n }, (_, i) => f(i)) });
  const str = (f: (i: number) => string): FlowColumn => ({ kind: 'string', values: Array.from({ length: n }, (_, i) => f(i)) });
  const cols: FlowColumn[] = [
    num((i) => i),
    num((i) => [0, 1, -1][i % 3]!),
    str((i) => (v6(i) ? `2001:db8::${i.toString(16)}` : `10.0.${i >> 8}.${i & 255}`)),
    num((i) => 40000 + i),
    str((i) => (v6(i) ? '2001:db8::1' : '192.168.1.1')),
    num(() => 443),
    num(() => 6),
    num((i) => 1700000000000 + i),
    num((i) => 1700000001000 + i),
    num((i) => 10 + i),
    num((i) => 1000 + i),
    num((i) => 5 + i),
    num((i) => 500 + i),
    num(() => 123.5),
    str(appName),
  ];
  return new FlowBatch(FIELDS, cols, n);
}

/** A small IPFIX reader: the header and sets of one message. */
function parse(m: Buffer) {
  const header = { version: m.readUInt16BE(0), length: m.readUInt16BE(2), exportTime: m.readUInt32BE(4), sequence: m.readUInt32BE(8), domain: m.readUInt32BE(12) };
  const sets: { id: number; body: Buffer }[] = [];
  for (let o = 16; o < m.length; ) {
    const id = m.readUInt16BE(o);
    const len = m.readUInt16BE(o + 2);
    expect(len).toBeGreaterThan(4);
    sets.push({ id, body: m.subarray(o + 4, o + len) });
    o += len;
  }
  return { header, sets };
}

/** Template records of a template set: id → [element id, length, pen][]. */
function parseTemplates(body: Buffer): Map<number, [number, number, number][]> {
  const out = new Map<number, [number, number, number][]>();
  for (let o = 0; o < body.length; ) {
    const id = body.readUInt16BE(o);
    const count = body.readUInt16BE(o + 2);
    o += 4;
    const fields: [number, number, number][] = [];
    for (let i = 0; i < count; i++) {
      const raw = body.readUInt16BE(o);
      const len = body.readUInt16BE(o + 2);
      o += 4;
      let pen = 0;
      if (raw & 0x8000) {
        pen = body.readUInt32BE(o);
        o += 4;
      }
      fields.push([raw & 0x7fff, len, pen]);
    }
    out.set(id, fields);
  }
  return out;
}

/** Lengths of the data records in a data set body, from the template. */
function recordCount(body: Buffer, fields: [number, number, number][]): number {
  let n = 0;
  for (let o = 0; o < body.length; n++) {
    for (const [, len] of fields) {
      if (len !== 0xffff) o += len;
      else {
        const l = body[o]!;
        o += l < 255 ? 1 + l : 3 + body.readUInt16BE(o + 1);
      }
    }
  }
  return n;
}

function encoder(max = 1400, refresh = 0) {
  return new MessageEncoder({ maxMessageSize: max, observationDomainId: 7, templateRefreshMessages: refresh, templateRefreshMs: 0, now: () => 1_700_000_123_456 });
}

function encodeAll(enc: MessageEncoder, templates: Template[], b: FlowBatch): Buffer[] {
  enc.setTemplates(templates);
  const bound = templates.map((t) => bindTemplate(t, b));
  for (let row = 0; row < b.length; row++) {
    const t = bound.find((x) => x.template.family === (String(b.columns[2]!.values[row]).includes(':') ? 6 : 4))!;
    enc.end(writeRecord(t, row, enc.buf, enc.begin(t.template.id)));
  }
  enc.finish();
  return enc.take();
}

const OPTS = { mode: 'biflow' as const, pen: DEFAULT_FLOWSTREAM_PEN, firstId: 256, anonymized: new Set<string>() };

describe('IPFIX templates (RFC 7011 §3.4.1, RFC 5103)', () => {
  it('lays out a biflow template: IANA ids, reverse elements under PEN 29305, enterprise elements under the PEN', () => {
    const [v4, v6] = buildTemplates(FIELDS, OPTS);
    expect([v4!.id, v4!.family, v6!.id, v6!.family]).toEqual([256, 4, 257, 6]);
    const buf = Buffer.alloc(templateRecordLength(v4!));
    expect(writeTemplateRecord(v4!, buf, 0)).toBe(buf.length);
    const fields = parseTemplates(buf).get(256)!;
    expect(fields.slice(0, 6)).toEqual([
      [148, 8, 0], // flowId ← id
      [8, 4, 0], // sourceIPv4Address
      [12, 4, 0], // destinationIPv4Address
      [7, 2, 0], // sourceTransportPort
      [11, 2, 0], // destinationTransportPort
      [4, 1, 0], // protocolIdentifier
    ]);
    expect(fields).toContainEqual([136, 1, 0]); // flowEndReason
    expect(fields).toContainEqual([152, 8, 0]);
    expect(fields).toContainEqual([153, 8, 0]);
    expect(fields).toContainEqual([1, 8, 0]);
    expect(fields).toContainEqual([2, 8, 0]);
    expect(fields).toContainEqual([1, 8, REVERSE_PEN]);
    expect(fields).toContainEqual([2, 8, REVERSE_PEN]);
    expect(fields).toContainEqual([enterpriseId('src2dst_mean_ps'), 8, DEFAULT_FLOWSTREAM_PEN]);
    expect(fields).toContainEqual([enterpriseId('application_name'), 0xffff, DEFAULT_FLOWSTREAM_PEN]);
    expect(parseTemplates((() => { const b = Buffer.alloc(templateRecordLength(v6!)); writeTemplateRecord(v6!, b, 0); return b; })()).get(257)!.slice(1, 3)).toEqual([
      [27, 16, 0],
      [28, 16, 0],
    ]);
  });

  it('uniflow: a forward template with biflowDirection 1 and a reverse one with swapped key and biflowDirection 2', () => {
    const t = buildTemplates(FIELDS, { ...OPTS, mode: 'uniflow' });
    expect(t.map((x) => `${x.id}:${x.family}:${x.kind}`)).toEqual(['256:4:forward', '257:4:reverse', '258:6:forward', '259:6:reverse']);
    const rev = t[1]!;
    expect(rev.fields.find((f) => f.ie.id === 8)!.column).toBe('dst_ip');
    expect(rev.fields.find((f) => f.ie.id === 7)!.column).toBe('dst_port');
    expect(rev.fields.find((f) => f.ie.id === 1)!.column).toBe('dst2src_bytes');
    expect(rev.fields.at(-1)).toMatchObject({ encoding: 'const', constant: 2 });
    expect(t[0]!.fields.some((f) => f.ie.pen === REVERSE_PEN)).toBe(false);
  });

  it('plugin values sent as text read as their CSV cells', () => {
    const values: unknown[] = [['a', 'b'], true, false, 1e-7, Number.NaN, 2 ** 60, 42, 'plain', [1, 2]];
    for (const v of values) expect(valueText(v), String(v)).toBe(csvCell(v).replace(/^"(.*)"$/s, '$1').replace(/""/g, '"'));
    expect(valueText(['a', 'b'])).toBe("['a', 'b']");
    expect(valueText(true)).toBe('True');
    expect(valueText(null)).toBe('');
  });

  it('anonymised non-address columns become enterprise strings', () => {
    const fields = FIELDS.map((f) => (f.name === 'src_port' ? { ...f, type: 'string' as const } : f));
    const [v4] = buildTemplates(fields, { ...OPTS, anonymized: new Set(['src_port']) });
    expect(v4!.fields.some((f) => f.ie.id === 7 && f.ie.pen === 0)).toBe(false);
    expect(v4!.fields.find((f) => f.column === 'src_port')).toMatchObject({ length: 0xffff, encoding: 'text' });
  });

  it('an anonymised column never travels under its registered element, and an anonymised id still joins uniflow records', () => {
    const hashed = new Set(['id', 'src_port', 'src2dst_mean_ps']);
    const fields = FIELDS.map((f) => (hashed.has(f.name) ? { ...f, type: 'string' as const } : f));
    const [forward, reverse] = buildTemplates(fields, { ...OPTS, mode: 'uniflow', anonymized: hashed });
    const registered = new Map(knownFields().map((f) => [enterpriseId(f.name), f.name]));
    for (const column of hashed) {
      const field = forward!.fields.find((f) => f.column === column)!;
      expect(field.ie).toMatchObject({ pen: DEFAULT_FLOWSTREAM_PEN, type: 'string' });
      expect(field.ie.id).toBeGreaterThanOrEqual(HASHED_ID_BASE);
      expect(registered.has(field.ie.id)).toBe(false);
    }
    // no flowId (148) for the hash; the reverse record carries the forward one's hash element instead
    expect(forward!.fields.some((f) => f.ie.pen === 0 && f.ie.id === 148)).toBe(false);
    const join = forward!.fields.find((f) => f.column === 'id')!;
    expect(reverse!.fields.find((f) => f.column === 'id')?.ie).toEqual(join.ie);

    // on the wire: both records of a flow carry the same hash
    const b = batch(3);
    const cols = b.columns.map((c, j) => (hashed.has(FIELDS[j]!.name) ? ({ kind: 'string', values: Array.from({ length: 3 }, (_, i) => `h${j}-${i}`) } as FlowColumn) : c));
    const anon = new FlowBatch(fields, cols, 3);
    const enc = encoder();
    enc.setTemplates([forward!, reverse!]);
    const bound = [forward!, reverse!].map((t) => bindTemplate(t, anon));
    for (let row = 0; row < 3; row++) for (const t of bound) enc.end(writeRecord(t, row, enc.buf, enc.begin(t.template.id)));
    enc.finish();
    const [m] = enc.take();
    const data = parse(m!).sets.filter((x) => x.id >= 256);
    const text = data.map((x) => x.body.toString('latin1')).join('');
    for (let row = 0; row < 3; row++) expect(text.split(`h0-${row}`).length - 1).toBe(2);
  });
});

describe('IPFIX messages (RFC 7011 §3.1, §3.3)', () => {
  it('frames the header, the template set and the data set with exact lengths and field bytes', () => {
    const templates = buildTemplates(FIELDS, OPTS);
    const [m] = encodeAll(encoder(), templates, batch(2));
    const { header, sets } = parse(m!);
    expect(header).toEqual({ version: 10, length: m!.length, exportTime: 1_700_000_123, sequence: 0, domain: 7 });
    expect(sets.map((s) => s.id)).toEqual([2, 256]);
    expect([...parseTemplates(sets[0]!.body).keys()]).toEqual([256, 257]);
    const d = sets[1]!.body;
    // record 0: flowId, src, dst, ports, protocol, flowEndReason…
    expect(d.readBigUInt64BE(0)).toBe(0n);
    expect([...d.subarray(8, 12)]).toEqual([10, 0, 0, 0]);
    expect([...d.subarray(12, 16)]).toEqual([192, 168, 1, 1]);
    expect([d.readUInt16BE(16), d.readUInt16BE(18), d[20]]).toEqual([40000, 443, 6]);
    expect(recordCount(d, parseTemplates(sets[0]!.body).get(256)!)).toBe(2);
    const fields = templates[0]!.fields;
    let o = 0;
    const at: Record<string, number> = {};
    for (const f of fields) {
      at[`${f.ie.pen}:${f.ie.id}`] = o;
      o += f.length === 0xffff ? 0 : f.length;
    }
    expect(d.readBigUInt64BE(at['0:152']!)).toBe(1700000000000n);
    expect(d.readBigUInt64BE(at['0:1']!)).toBe(1000n);
    expect(d.readBigUInt64BE(at[`${REVERSE_PEN}:2`]!)).toBe(5n);
    expect(d[at['0:136']!]).toBe(1); // expiration_id 0 → idle timeout
    expect(d.readDoubleBE(at[`${DEFAULT_FLOWSTREAM_PEN}:${enterpriseId('src2dst_mean_ps')}`]!)).toBe(123.5);
    // the variable-length string is last: length byte then UTF-8
    expect(d.subarray(o, o + 5).toString('latin1')).toBe('\x04App0');
  });

  it('splits many flows into messages within the limit, with sequence numbers counting earlier records', () => {
    const templates = buildTemplates(FIELDS, OPTS);
    const n = 3000;
    const messages = encodeAll(encoder(512, 25), templates, batch(n, (i) => 'x'.repeat(i % 40), (i) => i % 7 === 0));
    expect(messages.length).toBeGreaterThan(100);
    let records = 0;
    let templateSets = 0;
    for (const m of messages) {
      expect(m.length).toBeLessThanOrEqual(512);
      const { header, sets } = parse(m);
      expect(header.length).toBe(m.length);
      expect(header.sequence).toBe(records);
      for (const s of sets) {
        if (s.id === 2) templateSets++;
        else records += recordCount(s.body, parseTemplates((() => { const b = Buffer.alloc(templateRecordLength(templates.find((t) => t.id === s.id)!)); writeTemplateRecord(templates.find((t) => t.id === s.id)!, b, 0); return b; })()).get(s.id)!);
      }
    }
    expect(records).toBe(n);
    // templates at the start and again every 25 messages
    expect(templateSets).toBeGreaterThanOrEqual(Math.floor(messages.length / 26));
  });

  it('a record larger than the limit travels alone and is reported once', () => {
    const templates = buildTemplates(FIELDS, OPTS);
    const sizes: number[] = [];
    const enc = new MessageEncoder({ maxMessageSize: 400, observationDomainId: 1, templateRefreshMessages: 0, templateRefreshMs: 0, onOversize: (b) => sizes.push(b) });
    const messages = encodeAll(enc, templates, batch(3, (i) => (i === 1 ? 'é'.repeat(2000) : 'a')));
    expect(sizes).toHaveLength(1);
    const big = messages.find((m) => m.length > 400)!;
    expect(parse(big).sets).toHaveLength(1);
    const body = parse(big).sets[0]!.body;
    expect(body.subarray(body.length - 4003, body.length - 4000)).toEqual(Buffer.from([255, 4000 >> 8, 4000 & 255]));
  });
});

describe('address bytes', () => {
  it('writes IPv4, IPv6 (with ::, embedded IPv4) and MAC texts', () => {
    const b = Buffer.alloc(16);
    expect(writeIpv4('192.168.1.254', b, 0)).toBe(true);
    expect([...b.subarray(0, 4)]).toEqual([192, 168, 1, 254]);
    expect(writeIpv4('1.2.3', b, 0) || writeIpv4('1.2.3.256', b, 0) || writeIpv4('a.b.c.d', b, 0)).toBe(false);
    const six = (t: string) => (writeIpv6(t, b, 0) ? b.toString('hex') : null);
    expect(six('::1')).toBe('00000000000000000000000000000001');
    expect(six('::')).toBe('00000000000000000000000000000000');
    expect(six('2001:db8::1')).toBe('20010db8000000000000000000000001');
    expect(six('fe80::1:2')).toBe('fe800000000000000000000000010002');
    expect(six('1::')).toBe('00010000000000000000000000000000');
    expect(six('2001:db8:1:2:3:4:5:6')).toBe('20010db8000100020003000400050006');
    expect(six('::ffff:1.2.3.4')).toBe('00000000000000000000ffff01020304');
    expect(six('1:2:3:4:5:6:7:8:9')).toBe(null);
    expect(six('1::2::3')).toBe(null);
    writeMac('3c:22:fb:4a:10:0A', b, 0);
    expect(b.subarray(0, 6).toString('hex')).toBe('3c22fb4a100a');
  });
});

describe('the ipfix format definition', () => {
  const check = (target: string, options = {}) => Promise.resolve(ipfixSinkDefinition.check!(target, options));
  it('checks the URL and the options before a packet is read, naming what is wrong', async () => {
    await expect(check('udp://127.0.0.1:4739')).resolves.toBeUndefined();
    await expect(check('udp://[::1]')).resolves.toBeUndefined();
    await expect(check('tcp://127.0.0.1:4739')).rejects.toThrow(/scheme tcp is not supported, expected udp:\/\/HOST:PORT/);
    await expect(check('127.0.0.1:4739')).rejects.toThrow(/Invalid IPFIX target/);
    await expect(check('udp://127.0.0.1:70000')).rejects.toThrow(/Invalid IPFIX target/);
    await expect(check('udp://127.0.0.1:4739', { ipfixMode: 'both' })).rejects.toThrow('Invalid option ipfixMode: expected one of biflow, uniflow, got "both".');
    await expect(check('udp://127.0.0.1:4739', { ipfixMaxMessageSize: '100' })).rejects.toThrow('Invalid option ipfixMaxMessageSize: expected an integer from 256 to 65535, got "100".');
    await expect(check('udp://127.0.0.1:4739', { anonymized: ['src_ip', 'src_mac'] })).rejects.toThrow(/cannot export anonymised src_ip/);
    await expect(check('udp://127.0.0.1:4739', { anonymized: ['src_mac', 'requested_server_name'] })).resolves.toBeUndefined();
  });
});

describe('published element files (docs/ipfix/)', () => {
  const docs = new URL('../../../../docs/ipfix/', import.meta.url).pathname;
  it('are generated from the table the encoder uses (run scripts/ipfix-elements.mjs after a change)', () => {
    expect(readFileSync(`${docs}flowstream.xml`, 'utf8')).toBe(ipfixElementsXml(DEFAULT_FLOWSTREAM_PEN));
    expect(readFileSync(`${docs}flowstream-pmacct.lst`, 'utf8')).toBe(pmacctPrimitives(DEFAULT_FLOWSTREAM_PEN, 'main'));
    expect(readFileSync(`${docs}flowstream-pmacct-stats.lst`, 'utf8')).toBe(pmacctPrimitives(DEFAULT_FLOWSTREAM_PEN, 'statistics'));
  });
  it('give every known column a fixed id, and stay within nfacctd\'s 64 primitives a file', () => {
    const ids = knownFields().map((f) => enterpriseId(f.name));
    expect(Math.max(...ids)).toBeLessThan(HASHED_ID_BASE);
    expect(new Set(ids).size).toBe(ids.length);
    for (const g of ['main', 'statistics'] as const) {
      expect(pmacctPrimitives(DEFAULT_FLOWSTREAM_PEN, g).split('\n').filter((l) => l.startsWith('name=')).length).toBeLessThanOrEqual(PMACCT_MAX_PRIMITIVES);
    }
    expect(enterpriseId('udps.my_field')).toBeGreaterThanOrEqual(HASHED_ID_BASE);
    expect(enterpriseId('udps.my_field', new Set([enterpriseId('udps.my_field')]))).not.toBe(enterpriseId('udps.my_field'));
  });
});

describe('IpfixSink over a loopback UDP socket', () => {
  it('sends templates first, a message per batch, and new templates when plugin fields appear', async () => {
    const socket = createSocket('udp4');
    const got: Buffer[] = [];
    socket.on('message', (m) => got.push(m));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const sink = new IpfixSink(`udp://127.0.0.1:${socket.address().port}`, { ipfixTemplateRefreshSeconds: 0, ipfixTemplateRefresh: 0 });
    await sink.open({ fields: FIELDS, anonymized: [], manifest: {} as never });
    await sink.write(batch(3));
    const withPlugin = [...FIELDS, { name: 'udps.bursts', type: 'string' as const, nullable: true, inferred: true }];
    const b = batch(2);
    await sink.write(new FlowBatch(withPlugin, [...b.columns, { kind: 'value', values: [4, null] }], 2));
    const result = await sink.close({} as never);
    expect(result).toEqual({ flows: 5, files: [] });
    for (let i = 0; i < 100 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    socket.close();
    const ids = got.map((m) => parse(m).sets.map((s) => s.id));
    expect(ids).toEqual([[2, 256], [2, 258]]);
    const templates = parseTemplates(parse(got[1]!).sets[0]!.body);
    expect([...templates.keys()]).toEqual([258, 259]);
    expect(templates.get(258)!.at(-1)).toEqual([enterpriseId('udps.bursts'), 0xffff, DEFAULT_FLOWSTREAM_PEN]);
    expect(parse(got[1]!).header.sequence).toBe(3);
  });

  it('re-sends the templates after the configured time', () => {
    let now = 0;
    const enc = new MessageEncoder({ maxMessageSize: 1400, observationDomainId: 1, templateRefreshMessages: 0, templateRefreshMs: 30_000, now: () => now });
    const templates = buildTemplates(FIELDS, OPTS);
    const b = batch(1);
    const bound = bindTemplate(templates[0]!, b);
    const one = () => {
      enc.end(writeRecord(bound, 0, enc.buf, enc.begin(256)));
      enc.finish();
      return parse(enc.take()[0]!).sets.map((s) => s.id);
    };
    enc.setTemplates(templates);
    expect(one()).toEqual([2, 256]);
    now = 29_999;
    expect(one()).toEqual([256]);
    now = 30_000;
    expect(one()).toEqual([2, 256]);
  });
});

describe('IpfixSink without a collector', () => {
  it('keeps exporting when the port is closed (ICMP port unreachable) and warns once', async () => {
    const warnings: string[] = [];
    const free = createSocket('udp4');
    await new Promise<void>((resolve) => free.bind(0, '127.0.0.1', resolve));
    const port = free.address().port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    const sink = new IpfixSink(`udp://127.0.0.1:${port}`, { warn: (m) => warnings.push(m) });
    await sink.open({ fields: FIELDS, anonymized: [], manifest: {} as never });
    for (let i = 0; i < 5; i++) {
      await sink.write(batch(50));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await sink.close({} as never)).toEqual({ flows: 250, files: [] });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/no IPFIX collector listens/);
    // at the end, how many messages were refused: their flows are lost
    expect(warnings[1]).toMatch(/: [1-9]\d* of [1-9]\d* IPFIX messages were refused \(ICMP port unreachable, no collector listened\): the flows in them are lost$/);
  });
});
