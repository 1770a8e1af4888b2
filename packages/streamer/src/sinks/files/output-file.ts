import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { partialFileOpened, partialFileSettled } from './partial-files.js';

/**
 * Checks before any packet is read that `path` can be written: its folder exists, is a folder and
 * is writable, the path is not a folder itself, and the folder takes the file: a file is made
 * there and removed (permissions alone do not tell: root passes them on `/proc`, which takes no
 * new file). Throws an Error naming the path.
 *
 * @example await checkOutputPath('out/flows.csv') // throws "out/flows.csv: folder out does not exist"
 */
export async function checkOutputPath(path: string): Promise<void> {
  const dir = dirname(resolve(path));
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new Error(`${path}: folder ${dirname(path)} does not exist`);
  }
  if (!info.isDirectory()) throw new Error(`${path}: ${dirname(path)} is not a folder`);
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new Error(`${path}: folder ${dirname(path)} is not writable`);
  }
  let exists = true;
  try {
    if ((await stat(path)).isDirectory()) throw new Error(`${path}: is a folder, not a file`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    exists = false;
  }
  // a file that exists is opened for writing later (or replaced by a rename); a new one is tried now
  if (exists) return;
  const probe = (await writesInPlace(path)) ? path : partialPath(path);
  try {
    await (await open(probe, 'wx')).close();
  } catch (err) {
    throw new Error(`${path}: folder ${dirname(path)} takes no new file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  await unlink(probe).catch(() => undefined);
}

/** Device files, files under /dev and /proc, pipes and sockets are written in place, never renamed over. */
async function writesInPlace(path: string): Promise<boolean> {
  return path.startsWith('/dev/') || path.startsWith('/proc/') || (await isSpecialFile(path));
}

/** The temporary name a file is written under beside its final one (see {@link OutputFile}). */
function partialPath(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.${randomBytes(4).toString('hex')}.partial`);
}

/**
 * A file written under a temporary name beside its final one (`.NAME.<random>.partial`, which no
 * `*.csv`/`*.parquet` glob matches) and renamed into place by {@link commit}: a crash or an error
 * never leaves a half-written file under the final name, and an exit that cannot wait removes the
 * temporary file (see partial-files.ts). Device files (`/dev/null`, `/dev/full`, `/dev/stdout`),
 * named pipes and sockets, wherever they are, are written in place: renaming over them would
 * replace them with a regular file (and leave a reader of the pipe waiting forever).
 */
export class OutputFile {
  private constructor(
    readonly finalPath: string,
    readonly writePath: string,
    readonly handle: FileHandle,
    /**
     * A regular file, which can be read back and rewritten (Parquet's footer gets the summary);
     * false for a device, a pipe or a socket, which only take bytes in order.
     */
    readonly regular: boolean,
  ) {}

  static async create(finalPath: string): Promise<OutputFile> {
    const special = await isSpecialFile(finalPath);
    const direct = await writesInPlace(finalPath);
    const writePath = direct ? finalPath : partialPath(finalPath);
    const handle = await open(writePath, direct ? 'w' : 'wx');
    if (!direct) partialFileOpened(writePath);
    return new OutputFile(finalPath, writePath, handle, !special);
  }

  /** Closes and renames the file into place. */
  async commit(): Promise<void> {
    await this.handle.close();
    if (this.writePath === this.finalPath) return;
    await rename(this.writePath, this.finalPath);
    partialFileSettled(this.writePath);
  }

  /**
   * Closes and removes the temporary file (nothing appears under the final name). False for a
   * device, a pipe or a socket written in place: what was written there stays.
   */
  async discard(): Promise<boolean> {
    await this.handle.close().catch(() => undefined);
    if (this.writePath === this.finalPath) return false;
    await unlink(this.writePath).catch(() => undefined);
    partialFileSettled(this.writePath);
    return true;
  }
}

/** An existing path that is neither a regular file nor a folder (a device, a FIFO, a socket; links followed). */
async function isSpecialFile(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    return !info.isFile() && !info.isDirectory();
  } catch {
    return false;
  }
}
