#!/usr/bin/env bash
# Runs the inference component locally on the sample images with the generated YOLOv8n-architecture model and
# prints a run summary. Extra arguments go to the component (e.g. --no-pipelining, --confidence 0.1, --max-frames 200).
# Outputs: .build/edge-demo/results.jsonl (one result per line, then the final health message).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/.build/edge-demo"
models="$root/.build/edge-models"
mkdir -p "$out" "$models"

dotnet build "$root/edge-component/tools/EdgeMlOps.Edge.ModelGen/EdgeMlOps.Edge.ModelGen.csproj" -c Release --nologo -v q >/dev/null
dotnet build "$root/edge-component/src/EdgeMlOps.Edge.Component/EdgeMlOps.Edge.Component.csproj" -c Release --nologo -v q >/dev/null
dotnet "$root/edge-component/tools/EdgeMlOps.Edge.ModelGen/bin/Release/net10.0/EdgeMlOps.Edge.ModelGen.dll" --out "$models"

dotnet "$root/edge-component/src/EdgeMlOps.Edge.Component/bin/Release/net8.0/EdgeMlOps.Edge.Component.dll" \
  --demo \
  --model "$models/yolov8n-640-seeded.onnx" \
  --images "$root/tests/data/edge/images" \
  --onnxruntime "$root/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1" \
  --thing-name demo-device \
  --model-component-version 1.0.0 --model-package-version demo \
  --results-file "$out/results.jsonl" \
  "$@"

echo "first result: $(head -n 1 "$out/results.jsonl")"
echo "results: $out/results.jsonl ($(grep -c '"inference-result"' "$out/results.jsonl") result lines, last line is the health message)"
