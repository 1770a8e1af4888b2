import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { koffiModulePath, loadKoffi } from '../../src/koffi.js';
import { libc } from '../../src/libc.js';
import { loadNdpi } from '../../src/dissect/ndpi-library.js';

const require = createRequire(import.meta.url);
const prebuilt = process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64');

describe('loadKoffi', () => {
  it('loads koffi once, and the C functions it binds work', () => {
    const koffi = loadKoffi();
    expect(loadKoffi()).toBe(koffi);
    expect(koffi.load('libc.so.6').func('int getpid()')()).toBe(process.pid);
    // the libc helper, libpcap and nDPI share it
    expect(libc()?.koffi).toBe(koffi);
    const ndpi = loadNdpi();
    if (!(ndpi instanceof Error)) expect(ndpi.koffi).toBe(koffi);
  });

  it.runIf(prebuilt)("is the prebuilt addon of the installed package's version, not its entry module", () => {
    const path = koffiModulePath()!;
    expect(path).toMatch(new RegExp(`/build/koffi/linux_${process.arch}/koffi\\.node$`));
    expect(existsSync(path)).toBe(true);
    const koffi = loadKoffi() as unknown as { version: string };
    expect(koffi).toBe(require(path));
    expect(koffi.version).toBe((require('koffi/package.json') as { version: string }).version);
    // koffi's entry module hands out the same addon's functions (it wraps `load` only, for deprecated aliases)
    const entry = require('koffi') as Record<string, unknown>;
    for (const name of ['struct', 'decode', 'sizeof', 'alloc', 'opaque', 'pointer']) expect(entry[name]).toBe((koffi as unknown as Record<string, unknown>)[name]);
  });
});
