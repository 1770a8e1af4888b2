import { NFlow } from '@flowstream/core';
import { FULL_FIELDS } from './test/export/helpers.ts';
const cols = FULL_FIELDS.map(f=>f.name);
const f = new NFlow();
Object.defineProperty(f, '_columns', { value: cols });
const t = f as any; let n = 0;
for (const k of cols) { t[k] = 1; n++; 
  // @ts-ignore
  if (!eval('%HasFastProperties(f)')) { console.log('dict after', n, k); break; } }
