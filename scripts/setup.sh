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
if [ "${1:-}" = "--browser" ] && [ "${LOCKSTEP_NO_BROWSER:-0}" != 1 ]; then
  install chromium || echo "setup: chromium could not be installed; the headless report test will be skipped" >&2
fi
command -v swift >/dev/null 2>&1 || { echo "setup: the Swift toolchain (6.1 or later) must be on PATH" >&2; exit 1; }
