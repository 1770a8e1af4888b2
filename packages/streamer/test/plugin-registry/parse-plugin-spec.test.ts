import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPluginSpec, parsePluginSpec } from '../../src/plugin-registry/index.js';

describe('parsePluginSpec', () => {
  it('parses names with typed options', () => {
    expect(parsePluginSpec('splt:sequenceLength=10,accountingMode=1')).toEqual({
      module: 'splt',
      options: { sequenceLength: 10, accountingMode: 1 },
    });
    expect(parsePluginSpec('dhcp')).toEqual({ module: 'dhcp', options: {} });
    expect(parsePluginSpec('x:a=true,b=false,c=null,d=-1.5e3,e=eth0,f=,g=0x10')).toEqual({
      module: 'x',
      options: { a: true, b: false, c: null, d: -1500, e: 'eth0', f: '', g: '0x10' },
    });
  });

  it('keeps commas inside JSON values and module paths with # and drive letters', () => {
    expect(parsePluginSpec('./my-plugin.js#MyPlugin:list=[1,2],cfg={"a":1,"b":"x,y"},s="a,b"')).toEqual({
      module: './my-plugin.js#MyPlugin',
      options: { list: [1, 2], cfg: { a: 1, b: 'x,y' }, s: 'a,b' },
    });
    expect(parsePluginSpec('C:\\plugins\\p.js:limit=4')).toEqual({ module: 'C:\\plugins\\p.js', options: { limit: 4 } });
    expect(parsePluginSpec('file:///tmp/p.js#P:limit=4')).toEqual({ module: 'file:///tmp/p.js#P', options: { limit: 4 } });
  });

  it('rejects malformed specs with a message naming the spec', () => {
    expect(() => parsePluginSpec(':a=1')).toThrow(SyntaxError);
    expect(() => parsePluginSpec('splt:10')).toThrow(/splt:10.*key=value/);
    expect(() => parsePluginSpec('splt:a=1,a=2')).toThrow(/twice/);
    expect(() => parsePluginSpec('splt:a=[1,2')).toThrow(/unbalanced/);
    expect(() => parsePluginSpec('splt:a={x}')).toThrow(/invalid JSON/);
    expect(() => parsePluginSpec('splt:1a=2')).toThrow(SyntaxError);
  });

  it('round-trips through formatPluginSpec and JSON (serialisable for workers)', () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
    );
    const spec = fc.record({
      module: fc.constantFrom('splt', 'flow-slicer', './p.js#X', '@scope/pkg'),
      options: fc.dictionary(fc.stringMatching(/^[A-Za-z_$][\w$]{0,6}$/), value, { maxKeys: 4 }),
    });
    fc.assert(
      fc.property(spec, (s) => {
        expect(parsePluginSpec(formatPluginSpec(s))).toEqual(s);
        expect(JSON.parse(JSON.stringify(parsePluginSpec(formatPluginSpec(s))))).toEqual(s);
      }),
      { numRuns: 500 },
    );
  });
});
