#!/usr/bin/env sh
# Tests of the training scripts (stdlib unittest): the pure helpers, and train.py/evaluate.py end to end as processes
# against the stand-in ultralytics in tests/stand_in (needs numpy, onnx, PIL and yaml: scripts/setup.sh installs
# Debian's python3-onnx and python3-pil, which only Debian's own /usr/bin/python3 sees).
# PYTHON overrides the interpreter; otherwise the first python3 that can import them is used.
set -eu
cd "$(dirname "$0")"
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3
  for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import numpy, onnx, PIL, yaml" >/dev/null 2>&1; then
      PYTHON="$candidate"
      break
    fi
  done
fi
echo "python: $(command -v "$PYTHON") ($("$PYTHON" --version 2>&1))"
exec "$PYTHON" -m unittest discover -s tests -t . -v
