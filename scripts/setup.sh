#!/usr/bin/env bash
# Installs what Lockstep needs that a fresh Debian machine with the Swift toolchain lacks:
# the C libraries behind the CSecp256k1 and CZ3 targets, and pkg-config to find them.
# With `--browser` (the test command passes it) it also tries to install Debian's chromium,
# which the report test uses to render the auditor's HTML page headlessly; that one is
# best-effort (the test is skipped without a browser; LOCKSTEP_NO_BROWSER=1 skips the install).
# Idempotent and quiet when everything is present.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
updated=0
install() {  # install PKG… that are missing
  local need=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
  [ ${#need[@]} -eq 0 ] && return 0
  echo "setup: installing ${need[*]}" >&2
  if [ $updated = 0 ]; then $SUDO apt-get update -qq && updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}
install pkg-config libsecp256k1-dev libz3-dev
browser=0
for arg in "$@"; do [ "$arg" = "--browser" ] && browser=1; done
if [ $browser = 1 ] && [ "${LOCKSTEP_NO_BROWSER:-0}" != 1 ]; then
  install chromium || echo "setup: chromium could not be installed; the headless report test will be skipped" >&2
fi
# The oracles and tools from PyPI (the execution spec `ethereum-spec-evm`, `pyrevm`, `vyper`) go
# into a virtual environment inside the ignored folder `.build-tools/venv`; the Swift build never
# needs them, and tests that do skip with a message when it is absent. `--no-oracles` (or
# LOCKSTEP_NO_ORACLES=1) skips this step. Best effort: without PyPI the tests that need them skip.
oracles=1
for arg in "$@"; do [ "$arg" = "--no-oracles" ] && oracles=0; done
[ "${LOCKSTEP_NO_ORACLES:-0}" = 1 ] && oracles=0
if [ $oracles = 1 ]; then
  venv="$(cd "$(dirname "$0")/.." && pwd)/.build-tools/venv"
  want="ethereum-execution==2.20.0 pyrevm==0.3.7 vyper==0.4.3"
  if [ "$(cat "$venv/.lockstep-pins" 2>/dev/null)" != "$want" ]; then
    echo "setup: installing the PyPI oracles into $venv ($want)" >&2
    if command -v python3 >/dev/null 2>&1 && python3 -m venv "$venv" >/dev/null 2>&1 \
       && "$venv/bin/pip" install -q --disable-pip-version-check $want >/dev/null 2>&1; then
      echo "$want" > "$venv/.lockstep-pins"
    else
      echo "setup: the PyPI oracles could not be installed; tests that need them will be skipped" >&2
    fi
  fi
fi
command -v swift >/dev/null 2>&1 || { echo "setup: the Swift toolchain (6.1 or later) must be on PATH" >&2; exit 1; }
