#!/usr/bin/env bash
# The whole benchmark in one command: generates the seeded shares it needs (once; they are kept in WORK_DIR), then
# prints every side-by-side table: publish (full, no-op, after a 1 % mutation; dotnet build and engine alone,
# against cp -a and rsync), manifest and verify (against sha256sum x2, openssl, rsync's no-op, sha256sum -c), and how
# cost grows with the share (scales 0.25, 1 and 4).
#
#   bash bench/run.sh [--runs N] [--work DIR] [--smoke]
#
# --smoke runs every script once on tiny shares, to prove the runner works (the tests run it); its figures mean
# nothing. Needs the .NET SDK, python3, openssl, rsync and GNU time (apt-get install -y rsync time). A full run
# takes about an hour and 25 GB of disk.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=5; work=/tmp/mdtshare-bench-run; scales="0.25 1 4"; main_scale=1
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --smoke) runs=1; scales="0.005 0.01"; main_scale=0.01; shift ;;
    *) echo "usage: bash bench/run.sh [--runs N] [--work DIR] [--smoke]" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"

share() {  # share SCALE: the path of a generated share of that scale, made on first use
  local path="$work/share-$1"
  [ -f "$path.complete" ] || { rm -rf "$path"; python3 "$repo/bench/generate_share.py" "$path" --scale "$1" --seed 1 >&2; touch "$path.complete"; }
  echo "$path"
}

echo "## Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 2^20 }' /proc/meminfo), $(dotnet --version) SDK, $(date -u +%F)"
echo; echo "## Manifest and verify (engine alone)"
bash "$repo/bench/compare-manifest.sh" "$(share "$main_scale")" "$runs" "$work/manifest"
# The publish scenarios mutate their share: they get a copy of their own.
rm -rf "$work/publish-share"; cp -a "$(share "$main_scale")" "$work/publish-share"
echo; echo "## Publish"
bash "$repo/bench/compare-publish.sh" "$work/publish-share" "$runs" "$work/publish"
echo; echo "## Image versions (live shares) against images in place"
bash "$repo/bench/compare-image-versions.sh" "$(share "$main_scale")" "$runs" "$work/images"
echo; echo "## How cost grows"
shares=(); for scale in $scales; do shares+=("$(share "$scale")"); done
bash "$repo/bench/scaling.sh" "$runs" "${shares[@]}"
