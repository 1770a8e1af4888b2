import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One configuration, one project per package plus the cross-package suites in test/.
// The `source` export condition makes workspace packages resolve to their TypeScript sources,
// so the suite runs without a build. The CLI tests run the CLI from its sources; the `cli-built`
// project runs the CLI's own suites again through the committed launcher and the built bundle,
// which is what an installed `flowstream` runs (module order and package resolution differ there).
// The `mapped` project runs the hostile-input and conformance suites with every capture file mapped.
const shared = {
  resolve: { conditions: ['source', 'import', 'default'] },
  ssr: { resolve: { conditions: ['source', 'import', 'default'], externalConditions: ['source'] } },
};

/** A project that runs some suites again with `env` set (another build, another way of reading). */
const rerun = (name: string, root: string, include: string[], env: Record<string, string>) => ({ ...shared, extends: true, test: { name, root, include, env } });

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    // one temporary folder for the whole suite, removed at its end
    globalSetup: [fileURLToPath(new URL('./test/support/temp-root.ts', import.meta.url))],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { ...shared, extends: true, test: { name: 'core', root: 'packages/core', include: ['test/**/*.test.ts'] } },
      { ...shared, extends: true, test: { name: 'plugins', root: 'packages/plugins', include: ['test/**/*.test.ts'] } },
      { ...shared, extends: true, test: { name: 'streamer', root: 'packages/streamer', include: ['test/**/*.test.ts'] } },
      { ...shared, extends: true, test: { name: 'conformance', root: 'test', include: ['**/*.test.ts'] } },
      rerun('cli-built', 'packages/streamer', ['test/cli.test.ts', 'test/cli-behaviour.test.ts', 'test/stdin-pipe.test.ts', 'test/snapshots/snapshots.test.ts'], {
        FLOWSTREAM_TEST_CLI: 'built',
      }),
      // the corpus captures are small, so runs read them; these suites read every one mapped too
      rerun('mapped', 'test', ['hostile-input.test.ts', 'golden-csv.test.ts', 'corpus-results.test.ts'], { FLOWSTREAM_MAP: 'always' }),
      // parallel meters' workers read a mapped file's records in place, in the main thread's mapping
      rerun('mapped-parallel', 'packages/streamer', ['test/parallel/parallel-meter-run.test.ts'], { FLOWSTREAM_MAP: 'always' }),
    ],
  },
});
