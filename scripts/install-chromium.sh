#!/usr/bin/env bash
# Installs Debian's Chromium for the browser check of report.html (tests/browser/). Needs root
# and the Debian mirrors; CI runs it from .ci/run. Idempotent: does nothing when it is there.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "chromium: $(chromium --version 2>/dev/null || echo present)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-chromium: needs root (apt-get install chromium)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "chromium: $(chromium --version)"
