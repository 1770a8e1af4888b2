import { hostname } from 'node:os';
import { join } from 'node:path';
import { open, readFile, stat, unlink } from 'node:fs/promises';

/** A lock file older than this, held by a process of another host, is taken as left by a dead one. */
const FOREIGN_STALE_MS = 60_000;

/**
 * Runs `fn` while holding the dataset folder's lock file `.collect.lock` (created exclusively,
 * holding `HOST PID`): collectors sharing a folder check the footers and rename their files one at
 * a time, so two of them never both place the same message. A lock left by a killed collector is
 * broken: at once when its process is gone from this host, after a minute when it names another host.
 *
 * @example await withDatasetLock('/data/flows', async () => { await stored.refresh(); await placePart(…); })
 */
export async function withDatasetLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const path = join(dir, '.collect.lock');
  const me = `${hostname()} ${process.pid}`;
  for (;;) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(me);
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await stale(path)) await unlink(path).catch(() => {});
      else await new Promise((r) => setTimeout(r, 10));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => {});
  }
}

async function stale(path: string): Promise<boolean> {
  try {
    const [host, pid] = (await readFile(path, 'utf8')).split(' ');
    if (host === hostname()) return pid !== undefined && pid !== '' && !processAlive(Number(pid));
    return Date.now() - (await stat(path)).mtimeMs > FOREIGN_STALE_MS;
  } catch {
    return false; // gone or being written: try again
  }
}

/** Whether process `pid` runs on this host (the current process counts as running). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
