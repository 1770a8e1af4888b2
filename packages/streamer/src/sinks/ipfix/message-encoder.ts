import { templateRecordLength, writeTemplateRecord, type Template } from './templates.js';

/** IPFIX version number in the message header (RFC 7011 §3.1). */
export const IPFIX_VERSION = 10;
/** Message header length. */
export const HEADER_LENGTH = 16;
/** Set header length. */
export const SET_HEADER_LENGTH = 4;
/** Set id of template sets. */
export const TEMPLATE_SET_ID = 2;
/** The length field of a message is 16 bits. */
export const MAX_MESSAGE_LENGTH = 65535;

/** Settings of a {@link MessageEncoder}. */
export interface MessageEncoderOptions {
  /** Largest message in bytes (a record that alone exceeds it travels alone, up to 65535). */
  readonly maxMessageSize: number;
  readonly observationDomainId: number;
  /** Re-send the templates after this many messages (RFC 7011 §8.4); 0 = never by count. */
  readonly templateRefreshMessages: number;
  /** … or after this many milliseconds; 0 = never by time. */
  readonly templateRefreshMs: number;
  /** Clock in ms (export time, refresh); tests pass a fixed one. */
  readonly now?: () => number;
  /** Told once when a record alone is larger than `maxMessageSize`. */
  readonly onOversize?: (bytes: number) => void;
}

/**
 * Frames data records into IPFIX messages (RFC 7011 §3): header, template set when due, data sets,
 * each message at most `maxMessageSize` bytes. Records are written by the caller straight into
 * {@link buf} between {@link begin} and {@link end}; finished messages collect in {@link out}.
 *
 * Sequence numbers count the data records sent in earlier messages, modulo 2^32 (§3.1).
 *
 * @example
 * ```ts
 * const enc = new MessageEncoder({ maxMessageSize: 1400, observationDomainId: 1, templateRefreshMessages: 100, templateRefreshMs: 30_000 });
 * enc.setTemplates(templates);
 * const o = enc.begin(templates[0].id);
 * enc.end(writeRecord(bound, row, enc.buf, o));
 * enc.finish();
 * for (const message of enc.take()) socket.send(message);
 * ```
 */
export class MessageEncoder {
  /** Working buffer of the open message (twice the largest message: records are written before the size check). */
  readonly buf = Buffer.allocUnsafe(2 * MAX_MESSAGE_LENGTH + 2);
  private readonly scratch = Buffer.allocUnsafe(2 * MAX_MESSAGE_LENGTH);
  private out: Buffer[] = [];
  /** End of the open message; 0 when none is open. */
  private off = 0;
  private setStart = -1;
  private setId = -1;
  private recordStart = 0;
  private records = 0;
  private templatesInMessage = false;
  private templates: readonly Template[] = [];
  private templatesDue = false;
  private messagesSinceTemplates = 0;
  private lastTemplatesAt = 0;
  private warned = false;
  private readonly now: () => number;
  /** Data records in earlier messages, modulo 2^32. */
  sequence = 0;
  /** Messages finished so far. */
  messages = 0;

  constructor(private readonly o: MessageEncoderOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Announces `templates`: the open message is finished, the next one starts with them. */
  setTemplates(templates: readonly Template[]): void {
    this.finish();
    this.templates = templates;
    this.templatesDue = true;
  }

  /** Opens a record of template `templateId`; returns where to write it in {@link buf}. */
  begin(templateId: number): number {
    if (this.off === 0) this.start();
    if (this.setId !== templateId) {
      this.closeSet();
      this.openSet(templateId);
    }
    this.recordStart = this.off;
    return this.off;
  }

  /** Closes the record that ends at `end`; moves it to a new message when it does not fit. */
  end(end: number): void {
    const limit = this.o.maxMessageSize;
    if (end > limit && (this.records > 0 || this.templatesInMessage)) {
      const len = end - this.recordStart;
      this.buf.copy(this.scratch, 0, this.recordStart, end);
      const id = this.setId;
      this.off = this.recordStart;
      this.finish();
      this.start();
      if (this.setId !== id) {
        this.closeSet();
        this.openSet(id);
      }
      this.recordStart = this.off;
      this.scratch.copy(this.buf, this.off, 0, len);
      end = this.off + len;
      if (end > limit && (this.records > 0 || this.templatesInMessage)) {
        // the templates took the room: send them alone
        return this.end(end);
      }
    }
    if (end > limit) {
      if (end > MAX_MESSAGE_LENGTH) throw new RangeError(`an IPFIX record of ${end - this.recordStart} bytes does not fit in a message (at most ${MAX_MESSAGE_LENGTH} bytes)`);
      if (!this.warned) this.o.onOversize?.(end);
      this.warned = true;
    }
    this.off = end;
    this.records++;
  }

  /** Finishes the open message (if any records or templates are in it). */
  finish(): void {
    if (this.off === 0) return;
    this.closeSet();
    if (this.records === 0 && !this.templatesInMessage) {
      this.off = 0;
      return;
    }
    const b = this.buf;
    b.writeUInt16BE(IPFIX_VERSION, 0);
    b.writeUInt16BE(this.off, 2);
    b.writeUInt32BE(Math.floor(this.now() / 1000) >>> 0, 4);
    b.writeUInt32BE(this.sequence, 8);
    b.writeUInt32BE(this.o.observationDomainId >>> 0, 12);
    this.out.push(Buffer.from(b.subarray(0, this.off)));
    this.sequence = (this.sequence + this.records) >>> 0;
    this.messages++;
    this.messagesSinceTemplates++;
    this.off = 0;
  }

  /** Takes the finished messages. */
  take(): Buffer[] {
    const m = this.out;
    this.out = [];
    return m;
  }

  private templatesAreDue(): boolean {
    if (this.templatesDue) return true;
    const { templateRefreshMessages: n, templateRefreshMs: ms } = this.o;
    return (n > 0 && this.messagesSinceTemplates >= n) || (ms > 0 && this.now() - this.lastTemplatesAt >= ms);
  }

  private start(): void {
    this.startBare();
    if (this.templates.length > 0 && this.templatesAreDue()) this.writeTemplates();
  }

  private startBare(): void {
    this.off = HEADER_LENGTH;
    this.setStart = -1;
    this.setId = -1;
    this.records = 0;
    this.templatesInMessage = false;
  }

  /** Template sets at the start of the message; templates that do not fit go on in the next one. */
  private writeTemplates(): void {
    for (const t of this.templates) {
      const need = templateRecordLength(t);
      if (this.setId === TEMPLATE_SET_ID && this.off + need > this.o.maxMessageSize) {
        this.finish();
        this.startBare();
      }
      if (this.setId !== TEMPLATE_SET_ID) this.openSet(TEMPLATE_SET_ID);
      this.off = writeTemplateRecord(t, this.buf, this.off);
      this.templatesInMessage = true;
    }
    this.closeSet();
    this.templatesDue = false;
    this.messagesSinceTemplates = 0;
    this.lastTemplatesAt = this.now();
  }

  private openSet(id: number): void {
    this.setStart = this.off;
    this.buf.writeUInt16BE(id, this.off);
    this.off += SET_HEADER_LENGTH;
    this.setId = id;
  }

  private closeSet(): void {
    if (this.setStart < 0) return;
    const len = this.off - this.setStart;
    if (len === SET_HEADER_LENGTH) this.off = this.setStart;
    else this.buf.writeUInt16BE(len, this.setStart + 2);
    this.setStart = -1;
    this.setId = -1;
  }
}
