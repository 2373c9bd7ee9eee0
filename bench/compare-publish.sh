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

measure() { # name command...: elapsed seconds and peak RSS (KB) from GNU time
  /usr/bin/time -f "%e %M" -o "$work/time" "${@:2}" >/dev/null 2>&1 || { echo "$1 failed" >&2; exit 1; }
  echo "$1 $(tail -1 "$work/time")" >> "$work/results"
}
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
awk '
  { t[$1] = t[$1] " " $2; m[$1] = ($3 > m[$1] ? $3 : m[$1]) }
  function median(list,   a, n, i, j, x) { n = split(list, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }; return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END {
    for (k in t) med[k] = median(t[k])
    printf "%-12s %10s %10s %10s\n", "scenario", "median s", "vs ours", "peak MB"
    split("full-cp full-rsync full-ours noop-rsync noop-ours", order, " ")
    for (i = 1; i <= 5; i++) { k = order[i]; ref = (k ~ /^full/) ? med["full-ours"] : med["noop-ours"]
      printf "%-12s %10.2f %9.2fx %10.0f\n", k, med[k], med[k] / ref, m[k] / 1024 }
  }' "$work/results"
