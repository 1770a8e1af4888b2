import type { MeterConfig } from '../../src/meter/meter-config.js';

/** A meter's configuration with NFStream's defaults (tunnels decoded, 120 s / 1800 s timeouts, no statistics, SPLT or plugins), but for the dissector each test gives. */
export const NFSTREAM_DEFAULTS: Omit<MeterConfig, 'dissector'> = {
  decodeTunnels: true,
  idleTimeoutMs: 120_000,
  activeTimeoutMs: 1_800_000,
  accountingMode: 0,
  statisticalAnalysis: false,
  spltAnalysis: 0,
  plugins: [],
  systemVisibility: false,
};
