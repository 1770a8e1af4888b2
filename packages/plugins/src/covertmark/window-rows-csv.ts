import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { inferWindowColumns, type WindowColumn } from './window-rows.js';

/** CSV field quoting (RFC 4180): the bin keys themselves contain `, `. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvValue(v: unknown, type: WindowColumn['type']): string {
  if (v === null || v === undefined) return '';
  if (type === 'string') return csvField(String(v));
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  return String(v); // shortest round-trip text of the float64
}

/** A CSV writer for window rows that streams to a file. */
export interface WindowRowsCsvWriter {
  /** Appends rows (written with back-pressure). */
  write(rows: readonly Record<string, unknown>[]): Promise<void>;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/**
 * Opens a streaming CSV writer: a header of `columns`, then one line per row (NaN as `NaN`).
 *
 * @example
 * ```ts
 * const w = createWindowRowsCsvWriter('windows.csv', windowRowsSchema());
 * await w.write(rows); await w.close();
 * ```
 */
export function createWindowRowsCsvWriter(path: string, columns: readonly WindowColumn[]): WindowRowsCsvWriter {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const failed = once(out, 'error').then(([e]) => Promise.reject(e as Error));
  failed.catch(() => {});
  let ok = out.write(columns.map((c) => csvField(c.name)).join(',') + '\n');
  return {
    async write(rows) {
      for (const r of rows) {
        if (!ok) await Promise.race([once(out, 'drain'), failed]);
        ok = out.write(columns.map((c) => csvValue(r[c.name], c.type)).join(',') + '\n');
      }
    },
    async close() {
      out.end();
      await Promise.race([once(out, 'finish'), failed]);
    },
  };
}

/**
 * Writes window rows to a CSV file (columns from `columns`, else inferred from the first row).
 *
 * @example
 * ```ts
 * await windowRowsToCsv(rows, 'windows.csv', windowRowsSchema(null));
 * ```
 */
export async function windowRowsToCsv(
  rows: readonly Record<string, unknown>[],
  path: string,
  columns: readonly WindowColumn[] = rows.length > 0 ? inferWindowColumns(rows[0]!) : [],
): Promise<void> {
  const w = createWindowRowsCsvWriter(path, columns);
  await w.write(rows);
  await w.close();
}
