import type { FieldSpec, NFlow } from '@flowstream/core';
import { pythonFloat, pythonRepr } from './python-format.js';

/** Formats one flow's core columns as an NFStream CSV line fragment (no newline). */
export type CsvRowFormatter = (flow: NFlow) => string;

/** A quoted CSV string cell with NFStream's `\"` escaping (spec §9.1 quirk 23). */
export function quoteCell(s: string): string {
  return s.indexOf('"') < 0 ? `"${s}"` : `"${s.replaceAll('"', '\\"')}"`;
}

function intCell(v: number): string {
  return Number.isInteger(v) ? String(v) : pythonFloat(v);
}

function listCell(v: unknown, isFloat: boolean): string {
  return v === null || v === undefined ? '' : quoteCell(pythonRepr(v, isFloat));
}

function anyCell(v: unknown): string {
  if (typeof v === 'string') return quoteCell(v);
  if (typeof v === 'number') return intCell(v);
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return quoteCell(pythonRepr(v));
}

const HELPERS = { quoteCell, intCell, listCell, anyCell, pythonFloat };

/**
 * Compiles a row formatter for a run's core columns: one straight-line function reading the
 * flow's fields by name (no `values()` array, no per-cell dispatch), so CSV export keeps up with
 * the meter. Column names come from the run's schema and are checked before code generation.
 */
export function compileCsvRowFormatter(columns: readonly FieldSpec[]): CsvRowFormatter {
  const parts = columns.map((c) => {
    if (!/^[a-z0-9_]+$/.test(c.name)) throw new Error(`unexpected column name ${c.name}`);
    const v = `f.${c.name}`;
    switch (c.type) {
      case 'int':
        return `(typeof ${v} === 'number' ? h.intCell(${v}) : h.anyCell(${v}))`;
      case 'float':
        return `(typeof ${v} === 'number' ? h.pythonFloat(${v}) : h.anyCell(${v}))`;
      case 'string':
        return `(typeof ${v} === 'string' ? h.quoteCell(${v}) : h.anyCell(${v}))`;
      case 'int[]':
      case 'string[]':
        return `h.listCell(${v}, false)`;
      case 'float[]':
        return `h.listCell(${v}, true)`;
      default:
        return `h.anyCell(${v})`;
    }
  });
  const body = `return function csvRow(f) { return ${parts.join(" + ',' + ")}; };`;
  return new Function('h', body)(HELPERS) as CsvRowFormatter;
}
