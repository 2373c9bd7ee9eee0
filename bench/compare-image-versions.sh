#!/usr/bin/env bash
# What publishing images side by side costs (MdtShareImageVersions, docs/reference.md "Live shares"): the same
# generated share published by two projects, one with image versions (the default) and one with
# MdtShareImageVersions=false (images replaced in place), each to its own target. The first publish of each, then
# no-op publishes in an order rotated run by run, page cache warm, each build's write-back counted in its time.
#
#   bash bench/compare-image-versions.sh SHARE_DIR [RUNS] [WORK_DIR]
#
# SHARE_DIR: a generated share (bench/generate_share.py), whose Control/OperatingSystems.xml names its three images.
set -euo pipefail
share=$(realpath "$1"); runs=${2:-5}; work=${3:-/tmp/mdtshare-bench-images}
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/common.sh
source "$repo/bench/common.sh"

rm -rf "$work"; mkdir -p "$work"
dotnet pack "$repo/src/MdtShare.Build.Tasks/MdtShare.Build.Tasks.csproj" -c Release -o "$work/packages" -nologo -v:q >/dev/null
export NUGET_PACKAGES="$work/nuget" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
write_project "$work/versions" "$work/target-versions"
write_project "$work/inplace" "$work/target-inplace" "
    <MdtShareImageVersions>false</MdtShareImageVersions>"
build() { dotnet build "$work/$1/deploymentshare.proj" -t:Publish -nologo -tl:off -v:q -nodeReuse:false; }
export -f build; export work
tar cf - -C "$share" . | cat > /dev/null   # warm the page cache

: > "$work/results"
synced full-versions build versions
synced full-inplace build inplace
ls "$work/target-versions/Operating Systems/Windows 11 x64/" | grep -q '^install\.[0-9a-f]\{12\}\.wim$' || { echo "no versioned image published" >&2; exit 1; }
for run in $(seq 1 "$runs"); do
  for step in $(rotated "$run" noop-versions noop-inplace); do synced "$step" build "${step#noop-}"; done
done
print_medians "full-versions full-inplace noop-versions noop-inplace" "full=full-inplace noop=noop-inplace"
