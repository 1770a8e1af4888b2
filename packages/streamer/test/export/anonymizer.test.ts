import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowsToBatch } from '@flowstream/core/internal';
import { OutputTransform, reportFromFlowFiles } from '@flowstream/streamer';
import { chunkPath, numberedPath } from '../../src/sinks/files/chunk-path.js';
import { ANONYMIZER_WARNING, Anonymizer } from '../../src/sinks/transform/anonymizer.js';
import { FIELDS, makeFlow, sampleFlows } from './helpers.js';

const NAMES = ['id', 'src_ip', 'src_port', 'bidirectional_mean_ps', 'splt_ps', 'udps.names'];
const SPECS = FIELDS.filter((f) => NAMES.includes(f.name) || f.name === 'id');
const KEY = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff);

/** CPython's keyed BLAKE2b-512 of each text (the reference NFStream uses). */
function pythonBlake2b(key: Uint8Array, texts: string[]): string[] {
  const script = [
    'import hashlib, json, sys',
    'key = bytes.fromhex(sys.argv[1])',
    'print(json.dumps([hashlib.blake2b(t.encode(), digest_size=64, key=key).hexdigest() for t in json.loads(sys.stdin.read())]))',
  ].join('\n');
  const out = execFileSync('/usr/bin/python3', ['-c', script, Buffer.from(key).toString('hex')], { input: JSON.stringify(texts) });
  return JSON.parse(out.toString()) as string[];
}

describe('Anonymizer (spec §9.3)', () => {
  it('matches CPython hashlib.blake2b(key=…, digest_size=64) over str(value)', () => {
    const anon = new Anonymizer(['src_ip', 'src_port', 'bidirectional_mean_ps', 'splt_ps'], SPECS, KEY);
    const values: unknown[] = [7, '192.168.43.18', 443, 440, [74, -1, -1], null];
    anon.apply(values);
    const [ip, port, mean, splt] = pythonBlake2b(KEY, ['192.168.43.18', '443', '440.0', '[74, -1, -1]']);
    expect(values).toEqual([7, ip, port, mean, splt, null]);
    expect(ip).toMatch(/^[0-9a-f]{128}$/);
  });

  it('same value ⇒ same hash within an export, different across exports; nulls stay', () => {
    const a = new Anonymizer(['src_ip', 'udps.names'], SPECS);
    const b = new Anonymizer(['src_ip'], SPECS);
    const r1 = [1, '10.0.0.1', 80, 1.5, [], null];
    const r2 = [2, '10.0.0.1', 81, 2.5, [], ['x']];
    const r3 = [3, '10.0.0.1', 82, 3.5, [], null];
    a.apply(r1);
    a.apply(r2);
    b.apply(r3);
    expect(r1[1]).toBe(r2[1]);
    expect(r1[1]).not.toBe(r3[1]);
    expect(r1[1]).toMatch(/^[0-9a-f]{128}$/);
    expect(r1[5]).toBeNull();
    expect(r2[5]).toMatch(/^[0-9a-f]{128}$/);
    expect(a.key).toHaveLength(64);
    expect(Buffer.from(a.key).equals(Buffer.from(b.key))).toBe(false);
  });

  it('warns literally for unknown columns and skips them; duplicates hash twice like NFStream', () => {
    const warnings: string[] = [];
    const anon = new Anonymizer(['nope', 'src_ip', 'src_ip'], NAMES, KEY, (m) => warnings.push(m));
    expect(warnings).toEqual(['WARNING: NFlow do not have {} attribute. Skipping anonymization.']);
    expect(ANONYMIZER_WARNING).toBe(warnings[0]);
    const values: unknown[] = [0, 'a', 1, 1, [], null];
    anon.apply(values);
    expect(values[1]).toBe(anon.hash(anon.hash('a')));
  });
});

