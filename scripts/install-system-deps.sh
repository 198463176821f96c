#!/usr/bin/env bash
# Installs the system libraries Exposure needs on Debian/Ubuntu (Qt's runtime
# libraries, a Secret Service keyring for the keyring tests, the desktop-file
# validators, and for building the bundle ICU's icupkg and a C/C++ compiler).
# Other systems: install the equivalents by hand (see README).
# Usage: scripts/install-system-deps.sh [run|test|package]
set -euo pipefail
what="${1:-run}"

RUN_PACKAGES=(libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1 fonts-dejavu-core)
# icu-devtools: icupkg, with which the bundle build trims ICU's data (its tests run it too).
TEST_PACKAGES=(dbus dbus-x11 gnome-keyring desktop-file-utils appstream xvfb xauth binutils
  icu-devtools)
# gcc, g++: the Linux bundle's numpy is compiled without BLAS (packaging/bundle_env.py).
PACKAGE_PACKAGES=(gcc g++)

packages=("${RUN_PACKAGES[@]}")
if [ "$what" = "test" ] || [ "$what" = "package" ]; then
  packages+=("${TEST_PACKAGES[@]}")
fi
if [ "$what" = "package" ]; then
  packages+=("${PACKAGE_PACKAGES[@]}")
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian/Ubuntu system: make sure Qt 6's runtime libraries are installed (see README)." >&2
  exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Please install these packages, then run the command again: ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
