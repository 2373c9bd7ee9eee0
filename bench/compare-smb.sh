#!/usr/bin/env bash
# Publishing to an SMB share: the engine (bench/MdtShare.Bench mirror) side by side with `cp -r` and `rsync -rt
# --delete` writing to the same Samba share on loopback, mounted through FUSE (smbnetfs), tools alternating run by
# run. Full copies to empty folders, then the no-op; ours at 1 and 4 writers.
#
#   bash bench/compare-smb.sh SHARE_DIR [RUNS] [WORK_DIR]
#
# Needs root, /dev/fuse, the .NET SDK and apt-get install -y samba smbnetfs fuse3 rsync time. Use a small share
# (generate_share.py --scale 0.1): smbnetfs serialises requests, so a full copy of scale 1 takes many minutes per tool.
set -euo pipefail
share=$(realpath "$1"); runs=${2:-3}; work=${3:-/tmp/mdtshare-bench-smb}
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/common.sh
source "$repo/bench/common.sh"
dotnet build "$repo/bench/MdtShare.Bench" -c Release -nologo -v:q >/dev/null
bench="$repo/bench/MdtShare.Bench/bin/Release/net10.0/MdtShare.Bench"
rm -rf "$work"; mkdir -p "$work"

# The server lives as long as file descriptor 4 (its standard input) stays open.
mkfifo "$work/control"
"$bench" samba-serve < "$work/control" > "$work/samba" 2>&1 &
server_pid=$!
exec 4> "$work/control"
trap 'exec 4>&-; wait $server_pid' EXIT
until grep -q '^server ' "$work/samba"; do kill -0 $server_pid 2>/dev/null || { cat "$work/samba"; exit 1; }; sleep 0.2; done
mount=$(sed -n 's/^mount //p' "$work/samba")
tar cf - -C "$share" . | cat > /dev/null   # warm the page cache

: > "$work/results"
for run in $(seq "$runs"); do
  for folder in cp rsync ours1 ours4; do if [ -e "$mount/$folder" ]; then rm -rf "${mount:?}/$folder"; fi; done
  measure full-cp cp -r "$share" "$mount/cp"
  measure full-rsync rsync -rt --delete "$share/" "$mount/rsync/"
  measure full-ours1 "$bench" mirror "$share" "$mount/ours1" --parallelism 1
  measure full-ours4 "$bench" mirror "$share" "$mount/ours4" --parallelism 4
  measure noop-rsync rsync -rt --delete "$share/" "$mount/rsync/"
  measure noop-ours4 "$bench" mirror "$share" "$mount/ours4" --parallelism 4
done

files=$(find "$share" -type f | wc -l); bytes=$(du -sb "$share" | cut -f1)
echo "share: $files files, $(awk -v b="$bytes" 'BEGIN { printf "%.2f GiB", b / 2^30 }'); to Samba over loopback via smbnetfs; $runs runs each, alternating; $(nproc) cores"
print_medians "full-cp full-rsync full-ours1 full-ours4 noop-rsync noop-ours4" "full=full-ours4 noop=noop-ours4"
