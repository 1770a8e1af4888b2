import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ANONYMIZER_WARNING, Anonymizer, chunkPath } from '../../src/export/index.js';
import { FIELDS } from './helpers.js';

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

describe('chunkPath (spec §9.1, quirk 22)', () => {
  it('replaces every csv substring, with rotation', () => {
    expect(chunkPath('flows.csv', 0)).toBe('flows.0.csv');
    expect(chunkPath('flows.csv', 12)).toBe('flows.12.csv');
    expect(chunkPath('flows.csv', 7, 5)).toBe('flows.2.csv');
    expect(chunkPath('/data/csvs/out.csv', 0)).toBe('/data/0.csvs/out.0.csv');
    expect(chunkPath('/data/out.txt', 3)).toBe('/data/out.txt');
    expect(() => chunkPath('a.csv', 0, -1)).toThrow('Please specify a valid rotate_files parameter (>= 0).');
  });
});
