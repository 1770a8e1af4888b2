export { EpochClock, epochClock } from './epoch-clock.js';
export { listInterfaces, resolveInterface, type CaptureInterface } from './interfaces.js';
export { loadLivePcap, type LivePcap } from './libpcap-live.js';
export {
  DEFAULT_LIVE_BUFFER_SIZE,
  DEFAULT_RING_SIZE,
  LiveCapture,
  type LiveCaptureOptions,
  type LiveCaptureStats,
} from './live-capture.js';
export { LiveCaptureError } from './live-capture-error.js';
