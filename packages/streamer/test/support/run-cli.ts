import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const PCAPS = resolve(REPO, '..', 'shared', 'corpus', 'nfstream', 'pcaps');
/** The CLI entry point run from sources. */
export const CLI_ENTRY = join(REPO, 'packages', 'streamer', 'test', 'support', 'cli-entry.ts');
/** The committed launcher, which runs the built bundle (what an installed `flowstream` runs). */
export const CLI_LAUNCHER = join(REPO, 'packages', 'streamer', 'bin', 'flowstream.js');

/**
 * Whether the bundle {@link CLI_LAUNCHER} runs was built (`pnpm build`), for the tests that run it.
 * In CI a missing bundle is an error, not a skip: the README's build step runs before the tests.
 */
export function cliBuilt(): boolean {
  if (existsSync(join(REPO, 'packages', 'streamer', 'dist', 'bundle', 'cli.js'))) return true;
  if (process.env.CI === 'true') throw new Error('packages/streamer/dist is missing: the README build step must run before the tests');
  return false;
}
/**
 * Node's arguments before the CLI's own: the sources by default; with `FLOWSTREAM_TEST_CLI=built`
 * the built launcher, so the same tests check the bundle (module order, worker entries, package
 * resolution differ there from the sources).
 */
export const CLI_NODE_ARGS: readonly string[] = process.env.FLOWSTREAM_TEST_CLI === 'built' ? [CLI_LAUNCHER] : ['--conditions=source', '--import', 'tsx', CLI_ENTRY];
/** `s` as one single-quoted shell word. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** The CLI as a shell command prefix (quoted), for pipes and redirections. */
export const CLI_SHELL = [process.execPath, ...CLI_NODE_ARGS].map(shellQuote).join(' ');

/** Runs the CLI (see {@link CLI_NODE_ARGS}) in a child process (real argv, stdio, exit code). */
export function runCli(
  args: string[],
  options: { input?: Buffer; cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): SpawnSyncReturns<Buffer> {
  return spawnSync(process.execPath, [...CLI_NODE_ARGS, ...args], {
    cwd: options.cwd ?? REPO,
    input: options.input,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...options.env },
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
  });
}
