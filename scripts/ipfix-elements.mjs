#!/usr/bin/env node
// Writes the IPFIX information-element files collectors load (docs/ipfix/) from the table the
// encoder uses. Usage: node scripts/ipfix-elements.mjs [PEN] [OUTDIR]   (after `pnpm build`)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ipfixElementsXml, pmacctPrimitives } from '../packages/streamer/dist/sinks/ipfix/element-files.js';
import { DEFAULT_FLOWSTREAM_PEN } from '../packages/streamer/dist/sinks/ipfix/information-elements.js';

const pen = process.argv[2] === undefined ? DEFAULT_FLOWSTREAM_PEN : Number(process.argv[2]);
if (!Number.isInteger(pen) || pen < 1 || pen > 0xffffffff) {
  console.error(`PEN: expected an integer from 1 to 4294967295, got ${process.argv[2]}`);
  process.exit(2);
}
const dir = process.argv[3] ?? new URL('../docs/ipfix/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'flowstream.xml'), ipfixElementsXml(pen));
writeFileSync(join(dir, 'flowstream-pmacct.lst'), pmacctPrimitives(pen, 'main'));
writeFileSync(join(dir, 'flowstream-pmacct-stats.lst'), pmacctPrimitives(pen, 'statistics'));
console.log(`wrote flowstream.xml, flowstream-pmacct.lst and flowstream-pmacct-stats.lst in ${dir} for PEN ${pen}`);
