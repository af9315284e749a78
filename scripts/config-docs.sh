#!/usr/bin/env bash
# Regenerates the configuration tables of README.md and docs/*.md from cdk/Shared/Configuration/SettingsSchema.cs,
# the one description of every configuration key. `--check` only reports documents that are out of date.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet run --project cdk/ConfigDocs/EdgeMlOps.Cdk.ConfigDocs.csproj -v:q -- "$@"
