import { writeFile } from 'node:fs/promises';
import { makeVector, Table, tableToIPC, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { inferWindowColumns, type WindowColumn } from './window-rows.js';

/**
 * Converts window rows to an Arrow table: `int` columns as Int64, `float` as Float64, `string` as
 * Utf8 (columns from `columns`, else inferred from the first row). Missing values become NaN
 * (floats), 0 (ints) or null (strings).
 *
 * @example
 * ```ts
 * const table = windowRowsToArrowTable(rows, windowRowsSchema());
 * table.getChild('up_down_ratio')?.get(0);
 * ```
 */
export function windowRowsToArrowTable(
  rows: readonly Record<string, unknown>[],
  columns: readonly WindowColumn[] = rows.length > 0 ? inferWindowColumns(rows[0]!) : [],
): Table {
  const vectors: Record<string, Vector> = {};
  for (const c of columns) {
    if (c.type === 'string') {
      vectors[c.name] = vectorFromArray(
        rows.map((r) => (r[c.name] == null ? null : String(r[c.name]))),
        new Utf8(),
      );
    } else if (c.type === 'int') {
      vectors[c.name] = makeVector(BigInt64Array.from(rows, (r) => BigInt(Math.trunc(Number(r[c.name] ?? 0)))));
    } else {
      vectors[c.name] = makeVector(Float64Array.from(rows, (r) => Number(r[c.name] ?? NaN)));
    }
  }
  return new Table(vectors);
}

/**
 * Writes window rows as an Arrow IPC file (`.arrow`/`.feather` v2).
 *
 * @example
 * ```ts
 * await windowRowsToArrowFile(rows, 'windows.arrow', windowRowsSchema());
 * ```
 */
export async function windowRowsToArrowFile(
  rows: readonly Record<string, unknown>[],
  path: string,
  columns?: readonly WindowColumn[],
): Promise<void> {
  await writeFile(path, tableToIPC(windowRowsToArrowTable(rows, columns), 'file'));
}
