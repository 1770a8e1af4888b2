import { readdir, readFile, readlink } from 'node:fs/promises';

/**
 * Maps socket inodes to the pid holding them, by reading every `/proc/[pid]/fd/*` link
 * (`socket:[inode]`), as psutil does. Processes we may not inspect are skipped.
 *
 * @example
 * ```ts
 * const owners = await scanSocketOwners(); // Map inode → pid
 * ```
 */
export async function scanSocketOwners(proc = '/proc'): Promise<Map<number, number>> {
  const owners = new Map<number, number>();
  const pids = (await readdir(proc).catch(() => [] as string[])).filter((n) => /^\d+$/.test(n));
  await Promise.all(
    pids.map(async (pid) => {
      const dir = `${proc}/${pid}/fd`;
      const fds = await readdir(dir).catch(() => [] as string[]);
      for (const fd of fds) {
        const target = await readlink(`${dir}/${fd}`).catch(() => '');
        if (target.startsWith('socket:[')) owners.set(Number(target.slice(8, -1)), Number(pid));
      }
    }),
  );
  return owners;
}

/**
 * A process name as psutil's `Process.name()` gives it on Linux: `/proc/[pid]/comm` (15
 * characters at most); when that is cut, the basename of argv[0] if it extends it.
 *
 * @returns the name, or "" when the process is gone.
 */
export async function processName(pid: number, proc = '/proc'): Promise<string> {
  const comm = (await readFile(`${proc}/${pid}/comm`, 'utf8').catch(() => '')).replace(/\n$/, '');
  if (comm.length < 15) return comm;
  const cmdline = await readFile(`${proc}/${pid}/cmdline`, 'utf8').catch(() => '');
  const argv0 = cmdline.split('\0')[0] ?? '';
  const base = argv0.slice(argv0.lastIndexOf('/') + 1);
  return base.startsWith(comm) ? base : comm;
}
