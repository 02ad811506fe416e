#!/usr/bin/env bash
# Runs examples (all, or those named: ./examples/run-all.sh mnist_l2 sine_numpy) with `dotnet run -c Release` from the
# repository root and prints, per example, its last lines of output (where the numbers quoted in examples/README.md
# come from) and the wall time. The full output of each goes to runs/examples-output/<name>.txt.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p runs/examples-output
names=("$@")
[ ${#names[@]} -eq 0 ] && names=($(ls examples/*.cs | xargs -n1 basename | sed 's/\.cs$//'))
status=0
for name in "${names[@]}"; do
    args=()
    [ "$name" = tutorial ] && args=(-- --small --no-dashboard --out runs/examples-output/tutorial)
    out="runs/examples-output/$name.txt"
    start=$(date +%s%N)
    if timeout 600 dotnet run -c Release "examples/$name.cs" "${args[@]}" </dev/null >"$out" 2>&1; then result=ok; else result="FAILED ($?)"; status=1; fi
    printf '== %s: %s, %d s\n' "$name" "$result" $(( ($(date +%s%N) - start) / 1000000000 ))
    grep -E 'Test set|accuracy|Accuracy|loss|Loss|stopp' "$out" | tail -n 4 | sed 's/^/   /'
done
exit $status
