import { jetstreamManager, StorageType, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { subjectMatches } from './nats-settings.js';

/** What a stream created by flowstream looks like. */
export interface FlowStreamConfig {
  readonly name: string;
  readonly subjects: readonly string[];
  /** Seconds, 0 = unlimited. */
  readonly maxAge: number;
  /** Bytes, 0 = unlimited. */
  readonly maxBytes: number;
  /** Seconds. */
  readonly duplicateWindow: number;
}

/**
 * Makes sure JetStream stream `config.name` exists (file storage, limits retention, the given
 * subjects, age/bytes limits and duplicate window), creating it when missing; an existing stream
 * is used as it is, but must capture `subject` when one is given. `onCreated` is called when the
 * stream was missing, before it is created.
 *
 * @example await ensureFlowStream(nc, { name: 'FLOWS', subjects: ['flows.>'], maxAge: 0, maxBytes: 0, duplicateWindow: 120 }, 'flows.berlin');
 */
export async function ensureFlowStream(nc: NatsConnection, config: FlowStreamConfig, subject?: string, onCreated?: () => void): Promise<StreamInfo> {
  const jsm = await jetstreamManager(nc);
  let info = await streamInfo(jsm, config.name);
  if (info === null) {
    onCreated?.();
    try {
      info = await jsm.streams.add({
        name: config.name,
        subjects: [...config.subjects],
        storage: StorageType.File,
        max_age: nanos(config.maxAge * 1000),
        max_bytes: config.maxBytes === 0 ? -1 : config.maxBytes,
        duplicate_window: nanos(config.duplicateWindow * 1000),
      });
    } catch (err) {
      // another run made it between the look and the request, and nats-server refused this one
      // (seen: "subjects overlap with an existing stream", the stream just made): use that stream
      const made = await streamInfo(jsm, config.name);
      if (made === null) throw err;
      info = made;
    }
  }
  info = await settled(jsm, info);
  if (subject !== undefined && !streamCaptures(info, subject)) {
    throw new RangeError(
      `Invalid option -o: subject ${JSON.stringify(subject)} is not captured by stream ${config.name} (subjects ${JSON.stringify(info.config.subjects ?? [])}); use a subject matching them or another --nats-stream`,
    );
  }
  return info;
}

/** The creation time nats-server gives a stream that another client is still making. */
const UNSETTLED = '0001-01-01T00:00:00Z';
/** Longest wait for a stream another client is making, and the time between two looks, ms. */
const SETTLE_MS = 5000;
const SETTLE_STEP_MS = 20;

/**
 * The stream's info once it is made. Two runs that make the same stream at once both succeed,
 * but the one whose request came second can get the info of a stream still being made, with no
 * creation time (nats-server 2.9.10: the zero time, in 2 of 40 rounds of three clients making one
 * stream at once); the run compares that time with the stream's later on, to tell a stream made
 * again, so it looks until the time is set.
 */
async function settled(jsm: JetStreamManager, info: StreamInfo): Promise<StreamInfo> {
  const deadline = Date.now() + SETTLE_MS;
  while (info.created === UNSETTLED && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, SETTLE_STEP_MS));
    info = (await streamInfo(jsm, info.config.name)) ?? info;
  }
  return info;
}

/** Whether the stream of `info` stores messages published to `subject` (one of its subjects matches it). */
export function streamCaptures(info: StreamInfo, subject: string): boolean {
  return info.config.subjects?.some((p) => subjectMatches(p, subject)) ?? false;
}

/** Whether stream `name` exists: its info, or null when the server has no such stream. */
export async function findFlowStream(nc: NatsConnection, name: string): Promise<StreamInfo | null> {
  return streamInfo(await jetstreamManager(nc), name);
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(name);
  } catch (err) {
    if (/stream not found/i.test((err as Error).message)) return null;
    throw err;
  }
}
