// The public surface of each package's root entry, pinned: widening it (or losing a symbol) is a
// deliberate change of this list. Every runtime export and the main types (options, contracts)
// carry a TSDoc comment with an `@example`, and every example of the public declarations (and of
// their class members) type-checks against the real API. What the packages share beyond it lives
// in `@flowstream/core/internal`.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDeclaration, type ApiDeclaration } from './support/api-declarations.js';
import { checkExamples } from './support/check-examples.js';
import { ROOT } from './support/paths.js';

/** Runtime exports (`names`) and the main types whose TSDoc must show an example too (`types`). */
const PUBLIC: Record<string, { entry: string; names: string[]; types: string[] }> = {
  '@flowstream/core': {
    entry: 'packages/core/src/index.ts',
    names: [
      'BpfCompileError', 'BpfFilter', 'CaptureError', 'CaptureRecord', 'DEFAULT_METERING_OPTIONS', 'DecodedPacket',
      'EXPIRED_ACTIVE', 'EXPIRED_CUSTOM', 'EXPIRED_EVICTED', 'EXPIRED_IDLE', 'FLOW_KEY_FIELDS', 'FlowBatch', 'FlowMeter',
      'IGNORE_REASON_NAMES', 'IgnoreReason', 'NFPlugin', 'NFlow', 'PacketDecoder', 'PluginError', 'PluginPacket',
      'ReadStatus', 'SNAPSHOT_COLUMNS', 'captureRecords', 'cellValue', 'compileBpf', 'createNdpiDissector', 'createStreamCaptureReader',
      'flowKey', 'loadNdpi', 'ndpiVersion', 'openCapture', 'readCaptureStream', 'resolveMeteringOptions', 'uint64Text',
    ],
    types: ['CaptureReader', 'FieldSpec', 'FlowKeyFields', 'FlowSnapshot', 'MeterConfig', 'MeteringOptions', 'PacketDecoderOptions'],
  },
  '@flowstream/plugins': {
    entry: 'packages/plugins/src/index.ts',
    names: ['DHCP', 'FlowSlicer', 'JA4', 'MDNS', 'SPLT', 'WFPlugin'],
    types: ['SpltOptions', 'WFPluginOptions'],
  },
  '@flowstream/streamer': {
    entry: 'packages/streamer/src/index.ts',
    names: [
      'ArrowIpcSink', 'CsvSink', 'IpfixSink', 'JsonlSink', 'LiveCapture', 'LiveCaptureError', 'NFStreamer', 'NullSink',
      'OutputTransform', 'PacketBatch', 'ParquetSink', 'SinkError', 'flowKey', 'listInterfaces', 'meter', 'packets', 'registerSink',
      'reportData', 'reportFromFlowFiles', 'sinkDefinition', 'sinkNames', 'windowRows', 'windowRows$',
      'windowRowsTable', 'writeWindowRows',
    ],
    types: [
      'ExportOptions', 'FlowSink', 'LiveCaptureOptions', 'MeterOperatorOptions', 'NFStreamerOptions', 'OutputOptions',
      'PacketsOptions', 'RunProgress', 'SinkDefinition', 'StreamerSummary', 'WriteOptions',
    ],
  },
};

/** What the other packages and the suites take from core's internal entry (a sample of each area). */
const CORE_INTERNALS = [
  'CapturePump', 'MAX_PENDING_FLOWS', 'PacketAccounting', 'accountedSize', 'meterConfig', 'FlowTable', 'NO_SLOT',
  'flowColumns', 'flowsToBatch', 'batchMessage', 'BatchReceiver', 'FLOW_BATCH_ROWS', 'ipv4Text', 'macText',
  'linkTypeToDlt', 'DescriptorCaptureReader', 'METERING_OPTION_TABLE', 'validateMeteringOption', 'unknownOptionError',
  'optionRangeError', 'checkPluginMethodNames', 'pluginFields', 'declaredFields', 'isPluginInstance',
  'openLibpcapLibrary', 'BpfProgram', 'compatProtocolName',
];

const runtimeNames = async (specifier: string) => Object.keys((await import(specifier)) as object).sort();

describe('public API', () => {
  for (const [pkg, { names }] of Object.entries(PUBLIC)) {
    it(`${pkg} exports exactly the public list`, async () => {
      expect(await runtimeNames(pkg)).toEqual([...names].sort());
    });
  }

  it('@flowstream/core/internal holds the internals, none of which is in the root entry', async () => {
    const internal = await runtimeNames('@flowstream/core/internal');
    expect(internal).toEqual(expect.arrayContaining(CORE_INTERNALS));
    const root = new Set(PUBLIC['@flowstream/core']!.names);
    expect(internal.filter((n) => root.has(n))).toEqual([]);
  });

  const declarations: { pkg: string; name: string; decl: ApiDeclaration | null }[] = [];
  for (const [pkg, { entry, names, types }] of Object.entries(PUBLIC)) {
    for (const name of [...names, ...types]) declarations.push({ pkg, name, decl: findDeclaration(join(ROOT, entry), name) });
  }

  it('every runtime export and main type has a TSDoc comment with a ts @example', () => {
    const missing = declarations
      .filter(({ decl }) => decl === null || !/@example[\s\S]*?```ts\n/.test(decl.doc))
      .map(({ pkg, name, decl }) => `${pkg} ${name} (${decl?.file ?? 'declaration not found'})`);
    expect(missing).toEqual([]);
  });

  it('every example of the public declarations type-checks against the packages', () => {
    const examples = declarations.flatMap(({ decl }) => decl?.examples ?? []);
    expect(examples.length).toBeGreaterThan(declarations.length);
    expect(checkExamples(examples)).toEqual([]);
  });
});
