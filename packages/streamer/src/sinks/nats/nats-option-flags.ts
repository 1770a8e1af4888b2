/** Sink options the NATS sink reads, with the CLI flags that set them. */
export const NATS_OPTION_FLAGS = {
  sensor: '--sensor',
  natsStream: '--nats-stream',
  natsSubjects: '--nats-subjects',
  natsEncoding: '--nats-encoding',
  natsCreds: '--nats-creds',
  natsTlsCa: '--nats-tls-ca',
  natsMaxAge: '--nats-max-age',
  natsMaxBytes: '--nats-max-bytes',
  natsDuplicateWindow: '--nats-duplicate-window',
  natsInFlight: '--nats-in-flight',
  natsMaxMessageBytes: '--nats-max-message-bytes',
} as const;
