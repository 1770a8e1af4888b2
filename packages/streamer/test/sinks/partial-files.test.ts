import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputFile } from '../../src/sinks/files/output-file.js';
import { openPartialFiles, removePartialFiles } from '../../src/sinks/files/partial-files.js';

// The temporary files of outputs are listed while they are open, so that a forced exit removes them.
describe('temporary output files', () => {
  it('are listed from creation until renamed into place or discarded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-partial-'));
    const kept = await OutputFile.create(join(dir, 'kept.csv'));
    const dropped = await OutputFile.create(join(dir, 'dropped.csv'));
    expect(openPartialFiles()).toEqual(expect.arrayContaining([kept.writePath, dropped.writePath]));
    expect(kept.writePath).toMatch(/\/\.kept\.csv\.[0-9a-f]{8}\.partial$/);
    await kept.handle.write('a\n');
    await kept.commit();
    await dropped.discard();
    expect(openPartialFiles()).not.toContain(kept.writePath);
    expect(openPartialFiles()).not.toContain(dropped.writePath);
    expect(readdirSync(dir)).toEqual(['kept.csv']);
  });

  it('removePartialFiles deletes the open ones and forgets them; device files are never listed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-partial-'));
    const open = await OutputFile.create(join(dir, 'flows.parquet'));
    const device = await OutputFile.create('/dev/null');
    expect(openPartialFiles()).toContain(open.writePath);
    expect(openPartialFiles()).not.toContain('/dev/null');
    removePartialFiles();
    expect(existsSync(open.writePath)).toBe(false);
    expect(openPartialFiles()).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
    await open.handle.close();
    await device.commit();
    expect(existsSync('/dev/null')).toBe(true);
  });
});
