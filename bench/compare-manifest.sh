#!/usr/bin/env bash
# The share manifest and a full verify, engine alone, side by side with coreutils sha256sum (as 2 parallel
# processes, one per core), `openssl dgst -sha256` and, for the warm manifest, `rsync -a --delete` finding nothing
# to do. Page cache warm; tools alternate run by run.
#
#   bash bench/compare-manifest.sh SHARE_DIR [RUNS] [WORK_DIR]
#
# Needs the .NET SDK, rsync, GNU time and openssl. Prints medians in seconds, ratios to ours, peak memory (MB).
set -euo pipefail
share=$(realpath "$1"); runs=${2:-3}; work=${3:-/tmp/mdtshare-bench-manifest}
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/common.sh
source "$repo/bench/common.sh"
dotnet build "$repo/bench/MdtShare.Bench" -c Release -nologo -v:q >/dev/null
bench="$repo/bench/MdtShare.Bench/bin/Release/net10.0/MdtShare.Bench"
rm -rf "$work"; mkdir -p "$work"
(cd "$share" && find . -type f -printf '%P\0' | sort -z > "$work/files")
# Two halves of the file list, alternating by size rank, so the two sha256sum processes get similar work.
(cd "$share" && find . -type f -printf '%s %P\n' | sort -rn | cut -d' ' -f2- | awk -v w="$work" '{ print > (w "/half" (NR % 2)) }')
rsync -a --delete "$share/" "$work/mirror/"
tar cf - -C "$share" . | cat > /dev/null   # warm the page cache (tar skips reading data when writing to /dev/null itself)

sha_two() { (cd "$share" && tr '\n' '\0' < "$work/half0" | xargs -0 sha256sum > "$work/s0") & (cd "$share" && tr '\n' '\0' < "$work/half1" | xargs -0 sha256sum > "$work/s1"); wait; }
openssl_two() { (cd "$share" && tr '\n' '\0' < "$work/half0" | xargs -0 openssl dgst -sha256 > /dev/null) & (cd "$share" && tr '\n' '\0' < "$work/half1" | xargs -0 openssl dgst -sha256 > /dev/null); wait; }
export -f sha_two openssl_two; export share work
: > "$work/results"
for run in $(seq "$runs"); do
  rm -f "$work/cache"
  measure cold-ours "$bench" manifest "$share" "$work/manifest" "$work/cache"
  measure cold-sha256sum-x2 bash -c sha_two
  measure cold-openssl-x2 bash -c openssl_two
  measure warm-ours "$bench" manifest "$share" "$work/manifest" "$work/cache"
  measure noop-rsync rsync -a --delete "$share/" "$work/mirror/"
  measure verify-ours "$bench" verify "$work/manifest" "$work/mirror"
  measure verify-sha256sum-c bash -c "cd '$work/mirror' && sha256sum -c --quiet --strict '$work/manifest'"
done

files=$(wc -l < "$work/half0"); files=$((files + $(wc -l < "$work/half1"))); bytes=$(du -sb "$share" | cut -f1)
echo "share: $files files, $(awk -v b="$bytes" 'BEGIN { printf "%.2f GiB", b / 2^30 }'); $runs runs each, alternating; $(nproc) cores"
print_medians "cold-ours cold-sha256sum-x2 cold-openssl-x2 warm-ours noop-rsync verify-ours verify-sha256sum-c" "cold=cold-ours verify=verify-ours warm=warm-ours noop=warm-ours"
