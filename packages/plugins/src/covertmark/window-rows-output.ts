import { extname } from 'node:path';
import { windowRowsToArrowFile } from './window-rows-arrow.js';
import { windowRowsToCsv } from './window-rows-csv.js';
import type { WindowColumn } from './window-rows.js';

/** Output format of a window dataset, from a file name. */
export type WindowRowsFormat = 'csv' | 'arrow';

/**
 * The format for `--windows-output FILE`: `.csv` ⇒ CSV; `.arrow`, `.feather`, `.ipc` ⇒ Arrow IPC
 * file. Throws `RangeError` for anything else.
 *
 * @example
 * ```ts
 * windowRowsFormatFromPath('out/windows.arrow'); // 'arrow'
 * ```
 */
export function windowRowsFormatFromPath(path: string): WindowRowsFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.arrow' || ext === '.feather' || ext === '.ipc') return 'arrow';
  throw new RangeError(`window output '${path}': use a .csv or .arrow file name`);
}

/**
 * Writes window rows to `path` as CSV or Arrow by its extension.
 *
 * @example
 * ```ts
 * await writeWindowRows(rows, 'windows.csv', windowRowsSchema());
 * ```
 */
export async function writeWindowRows(
  rows: readonly Record<string, unknown>[],
  path: string,
  columns?: readonly WindowColumn[],
): Promise<void> {
  if (windowRowsFormatFromPath(path) === 'csv') await windowRowsToCsv(rows, path, columns);
  else await windowRowsToArrowFile(rows, path, columns);
}
