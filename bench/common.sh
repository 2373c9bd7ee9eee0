# Shared by the side-by-side scripts: sourced, not run.

# measure NAME COMMAND...: appends "NAME seconds peak-KB" (GNU time) to $work/results; stops on failure.
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "${@:2}" >/dev/null 2>"$work/stderr" || { echo "$1 failed:" >&2; tail -5 "$work/stderr" >&2; exit 1; }
  echo "$1 $(tail -1 "$work/time")" >> "$work/results"
}

# print_medians "SCENARIO..." "PREFIX=REFERENCE...": one line per scenario with its median, its ratio to the
# reference named for its prefix (the part before the first '-'), and its peak memory in MB.
print_medians() {
  awk -v order="$1" -v refs="$2" '
    { t[$1] = t[$1] " " $2; m[$1] = ($3 > m[$1] ? $3 : m[$1]) }
    function median(list,   a, n, i, j, x) { n = split(list, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }; return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END {
      for (k in t) med[k] = median(t[k])
      n = split(refs, pairs, " "); for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); ref[kv[1]] = kv[2] }
      printf "%-20s %10s %10s %10s\n", "scenario", "median s", "vs ours", "peak MB"
      n = split(order, names, " ")
      for (i = 1; i <= n; i++) { k = names[i]; split(k, part, "-")
        printf "%-20s %10.2f %9.2fx %10.0f\n", k, med[k], med[k] / med[ref[part[1]]], m[k] / 1024 }
    }' "$work/results"
}

# rotated K STEP...: the steps, starting with the K-th: no tool always runs first (or last) in its group.
rotated() { local k=$1; shift; local steps=("$@"); for ((i = 0; i < ${#steps[@]}; i++)); do echo "${steps[(i + k) % ${#steps[@]}]}"; done; }

# write_project DIR TARGET [PROPERTIES]: a deploymentshare.proj in DIR (with its nuget.config and global.json) that
# publishes $share to TARGET with the package packed into $work/packages; PROPERTIES are more property elements.
write_project() {
  local version; version=$(sed -n 's:.*<MdtShareVersion>\(.*\)</MdtShareVersion>.*:\1:p' "$repo/Directory.Build.props")
  mkdir -p "$1"
  cat > "$1/nuget.config" <<XML
<configuration><packageSources><clear /><add key="local" value="$work/packages" /></packageSources></configuration>
XML
  echo "{ \"msbuild-sdks\": { \"MdtShare.Build\": \"$version\" } }" > "$1/global.json"
  cat > "$1/deploymentshare.proj" <<XML
<Project Sdk="MdtShare.Build">
  <PropertyGroup>
    <DeploymentShare>$share</DeploymentShare>
    <DeployRoot>\\\\MDTCLUSTER\\Distribution\$</DeployRoot>
    <!-- The generated Boot/LiteTouchPE_*.wim hold random bytes, not WIM images: measure the mirror, not patching. -->
    <MdtShareWimlibImagex>$work/no-wimlib</MdtShareWimlibImagex>${3:-}
  </PropertyGroup>
  <ItemGroup><PublishTarget Include="$2" /></ItemGroup>
</Project>
XML
}

# synced NAME COMMAND...: measure, with the command's write-back part of its time: what earlier tools left dirty is
# written back first (untimed), and the command's own dirty pages after it (timed), since ours flushes every file to
# disk as it goes and cp and rsync do not.
synced() { sync; measure "$1" bash -c '"$@" && sync' _ "${@:2}"; }
