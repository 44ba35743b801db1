#!/usr/bin/env bash
# The long fuzz run: 10,000 seeded mutation cases (synthetic and, with ../shared, real-layout inputs)
# through the real extraction; prints the tally and exits 1 if any case broke the promise.
# Usage: perf/fuzz.sh [CASES] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project perf/Fuzz -- --cases "${1:-10000}" --seed "${2:-1}"
