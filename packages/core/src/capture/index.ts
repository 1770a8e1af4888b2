// Capture stage: bytes → raw records (spec §1.1, §1.2).
export { CaptureRecord } from './capture-record.js';
export { ReadStatus } from './read-status.js';
export { CaptureError } from './capture-error.js';
export type { CaptureReader, CaptureFormat, CaptureDrops } from './capture-reader.js';
export * from './link-types.js';
export { openCapture } from './open-capture.js';
export { FileCaptureReader } from './file-capture-reader.js';
export { DescriptorCaptureReader } from './descriptor-capture-reader.js';
export { PipeCaptureReader } from './pipe-capture-reader.js';
export type { PipeReaderOptions } from './pipe-capture-reader.js';
export {
  StreamCaptureReader,
  createStreamCaptureReader,
  readCaptureStream,
  captureRecords,
} from './stream-capture-reader.js';
export { BaseCaptureReader } from './base-capture-reader.js';
export { wrapTimeMs, isLaterTime, elapsedMs, unsignedTimeMs } from './time-ms.js';
