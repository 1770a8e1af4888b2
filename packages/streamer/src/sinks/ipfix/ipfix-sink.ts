import type { FieldSpec, FlowBatch } from '@flowstream/core';
import { SinkError, type FlowSink, type SinkCloseContext, type SinkOpenContext, type SinkOptions, type SinkResult } from '../flow-sink.js';
import { ipfixOptions, refuseAnonymisedAddresses, type IpfixOptions } from './ipfix-options.js';
import { MessageEncoder } from './message-encoder.js';
import { bindTemplate, familyAt, writeRecord, type BoundTemplate } from './record-encoder.js';
import { buildTemplates, type Template } from './templates.js';
import { parseUdpTarget } from './udp-target.js';
import { UdpTransport } from './udp-transport.js';

/** First data template id (ids below 256 are set ids, RFC 7011 §3.3.2). */
const FIRST_TEMPLATE_ID = 256;

/**
 * Exports flows as IPFIX (RFC 7011) over UDP: one RFC 5103 biflow record per flow, or a forward
 * and a reverse record in `uniflow` mode; see the README's IPFIX section for the element mapping.
 *
 * @example
 * ```ts
 * import { IpfixSink, NFStreamer } from '@flowstream/streamer';
 *
 * const streamer = new NFStreamer({ source: 'capture.pcap', accountingMode: 1 });
 * await streamer.export('ipfix', 'udp://127.0.0.1:4739', { ipfixMode: 'uniflow' }); // by format name
 * await streamer.writeTo(new IpfixSink('udp://127.0.0.1:4739', { ipfixObservationDomain: 7 }));
 * ```
 */
export class IpfixSink implements FlowSink {
  private readonly settings: IpfixOptions;
  private transport: UdpTransport | null = null;
  private encoder: MessageEncoder;
  private templates: Template[] = [];
  private anonymized = new Set<string>();
  private fieldsKey = '';
  private nextTemplateId = FIRST_TEMPLATE_ID;
  private flows = 0;

  constructor(
    readonly target: string,
    private readonly options: SinkOptions = {},
  ) {
    this.settings = ipfixOptions(options);
    refuseAnonymisedAddresses(options.anonymized, target);
    const s = this.settings;
    this.encoder = new MessageEncoder({
      maxMessageSize: s.maxMessageSize,
      observationDomainId: s.observationDomainId,
      templateRefreshMessages: s.templateRefreshMessages,
      templateRefreshMs: s.templateRefreshSeconds * 1000,
      onOversize: (bytes) => this.warn(`${target}: an IPFIX record needs a ${bytes}-byte message, more than ipfixMaxMessageSize ${s.maxMessageSize}; it is sent alone (the datagram may be fragmented)`),
    });
  }

  /** Messages and bytes sent so far. */
  get stats(): { messages: number; bytes: number; records: number } {
    return { messages: this.transport?.messages ?? 0, bytes: this.transport?.bytes ?? 0, records: this.encoder.sequence };
  }

  async open(context: SinkOpenContext): Promise<void> {
    try {
      refuseAnonymisedAddresses(context.anonymized, this.target);
      this.anonymized = new Set(context.anonymized);
      this.retemplate(context.fields);
      this.transport = await UdpTransport.connect(parseUdpTarget(this.target), this.settings.rate, this.settings.burst);
      let warned = false;
      this.transport.onRefused = () => {
        if (!warned) this.warn(`${this.target}: no IPFIX collector listens (ICMP port unreachable); flows are lost until one does, templates are re-sent every ${this.settings.templateRefreshMessages} messages / ${this.settings.templateRefreshSeconds} s`);
        warned = true;
      };
    } catch (err) {
      throw new SinkError(this.target, err);
    }
  }

  async write(batch: FlowBatch): Promise<void> {
    try {
      this.encode(batch);
      // a batch's last message goes now: on a quiet live capture the next batch may be minutes away
      this.encoder.finish();
      await this.transport!.send(this.encoder.take());
    } catch (err) {
      throw new SinkError(this.target, err);
    }
  }

  async close(_context?: SinkCloseContext): Promise<SinkResult> {
    try {
      this.encoder.finish();
      await this.transport?.send(this.encoder.take());
    } catch (err) {
      throw new SinkError(this.target, err);
    } finally {
      const transport = this.transport;
      await transport?.close();
      this.transport = null;
      // UDP has no acknowledgement: the refusals are what the run can tell of flows that were lost
      if (transport != null && transport.refused > 0) {
        this.warn(`${this.target}: ${transport.refused} of ${transport.messages} IPFIX messages were refused (ICMP port unreachable, no collector listened): the flows in them are lost`);
      }
    }
    return { flows: this.flows, files: [] };
  }

  async abort(_reason?: Error): Promise<void> {
    await this.transport?.close();
    this.transport = null;
  }

  /** New templates when the columns change (plugin fields that appear during the run). */
  private retemplate(fields: readonly FieldSpec[]): void {
    const key = fields.map((f) => `${f.name}:${f.type}`).join(',');
    if (key === this.fieldsKey) return;
    this.fieldsKey = key;
    const s = this.settings;
    this.templates = buildTemplates(fields, { mode: s.mode, pen: s.pen, firstId: this.nextTemplateId, anonymized: this.anonymized });
    this.nextTemplateId += this.templates.length;
    this.encoder.setTemplates(this.templates);
  }

  private encode(batch: FlowBatch): void {
    this.retemplate(batch.fields);
    const bound = this.templates.map((t) => bindTemplate(t, batch));
    const pick = (family: number, kind: Template['kind']): BoundTemplate | undefined => bound.find((b) => (b.template.family === family || b.template.family === 0) && b.template.kind === kind);
    const forward = this.settings.mode === 'biflow' ? 'biflow' : 'forward';
    const main4 = pick(4, forward)!;
    const main6 = pick(6, forward)!;
    const rev4 = pick(4, 'reverse');
    const rev6 = pick(6, 'reverse');
    const src = batch.column('src_ip') ?? batch.column('dst_ip');
    const revPackets = batch.column('dst2src_packets');
    const enc = this.encoder;
    for (let row = 0; row < batch.length; row++) {
      const v6 = familyAt(src, row) === 6;
      const main = v6 ? main6 : main4;
      enc.end(writeRecord(main, row, enc.buf, enc.begin(main.template.id)));
      const rev = v6 ? rev6 : rev4;
      // a one-way reverse record only for flows that saw dst2src packets
      if (rev !== undefined && (revPackets === undefined || revPackets.kind !== 'number' || revPackets.values[row]! > 0)) {
        enc.end(writeRecord(rev, row, enc.buf, enc.begin(rev.template.id)));
      }
    }
    this.flows += batch.length;
  }

  private warn(message: string): void {
    if (this.options.warn) this.options.warn(message);
    else process.emitWarning(message, { code: 'FLOWSTREAM_IPFIX' });
  }
}
