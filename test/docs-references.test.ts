// Every "spec §N.M" (and "quirk N", "Appendix X") cited in the repository must name a section that
// exists in docs/: references in the CovertMark port resolve against docs/covertmark-rules.md,
// all others against docs/nfstream-rules.md. Reads files as text only; runs in well under a second.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/paths.js';

const NFSTREAM_DOC = 'docs/nfstream-rules.md';
const COVERTMARK_DOC = 'docs/covertmark-rules.md';
const SELF = 'test/docs-references.test.ts';

/** Folders (relative to the root) whose sources are scanned, and single files. */
const SCAN_DIRS = ['packages/core/src', 'packages/core/test', 'packages/plugins/src', 'packages/plugins/test',
  'packages/streamer/src', 'packages/streamer/test', 'scripts', 'examples', 'test'];
const SCAN_FILES = ['README.md', 'examples/README.md', 'scripts/BENCH.md'];
const SOURCE = /\.(ts|mts|mjs|js|c|py|md)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', '.bench-cache']);

/** Files of the CovertMark port: their "spec §" means covertmark-rules.md. */
function isCovertMark(file: string): boolean {
  return /(^|\/)covertmark(\/|-)/.test(file);
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(join(ROOT, dir))) {
    if (SKIP_DIRS.has(name)) continue;
    const rel = `${dir}/${name}`;
    const st = statSync(join(ROOT, rel));
    if (st.isDirectory()) walk(rel, out);
    else if (SOURCE.test(name) && rel !== SELF) out.push(rel);
  }
}

/** Section numbers ("1", "1.2", "9.7", "A", "B.1") of a doc's headings. */
function sections(doc: string): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync(join(ROOT, doc), 'utf8').split('\n')) {
    const m = /^#{2,4} (?:Appendix )?([0-9]+(?:\.[0-9]+)*|[A-Z](?:\.[0-9]+)?)[.\s]/.exec(line);
    if (m) out.add(m[1]!);
  }
  return out;
}

/** Quirk numbers listed in the quirk index (§14) of the NFStream doc. */
function quirkNumbers(): Set<number> {
  const text = readFileSync(join(ROOT, NFSTREAM_DOC), 'utf8');
  const index = text.slice(text.indexOf('\n## 14.'), text.indexOf('\n## 15.'));
  return new Set([...index.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1])));
}

interface Ref { file: string; line: number; text: string; key: string; covertMark: boolean }

function references(): { sections: Ref[]; quirks: Ref[] } {
  const files: string[] = [...SCAN_FILES];
  for (const dir of SCAN_DIRS) walk(dir, files);
  const secs: Ref[] = [];
  const quirks: Ref[] = [];
  for (const file of [...new Set(files)]) {
    const covertMark = isCovertMark(file);
    readFileSync(join(ROOT, file), 'utf8').split('\n').forEach((text, i) => {
      const at = { file, line: i + 1, text: text.trim(), covertMark };
      // sections of other standards (RFC 7011 §3.1, …) are not ours; nor are those of IPFIX code
      if (/\bRFC ?\d+/.test(text) || file.includes('/ipfix/')) return;
      for (const m of text.matchAll(/§ ?([0-9]+(?:\.[0-9]+)*)/g)) secs.push({ ...at, key: m[1]! });
      if (covertMark) {
        for (const m of text.matchAll(/\b(?:Appendix|spec) ([A-Z](?:\.[0-9]+)?)\b/g)) secs.push({ ...at, key: m[1]! });
      } else {
        for (const m of text.matchAll(/\bquirks? ?#?([0-9]+)/gi)) quirks.push({ ...at, key: m[1]! });
        for (const m of text.matchAll(/§14 #([0-9]+)/g)) quirks.push({ ...at, key: m[1]! });
      }
    });
  }
  return { sections: secs, quirks };
}

const where = (r: Ref) => `${r.file}:${r.line} §${r.key}: ${r.text.slice(0, 100)}`;

describe('spec references resolve to docs/', () => {
  const refs = references();

  it('finds the references (guards the scanner itself)', () => {
    expect(refs.sections.filter((r) => !r.covertMark).length).toBeGreaterThan(200);
    expect(refs.sections.filter((r) => r.covertMark).length).toBeGreaterThan(20);
    expect(refs.quirks.length).toBeGreaterThan(20);
  });

  it(`every NFStream "spec §N.M" names a section of ${NFSTREAM_DOC}`, () => {
    const known = sections(NFSTREAM_DOC);
    expect(known.has('1.11') && known.has('14')).toBe(true);
    expect(refs.sections.filter((r) => !r.covertMark && !known.has(r.key)).map(where)).toEqual([]);
  });

  it(`every CovertMark "spec §N.M" / "Appendix X" names a section of ${COVERTMARK_DOC}`, () => {
    const known = sections(COVERTMARK_DOC);
    expect(known.has('9.7') && known.has('B.2')).toBe(true);
    expect(refs.sections.filter((r) => r.covertMark && !known.has(r.key)).map(where)).toEqual([]);
  });

  it('every "quirk N" is in the quirk index (§14)', () => {
    const known = quirkNumbers();
    expect(known.size).toBe(30);
    expect(refs.quirks.filter((r) => !known.has(Number(r.key))).map(where)).toEqual([]);
  });
});
