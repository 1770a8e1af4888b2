import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureRecord } from '../../src/capture/capture-record.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { ReadStatus } from '../../src/capture/read-status.js';
import { PCAPS } from '../../../../test/support/paths.js';

/** Every capture file of the corpus, sorted. */
export const CORPUS_FILES: readonly string[] = readdirSync(PCAPS)
  .filter((f) => /\.(pcap|pcapng|cap)$/.test(f))
  .sort()
  .map((f) => join(PCAPS, f));

/**
 * Calls `visit` for every record of every corpus capture, in order, with one reusable record
 * (valid during the call), the file and the record's 1-based number over the whole corpus.
 * Returns the number of records.
 */
export function forEachCorpusRecord(visit: (record: CaptureRecord, file: string, index: number) => void): number {
  const record = new CaptureRecord();
  let index = 0;
  for (const file of CORPUS_FILES) {
    const reader = openCapture(file);
    try {
      while (reader.next(record) === ReadStatus.Record) visit(record, file, ++index);
    } finally {
      reader.close();
    }
  }
  return index;
}
