/**
 * DHCP message types (option 53) as NFStream's `MsgType` enum prints them (`str(MsgType.ACK)`),
 * indexed by the option value 1…8 (spec §10.3 DHCP step 2).
 *
 * @example
 * ```ts
 * DHCP_MSG_TYPES[3]; // 'MsgType.REQUEST'
 * ```
 */
export const DHCP_MSG_TYPES: readonly (string | undefined)[] = [
  undefined,
  'MsgType.DISCOVER',
  'MsgType.OFFER',
  'MsgType.REQUEST',
  'MsgType.DECLINE',
  'MsgType.ACK',
  'MsgType.NACK',
  'MsgType.RELEASE',
  'MsgType.INFORM',
];
