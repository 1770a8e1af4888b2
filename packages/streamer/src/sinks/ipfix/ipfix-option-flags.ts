/** The IPFIX options (read by `ipfixOptions`), with their command-line flags. */
export const IPFIX_OPTION_FLAGS = {
  ipfixMode: '--ipfix-mode',
  ipfixPen: '--ipfix-pen',
  ipfixObservationDomain: '--ipfix-observation-domain',
  ipfixMaxMessageSize: '--ipfix-max-message-size',
  ipfixTemplateRefresh: '--ipfix-template-refresh',
  ipfixTemplateRefreshSeconds: '--ipfix-template-refresh-seconds',
  ipfixRate: '--ipfix-rate',
  ipfixBurst: '--ipfix-burst',
} as const;
