#!/usr/bin/env bash
# Runs the SharpGrad benchmark and its PyTorch reference, each workload in its own process (so that the peak working
# set is per workload), and prints a ratio table with the performance targets.
#   bench/compare.sh [--data DIR] [--threads N] [--out DIR] [workload ...]
# Targets: sgemm with square n >= 512 at least PyTorch's GFLOPS; fit, sine, regression, mlp, deep and cnn at least
# 2x faster than PyTorch (time ratio <= 0.5). The raw JSON lines are kept in --out (default: a fresh temporary folder).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data=/usr/share/datasets/fashion-mnist
threads=2
out=""
workloads=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) workloads+=("$1"); shift ;;
  esac
done
[ ${#workloads[@]} -eq 0 ] && workloads=(fashion-load sgemm fit sine regression mlp deep cnn)
[ -z "$out" ] && out="$(mktemp -d -t sharpgrad-bench.XXXXXX)"
mkdir -p "$out"
python="${PYTHON:-/usr/bin/python3}"

dotnet build -c Release -v quiet -nologo "$here/SharpGrad.Bench" >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
bench="$here/SharpGrad.Bench/bin/Release/net10.0/SharpGrad.Bench"

echo "uptime: $(uptime)" | tee "$out/uptime.txt"
: >"$out/sharpgrad.jsonl"
: >"$out/pytorch.jsonl"
for w in "${workloads[@]}"; do
  echo "running $w ..." >&2
  "$bench" "$w" --data "$data" --threads "$threads" | tee -a "$out/sharpgrad.jsonl" >&2
  "$python" "$here/torch_reference.py" "$w" --data "$data" --threads "$threads" | tee -a "$out/pytorch.jsonl" >&2
done
echo "uptime: $(uptime)" | tee -a "$out/uptime.txt"
echo "raw results: $out" >&2

"$python" - "$out/sharpgrad.jsonl" "$out/pytorch.jsonl" <<'PY'
import json, sys

def load(path):
    rows = {}
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            r = json.loads(line)
            rows[(r["workload"], r.get("shape"))] = r
    return rows

sg, pt = load(sys.argv[1]), load(sys.argv[2])
timed_targets = {"fit", "sine", "regression", "mlp", "deep", "cnn"}
header = f"{'workload':<14}{'shape':<34}{'unit':<12}{'SharpGrad':>11}{'PyTorch':>11}{'ratio':>8}  {'SG MB':>7}{'PT MB':>7}  {'SG alloc/unit':>14}{'SG gen2':>8}  target"
blas = next(iter(pt.values()), {}).get("blas")
print(f"PyTorch BLAS: {blas}")
if blas and "/blas/" in blas:
    print("WARNING: PyTorch uses the netlib reference BLAS; install libopenblas0-pthread for a meaningful reference")
print(header)
print("-" * len(header))
met = missed = 0
for key, s in sg.items():
    p = pt.get(key)
    if p is None:
        continue
    workload, shape = key
    if workload == "sgemm":
        unit, a, b = "GFLOPS", s["gflops"], p["gflops"]
        ratio = a / b
        square = shape.isdigit()
        target = "n/a" if not (square and int(shape) >= 512) else ("met" if ratio >= 1 else "MISSED (>= 1x)")
        fmt = "{:>11.2f}{:>11.2f}"
    else:
        unit, a, b = "s/" + s["per"].replace(" steps", "st"), s["seconds"], p["seconds"]
        ratio = a / b
        target = "met" if workload in timed_targets and ratio <= 0.5 else ("MISSED (<= 0.5x)" if workload in timed_targets else "n/a")
        fmt = "{:>11.4f}{:>11.4f}"
    met += target == "met"
    missed += target.startswith("MISSED")
    alloc = s.get("alloc_bytes")
    alloc_text = f"{alloc / 1048576:.1f} MB" if alloc is not None else "-"
    print(f"{workload:<14}{(shape or ''):<34}{unit:<12}" + fmt.format(a, b) + f"{ratio:>8.2f}  {s['peak_working_set_mb']:>7.0f}{p['peak_working_set_mb']:>7.0f}  {alloc_text:>14}{s['gen2']:>8}  {target}")
    for extra in ("test_accuracy",):
        if extra in s:
            print(f"{'':<14}{extra}: SharpGrad {s[extra]}, PyTorch {p[extra]}")
print(f"\nratio = SharpGrad / PyTorch (GFLOPS for sgemm: higher is better; time otherwise: lower is better). targets met: {met}, missed: {missed}")
PY
