import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { covertMarkPacketFromIp, sgdFeatureRowsFromPackets, toWindowPacket } from '@flowstream/plugins/covertmark';
import { firstDifference, runCovertMarkVectors } from '../../../../scripts/vectors-covertmark.ts';
import { readPcapIpFrames } from './pcap-fixture.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const shared = join(repo, '..', 'shared');
const vectors = join(shared, 'corpus/covertmark/vectors');
const pcaps = join(shared, 'corpus/nfstream/pcaps');

describe.runIf(existsSync(vectors))('CovertMark golden vectors', () => {
  it('passes every case of the development part', () => {
    const report = runCovertMarkVectors(vectors);
    const manifest = JSON.parse(readFileSync(join(vectors, 'MANIFEST.json'), 'utf8')) as { total: number };
    expect(report.failures).toEqual([]);
    expect(report.passed).toBe(manifest.total);
  });

  // The SGD capture cases list CovertMark's parser output: rebuilding the records from the pcap
  // with covertMarkPacketFromIp and running the whole pipeline must give the same rows.
  const cases = readFileSync(join(vectors, 'sgd_feature_rows.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { name: string; source: string; params: Record<string, unknown>; expected: unknown })
    .filter((c) => /^capture:/.test(c.source));
  it.each(cases.flatMap((c) => [[c.name, 'records', c], [c.name, 'payload-free packets', c]] as const))('%s from the pcap (%s)', (_name, form, c) => {
    const file = /^capture:(\S+)/.exec(c.source)![1]!;
    const records = readPcapIpFrames(join(pcaps, file))
      .map((f) => covertMarkPacketFromIp(f.ip, f.tsSec, f.tsNsec, f.wireLength))
      .filter((r) => r !== null);
    const input = form === 'records' ? records : records.map((r) => toWindowPacket(r, true));
    const out = sgdFeatureRowsFromPackets(input, {
      clientSubnets: c.params['client_subnets'] as string[],
      windowSize: c.params['window_size'] as number,
      featureSelection: c.params['feature_selection'] as string[],
    });
    const keys = out.keys;
    const diff = firstDifference(
      { keys, rows: out.rows, skipped: out.skipped },
      c.expected,
      (path) => path[0] === 'rows' && path[2] === 'values' && (keys[Number(path[3])] ?? '').includes('_entropy_'),
    );
    expect(diff).toBeNull();
  });
});
