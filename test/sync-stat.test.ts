// Node 20's plain synchronous stat calls share one buffer with realpathSync: a stat of a pipe or a
// socket left there makes module resolution stop following pnpm's links (nodejs/node#51142; seen as
// "Cannot find package 'tslib'" when `cat F | flowstream - --format arrow` loaded apache-arrow).
// Sources stat files a user names only through core's fileStat (the bigint form, its own buffer).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/paths.js';

const ALLOWED = 'packages/core/src/capture/file-stat.ts';

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) sources(rel, out);
    else if (/\.ts$/.test(entry.name)) out.push(rel);
  }
  return out;
}

describe('synchronous stat calls', () => {
  it('go through fileStat only', () => {
    const offenders: string[] = [];
    for (const pkg of ['core', 'plugins', 'streamer']) {
      for (const file of sources(`packages/${pkg}/src`)) {
        if (file === ALLOWED) continue;
        readFileSync(join(ROOT, file), 'utf8').split('\n').forEach((line, i) => {
          if (/\b(f|l)?statSync\s*\(/.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(offenders).toEqual([]);
    // and the one place asks for the bigint form
    expect(readFileSync(join(ROOT, ALLOWED), 'utf8')).toMatch(/fstatSync\(target, \{ bigint: true \}\) : statSync\(target, \{ bigint: true \}\)/);
  });
});
