import { randomBytes } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { FieldSpec } from '@flowstream/core';
import { pythonStr } from '../csv/python-format.js';

/** The warning NFStream prints for an unknown column, `{}` included (its formatting bug, spec §9.3). */
export const ANONYMIZER_WARNING = 'WARNING: NFlow do not have {} attribute. Skipping anonymization.';

/** A fresh random 64-byte key, as an anonymiser made without one uses: hashes join within the run only. */
export function randomAnonymizerKey(): Uint8Array {
  return new Uint8Array(randomBytes(64));
}

/**
 * NFStream's CSV anonymiser (spec §9.3): replaces the values of the selected columns, in place,
 * by the lowercase hex of keyed BLAKE2b-512 over the UTF-8 of Python's `str(value)`; nulls stay
 * null. The key is a fresh random 64-byte secret per instance (one instance per export), so
 * hashes are stable within an export and differ between exports.
 *
 * Columns are resolved against `fields` (the first flow's field names; pass {@link FieldSpec}s so
 * integral floats hash as `440.0`, not `440`). Unknown names print {@link ANONYMIZER_WARNING} and
 * are skipped. A column listed twice is hashed twice, as in NFStream.
 *
 * @example
 * ```ts
 * const anon = new Anonymizer(['src_ip', 'dst_ip'], streamer.schema);
 * const values = flow.values();
 * anon.apply(values); // values[2] is now 128 hex characters
 * ```
 */
export class Anonymizer {
  /** The 64-byte BLAKE2b key. */
  readonly key: Uint8Array;
  /** Indexes into the value arrays, in `columns` order (unknown names left out). */
  readonly indexes: readonly number[];
  private readonly isFloat: readonly boolean[];

  constructor(
    columns: readonly string[],
    fields: readonly (string | FieldSpec)[],
    key?: Uint8Array,
    warn: (message: string) => void = (m) => console.log(m),
  ) {
    if (key && (key.length < 1 || key.length > 64)) throw new RangeError(`anonymizer key must be 1..64 bytes, got ${key.length}`);
    this.key = key ?? randomAnonymizerKey();
    const names = fields.map((f) => (typeof f === 'string' ? f : f.name));
    const indexes: number[] = [];
    const isFloat: boolean[] = [];
    for (const c of columns) {
      const i = names.indexOf(c);
      if (i < 0) {
        warn(ANONYMIZER_WARNING);
        continue;
      }
      indexes.push(i);
      const f = fields[i];
      isFloat.push(typeof f !== 'string' && (f!.type === 'float' || f!.type === 'float[]'));
    }
    this.indexes = indexes;
    this.isFloat = isFloat;
  }

  /** True when at least one column is anonymised. */
  get enabled(): boolean {
    return this.indexes.length > 0;
  }

  /** Replaces the selected values (non-null) by their hashes, in place. */
  apply(values: unknown[]): void {
    const idx = this.indexes;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      const v = values[i];
      if (v !== null && v !== undefined) values[i] = this.hash(v, this.isFloat[k]);
    }
  }

  /** The 128-hex-character keyed BLAKE2b-512 of Python `str(value)`. */
  hash(value: unknown, isFloat = false): string {
    const text = typeof value === 'string' ? value : pythonStr(value, isFloat);
    return bytesToHex(blake2b(Buffer.from(text, 'utf8'), { key: this.key, dkLen: 64 }));
  }
}
