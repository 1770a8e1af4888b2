/**
 * NFStream's chunk file name for `flowsPerFile`/`rotateFiles` (spec §9.1, quirk 22): **every**
 * occurrence of `csv` in the whole path is replaced by `<c>.csv`, where c is the chunk index, or
 * `c mod rotateFiles` when `rotateFiles > 0` (older chunks are then overwritten). Replicated as
 * is: `/data/csvs/out.csv` gives `/data/0.csvs/out.0.csv` for chunk 0, and a path without `csv`
 * is returned unchanged, so every chunk overwrites the same file.
 *
 * @example chunkPath('flows.csv', 3, 0) === 'flows.3.csv'; chunkPath('flows.csv', 7, 5) === 'flows.2.csv'
 */
export function chunkPath(path: string, chunkIndex: number, rotateFiles = 0): string {
  if (!Number.isInteger(chunkIndex) || chunkIndex < 0) throw new RangeError(`chunkIndex must be an integer ≥ 0, got ${chunkIndex}`);
  if (!Number.isInteger(rotateFiles) || rotateFiles < 0) throw new RangeError('Please specify a valid rotate_files parameter (>= 0).');
  const c = rotateFiles > 0 ? chunkIndex % rotateFiles : chunkIndex;
  return path.split('csv').join(`${c}.csv`);
}

/**
 * The name of chunk `chunkIndex` for formats other than CSV: `.N` before the extension
 * (`flows.parquet` → `flows.0.parquet`), with the same `rotateFiles` rule as {@link chunkPath}.
 *
 * @example numberedPath('out/flows.parquet', 2) === 'out/flows.2.parquet'
 */
export function numberedPath(path: string, chunkIndex: number, rotateFiles = 0): string {
  const c = rotateFiles > 0 ? chunkIndex % rotateFiles : chunkIndex;
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? `${path.slice(0, dot)}.${c}${path.slice(dot)}` : `${path}.${c}`;
}
