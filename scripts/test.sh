#!/usr/bin/env bash
# README command (2): sets up what is missing, builds, and runs the whole test suite.
# Ends with one line "Tests: N passed, N failed, N skipped" summing every test assembly and script suite.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1

# shellcheck source=lib/steps.sh
source "$ROOT/scripts/lib/steps.sh"

step "Setting up (scripts/setup.sh: tools, npm packages, NuGet restore)"
bash scripts/setup.sh || exit 1

step "Building the solution (the first build takes a few minutes)"
dotnet build EdgeMlOpsInfra.sln --nologo -v:q -clp:ErrorsOnly || { echo "Tests: 0 passed, 1 failed, 0 skipped"; exit 1; }

log="$(mktemp)"
step "Running the .NET test projects"
dotnet test EdgeMlOpsInfra.sln --no-build --nologo --logger "console;verbosity=minimal" 2>&1 | tee "$log"
dotnet_status=${PIPESTATUS[0]}

passed=0; failed=0; skipped=0
while read -r f p s; do
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done < <(sed -nE 's/.*(Passed|Failed)! +- Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \3 \4/p' "$log")

script_status=0
if [ -x scripts/test-scripts.sh ]; then
  step "Running the script test suites"
  script_log="$(mktemp)"
  bash scripts/test-scripts.sh 2>&1 | tee "$script_log"
  script_status=${PIPESTATUS[0]}
  while read -r p f s; do
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  done < <(sed -nE 's/^suite: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/p' "$script_log")
fi

step_done
if [ "$dotnet_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$script_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo
echo "Tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
