#!/usr/bin/env bash
# The test command: installs missing C libraries, then runs the whole suite (unit tests, the
# state-test slice, the property gate, the report page rendered in headless chromium). Extra
# arguments go to `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
swift test "$@"
