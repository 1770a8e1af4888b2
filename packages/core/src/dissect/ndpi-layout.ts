/**
 * What flowstream relies on in nDPI's C ABI, for Debian's libndpi 4.2.0 (`NDPI_API_VERSION` 8668,
 * x86-64/aarch64 LP64). The offsets were read from `/usr/include/ndpi/ndpi_typedefs.h` and are checked
 * by `layout-check.c` (compiled and compared by `test/dissect/layout-check.test.ts`); the binding also
 * refuses a library whose flow-struct size or API version differs, because reading a field at the
 * wrong offset would silently produce wrong labels.
 */
export const NDPI_LAYOUT = {
  /** `ndpi_get_api_version()` of the headers these offsets come from. */
  apiVersion: 8668,
  /** `ndpi_detection_get_sizeof_ndpi_flow_struct()`. */
  sizeofFlowStruct: 688,
  /** `sizeof(NDPI_PROTOCOL_BITMASK)`: 512 protocol bits. */
  sizeofProtocolBitmask: 64,
  /** `ndpi_protocol` is `{u16 master_protocol; u16 app_protocol; u32 category}`, 8 bytes, returned in one register. */
  sizeofNdpiProtocol: 8,
  /** `u_int16_t detected_protocol_stack[2]`: [0] = app (upper), [1] = master (lower). */
  detectedProtocolStack: 0,
  /** `u_int16_t guessed_protocol_id`: the by-port guess. */
  guessedProtocolId: 4,
  /** `u_int16_t guessed_host_protocol_id`: the by-IP match. */
  guessedHostProtocolId: 6,
  /** `ndpi_protocol_match_result` (`u32 protocol_id, category, breed`). */
  sizeofProtocolMatchResult: 12,
  /** `ndpi_confidence_t confidence` (4-byte enum). */
  confidence: 16,
  /** `ndpi_protocol_category_t category`: the category of the last `ndpi_protocol` nDPI returned. */
  category: 640,
  /** `char host_server_name[80]`. */
  hostServerName: 220,
  hostServerNameSize: 80,
  /** `char *http.content_type` (response). */
  httpContentType: 344,
  /** `char *http.user_agent` (HTTP, and QUIC's user agent). */
  httpUserAgent: 360,
  /** Byte holding `protos.tls_quic.hello_processed:1, subprotocol_detected:1`. */
  tlsQuicFlags: 544,
  /** Mask of `subprotocol_detected` (set when the SNI or a certificate name named the sub-protocol). */
  tlsSubprotocolDetectedMask: 2,
  /** `char protos.tls_quic.ja3_client[33]`, `ja3_server[33]`. */
  ja3Client: 456,
  ja3Server: 489,
  ja3Size: 33,
  /** `char protos.ssh.hassh_client[33]`, `hassh_server[33]`. */
  hasshClient: 504,
  hasshServer: 537,
  hasshSize: 33,
  /**
   * The pointers `ndpi_free_flow_data` frees when they are not NULL (the same function's code in
   * libndpi 4.2.0): `l4.udp.quic_reasm_buf`, `l4.tcp.tls.message.buffer`, `http.url`,
   * `http.content_type`, `http.request_content_type`, `http.user_agent`, `http.detected_os`,
   * `http.nat_ip`, `kerberos_buf.pktbuf`, `protos.tls_quic.server_names`, `alpn`,
   * `tls_supported_versions`, `issuerDN`, `subjectDN`, `encrypted_sni.esni`. Some of them share
   * their bytes with other members of a union: a nonzero word there is only a call that frees nothing.
   */
  freedPointers: [104, 128, 336, 344, 352, 360, 368, 376, 384, 408, 416, 424, 432, 440, 560],
  /** `char protos.dhcp.fingerprint[48]`. */
  dhcpFingerprint: 408,
  dhcpFingerprintSize: 48,
} as const;

/** nDPI 4.2 protocol ids used to pick the protocol-specific fields (spec §11). */
export const NDPI_PROTO = {
  UNKNOWN: 0,
  MAIL_POP: 2,
  MAIL_SMTP: 3,
  MAIL_IMAP: 4,
  DNS: 5,
  HTTP: 7,
  DHCP: 18,
  MAIL_POPS: 23,
  MAIL_SMTPS: 29,
  DTLS: 30,
  MAIL_IMAPS: 51,
  TLS: 91,
  STUN: 78,
  SSH: 92,
  QUIC: 188,
} as const;

/** `ndpi_confidence_t` of nDPI 4.2 (it has no nBPF / partial-DPI values yet). */
export const NDPI42_CONFIDENCE = {
  UNKNOWN: 0,
  MATCH_BY_PORT: 1,
  MATCH_BY_IP: 2,
  DPI_CACHE: 3,
  DPI: 4,
} as const;
