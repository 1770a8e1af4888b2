/** Flow file formats flowstream writes and reads back (`flowstream report`). */
export type FlowFileFormat = 'arrow' | 'arrows' | 'parquet' | 'csv';

/** What each flow file format is called in messages. */
export const FLOW_FILE_FORMAT_NAMES: Readonly<Record<FlowFileFormat, string>> = { arrow: 'Arrow IPC file', arrows: 'Arrow IPC stream', parquet: 'Parquet file', csv: 'flow CSV file' };

/**
 * The flow file format that begins with `head` (its first bytes: 8 tell Arrow and Parquet, a CSV
 * needs its header line), or null for anything else (a capture). Captures are told apart from
 * flow files by this one rule, where they are read as captures and where flow files are read.
 *
 * @example flowFormatOfBytes(Buffer.from('PAR1…')) === 'parquet'
 */
export function flowFormatOfBytes(head: Uint8Array): FlowFileFormat | null {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.length);
  if (bytes.subarray(0, 6).toString('latin1') === 'ARROW1') return 'arrow';
  // an IPC stream starts with a message's continuation marker (no capture or CSV starts so)
  if (bytes.length >= 8 && bytes.readUInt32LE(0) === 0xffffffff) return 'arrows';
  if (bytes.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  const line = bytes.toString('utf8').split('\n', 1)[0]!;
  if (/^[\w.]+(,[\w.]+)+\r?$/.test(line) && line.split(',').includes('src_ip')) return 'csv';
  return null;
}
