#!/usr/bin/env bash
# Installs what pixsync needs to build, test and run its demo on Debian 12. Idempotent:
# packages already present are left alone, so a second run is quick.
# Usage: scripts/install-deps.sh [--build]   (--build: only what building and packaging need)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ca-certificates
  libcurl4-openssl-dev rapidjson-dev libcli11-dev libpoco-dev libsqlite3-dev libvips-dev
)
if [ "${1:-}" != "--build" ]; then
  packages+=(
    git libvips-tools libheif-examples
    libgtest-dev libgmock-dev
    python3 python3-aiosmtpd openssl
    clang libclang-rt-14-dev clang-format gcovr ccache
    chromium fonts-dejavu-core
  )
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
