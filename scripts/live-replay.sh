#!/usr/bin/env bash
# Replays a capture onto the loopback interface at a set rate while flowstream meters `lo`, then
# prints what the run read, processed and dropped (needs root and tcpreplay).
#   scripts/live-replay.sh CAPTURE PPS METERS [flowstream options…]
#   scripts/live-replay.sh first-600k.pcap 100000 2 --n-dissections 20 --statistical-analysis
set -euo pipefail
capture=$1 pps=$2 meters=$3
shift 3
here=$(cd "$(dirname "$0")/.." && pwd)
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
node "$here/packages/streamer/bin/flowstream.js" lo --n-meters "$meters" --format none -q --summary "$summary" --duration 600 "$@" &
meter=$!
# the capture is open and its code warm before the first packet
sleep 2
tcpreplay -i lo --pps="$pps" -q "$capture" 2>&1 | grep -E '^Actual' || true
sleep 2
kill -INT "$meter"
wait "$meter" || true
node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const p = s.packets;
  console.log(`meters ${s.meters}: read ${p.read}, processed ${p.processed}, ignored ${p.ignored}, dropped ${p.dropped} (${JSON.stringify(p.droppedByReason)}), flows ${s.flows}`);
' "$summary"
