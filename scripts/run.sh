#!/usr/bin/env bash
# README command (1): sets up what is missing, synthesizes the apps into cdk.out, runs the quality gates,
# runs the edge component on sample images, and prints a summary. Extra arguments go to `cdk synth`
# (e.g. `-c app=training` for one app, `-c env=prod` for config/prod.yaml).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
# shellcheck source=lib/steps.sh
source "$ROOT/scripts/lib/steps.sh"

started=$SECONDS
step "Setting up (scripts/setup.sh: tools, npm packages, NuGet restore)"
bash scripts/setup.sh

mkdir -p .build
step "Building the solution (the first build takes a few minutes)"
dotnet build EdgeMlOpsInfra.sln --nologo -v:q -clp:ErrorsOnly

# Synthesize into a fresh folder and swap it in only on success: a failed run keeps the last good cdk.out.
step "Synthesizing (cdk synth $*) into a temporary folder"
synth_out="$(mktemp -d "$ROOT/.build/cdk.out.XXXXXX")"
trap 'rm -rf "$synth_out"' EXIT
synth_status=0
npx --no-install cdk synth -q -o "$synth_out" "$@" 2>&1 | grep -vE '^(!!|npm warn)' || synth_status=${PIPESTATUS[0]}
if [ "$synth_status" -ne 0 ] || [ ! -f "$synth_out/manifest.json" ]; then
  echo "synthesis failed; cdk.out is unchanged" >&2
  exit 1
fi
rm -rf cdk.out.previous
[ -d cdk.out ] && mv cdk.out cdk.out.previous
mv "$synth_out" cdk.out
rm -rf cdk.out.previous
echo "cloud assembly: $ROOT/cdk.out"

step "Running the quality gates (cfn-guard, asl-validator, SDK integrations, state machine roles)"
gate_args=(--cdk-out cdk.out --statemachines statemachines --repo-root . --json .build/gates.json --suppressions-md .build/suppressions.md)
case " $* " in *" app="*|*"-c app="*) gate_args+=(--partial-assembly) ;; esac
gates_status=0
dotnet run --project cdk/QualityGates/EdgeMlOps.QualityGates.Cli --no-build -- "${gate_args[@]}" || gates_status=$?

step "Running the edge component on sample images"
bash edge-component/run-demo.sh --max-frames 40
step_done

dotnet run --project cdk/Summary --no-build -- --cdk-out cdk.out --gates-json .build/gates.json \
  --suppressions-md .build/suppressions.md --demo-results .build/edge-demo/results.jsonl
echo "total: $((SECONDS - started)) s"
exit "$gates_status"
