import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The README's Quick start is what .ci/run executes, line by line: these checks keep the two in
// step and the first line quiet on a machine without libpcap headers.
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Quick start command lines, extracted exactly as .ci/run extracts them. */
function quickstartLines(): string[] {
  const r = spawnSync('bash', ['-c', "sed -n '/^## Quick start/,/^## /p' README.md | grep -E '^(npx|sudo) '"], { cwd: REPO });
  return r.stdout.toString().trim().split('\n');
}

describe('README Quick start', () => {
  it('has the two lines .ci/run runs: install/build/meter, then system packages and the tests', () => {
    const lines = quickstartLines();
    expect(lines).toHaveLength(2);
    const [first, second] = lines as [string, string];
    expect(first).toMatch(/^npx -y pnpm@10 install && npx -y pnpm@10 build && \.\/node_modules\/\.bin\/flowstream examples\/sample\.pcap/);
    const order = ['libpcap-dev', 'pnpm@10 test'].map((s) => second.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(readFileSync(join(REPO, '.ci', 'run'), 'utf8')).toContain("grep -E '^(npx|sudo) '");
  });

  it('line 1 installs without a word on a machine that cannot compile (no gyp wall)', () => {
    const copy = mkdtempSync(join(tmpdir(), 'fs-quickstart-'));
    for (const f of ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc']) cpSync(join(REPO, f), join(copy, f));
    for (const p of ['core', 'plugins', 'streamer']) cpSync(join(REPO, 'packages', p, 'package.json'), join(copy, 'packages', p, 'package.json'));
    cpSync(join(REPO, 'packages', 'streamer', 'bin'), join(copy, 'packages', 'streamer', 'bin'), { recursive: true });
    // a compiler that always fails stands for a machine without libpcap headers; no cached build may hide it
    const r = spawnSync('npx', ['-y', 'pnpm@10', 'install', '--offline', '--config.side-effects-cache=false'], {
      cwd: copy,
      // a user's shell: no npm_* settings that `pnpm test` passes to its children (npx warns about them)
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))), CC: 'false', CXX: 'false', CI: '' },
      timeout: 300_000,
    });
    const output = `${r.stdout}${r.stderr}`;
    if (/ERR_PNPM_NO_OFFLINE|ERR_PNPM_NO_OFFLINE_TARBALL/.test(output)) {
      if (process.env.CI === 'true') throw new Error(`the pnpm store lacks packages for an offline install:\n${output}`);
      console.warn('skipped: the pnpm store lacks packages for an offline install');
      return;
    }
    expect(r.status, output).toBe(0);
    expect(output).not.toMatch(/gyp/);
    expect(output.trim()).toBe('');
  }, 300_000);
});
