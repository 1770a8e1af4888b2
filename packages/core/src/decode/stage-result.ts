/**
 * What a tunnel decoder tells the orchestrator (spec §1.7). Positive values are
 * {@link IgnoreReason} codes; these non-positive codes are actions.
 */
export const TunnelAction = {
  /** Go on to transport parsing with the current IP header (outer packet, or GTP inner). */
  Proceed: 0,
  /** Restart at stage 1 (link layer) with the new link offset (TZSP). */
  RestartLink: -1,
  /** Restart at stage 3 (IP header check) with the new ip offset (CAPWAP). */
  RestartIp: -2,
  /** The rule's port matched but its precondition failed: try the next rule (GTP-U). */
  NextRule: -3,
} as const;
