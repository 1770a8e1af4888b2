"""Read a flowstream CSV (NFStream's to_csv format) with pandas.

Usage: /usr/bin/python3 examples/python/read_csv.py flows.csv
The file is NFStream-identical, so code written for NFStream's CSV works unchanged.
"""
import sys

import pandas as pd

if len(sys.argv) != 2:
    sys.exit("usage: read_csv.py FLOWS.csv")

df = pd.read_csv(sys.argv[1])
print(f"rows: {len(df)}")
print(f"columns: {len(df.columns)}")
print(df[["src_ip", "dst_ip", "dst_port", "protocol", "bidirectional_packets", "bidirectional_bytes"]].head())
print(df.groupby("protocol")["bidirectional_bytes"].sum().sort_values(ascending=False).to_string())
