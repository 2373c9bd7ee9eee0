#!/usr/bin/env bash
# Publishing a share with MdtShare.Build side by side with `cp -a` and `rsync -a --delete`, in an order rotated run
# by run, each tool's write-back to disk counted in its time (see synced below), page cache warm: a full publish to empty targets, a no-op, and a publish after a 1 % mutation of the
# share. Ours twice: the whole `dotnet build -t:Publish` a user runs (MSBuild start-up included) and the engine
# alone (bench/MdtShare.Bench mirror). Then three sites at once (fan-out: each file read once for all three, the
# engine alone) against three cp -a and three rsync runs one after another, as a script would do them.
#
#   bash bench/compare-publish.sh SHARE_DIR [RUNS] [WORK_DIR]
#
# SHARE_DIR must be a generated share (bench/generate_share.py): each run mutates 1 % of it. Needs the .NET SDK,
# python3, rsync and GNU time (apt-get install -y rsync time). Prints medians in seconds, ratios to ours, and peak
# memory (MB) of each tool.
set -euo pipefail
share=$(realpath "$1"); runs=${2:-3}; work=${3:-/tmp/mdtshare-bench}
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/common.sh
source "$repo/bench/common.sh"

rm -rf "$work"; mkdir -p "$work/project"
dotnet pack "$repo/src/MdtShare.Build.Tasks/MdtShare.Build.Tasks.csproj" -c Release -o "$work/packages" -nologo -v:q >/dev/null
dotnet build "$repo/bench/MdtShare.Bench" -c Release -nologo -v:q >/dev/null
bench="$repo/bench/MdtShare.Bench/bin/Release/net10.0/MdtShare.Bench"
write_project "$work/project" "$work/ours"
export NUGET_PACKAGES="$work/nuget" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
ours_build() { dotnet build "$work/project/deploymentshare.proj" -t:Publish -nologo -tl:off -v:q -nodeReuse:false; }
ours_build >/dev/null || { dotnet build "$work/project/deploymentshare.proj" -t:Publish -nologo -tl:off -v:m; exit 1; }  # restore and warm up
tar cf - -C "$share" . | cat > /dev/null   # warm the page cache (tar skips reading data when writing to /dev/null itself)

: > "$work/results"
full-cp() { synced full-cp cp -a "$share" "$work/cp"; }
full-rsync() { synced full-rsync rsync -a --delete "$share/" "$work/rsync/"; }
full-ours() { rm -f "$work/project/obj/mdtshare-hash-cache.txt"; synced full-ours ours_build; }   # cold hash cache
full-engine() { synced full-engine "$bench" mirror "$share" "$work/engine"; }
sites3-cp() { synced sites3-cp bash -c 'for s in 1 2 3; do cp -a "$0" "$1/sites-cp$s"; done' "$share" "$work"; }
sites3-rsync() { synced sites3-rsync bash -c 'for s in 1 2 3; do rsync -a --delete "$0/" "$1/sites-rsync$s/"; done' "$share" "$work"; }
sites3-engine() { synced sites3-engine "$bench" mirror "$share" "$work/sites-ours1" "$work/sites-ours2" "$work/sites-ours3"; }
noop-rsync() { synced noop-rsync rsync -a --delete "$share/" "$work/rsync/"; }
noop-ours() { synced noop-ours ours_build; }
noop-engine() { synced noop-engine "$bench" mirror "$share" "$work/engine"; }
mutated-rsync() { synced mutated-rsync rsync -a --delete "$share/" "$work/rsync/"; }
mutated-ours() { synced mutated-ours ours_build; }
mutated-engine() { synced mutated-engine "$bench" mirror "$share" "$work/engine"; }
export -f ours_build; export work


for run in $(seq "$runs"); do
  rm -rf "$work/ours" "$work/engine" "$work/cp" "$work/rsync" "$work"/sites-*; sync
  for step in $(rotated "$run" full-cp full-rsync full-ours full-engine); do "$step"; done
  for step in $(rotated "$run" sites3-cp sites3-rsync sites3-engine); do "$step"; done
  for step in $(rotated "$run" noop-rsync noop-ours noop-engine); do "$step"; done
  python3 "$repo/bench/generate_share.py" "$share" --mutate 1 --seed $((100 + run)) >/dev/null
  for step in $(rotated "$run" mutated-rsync mutated-ours mutated-engine); do "$step"; done
done

files=$(find "$share" -type f | wc -l); bytes=$(du -sb "$share" | cut -f1)
echo "share: $files files, $(awk -v b="$bytes" 'BEGIN { printf "%.2f GiB", b / 2^30 }'); $runs runs each, alternating; $(nproc) cores"
print_medians "full-cp full-rsync full-ours full-engine sites3-cp sites3-rsync sites3-engine noop-rsync noop-ours noop-engine mutated-rsync mutated-ours mutated-engine" \
  "full=full-ours sites3=sites3-engine noop=noop-ours mutated=mutated-ours"
