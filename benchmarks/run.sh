#!/usr/bin/env bash
# The benchmark from a fresh clone: builds the virtual environment, then runs
# `python -m benchmarks.run` with the given arguments (e.g. --sizes 10k for CI).
# PostgreSQL: $NUDGEBOT_BENCH_POSTGRES_URL (default: the local server at 127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap
venv="${NUDGEBOT_VENV:-.venv}"
exec "$venv/bin/python" -m benchmarks.run "$@"
