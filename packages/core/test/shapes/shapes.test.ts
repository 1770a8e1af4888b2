import { describe, expect, it } from 'vitest';
import { AS_DOUBLE } from '../../src/shapes/as-double.js';
import { objectArray } from '../../src/shapes/object-array.js';
import { variableFields } from '../../src/shapes/variable-fields.js';
import { traceDeopt as traceScript } from '../support/trace-deopt.js';

/** V8's trace of `body` run with the helpers imported as `variableFields` and `objectArray`. */
function traceDeopt(body: string): string {
  return traceScript(`import { variableFields } from './packages/core/src/shapes/variable-fields.ts';
import { objectArray } from './packages/core/src/shapes/object-array.ts';
${body}`);
}

/** A class whose `table` is replaced once its reader was optimised, the way a growing table is. */
const GROWING = (fix: string) => `
class Table {
  constructor() { this.table = new Int32Array(16); ${fix} }
  grow() { const t = new Int32Array(this.table.length * 2); t.set(this.table); this.table = t; }
}
const t = new Table();
function sum(n) { let s = 0; for (let i = 0; i < n; i++) s += t.table[i & 15]; return s; }
for (let i = 0; i < 2000; i++) sum(1000);
t.grow();
for (let i = 0; i < 200; i++) sum(1000);
`;

describe('variableFields', () => {
  it('leaves every value as it was: numbers (−0 too), strings, typed arrays, DataViews, arrays', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const view = new DataView(bytes.buffer, 1, 2);
    const list = ['a', 'b'];
    const o = { small: 0, count: 7, time: AS_DOUBLE, text: '', name: 'x', bytes, view, list };
    expect(variableFields(o, 'small', 'count', 'time', 'text', 'name', 'bytes', 'view', 'list')).toBe(o);
    expect(o.view).toBe(view);
    expect(o.view.getUint16(0)).toBe(0x0203);
    expect(o.small).toBe(0);
    expect(o.count).toBe(7);
    expect(Object.is(o.time, -0)).toBe(true);
    expect(o.text).toBe('');
    expect(o.name).toBe('x');
    expect(o.bytes).toBe(bytes);
    expect([...o.bytes]).toEqual([1, 2, 3]);
    expect(o.list).toBe(list);
    expect(o.list).toEqual(['a', 'b']);
  });

  it('refuses a field that holds no number, string, typed array, DataView or array, naming it', () => {
    expect(() => variableFields({ a: null }, 'a')).toThrow(/field a holds null/);
    expect(() => variableFields({}, 'missing')).toThrow(/field missing holds undefined/);
    expect(() => variableFields({ b: {} }, 'b')).toThrow(/field b holds object/);
  });

  it("V8 throws away code optimised against a field's first value when it changes, and not when the field was made variable", () => {
    const plain = traceDeopt(GROWING(''));
    expect(plain).toMatch(/marking dependent code [^\n]*<SharedFunctionInfo sum>[^\n]*code dependencies/);
    const fixed = traceDeopt(GROWING("variableFields(this, 'table');"));
    expect(fixed).not.toMatch(/marking dependent code [^\n]*<SharedFunctionInfo sum>/);
    expect(fixed).not.toMatch(/deoptimizing [^\n]*<JSFunction sum /);
  });
});

describe('objectArray', () => {
  it('is an empty array that takes objects and strings', () => {
    const a = objectArray<{ n: number }>();
    expect(a).toEqual([]);
    a.push({ n: 1 });
    expect(a).toEqual([{ n: 1 }]);
    const s = objectArray<string>();
    s.push('x');
    expect(s).toEqual(['x']);
  });

  it("V8 keeps code that reads the array's length when the first object goes in, where a `[]` throws it away", () => {
    const body = (make: string) => `
const list = ${make};
function size() { return list.length; }
let s = 0;
for (let i = 0; i < 200000; i++) s += size();
list.push({ batch: 1 });
for (let i = 0; i < 200000; i++) s += size();
`;
    expect(traceDeopt(body('[]'))).toMatch(/reason: wrong map\): begin\. deoptimizing [^\n]*<JSFunction size /);
    expect(traceDeopt(body('objectArray()'))).not.toMatch(/deoptimizing [^\n]*<JSFunction size /);
  });
});
