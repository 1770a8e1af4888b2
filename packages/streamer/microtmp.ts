import { NFlow } from '@flowstream/core';
import { FULL_FIELDS } from './test/export/helpers.ts';
const cols = FULL_FIELDS.map(f=>f.name);
const mk = new Function('NFlow','cols', `return function(){ const f = new NFlow(); Object.defineProperty(f, '_columns', { value: cols, enumerable: false }); ${cols.map(c=>`f.${c} = 1;`).join('')} return f; }`)(NFlow, cols);
const a = mk(); const b = mk();
// @ts-ignore
console.log(eval('%HasFastProperties(a)'), eval('%HaveSameMap(a,b)'));
const c = new NFlow(); Object.defineProperty(c, '_columns', { value: cols }); for (const k of cols) (c as any)[k] = 1;
// @ts-ignore
console.log(eval('%HasFastProperties(c)'));
