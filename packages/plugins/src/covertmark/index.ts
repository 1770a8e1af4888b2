/**
 * CovertMark window statistics (rules in docs/covertmark-rules.md), ported value for value from
 * CovertMark (github.com/chongyangshi/CovertMark, MIT, "Copyright (c) 2018 C Shi").
 */
export { byteEntropy } from './byte-entropy.js';
export { numpyMean } from './numpy-mean.js';
export type { CovertMarkPacket, CovertMarkTcp, WindowPacket, WindowTcp } from './packet.js';
export { toWindowPacket } from './packet.js';
export {
  FEATURE_GROUPS,
  SGD_FEATURE_SELECTION,
  INTERVAL_BINS,
  LENGTH_BINS,
  enabledGroups,
  directionKeys,
  windowStatsKeys,
} from './feature-keys.js';
export type { FeatureGroup, EnabledGroups } from './feature-keys.js';
export { parseClientNetworks, inNetwork, networkMatcher, hostNetworkText } from './client-networks.js';
export type { ClientNetwork } from './client-networks.js';
export { parseIp, parseIpv4, parseIpv6, formatIp } from './ip-address.js';
export { getWindowStats, windowStatsOf } from './window-stats.js';
export type { WindowStats, WindowStatsResult } from './window-stats.js';
export { windowPacketsTimeSeries } from './time-series-windows.js';
export { windowPacketsFixedSize } from './fixed-size-windows.js';
export { groupPacketsByIpFixedSize } from './host-pair-groups.js';
export type { HostPairGroup } from './host-pair-groups.js';
export { synchronisePackets } from './synchronise.js';
export { sgdFeatureRowsFromPackets } from './sgd-feature-rows.js';
export type { SgdFeatureRow, SgdFeatureRows, SgdFeatureRowsOptions } from './sgd-feature-rows.js';
export { meanShift1d } from './mean-shift.js';
export type { MeanShiftResult } from './mean-shift.js';
export {
  orderedTcpPayloadLengthFrequency,
  orderedUdpPayloadLengthFrequency,
  CLUSTERING_LENGTH_LIMIT,
} from './length-clustering.js';
export { isTlsPayload } from './tls-flag.js';
export { covertMarkPacketFromIp, covertMarkTime } from './packet-from-ip.js';
export { ipLayout, tcpLayout } from './ip-layout.js';
export type { IpLayout, TcpLayout } from './ip-layout.js';
export { CovertMarkWindows } from './covertmark-windows.js';
export type { CovertMarkWindowsOptions } from './covertmark-windows.js';
export type { WindowRow, WindowColumn, WindowColumnType } from './window-rows.js';
export { windowRowsSchema, stampFlowId, inferWindowColumns, WINDOW_ROW_ID_COLUMNS } from './window-rows.js';
