#!/usr/bin/env bash
# How cost grows with the share: cold manifest, warm manifest and no-op mirror (engine alone) for several shares,
# reported per 1,000 files and per GiB. Page cache warm; median of RUNS.
#
#   bash bench/scaling.sh RUNS SHARE_DIR...
set -euo pipefail
runs=$1; shift
repo=$(cd "$(dirname "$0")/.." && pwd)
dotnet build "$repo/bench/MdtShare.Bench" -c Release -nologo -v:q >/dev/null
bench="$repo/bench/MdtShare.Bench/bin/Release/net10.0/MdtShare.Bench"
work=$(mktemp -d)
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
seconds() { /usr/bin/time -f "%e" -o "$work/t" "$@" >/dev/null 2>&1; cat "$work/t"; }
printf "%-28s %8s %8s %10s %12s %12s %10s %12s\n" share files GiB "cold s" "cold s/GiB" "warm s" "no-op s" "no-op ms/1k"
for share in "$@"; do
  files=$(find "$share" -type f | wc -l); gib=$(du -sb "$share" | awk '{ printf "%.3f", $1 / 2^30 }')
  tar cf - -C "$share" . | cat > /dev/null
  rm -rf "$work/target"; "$bench" mirror "$share" "$work/target" >/dev/null 2>&1
  cold=$(for r in $(seq "$runs"); do rm -f "$work/cache"; seconds "$bench" manifest "$share" "$work/m" "$work/cache"; done | median)
  warm=$(for r in $(seq "$runs"); do seconds "$bench" manifest "$share" "$work/m" "$work/cache"; done | median)
  noop=$(for r in $(seq "$runs"); do seconds "$bench" mirror "$share" "$work/target"; done | median)
  awk -v s="$share" -v f="$files" -v g="$gib" -v c="$cold" -v w="$warm" -v n="$noop" \
    'BEGIN { printf "%-28s %8d %8.2f %10.2f %12.2f %12.2f %10.2f %12.1f\n", s, f, g, c, c / g, w, n, n * 1000000 / f }'
done
rm -rf "$work"
