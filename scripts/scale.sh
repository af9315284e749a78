#!/usr/bin/env bash
# The scale benchmark (not a test): runs the synthesized workflows at production size under the strict local
# state-machine harness (25,000 history events, 256 KiB payloads, Express limits) with simulated control planes,
# and prints per scenario the outcome, the most history events of any execution, the largest state payload and,
# for the edge scenarios, the health gate's peak time and memory (the real EvaluateFleetHealth handler called in
# process: wall time per call, and the managed bytes one call allocates). The last line:
#   scale: devices=N objects=M max_history_events=H max_payload_bytes=P gate_ms=T gate_mb=R outcome=ok|failed
# Targets: H <= 12,500 and P <= 131,072 (half the quotas), T <= 2,000 and R <= 256; the exit code is 1 if a
# scenario misses them or ends otherwise than expected. SCALE_VERBOSE=1 prints phases and control-plane time.
# Arguments filter scenarios by name (e.g. `bash scripts/scale.sh labeling`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1

bash scripts/setup.sh >/dev/null
printf '==> Building the scale benchmark\n'
dotnet build tests/ScaleBenchmark/EdgeMlOps.ScaleBenchmark.csproj --nologo -v:q -clp:ErrorsOnly
printf '==> Running the scenarios\n'
# jsii's Node version banner is noise here.
dotnet tests/ScaleBenchmark/bin/Debug/net10.0/EdgeMlOps.ScaleBenchmark.dll "$@" 2> >(grep -v '^!!' >&2)
