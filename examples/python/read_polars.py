"""Read a flowstream export with polars: Arrow IPC (.arrow/.feather), Parquet or CSV.

Usage: /usr/bin/python3 examples/python/read_polars.py flows.arrow|flows.parquet|flows.csv
Needs polars; without it, prints a note and exits 0.
"""
import sys

if len(sys.argv) != 2:
    sys.exit("usage: read_polars.py FLOWS.(arrow|feather|parquet|csv)")

try:
    import polars as pl
except ImportError:
    print("skipped: polars is not installed (pip install polars)")
    sys.exit(0)

path = sys.argv[1]
if path.endswith(".parquet"):
    df = pl.read_parquet(path)
elif path.endswith(".csv"):
    df = pl.read_csv(path)
else:
    df = pl.read_ipc(path)
print(f"rows: {df.height}")
print(
    df.group_by("protocol")
    .agg(pl.len().alias("flows"), pl.col("bidirectional_bytes").sum().alias("bytes"))
    .sort("bytes", descending=True)
)
