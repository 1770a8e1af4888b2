import { Writable } from 'node:stream';
import { CsvSink, type NFStreamer, type WriteOptions } from '@flowstream/streamer';

/** The CSV the streamer's run writes, through the real CSV sink, collected in memory. */
export async function csvText(streamer: NFStreamer, options: WriteOptions = {}): Promise<string> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await streamer.writeTo(new CsvSink(out), options);
  return Buffer.concat(chunks).toString('utf8');
}
