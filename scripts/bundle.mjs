// Bundles each package's public entry points (after `tsc -b`) into `dist/bundle/`: one module per
// entry plus shared chunks, instead of the ~150 files a CLI run loaded one by one (resolving,
// reading and compiling each: about 50 ms of start-up). Every importer of a package gets the same
// module instances, because all its entries are bundled together (code splitting shares their
// modules); other packages, including the other @flowstream ones, stay imports. Worker threads
// start from bundled entries of their own (`dist/bundle/parallel/meter-worker.js`, …), which share
// the chunks. Shared chunks sit one folder below `dist/`, as the modules they bundle did.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

/**
 * Entries besides the exported ones: the CLI launcher's start-up helpers (bin/flowstream.js), and
 * the worker threads' entry modules, under the path `workerEntry` names them by (a worker loads
 * its code as a few bundled files too, not one by one).
 */
const extraEntries = {
  streamer: {
    'prestart-meters': 'src/cli/prestart-meters.ts',
    'prestart-sink': 'src/cli/prestart-sink.ts',
    'prestart-stdin': 'src/cli/prestart-stdin.ts',
    'parallel/meter-worker': 'src/parallel/meter-worker.ts',
    'sinks/threaded/sink-worker': 'src/sinks/threaded/sink-worker.ts',
    'sources/capture-worker': 'src/sources/capture-worker.ts',
  },
};

/**
 * Worker threads' entries, bundled apart from the main thread's: each thread is an engine of its
 * own, so sharing chunks with the main thread's entries saves no module instance, and the shared
 * chunks split the main thread's code into many small files (each resolved, read and linked on
 * every start).
 */
const workerEntries = new Set(['parallel/meter-worker', 'sinks/threaded/sink-worker', 'sources/capture-worker']);

/**
 * Dependencies bundled into the package's bundle instead of staying imports: `@noble/hashes` (the
 * anonymiser's keyed BLAKE2b) is five modules and 60 KB of source loaded by every CLI run, bundled
 * it is one chunk of 23 KB: 76 against 81 ms for a 1,000-packet run (`scripts/interleave.mjs 15`; 74
 * against 77 in a run of 25 rounds).
 * Its functions hold no state, so a second copy in a user's process changes nothing.
 */
const INLINED = new Set(['@noble/hashes']);

/**
 * The licence texts of the dependencies bundled into a package's bundle (their notices must travel
 * with the copies), from their installed packages (linked into the package's node_modules).
 */
function thirdPartyNotices(dir, dependencies) {
  return dependencies
    .map((name) => {
      const at = join(dir, 'node_modules', name);
      const { version } = JSON.parse(readFileSync(join(at, 'package.json'), 'utf8'));
      return `${name}@${version}, bundled into this folder's modules:\n\n${readFileSync(join(at, 'LICENSE'), 'utf8').trim()}\n`;
    })
    .join('\n');
}

/**
 * The package's entries, from its `exports` map: each bundle file it names (`dist/bundle/NAME.js`)
 * is built from the module its `source` condition names, as compiled into `dist/`.
 */
function entryPoints(dir, manifest, extra) {
  const sources = { ...extra };
  for (const [key, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'string') continue; // ./package.json
    // an entry left out of the bundle would be a second instance of the modules it shares
    const name = /^\.\/dist\/bundle\/(.+)\.js$/.exec(target.import)?.[1];
    if (name === undefined) throw new Error(`${manifest.name}: exports["${key}"].import must name a file in ./dist/bundle/, got ${target.import}`);
    sources[name] = target.source;
  }
  return Object.fromEntries(Object.entries(sources).map(([name, source]) => [name, join(dir, source.replace(/^(\.\/)?src\//, 'dist/').replace(/\.ts$/, '.js'))]));
}

for (const name of ['core', 'plugins', 'streamer']) {
  const dir = join(root, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  // every other dependency stays an import
  const external = Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies }).filter((d) => !INLINED.has(d));
  const outdir = join(dir, 'dist', 'bundle');
  // chunk names carry content hashes: chunks of an earlier build would stay behind
  rmSync(outdir, { recursive: true, force: true });
  const inlined = Object.keys(manifest.dependencies ?? {}).filter((d) => INLINED.has(d));
  const entries = entryPoints(dir, manifest, extraEntries[name] ?? {});
  const threads = Object.fromEntries(Object.entries(entries).filter(([entry]) => workerEntries.has(entry)));
  const main = Object.fromEntries(Object.entries(entries).filter(([entry]) => !workerEntries.has(entry)));
  for (const group of [main, threads]) {
    if (Object.keys(group).length === 0) continue;
    await build({
      entryPoints: group,
      outdir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: [...external, ...external.map((d) => `${d}/*`)],
      chunkNames: 'chunk-[hash]',
      sourcemap: true,
      logLevel: 'warning',
    });
  }
  if (inlined.length > 0) writeFileSync(join(outdir, 'THIRD-PARTY-LICENSES.txt'), thirdPartyNotices(dir, inlined));
}
