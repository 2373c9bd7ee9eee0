#!/usr/bin/env bash
# Runs the Windows layer's test program on a Linux agent: the win-x64 build under Wine, the net472 build under Mono,
# each with a time limit. Prints a summary line in VSTest's form for .ci/run to count, and fails when a test failed,
# the program crashed or hung, or (in CI) the host is missing.
# Usage: run-under-host.sh wine|mono <program.exe> <results.xml> <timeout seconds>
set -uo pipefail
host=$1 program=$2 results=$3 limit=$4
name="$(basename "$program") ($host)"

if ! command -v "$host" >/dev/null 2>&1; then
  package=$([ "$host" = wine ] && echo "wine wine64" || echo "mono-complete")
  if [ "${CI:-}" = true ]; then
    echo "error: the Windows layer needs $host (Debian: apt-get install $package)."
    exit 1
  fi
  echo "warning: the Windows layer's tests of $name were skipped: $host is not installed (Debian: apt-get install $package)."
  exit 0
fi

rm -f "$results"
options=(-noColor -noLogo)
case $host in
  wine)
    # A private prefix beside the results (made on first use, about 15 s); no Gecko installer.
    export WINEPREFIX="$(dirname "$results")/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mshtml="
    # .NET's W^X double mapping of JIT code ends in "Internal CLR error" when a dynamic method is freed under Wine 8.
    export DOTNET_EnableWriteXorExecute=0
    timeout -k 10 "$limit" wine "$program" "${options[@]}" -result-xml "Z:${results//\//\\}"
    status=$?
    wineserver -k 2>/dev/null   # a test's child process left behind must not outlive the run
    ;;
  mono)
    # Mono on Linux has no Windows sharing rules: the tests that need them run under Wine.
    timeout -k 10 "$limit" mono --debug "$program" "${options[@]}" -trait- "Semantics=Windows" -result-xml "$results"
    status=$?
    ;;
esac

if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "error: $name did not finish within $limit s and was stopped."
fi
if [ ! -s "$results" ]; then
  echo "error: $name ended (exit $status) without test results."
  echo "Failed!  - Failed:     1, Passed:     0, Skipped:     0, Total:     1 - $name"
  exit 1
fi

count() { grep -o "<assembly [^>]*" "$results" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' | awk '{s+=$1} END {print s+0}'; }
total=$(count total) passed=$(count passed) failed=$(( $(count failed) + $(count errors) )) skipped=$(count skipped)
verdict=$([ "$failed" -eq 0 ] && [ "$status" -eq 0 ] && echo Passed || echo Failed)
[ "$verdict" = Failed ] && [ "$failed" -eq 0 ] && failed=1
printf '%s!  - Failed: %5d, Passed: %5d, Skipped: %5d, Total: %5d - %s\n' "$verdict" "$failed" "$passed" "$skipped" "$total" "$name"
[ "$verdict" = Passed ]
