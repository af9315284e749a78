#!/usr/bin/env bash
# Rewrites ASL files with their states in the order an execution first visits them (depth-first from StartAt along
# Next, Choices, Default and Catch; Map and Parallel state machines likewise). Content and formatting of each state
# stay as they are. Arguments: the files (default: every statemachines/*.asl.json); `--check` only reports.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
args=("$@")
files=0
for a in "${args[@]}"; do [ "$a" != "--check" ] && files=$((files + 1)); done
[ "$files" -eq 0 ] && args+=(statemachines/*.asl.json)
dotnet run --project cdk/QualityGates/EdgeMlOps.QualityGates.Cli -v:q -- reorder "${args[@]}"
