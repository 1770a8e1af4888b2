// Bundles each package's public entry points (after `tsc -b`) into `dist/bundle/`: one module per
// entry plus shared chunks, instead of the ~150 files a CLI run loaded one by one (resolving,
// reading and compiling each: about 50 ms of start-up). Every importer of a package gets the same
// module instances, because all its entries are bundled together (code splitting shares their
// modules); other packages, including the other @flowstream ones, stay imports. Worker threads
// start from their own, unbundled modules in `dist/`. The files sit one folder below `dist/`, as
// the modules they bundle did, so paths made from `import.meta.url` (worker entries) still resolve.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

/** Entry name in `dist/bundle/` → built module in `dist/`, per package. */
const packages = {
  core: { index: 'index.js', internal: 'internal.js', pipe: 'capture/pipe-capture-reader.js', options: 'options/nfstream-options.js' },
  plugins: { index: 'index.js', covertmark: 'covertmark/index.js' },
  // the CLI's launcher imports its start-up helpers and main from here (bin/flowstream.js)
  streamer: {
    index: 'index.js',
    'plugin-registry': 'plugin-registry/index.js',
    cli: 'cli/main.js',
    'prestart-meters': 'cli/prestart-meters.js',
    'prestart-sink': 'cli/prestart-sink.js',
  },
};

for (const [name, entries] of Object.entries(packages)) {
  const dir = join(root, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  // every dependency stays an import: only the package's own modules are bundled
  const external = Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies });
  const outdir = join(dir, 'dist', 'bundle');
  // chunk names carry content hashes: chunks of an earlier build would stay behind
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([out, file]) => [out, join(dir, 'dist', file)])),
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
