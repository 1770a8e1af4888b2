"""Read a flowstream Arrow IPC file (Feather v2, from to-arrow.ts or `flowstream -f arrow`).

Usage: /usr/bin/python3 examples/python/read_feather.py flows.arrow
Needs pyarrow (pandas.read_feather uses it too); without it, prints a note and exits 0.
"""
import json
import sys

if len(sys.argv) != 2:
    sys.exit("usage: read_feather.py FLOWS.arrow")

try:
    import pyarrow.feather as feather
except ImportError:
    print("skipped: pyarrow is not installed (pip install pyarrow)")
    sys.exit(0)

table = feather.read_table(sys.argv[1])
print(f"rows: {table.num_rows}")
# The exporter stores the run's manifest (version, parameters, sources) in the schema metadata.
meta = table.schema.metadata or {}
if b"flowstream" in meta:
    manifest = json.loads(meta[b"flowstream"])
    print(f"made by flowstream {manifest['flowstream']} from {[s['name'] for s in manifest['sources']]}")
print(table.schema.field("dst_port"))  # uint16, as written: no float64 guessing

df = table.to_pandas()  # what pd.read_feather(path) returns
print(df[["src_ip", "dst_ip", "dst_port", "bidirectional_bytes"]].head())
