#!/usr/bin/env bash
# Benchmarks the inference pipeline (see edge-component/README.md, "Benchmark").
# Usage: edge-component/run-benchmark.sh [--frames N] [--bare-frames N] [--soak N] [--threads 1,2] [--images DIR] [--model FILE] [--spinning] [--drift] [--soak-only] [--acceptance K] [--shadow-only] [--shadow-frames N] [--shadow-every K]
# --drift: only the drift statistics cost per frame at 450x300 and 1920x1080 against the bare inference time.
# Default images: tests/data/dataset/images (the whole 200-file dataset, subfolders included; see its README).
# Default: intra-op threads 1..logical CPUs, 100 bare-inference runs x 2 rounds and 200 pipeline frames per run after
# 30 warm-up frames (~2-3 minutes on an idle 2-core machine); RSS soak: --soak 5000.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dotnet build "$root/edge-component/tools/EdgeMlOps.Edge.Benchmark/EdgeMlOps.Edge.Benchmark.csproj" -c Release --nologo -v q >/dev/null
exec dotnet "$root/edge-component/tools/EdgeMlOps.Edge.Benchmark/bin/Release/net10.0/EdgeMlOps.Edge.Benchmark.dll" "$@"
