#!/usr/bin/env bash
# Installs everything EdgeMlOpsInfra needs on a Debian machine that has the .NET SDK and Node.js.
# Safe to run again: each step checks first and only installs what is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1

# shellcheck source=lib/steps.sh
source "$ROOT/scripts/lib/steps.sh"
fail() { printf 'setup: %s\n' "$*" >&2; exit 1; }

step "Checking the .NET SDK pinned in global.json"
command -v dotnet >/dev/null || fail "the .NET SDK is missing: install .NET SDK 10.0 (https://learn.microsoft.com/dotnet/core/install/linux-debian), then run this again"
dotnet --version >/dev/null 2>&1 || fail "the installed .NET SDK does not satisfy global.json ($(tr -d '\n ' < global.json)); install SDK 10.0.100 or later 10.0.x"
echo "dotnet $(dotnet --version)"

step "Checking Node.js (the CDK CLI and the check tools run on it)"
command -v node >/dev/null && command -v npm >/dev/null || fail "Node.js 20+ with npm is missing: install it (apt-get install nodejs npm), then run this again"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || fail "Node.js $(node --version) is too old: version 20 or later is needed"
echo "node $(node --version), npm $(npm --version 2>/dev/null)"

step "Checking Python 3 (the training scripts' tests run on it)"
command -v python3 >/dev/null || fail "python3 is missing: install it (apt-get install python3), then run this again"
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)' || fail "$(python3 --version 2>&1) is too old: Python 3.8 or later is needed"
python3 --version

step "Checking native libraries (libjpeg-turbo's TurboJPEG for the edge component)"
if ldconfig -p 2>/dev/null | grep -q 'libturbojpeg.so.0'; then
  echo "libturbojpeg0 present"
else
  echo "libturbojpeg0 missing: installing it with apt-get"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || fail "libturbojpeg0 is missing and this user cannot install it: run 'apt-get install libturbojpeg0' as root"
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libturbojpeg0 >/dev/null
  echo "libturbojpeg0 installed"
fi

step "Checking the Python packages of the training-script tests (numpy, onnx, PIL, yaml)"
# The tests run train.py and evaluate.py against a stand-in ultralytics that writes real ONNX files. Debian's
# packages land in Debian's own interpreter (/usr/bin/python3), which cdk/ModelTraining/scripts/run_tests.sh picks.
python_modules="numpy onnx PIL yaml"
if /usr/bin/python3 -c "import ${python_modules// /, }" >/dev/null 2>&1; then
  echo "present: $python_modules"
else
  missing=()
  /usr/bin/python3 -c "import numpy" >/dev/null 2>&1 || missing+=(python3-numpy)
  /usr/bin/python3 -c "import onnx" >/dev/null 2>&1 || missing+=(python3-onnx)
  /usr/bin/python3 -c "import PIL" >/dev/null 2>&1 || missing+=(python3-pil)
  /usr/bin/python3 -c "import yaml" >/dev/null 2>&1 || missing+=(python3-yaml)
  echo "missing: ${missing[*]}: installing them with apt-get"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || fail "${missing[*]} are missing and this user cannot install them: run 'apt-get install ${missing[*]}' as root"
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  /usr/bin/python3 -c "import ${python_modules// /, }" || fail "installed ${missing[*]} but /usr/bin/python3 still cannot import $python_modules"
  echo "installed ${missing[*]}"
fi

step "Installing the pinned npm tools (package-lock.json)"
# Install scripts stay off: every package used here ships what it needs (aws-crt its prebuilt binaries); nothing downloads at install time.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f node_modules/.edgemlops-lock.sha256 ] && [ "$(cat node_modules/.edgemlops-lock.sha256)" = "$lock_hash" ]; then
  echo "node_modules matches package-lock.json"
else
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.edgemlops-lock.sha256
fi

step "Restoring NuGet packages (Directory.Packages.props)"
dotnet restore EdgeMlOpsInfra.sln --verbosity quiet
echo "restored"
step_done
