import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNdpi } from '@flowstream/core';
import { CLI_LAUNCHER, cliBuilt, PCAPS, REPO } from '../support/run-cli.js';

// Detaching an ArrayBuffer (what a postMessage transfer does) turns off, for the rest of the
// sending thread's life, V8's assumption that no buffer is ever detached: its optimised code is
// thrown away and every typed-array access is checked from then on (a few per cent of the
// meter's path, scripts/detach-cost.mjs). So no thread that meters may transfer a buffer:
// snapshot batches go to their output thread, and flow batches back from meter workers, in shared
// memory or copied (`batchMessage`); nDPI's fields from a dissection thread are copied. V8 says
// when the assumption ends (--trace-protector-invalidation, on stdout); Node itself detaches
// buffers when the process ends, so a line before the exit mark is one of ours. The built CLI
// runs here: from the sources, the TypeScript loader's own thread detaches buffers too, and V8's
// trace does not say which thread did.

const scratch = mkdtempSync(join(tmpdir(), 'flowstream-detach-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Written on stdout at the exit event by {@link EXIT_MARK_MODULE}. */
const EXIT_MARK = 'flowstream-test: exit';
const EXIT_MARK_MODULE = join(REPO, 'packages', 'streamer', 'test', 'support', 'exit-mark.cjs');
const NDPI = !(loadNdpi() instanceof Error);
const CAPTURE = join(PCAPS, 'instagram.pcap');

const BUILT = cliBuilt();

/** stdout of the built CLI under --trace-protector-invalidation, up to the process's exit event. */
function beforeExit(args: string[]): string {
  const run = spawnSync(process.execPath, ['--trace-protector-invalidation', '--require', EXIT_MARK_MODULE, CLI_LAUNCHER, ...args, '-q'], {
    cwd: REPO,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(run.status, String(run.stderr)).toBe(0);
  const out = String(run.stdout);
  expect(out).toContain(EXIT_MARK);
  return out.slice(0, out.indexOf(EXIT_MARK));
}

describe.skipIf(!BUILT)('no thread that meters detaches a buffer (built CLI)', () => {
  it('snapshots to a file written by their output thread (flows to a file as well)', () => {
    const flows = join(scratch, 'flows.csv');
    const snaps = join(scratch, 'snaps.csv');
    const out = beforeExit([CAPTURE, '-o', flows, '--snapshot-interval', '1', '--snapshot-output', snaps, '--n-dissections', '0']);
    expect(out).not.toContain('ArrayBufferDetaching');
    // the outputs were written (by their threads)
    expect(readFileSync(flows, 'utf8').split('\n').length).toBeGreaterThan(2);
    expect(readFileSync(snaps, 'utf8').split('\n').length).toBeGreaterThan(2);
  });

  it('two meters: the worker sends its flow batches back', () => {
    const out = beforeExit([CAPTURE, '-o', join(scratch, 'two.csv'), '--n-meters', '2', '--statistical-analysis', '--n-dissections', '0']);
    expect(out).not.toContain('ArrayBufferDetaching');
  });

  it.skipIf(!NDPI && process.env.CI !== 'true')('two meters with nDPI: the dissection thread sends its fields back', () => {
    const out = beforeExit([CAPTURE, '-o', join(scratch, 'ndpi.csv'), '--n-meters', '2', '--n-dissections', '20']);
    expect(out).not.toContain('ArrayBufferDetaching');
  });
});
