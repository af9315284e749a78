#!/usr/bin/env bash
# The whole loop on this machine, without AWS: a model approval runs the synthesized edge deployment workflow,
# simulated Greengrass core devices install and run the real inference component (five scenarios: a first release,
# a good candidate promoted after shadow, and a blind, a disagreeing and a faulty candidate rolled back on the canary),
# one device's camera drifts (darkened, blurred frames), the labeling workflow picks up the images the devices captured
# and its LabelsUpdated event starts the training workflow with reason drift; then the staged promotion
# (config/twin-staged.yaml: dev approval -> pre-production -> a person approves -> production, the same artifact on
# every device). Prints a report of the run
# (the full report is written to .build/twin/report.txt). Arguments go to the twin (--env, --time-scale, --work-dir).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1

# shellcheck source=lib/steps.sh
source "$ROOT/scripts/lib/steps.sh"

step "Setting up (scripts/setup.sh)"
bash scripts/setup.sh
step "Building the local digital twin"
dotnet build tests/LocalTwin/EdgeMlOps.LocalTwin.csproj --nologo -v:q -clp:ErrorsOnly
step "Running the local digital twin (each of its steps prints as it runs)"
# jsii's Node version banner is noise here.
dotnet tests/LocalTwin/bin/Debug/net10.0/EdgeMlOps.LocalTwin.dll "$@" 2> >(grep -v '^!!' >&2)
