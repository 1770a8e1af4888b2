import { hostname } from 'node:os';
import type { SinkOptions } from '../flow-sink.js';
import type { NATS_OPTION_FLAGS } from './nats-option-flags.js';

/** How flows are encoded in messages. */
export type NatsEncoding = 'arrow' | 'json';

/** The NATS sink's settings, resolved from the {@link SinkOptions} bag (CLI `--nats-*` flags). */
export interface NatsSettings {
  /** Sensor name: header `Flowstream-Sensor`, first part of message ids, subject token by default. */
  readonly sensor: string;
  /** JetStream stream, created when missing (`natsStream`, default `FLOWS`). */
  readonly stream: string;
  /** Subjects of a created stream (`natsSubjects`, default `flows.>`). */
  readonly subjects: string[];
  readonly encoding: NatsEncoding;
  /** A `.creds` file (JWT + NKey seed), as `nats --creds` takes it. */
  readonly creds: string | null;
  /** A PEM file of CA certificates the server's certificate must chain to (TLS, as `nats --tlsca`). */
  readonly tlsCa: string | null;
  /** Retention of a created stream: age in seconds (0 = unlimited). */
  readonly maxAge: number;
  /** Retention of a created stream: bytes (0 = unlimited). */
  readonly maxBytes: number;
  /** Duplicate window of a created stream, seconds: a retried message id is dropped within it. */
  readonly duplicateWindow: number;
  /** Unacknowledged messages at most (memory ≈ this × message size). */
  readonly inFlight: number;
  /** Largest message body; 0 = the server's `max_payload` less room for headers. */
  readonly maxMessageBytes: number;
}

const NAME = /^[A-Za-z0-9_-]+$/;

function integer(options: SinkOptions, key: keyof typeof NATS_OPTION_FLAGS, fallback: number, min: number, allowed: string): number {
  const raw = options[key];
  if (raw === undefined || raw === null) return fallback;
  const v = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new RangeError(`Invalid option ${key}: expected ${allowed}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

function text(options: SinkOptions, key: keyof typeof NATS_OPTION_FLAGS): string | undefined {
  const raw = options[key];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' || raw === '') throw new TypeError(`Invalid option ${key}: expected a non-empty string, got ${JSON.stringify(raw)}`);
  return raw;
}

/** The default sensor name: the host name reduced to subject-safe characters. */
export function defaultSensor(): string {
  return hostname().replace(/[^A-Za-z0-9_-]+/g, '-') || 'sensor';
}

/**
 * Validates the NATS options of a sink bag; errors name the option, its flag and the allowed values.
 *
 * @example natsSettings({ sensor: 'berlin-1', natsEncoding: 'json' }).stream === 'FLOWS'
 */
export function natsSettings(options: SinkOptions): NatsSettings {
  const sensor = text(options, 'sensor') ?? defaultSensor();
  if (!NAME.test(sensor)) throw new RangeError(`Invalid option sensor: expected letters, digits, '_' or '-', got ${JSON.stringify(sensor)}`);
  const stream = text(options, 'natsStream') ?? 'FLOWS';
  if (!NAME.test(stream)) throw new RangeError(`Invalid option natsStream: expected letters, digits, '_' or '-', got ${JSON.stringify(stream)}`);
  const subjects = (text(options, 'natsSubjects') ?? 'flows.>').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const encoding = text(options, 'natsEncoding') ?? 'arrow';
  if (encoding !== 'arrow' && encoding !== 'json') throw new RangeError(`Invalid option natsEncoding: expected one of arrow, json, got ${JSON.stringify(encoding)}`);
  return {
    sensor,
    stream,
    subjects,
    encoding,
    creds: text(options, 'natsCreds') ?? null,
    tlsCa: text(options, 'natsTlsCa') ?? null,
    maxAge: integer(options, 'natsMaxAge', 0, 0, 'a non-negative integer number of seconds (0 = unlimited)'),
    maxBytes: integer(options, 'natsMaxBytes', 0, 0, 'a non-negative integer number of bytes (0 = unlimited)'),
    duplicateWindow: integer(options, 'natsDuplicateWindow', 120, 1, 'a positive integer number of seconds'),
    inFlight: integer(options, 'natsInFlight', 8, 1, 'a positive integer'),
    maxMessageBytes: integer(options, 'natsMaxMessageBytes', 0, 0, 'a non-negative integer number of bytes (0 = the server max_payload)'),
  };
}

/**
 * Whether `subject` is matched by the NATS subject pattern `pattern` (`*` one token, `>` the rest).
 *
 * @example subjectMatches('flows.>', 'flows.berlin') === true
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
