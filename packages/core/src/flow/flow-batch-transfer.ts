import { macText, ouiText } from '../decode/address-text.js';
import type { FieldSpec } from './field-spec.js';
import { FlowBatch, type FlowColumn } from './flow-batch.js';
import { AddressTexts, MacTexts } from './flow-batch-writer.js';
import { FlowKeyTexts } from './flow-key.js';
import { TextCache } from './text-cache.js';

/** One column of a {@link TransferredBatch}: typed arrays travel as they are (transferred, not copied). */
export type TransferredColumn =
  | FlowColumn
  /** IP address texts, still packed (texts are built where they are read). */
  | { readonly kind: 'address'; readonly words: Uint32Array; readonly versions: Uint8Array; readonly offset: number }
  /** MAC or OUI texts, still packed. */
  | { readonly kind: 'mac'; readonly macs: Float64Array; readonly side: number }
  /** `flow_key`, not computed yet: made where it is read, from the batch's own columns. */
  | { readonly kind: 'flow-key' }
  /** Texts as their distinct values and one code per row (few distinct texts: nDPI names, categories). */
  | { readonly kind: 'text-codes'; readonly codes: Int32Array; readonly texts: readonly (string | null)[] };

/** A {@link FlowBatch} as plain, structured-clone friendly data (worker → main thread). */
export interface TransferredBatch {
  readonly fields: readonly FieldSpec[];
  readonly columns: readonly TransferredColumn[];
  readonly length: number;
}

/**
 * A batch as plain data plus the buffers to transfer with it (`postMessage(message, transfer)`):
 * numbers, lists and packed addresses move without a copy; text columns go as codes into their
 * distinct texts (a clone of each distinct text, not of each row's); plugin values are cloned.
 * Flow objects are not carried: the receiver rebuilds rows from the columns, as for any batch. A
 * `flow_key` column not read yet travels as a marker and is computed on the receiving side.
 * The batch's typed arrays are unusable here afterwards (their buffers moved).
 */
export function batchForTransfer(batch: FlowBatch): { message: TransferredBatch; transfer: ArrayBuffer[] } {
  const buffers = new Set<ArrayBuffer>();
  const keep = (a: { buffer: ArrayBufferLike }): void => {
    if (a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  };
  const columns: TransferredColumn[] = batch.columns.map((c) => {
    if (c instanceof AddressTexts) {
      keep(c.words);
      keep(c.versions);
      return { kind: 'address', words: c.words, versions: c.versions, offset: c.offset };
    }
    if (c instanceof MacTexts) {
      keep(c.macs);
      return { kind: 'mac', macs: c.macs, side: c.side };
    }
    if (c instanceof FlowKeyTexts && !c.computed && c.readsFrom(batch)) return { kind: 'flow-key' };
    switch (c.kind) {
      case 'number':
        keep(c.values);
        return { kind: 'number', values: c.values };
      case 'list':
        keep(c.values);
        return { kind: 'list', width: c.width, values: c.values };
      case 'string': {
        const coded = textCodes(c.values);
        buffers.add(coded.codes.buffer as ArrayBuffer);
        return coded;
      }
      default:
        return { kind: 'value', values: c.values };
    }
  });
  return { message: { fields: batch.fields, columns, length: batch.length }, transfer: [...buffers] };
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
    message.columns.forEach((c, j) => {
      if (c.kind === 'address') columns.push(new AddressTexts(c.words, c.versions, n, c.offset));
      else if (c.kind === 'mac') columns.push(new MacTexts(c.macs, n, c.side, fields[j]!.name.endsWith('_oui') ? this.ouis : this.macs));
      else if (c.kind === 'text-codes') columns.push({ kind: 'string', values: decodeTexts(c.codes, c.texts) });
      else if (c.kind === 'flow-key') {
        key = j;
        columns.push(null!);
      } else columns.push(c);
    });
    // the key reads the other columns: made once they are all in place
    if (key >= 0) columns[key] = new FlowKeyTexts(fields, columns, n);
    return new FlowBatch(fields, columns, n, undefined, null, recycle);
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
