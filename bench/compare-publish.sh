#!/usr/bin/env bash
# Full and no-op publish of a share with MdtShare.Build (`dotnet build -t:Publish`, MSBuild start-up included)
# side by side with `cp -a` and `rsync -a --delete`, alternating the tools run by run, page cache warm.
#
#   bash bench/compare-publish.sh SHARE_DIR [RUNS] [WORK_DIR]
#
# Needs: the .NET SDK, rsync and GNU time (apt-get install -y rsync time). Prints medians in seconds, ratios to
# ours, and peak memory (MB) of each tool.
set -euo pipefail
share=$(realpath "$1"); runs=${2:-3}; work=${3:-/tmp/mdtshare-bench}
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/common.sh
source "$repo/bench/common.sh"
version=$(sed -n 's:.*<MdtShareVersion>\(.*\)</MdtShareVersion>.*:\1:p' "$repo/Directory.Build.props")

dotnet pack "$repo/src/MdtShare.Build.Tasks/MdtShare.Build.Tasks.csproj" -c Release -o "$repo/artifacts/packages" -nologo -v:q >/dev/null
rm -rf "$work"; mkdir -p "$work/project"
cat > "$work/project/nuget.config" <<XML
<configuration><packageSources><clear /><add key="local" value="$repo/artifacts/packages" /></packageSources></configuration>
XML
echo "{ \"msbuild-sdks\": { \"MdtShare.Build\": \"$version\" } }" > "$work/project/global.json"
cat > "$work/project/deploymentshare.proj" <<XML
<Project Sdk="MdtShare.Build">
  <PropertyGroup>
    <DeploymentShare>$share</DeploymentShare>
    <DeployRoot>\\\\MDTCLUSTER\\Distribution\$</DeployRoot>
    <!-- The generated Boot/LiteTouchPE_*.wim hold random bytes, not WIM images: measure the mirror, not patching. -->
    <WimlibImagex>$work/no-wimlib</WimlibImagex>
  </PropertyGroup>
  <ItemGroup><PublishTarget Include="$work/ours" /></ItemGroup>
</Project>
XML
export NUGET_PACKAGES="$work/nuget" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
ours() { dotnet build "$work/project/deploymentshare.proj" -t:Publish -nologo -tl:off -v:q -nodeReuse:false "$@" >/dev/null; }
ours || { dotnet build "$work/project/deploymentshare.proj" -t:Publish -nologo -tl:off -v:m; exit 1; }  # restore and warm up
tar cf - -C "$share" . | cat > /dev/null   # warm the page cache (tar skips reading data when writing to /dev/null itself)

: > "$work/results"
for run in $(seq "$runs"); do
  rm -rf "$work/ours" "$work/cp" "$work/rsync"; sync
  measure full-cp cp -a "$share" "$work/cp"
  measure full-rsync rsync -a --delete "$share/" "$work/rsync/"
  measure full-ours dotnet build "$work/project/deploymentshare.proj" -t:Publish -nologo -tl:off -v:q -nodeReuse:false
  measure noop-rsync rsync -a --delete "$share/" "$work/rsync/"
  measure noop-ours dotnet build "$work/project/deploymentshare.proj" -t:Publish -nologo -tl:off -v:q -nodeReuse:false
done

files=$(find "$share" -type f | wc -l); bytes=$(du -sb "$share" | cut -f1)
echo "share: $files files, $(awk -v b="$bytes" 'BEGIN { printf "%.2f GiB", b / 2^30 }'); $runs runs each, alternating; $(nproc) cores"
print_medians "full-cp full-rsync full-ours noop-rsync noop-ours" "full=full-ours noop=noop-ours"
