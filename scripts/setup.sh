#!/usr/bin/env bash
# Installs everything hartvm needs on a fresh Debian/Ubuntu machine: the RISC-V cross toolchain that
# builds the bare-metal guest test programs, dtc, OpenSBI (the --bios FILE firmware the tests boot)
# and the npm dependencies. The Linux guest's own packages (kernel source, Linux cross compiler,
# busybox source) are installed by scripts/guest/build.mjs when it first runs. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf picolibc-riscv64-unknown-elf device-tree-compiler opensbi)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
# `npm install` rather than `npm ci`: this npm leaves other platforms' optional packages (rollup's
# native builds, pulled in by vitest) out of the lock file, and `npm ci` then refuses the lock as out
# of sync. `npm install` installs the same locked versions.
npm install --no-audit --no-fund
