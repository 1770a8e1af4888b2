import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const PCAPS = resolve(REPO, '..', 'shared', 'corpus', 'nfstream', 'pcaps');
/** The CLI entry point run from sources. */
export const CLI_ENTRY = join(REPO, 'packages', 'streamer', 'test', 'support', 'cli-entry.ts');

/** Runs the CLI from its TypeScript sources in a child process (real argv, stdio, exit code). */
export function runCli(
  args: string[],
  options: { input?: Buffer; cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): SpawnSyncReturns<Buffer> {
  return spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', CLI_ENTRY, ...args], {
    cwd: options.cwd ?? REPO,
    input: options.input,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...options.env },
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
  });
}
