"""Query a flowstream export with DuckDB: Parquet, CSV, or Arrow IPC (through pyarrow).

Usage: /usr/bin/python3 examples/python/read_duckdb.py flows.parquet|flows.csv|flows.arrow
Needs duckdb (and pyarrow for .arrow files); without them, prints a note and exits 0.
"""
import sys

if len(sys.argv) != 2:
    sys.exit("usage: read_duckdb.py FLOWS.(parquet|csv|arrow)")

try:
    import duckdb
except ImportError:
    print("skipped: duckdb is not installed (pip install duckdb)")
    sys.exit(0)

path = sys.argv[1]
con = duckdb.connect()
# Relations rather than SQL text with the path pasted in: paths may contain quotes.
if path.endswith(".parquet"):
    con.read_parquet(path).create_view("flows")
elif path.endswith(".csv"):
    con.read_csv(path).create_view("flows")
else:
    try:
        import pyarrow.feather as feather
    except ImportError:
        print("skipped: pyarrow is not installed (DuckDB reads Arrow IPC files through it; pip install pyarrow)")
        sys.exit(0)
    table = feather.read_table(path)
    con.register("flows", table)

print(f"rows: {con.execute('SELECT count(*) FROM flows').fetchone()[0]}")
print(con.sql("SELECT src_ip, count(*) AS flows, sum(bidirectional_bytes) AS bytes FROM flows GROUP BY src_ip ORDER BY bytes DESC LIMIT 5"))
