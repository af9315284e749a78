#!/usr/bin/env bash
# Test suites that are not .NET: the training container scripts (Python unittest).
# Prints "suite: N passed, N failed, N skipped" per suite for scripts/test.sh to add up.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
status=0

log="$(mktemp)"
bash "$ROOT/cdk/ModelTraining/scripts/run_tests.sh" > "$log" 2>&1
suite_status=$?
cat "$log"
ran="$(sed -nE 's/^Ran ([0-9]+) tests?.*/\1/p' "$log" | tail -1)"
failures="$(sed -nE 's/^FAILED \((.*)\)$/\1/p' "$log" | grep -oE '(failures|errors)=[0-9]+' | awk -F= '{s+=$2} END {print s+0}')"
skips="$(sed -nE 's/.*skipped=([0-9]+).*/\1/p' "$log" | tail -1)"
ran=${ran:-0}; failures=${failures:-0}; skips=${skips:-0}
if [ "$suite_status" -ne 0 ] && [ "$failures" -eq 0 ]; then failures=1; status=1; fi
[ "$suite_status" -ne 0 ] && status=1
echo "suite: $((ran - failures - skips)) passed, $failures failed, $skips skipped"
exit $status
