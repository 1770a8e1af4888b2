// Reads standard input with PipeCaptureReader and prints what it read as JSON: a child process
// of the pipe reader tests (a Node parent's stdio pipe is a socket). With an argument N, it stops
// once N records were read and the input is quiet: close() while waitForData() is pending.
import { CaptureRecord } from '../../../src/capture/capture-record.js';
import { PipeCaptureReader } from '../../../src/capture/pipe-capture-reader.js';
import { ReadStatus } from '../../../src/capture/read-status.js';
import { copyRecord, fingerprint } from '../read-all.js';

const stopAfter = process.argv[2] === undefined ? Infinity : Number(process.argv[2]);
const reader = new PipeCaptureReader(0, 'socket', { hash: true, ringBytes: 128 * 1024, headroomBytes: 256 });
const record = new CaptureRecord();
const fingerprints: string[] = [];
let status: ReadStatus;
for (;;) {
  status = reader.next(record);
  if (status === ReadStatus.Record) fingerprints.push(fingerprint(copyRecord(record)));
  else if (status !== ReadStatus.NeedMore) break;
  else if (fingerprints.length >= stopAfter) {
    const wait = reader.waitForData();
    reader.close();
    await wait;
    status = reader.next(record);
    break;
  } else await reader.waitForData();
}
reader.close();
process.stdout.write(JSON.stringify({ fingerprints, status, error: reader.error?.message ?? null, sha256: await reader.sha256() }));