describe('OutputTransform: anonymisation upstream of every sink', () => {
  const flows = sampleFlows(12);
  const column = (t: OutputTransform, name: string, batch = flowsToBatch(FIELDS, flows)) => {
    const out = t.apply(batch);
    return out.column(name)!.values as readonly (string | null)[];
  };

  it('hashes like CPython over str(value): strings, ints, floats (440.0), lists, uint64 times; nulls stay', () => {
    const t = OutputTransform.create(FIELDS, {
      columnsToAnonymize: ['src_ip', 'src_port', 'bidirectional_mean_ps', 'splt_ps', 'bidirectional_first_seen_ms', 'udps.count'],
      anonymizeKey: KEY,
    });
    const f = makeFlow({ src_ip: '192.168.43.18', src_port: 443, bidirectional_mean_ps: 440, splt_ps: [74, -1, -1], bidirectional_first_seen_ms: -1000 }, { count: null });
    const batch = flowsToBatch(FIELDS, [f]);
    const out = t.apply(batch);
    const cell = (name: string) => (out.column(name)!.values as unknown[])[0];
    // a wrapped uint64 time hashes as NFStream's unsigned value
    const [ip, port, mean, splt, time] = pythonBlake2b(KEY, ['192.168.43.18', '443', '440.0', '[74, -1, -1]', '18446744073709550616']);
    expect([cell('src_ip'), cell('src_port'), cell('bidirectional_mean_ps'), cell('splt_ps'), cell('bidirectional_first_seen_ms')]).toEqual([ip, port, mean, splt, time]);
    expect(cell('udps.count')).toBeNull();
    // hashed columns become strings for every sink; the others are untouched
    expect(t.fields.find((x) => x.name === 'src_port')!.type).toBe('string');
    expect(out.column('dst_port')).toBe(batch.column('dst_port'));
    expect(t.anonymized).toEqual(['src_ip', 'src_port', 'bidirectional_mean_ps', 'splt_ps', 'bidirectional_first_seen_ms', 'udps.count']);
  });

  it('same value ⇒ same hash across the batches of one run; a new run (random key) hashes differently; a given key is stable', () => {
    const a = OutputTransform.create(FIELDS, { columnsToAnonymize: ['dst_ip'] });
    const first = column(a, 'dst_ip', flowsToBatch(FIELDS, flows.slice(0, 6)));
    const second = column(a, 'dst_ip', flowsToBatch(FIELDS, flows.slice(6)));
    const hashes = [...first, ...second];
    flows.forEach((f, i) => flows.forEach((g, j) => expect(hashes[i] === hashes[j]).toBe(f.dst_ip === g.dst_ip)));
    expect(hashes[0]).toMatch(/^[0-9a-f]{128}$/);
    const b = OutputTransform.create(FIELDS, { columnsToAnonymize: ['dst_ip'] });
    expect(column(b, 'dst_ip')[0]).not.toBe(hashes[0]);
    expect(Buffer.from(a.key!).equals(Buffer.from(b.key!))).toBe(false);
    const k1 = OutputTransform.create(FIELDS, { columnsToAnonymize: ['dst_ip'], anonymizeKey: KEY });
    const k2 = OutputTransform.create(FIELDS, { columnsToAnonymize: ['dst_ip'], anonymizeKey: KEY });
    expect(column(k1, 'dst_ip')).toEqual(column(k2, 'dst_ip'));
  });

  it('selects columns in the given order; an unknown column fails before any output', () => {
    const t = OutputTransform.create(FIELDS, { columns: ['dst_port', 'id', 'src_ip'], columnsToAnonymize: ['src_ip'], anonymizeKey: KEY });
    const out = t.apply(flowsToBatch(FIELDS, flows));
    expect(out.fields.map((f) => f.name)).toEqual(['dst_port', 'id', 'src_ip']);
    expect(Array.from(out.column('id')!.values as Float64Array)).toEqual(flows.map((f) => f.id));
    expect(out.column('src_ip')!.values).toEqual(pythonBlake2b(KEY, flows.map((f) => f.src_ip)));
    expect(() => OutputTransform.create(FIELDS, { columnsToAnonymize: ['nope'] })).toThrow(/unknown column "nope"/);
    expect(() => OutputTransform.create(FIELDS, { columns: ['id', 'nope'] })).toThrow(RangeError);
  });

  it('refuses a key with no column to hash, in the API as on the command line', async () => {
    for (const options of [{ anonymizeKey: KEY }, { anonymizeKey: KEY, columnsToAnonymize: [] }]) {
      expect(() => OutputTransform.create(FIELDS, options)).toThrow('Invalid option anonymizeKey: it needs columnsToAnonymize, the columns to hash with it (got none).');
    }
    // no key: nothing asked for, nothing refused
    expect(OutputTransform.create(FIELDS, { anonymizeKey: null }).anonymized).toEqual([]);
    await expect(reportFromFlowFiles([], join(tmpdir(), 'never-written.html'), { anonymizeKey: KEY })).rejects.toThrow(/Invalid option anonymizeKey/);
  });
});

describe('chunkPath (spec §9.1, quirk 22)', () => {
  it('replaces every csv substring, with rotation', () => {
    expect(chunkPath('flows.csv', 0)).toBe('flows.0.csv');
    expect(chunkPath('flows.csv', 12)).toBe('flows.12.csv');
    expect(chunkPath('flows.csv', 7, 5)).toBe('flows.2.csv');
    expect(chunkPath('/data/csvs/out.csv', 0)).toBe('/data/0.csvs/out.0.csv');
    expect(chunkPath('/data/out.txt', 3)).toBe('/data/out.txt');
    expect(() => chunkPath('a.csv', 0, -1)).toThrow('Please specify a valid rotate_files parameter (>= 0).');
  });

  it('other formats number the chunk before the extension (numberedPath)', () => {
    expect(numberedPath('out/flows.parquet', 2)).toBe('out/flows.2.parquet');
    expect(numberedPath('flows.arrow', 7, 5)).toBe('flows.2.arrow');
    expect(numberedPath('a.dir/flows', 1)).toBe('a.dir/flows.1');
  });
});
