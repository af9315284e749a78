#!/usr/bin/env sh
# Unit tests of the training scripts' pure helpers (stdlib unittest; ultralytics is not needed).
set -eu
cd "$(dirname "$0")"
exec python3 -m unittest discover -s tests -t . -v
