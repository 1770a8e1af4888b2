export { createExpiryTicker, type ExpiryTicker } from './expiry-ticker.js';
export {
  PerformanceReporter,
  aggregatePerformance,
  formatPerformanceReport,
  type MeterPerformance,
  type PerformanceCounters,
  type PerformanceReport,
  type PerformanceReporterOptions,
} from './performance-reporter.js';
export {
  SystemVisibility,
  type SystemProcess,
  type SystemVisibilityOptions,
} from './system-visibility/system-visibility.js';
export { parseProcNet, procNetAddressText, type ProcNetSocket } from './system-visibility/proc-net.js';
export { processName, scanSocketOwners } from './system-visibility/socket-owners.js';
