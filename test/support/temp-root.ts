import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: every temporary file of the suite (test folders, FIFOs, servers' stores,
 * the CLI's own temporary files) goes under one folder, made here and removed when the suite
 * ends, so runs leave nothing in the system's temporary folder. Test files and the processes they
 * start take it from TMPDIR (`os.tmpdir()` reads it on each call). The projects inherit this
 * setup: the first call makes the folder, the others find it.
 */
export default function setup(): () => void {
  if (process.env.FLOWSTREAM_TEST_TMP !== undefined) return () => {};
  const root = mkdtempSync(join(tmpdir(), 'flowstream-tests-'));
  process.env.FLOWSTREAM_TEST_TMP = root;
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
