import { macText, ouiText } from '../decode/address-text.js';
import type { FieldSpec } from './field-spec.js';
import { FlowBatch, type FlowColumn } from './flow-batch.js';
import { AddressTexts, MacTexts } from './flow-batch-writer.js';
import { FlowKeyTexts } from './flow-key.js';
import { TextCache } from './text-cache.js';

/** One column as it travels: typed arrays as they are (shared memory read in place, the others copied by the clone). */
export type SentColumn =
  | FlowColumn
  /** IP address texts, still packed (texts are built where they are read). */
  | { readonly kind: 'address'; readonly words: Uint32Array; readonly versions: Uint8Array; readonly offset: number }
  /** MAC or OUI texts, still packed. */
  | { readonly kind: 'mac'; readonly macs: Float64Array; readonly side: number }
  /** Texts as their distinct values and one code per row (few distinct texts: nDPI names, categories). */
  | { readonly kind: 'text-codes'; readonly codes: Int32Array; readonly texts: readonly (string | null)[] };

/** One column of a {@link TransferredBatch}. */
export type TransferredColumn =
  | SentColumn
  /**
   * `flow_key`, not computed yet: made where it is read, from the batch's own columns, or from
   * `sources` (the key's fields, when the batch's columns left some of them out).
   */
  | { readonly kind: 'flow-key'; readonly sources?: { readonly fields: readonly FieldSpec[]; readonly columns: readonly SentColumn[] } };

/** A {@link FlowBatch} as plain, structured-clone friendly data (worker → main thread). */
export interface TransferredBatch {
  readonly fields: readonly FieldSpec[];
  readonly columns: readonly TransferredColumn[];
  readonly length: number;
}

/**
 * A batch as plain data for `postMessage` (structured clone): typed arrays over shared memory are
 * read in place by the receiver, the others are copied; text columns go as codes into their
 * distinct texts (a clone of each distinct text, not of each row's); plugin values are cloned.
 * Flow objects are not carried: the receiver rebuilds rows from the columns, as for any batch. A
 * `flow_key` column not read yet travels as a marker (with the key's fields when the batch left some
 * of them out) and is computed on the receiving side.
 *
 * Nothing is transferred, on purpose. Detaching any `ArrayBuffer` (what a transfer does) turns off,
 * for the rest of the sending thread's life, V8's assumption that no buffer is ever detached: the
 * optimised code of the whole packet path is thrown away at once, and from then on every
 * typed-array access is checked for a detached buffer (a few per cent of the meter's packet path,
 * `scripts/detach-cost.mjs`; see docs/performance-history.md, thirty-fourth stop). The senders are
 * the threads that meter, so a copy of the few unshared arrays costs them less.
 *
 * @example
 * ```ts
 * port.postMessage({ kind: 'batch', batch: batchMessage(batch) }); // no transfer list
 * ```
 */
export function batchMessage(batch: FlowBatch): TransferredBatch {
  const columns = batch.columns.map((c) => {
    if (c instanceof FlowKeyTexts && !c.computed) {
      if (c.readsFrom(batch)) return { kind: 'flow-key' } as const;
      // the column selection left some of the key's fields out: they travel with the marker, so
      // the key is still made on the receiving side (not row by row here)
      const sources = c.sources();
      return { kind: 'flow-key', sources: { fields: sources.fields, columns: sources.columns.map(sentColumn) } } as const;
    }
    return sentColumn(c);
  });
  return { fields: batch.fields, columns, length: batch.length };
}

/** One column as {@link SentColumn}. */
function sentColumn(c: FlowColumn): SentColumn {
  if (c instanceof AddressTexts) return { kind: 'address', words: c.words, versions: c.versions, offset: c.offset };
  if (c instanceof MacTexts) return { kind: 'mac', macs: c.macs, side: c.side };
  switch (c.kind) {
    case 'number':
      return { kind: 'number', values: c.values };
    case 'list':
      return { kind: 'list', width: c.width, values: c.values };
    case 'string':
      return textCodes(c.values);
    default:
      return { kind: 'value', values: c.values };
  }
}

/** A text column as codes into its distinct texts. */
function textCodes(values: readonly (string | null)[]): { kind: 'text-codes'; codes: Int32Array; texts: (string | null)[] } {
  const codes = new Int32Array(values.length);
  const texts: (string | null)[] = [];
  const index = new Map<string | null, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as string | null;
    let code = index.get(v);
    if (code === undefined) {
      code = texts.length;
      texts.push(v);
      index.set(v, code);
    }
    codes[i] = code;
  }
  return { kind: 'text-codes', codes, texts };
}

function decodeTexts(codes: Int32Array, texts: readonly (string | null)[]): (string | null)[] {
  const out = new Array<string | null>(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = texts[codes[i]!] as string | null;
  return out;
}

/**
 * Rebuilds batches from {@link TransferredBatch}es on the receiving side, without flow objects.
 * Field lists are interned (one array per distinct list), so rows of every batch share one flow
 * class and one compiled row builder.
 */
export class BatchReceiver {
  private readonly macs = new TextCache(macText);
  private readonly ouis = new TextCache(ouiText);
  private readonly fieldLists = new Map<string, readonly FieldSpec[]>();

  /** `recycle`: what the batch's {@link FlowBatch.release} does (e.g. tell the sender its shared memory is free). */
  receive(message: TransferredBatch, recycle: (() => void) | null = null): FlowBatch {
    const fields = this.intern(message.fields);
    const n = message.length;
    const columns: FlowColumn[] = [];
    let key = -1;
    let keyFields = fields;
    let keyColumns = columns;
    for (let j = 0; j < message.columns.length; j++) {
      const c = message.columns[j]!;
      if (c.kind !== 'flow-key') {
        columns.push(this.column(c, fields[j]!, n));
        continue;
      }
      key = j;
      columns.push(null!);
      const sources = c.sources;
      if (sources !== undefined) {
        keyFields = sources.fields;
        keyColumns = sources.columns.map((s, k) => this.column(s, sources.fields[k]!, n));
      }
    }
    // the key reads the other columns (or its own): made once they are all in place
    if (key >= 0) columns[key] = new FlowKeyTexts(keyFields, keyColumns, n);
    return new FlowBatch(fields, columns, n, undefined, null, recycle);
  }

  /** A column as it was sent (not a `flow-key` marker). */
  private column(c: SentColumn, field: FieldSpec, n: number): FlowColumn {
    if (c.kind === 'address') return new AddressTexts(c.words, c.versions, n, c.offset);
    if (c.kind === 'mac') return new MacTexts(c.macs, n, c.side, field.name.endsWith('_oui') ? this.ouis : this.macs);
    if (c.kind === 'text-codes') return { kind: 'string', values: decodeTexts(c.codes, c.texts) };
    return c;
  }

  private intern(fields: readonly FieldSpec[]): readonly FieldSpec[] {
    let key = '';
    for (const f of fields) key += `${f.name}\u0000${f.type}\u0000${f.nullable ? 1 : 0}${f.inferred ? 1 : 0}\u0001`;
    let known = this.fieldLists.get(key);
    if (known === undefined) {
      known = fields;
      this.fieldLists.set(key, known);
    }
    return known;
  }
}
