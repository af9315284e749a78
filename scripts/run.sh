#!/usr/bin/env bash
# README command (1): sets up what is missing, synthesizes the apps into cdk.out, runs the quality gates,
# runs the edge component on sample images, and prints a summary. Extra arguments go to `cdk synth`
# (e.g. `-c app=training` for one app, `-c env=prod` for config/prod.yaml).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1

bash scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }
mkdir -p .build

step "Building the solution"
dotnet build EdgeMlOpsInfra.sln --nologo -v:q -clp:ErrorsOnly

step "Synthesizing into cdk.out (cdk synth $*)"
rm -rf cdk.out
npx --no-install cdk synth -q "$@" 2>&1 | grep -vE '^(!!|npm warn)' || true
[ -f cdk.out/manifest.json ] || { echo "synthesis failed" >&2; exit 1; }

step "Running the quality gates"
gate_args=(--cdk-out cdk.out --statemachines statemachines --repo-root . --json .build/gates.json --suppressions-md .build/suppressions.md)
case " $* " in *" app="*|*"-c app="*) gate_args+=(--partial-assembly) ;; esac
gates_status=0
dotnet run --project cdk/QualityGates/EdgeMlOps.QualityGates.Cli --no-build -- "${gate_args[@]}" || gates_status=$?

step "Running the edge component on sample images"
bash edge-component/run-demo.sh --max-frames 40

dotnet run --project cdk/Summary --no-build -- --cdk-out cdk.out --gates-json .build/gates.json
exit "$gates_status"
