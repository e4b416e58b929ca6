#!/usr/bin/env bash
# Installs every build, simulation and synthesis dependency of tasu from Debian 12 packages.
# Idempotent: packages already present are left alone; run as root (or through sudo).
# clang and its runtime libraries serve the sanitize job (ASan, UBSan, libFuzzer).
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build ccache git pkg-config
  verilator libsystemc-dev yosys
  googletest libgtest-dev libfmt-dev nlohmann-json3-dev libcli11-dev libbenchmark-dev
  opensta qflow-tech-osu018 gtkwave
  slurmctld slurmd slurm-client munge python3
  boolector z3
  clang libclang-rt-14-dev
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PKGS[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
