import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tuningPays } from '../src/cli/freed-memory.js';

// The CLI lets glibc keep freed memory only for runs long enough to repay loading koffi.
describe('allocator tuning of the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-freed-'));
  const small = join(dir, 'small.pcap');
  const big = join(dir, 'big.pcap');
  writeFileSync(small, Buffer.alloc(1 << 20));
  writeFileSync(big, Buffer.alloc(9 << 20));

  it('pays for 16 MiB of files together, a pipe, a device or an interface; not for small files', () => {
    expect(tuningPays([small])).toBe(false);
    expect(tuningPays([small, big])).toBe(false);
    expect(tuningPays([big, big])).toBe(true);
    expect(tuningPays(['-'])).toBe(true);
    expect(tuningPays(['/dev/null'])).toBe(true);
    expect(tuningPays(['eth0-that-is-no-file'])).toBe(true);
  });
});
