// Reads standard input (a pipe) with PipeCaptureReader until the first record, spins for the
// milliseconds given as argument, then closes the reader: a child process of the pipe reader
// tests. Right after its first bytes, the reader thread loads a native module (to enlarge the
// pipe); a close() that terminated it then aborted the whole process.
import { CaptureRecord } from '../../../src/capture/capture-record.js';
import { PipeCaptureReader } from '../../../src/capture/pipe-capture-reader.js';
import { ReadStatus } from '../../../src/capture/read-status.js';

const spinMs = Number(process.argv[2] ?? 0);
const reader = new PipeCaptureReader(0, 'stdin');
const record = new CaptureRecord();
for (;;) {
  const status = reader.next(record);
  if (status !== ReadStatus.NeedMore) break;
  await reader.waitForData();
}
const until = Date.now() + spinMs;
while (Date.now() < until);
reader.close();
