#!/usr/bin/env bash
# Benchmarks the inference pipeline (see edge-component/README.md, "Benchmark").
# Usage: edge-component/run-benchmark.sh [--frames N] [--threads N] [--images DIR] [--model FILE]
# Default images: tests/data/dataset/images (the whole 200-file dataset, subfolders included; see its README).
# Default 150 measured frames per run after 50 warm-up frames (~1-2 minutes on an idle 2-core machine); soak: --frames 5000.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dotnet build "$root/edge-component/tools/EdgeMlOps.Edge.Benchmark/EdgeMlOps.Edge.Benchmark.csproj" -c Release --nologo -v q >/dev/null
exec dotnet "$root/edge-component/tools/EdgeMlOps.Edge.Benchmark/bin/Release/net10.0/EdgeMlOps.Edge.Benchmark.dll" "$@"
