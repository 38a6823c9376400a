#!/bin/bash
# Generator throughput: C++ (libhallmark_generator.so) vs the same architectures in Python PyTorch
# (Debian's python3-torch, the same libtorch_cpu), one process per configuration, alternating.
# Rates are given per CPU second of the process (1 intra-op thread: equal to wall time on an
# idle machine, and robust when other jobs share the cores) and per wall second.
#
#   bench/generator/run.sh [BUILD_DIR]        (default: build; reconfigured with the benchmarks on)
#
# Needs: apt-get install python3-torch (run by /usr/bin/python3: a pyenv python3 lacks torch).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
PY=/usr/bin/python3
cmake -S . -B "$BUILD" -G Ninja -DHALLMARK_WITH_GENERATOR=ON -DHALLMARK_BUILD_BENCH=ON >/dev/null
ninja -C "$BUILD" -j2 generator_bench >/dev/null
export OMP_NUM_THREADS=1
RESULTS=$(mktemp)
run() {  # mode arch batch n
  "$BUILD/bench/generator/generator_bench" "$@" | tee -a "$RESULTS"
  "$PY" bench/generator/python_twin.py "$@" | tee -a "$RESULTS"
}
for arch in dcgan vae; do
  if [ $arch = dcgan ]; then t64=20; t256=8; s=2048; else t64=80; t256=30; s=8192; fi
  run train $arch 64 $t64
  run train $arch 256 $t256
  run sample $arch 64 $s
  run sample $arch 256 $s
done
# An imported TorchScript generator vs the same DCGAN native: python_twin.py exports the native
# architecture (same layers, same initialisation) and the C++ side samples both.
"$PY" bench/generator/python_twin.py export dcgan "$RESULTS.pt"
for b in 64 256; do
  for i in 1 2; do
    "$BUILD/bench/generator/generator_bench" sample dcgan $b 2048 | sed 's/"impl": "cpp"/"impl": "native"/' | tee -a "$RESULTS"
    "$BUILD/bench/generator/generator_bench" sample "torchscript:$RESULTS.pt" $b 2048 | tee -a "$RESULTS"
  done
done
"$PY" - "$RESULTS" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
key = lambda r: (r["mode"], r["arch"], r["batch"])
by = {}
for r in rows:
    by.setdefault(key(r), {})[r["impl"]] = r
print()
print("| measure | model | batch | C++ per CPU-s | Python per CPU-s | C++/Python | C++ / Python per wall-s | peak RSS C++ / Python (MB) |")
print("|---|---|---|---|---|---|---|---|")
for (mode, arch, batch), v in by.items():
    if "python" not in v:
        continue
    c, p = v["cpp"], v["python"]
    unit = "steps/s" if mode == "train" else "img/s"
    print(f"| {mode} {unit} | {arch} | {batch} | {c['cpu_rate']:.2f} | {p['cpu_rate']:.2f} | "
          f"{c['cpu_rate'] / p['cpu_rate']:.2f} | {c['rate']:.2f} / {p['rate']:.2f} | "
          f"{c['peak_rss_mb']:.0f} / {p['peak_rss_mb']:.0f} |")
print()
print("| sample img/s per CPU-s | batch | native DCGAN | imported TorchScript | imported/native |")
print("|---|---|---|---|---|")
for batch in (64, 256):
    nat = [r["cpu_rate"] for r in rows if r["impl"] == "native" and r["batch"] == batch]
    imp = [r["cpu_rate"] for r in rows if r["arch"] == "dcgan-torchscript" and r["batch"] == batch]
    n, i = sum(nat) / len(nat), sum(imp) / len(imp)
    print(f"| | {batch} | {n:.0f} | {i:.0f} | {i / n:.2f} |")
PYEOF
rm -f "$RESULTS" "$RESULTS.pt"
