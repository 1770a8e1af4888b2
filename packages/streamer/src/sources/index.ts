export { loadCap, type CapDevice, type CapHandle, type CapModule } from './cap-binding.js';
export { capLinkTypeToDlt } from './cap-link-type.js';
export { EpochClock, epochClock } from './epoch-clock.js';
export { listInterfaces, resolveInterface, type CaptureInterface } from './interfaces.js';
export { DEFAULT_LIVE_BUFFER_SIZE, LiveCapture, type LiveCaptureOptions, type LiveCaptureStats } from './live-capture.js';
export { LiveCaptureError } from './live-capture-error.js';
export { estimateWireLength } from './wire-length.js';
