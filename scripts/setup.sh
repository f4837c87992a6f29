#!/usr/bin/env bash
# Installs what Lockstep needs that a fresh Debian machine with the Swift toolchain lacks:
# the C libraries behind the CSecp256k1 and CZ3 targets, and pkg-config to find them.
# Idempotent and quiet when everything is present.
set -euo pipefail
need=()
for pkg in pkg-config libsecp256k1-dev libz3-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v swift >/dev/null 2>&1 || { echo "setup: the Swift toolchain (6.1 or later) must be on PATH" >&2; exit 1; }
