/*
 * Prints the nDPI struct layouts that ndpi-layout.ts relies on, as `name value` lines, so a test can
 * compare them with the TypeScript constants. Build (the test does it when gcc and libndpi-dev exist):
 *   gcc -I/usr/include/ndpi layout-check.c -o layout-check -lndpi
 * The flow struct size is also asked from the library itself: a mismatch means the headers and the
 * shared library disagree (e.g. a build with TLS_HANDLE_SIGNATURE_ALGORITMS).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <ndpi_api.h>

#define P(name, value) printf("%s %lu\n", name, (unsigned long)(value))

/* ndpi_free_flow_data's frees are recorded, not done: the pointers it is handed are markers. */
static void *freed_marker;
static int marker_freed;
static void record_free(void *ptr) {
  if (ptr == freed_marker) marker_freed = 1;
}
#define OFF(member) P(#member, offsetof(struct ndpi_flow_struct, member))

int main(void) {
  P("api_version", ndpi_get_api_version());
  P("sizeof_flow_struct", sizeof(struct ndpi_flow_struct));
  P("lib_sizeof_flow_struct", ndpi_detection_get_sizeof_ndpi_flow_struct());
  P("sizeof_protocol_bitmask", sizeof(NDPI_PROTOCOL_BITMASK));
  P("sizeof_ndpi_protocol", sizeof(ndpi_protocol));
  P("ndpi_protocol.master_protocol", offsetof(ndpi_protocol, master_protocol));
  P("ndpi_protocol.app_protocol", offsetof(ndpi_protocol, app_protocol));
  P("ndpi_protocol.category", offsetof(ndpi_protocol, category));
  P("sizeof_protocol_match_result", sizeof(ndpi_protocol_match_result));
  P("sizeof_confidence", sizeof(ndpi_confidence_t));
  OFF(detected_protocol_stack);
  OFF(guessed_protocol_id);
  OFF(guessed_host_protocol_id);
  OFF(confidence);
  OFF(category);
  P("sizeof_category", sizeof(((struct ndpi_flow_struct *)0)->category));
  OFF(host_server_name);
  P("sizeof_host_server_name", sizeof(((struct ndpi_flow_struct *)0)->host_server_name));
  OFF(http.content_type);
  OFF(http.user_agent);
  OFF(protos.tls_quic.ja3_client);
  /* hello_processed:1, subprotocol_detected:1 share the byte after sha1_certificate_fingerprint[20] */
  P("tls_quic_flags_byte", offsetof(struct ndpi_flow_struct, protos.tls_quic.sha1_certificate_fingerprint) + 20);
  {
    struct ndpi_flow_struct f;
    memset(&f, 0, sizeof(f));
    f.protos.tls_quic.subprotocol_detected = 1;
    P("tls_quic_subprotocol_detected_mask", ((unsigned char *)&f)[offsetof(struct ndpi_flow_struct, protos.tls_quic.sha1_certificate_fingerprint) + 20]);
  }
  OFF(protos.tls_quic.ja3_server);
  OFF(protos.ssh.hassh_client);
  OFF(protos.ssh.hassh_server);
  OFF(protos.dhcp.fingerprint);
  P("sizeof_dhcp_fingerprint", sizeof(((struct ndpi_flow_struct *)0)->protos.dhcp.fingerprint));
  /*
   * Which pointer-sized words of a flow struct ndpi_free_flow_data frees, asked of the library
   * itself: each word in turn holds a marker, with the protocols and the transport under which the
   * library frees the most (TLS, then plain; TCP, then UDP). One `freed_pointer OFFSET` line each.
   */
  set_ndpi_free(record_free);
  {
    static const u_int16_t protos[] = {NDPI_PROTOCOL_TLS, NDPI_PROTOCOL_UNKNOWN};
    static const u_int8_t transports[] = {IPPROTO_TCP, IPPROTO_UDP};
    struct ndpi_flow_struct f;
    for (size_t at = 0; at + sizeof(void *) <= sizeof(f); at += sizeof(void *)) {
      int freed = 0;
      for (int p = 0; p < 2; p++)
        for (int t = 0; t < 2; t++) {
          memset(&f, 0, sizeof(f));
          f.detected_protocol_stack[0] = protos[p];
          f.l4_proto = transports[t];
          /* a marker over the protocol or transport fields changes them: then no free is asked for */
          freed_marker = (void *)(0x10000 + at);
          memcpy((unsigned char *)&f + at, &freed_marker, sizeof(void *));
          marker_freed = 0;
          ndpi_free_flow_data(&f);
          freed |= marker_freed;
        }
      if (freed) P("freed_pointer", at);
    }
  }
  P("NDPI_CONFIDENCE_UNKNOWN", NDPI_CONFIDENCE_UNKNOWN);
  P("NDPI_CONFIDENCE_MATCH_BY_PORT", NDPI_CONFIDENCE_MATCH_BY_PORT);
  P("NDPI_CONFIDENCE_MATCH_BY_IP", NDPI_CONFIDENCE_MATCH_BY_IP);
  P("NDPI_CONFIDENCE_DPI_CACHE", NDPI_CONFIDENCE_DPI_CACHE);
  P("NDPI_CONFIDENCE_DPI", NDPI_CONFIDENCE_DPI);
  P("NDPI_PROTOCOL_MAIL_POP", NDPI_PROTOCOL_MAIL_POP);
  P("NDPI_PROTOCOL_MAIL_SMTP", NDPI_PROTOCOL_MAIL_SMTP);
  P("NDPI_PROTOCOL_MAIL_IMAP", NDPI_PROTOCOL_MAIL_IMAP);
  P("NDPI_PROTOCOL_DNS", NDPI_PROTOCOL_DNS);
  P("NDPI_PROTOCOL_STUN", NDPI_PROTOCOL_STUN);
  P("NDPI_PROTOCOL_HTTP", NDPI_PROTOCOL_HTTP);
  P("NDPI_PROTOCOL_DHCP", NDPI_PROTOCOL_DHCP);
  P("NDPI_PROTOCOL_MAIL_POPS", NDPI_PROTOCOL_MAIL_POPS);
  P("NDPI_PROTOCOL_MAIL_SMTPS", NDPI_PROTOCOL_MAIL_SMTPS);
  P("NDPI_PROTOCOL_DTLS", NDPI_PROTOCOL_DTLS);
  P("NDPI_PROTOCOL_MAIL_IMAPS", NDPI_PROTOCOL_MAIL_IMAPS);
  P("NDPI_PROTOCOL_TLS", NDPI_PROTOCOL_TLS);
  P("NDPI_PROTOCOL_SSH", NDPI_PROTOCOL_SSH);
  P("NDPI_PROTOCOL_QUIC", NDPI_PROTOCOL_QUIC);
  return 0;
}
