#!/usr/bin/env bash
# healthdeck developer entry point.
#   ./dev.sh run       install what is missing, build, open the dashboard on the bundled demo
#   ./dev.sh test      install what is missing, build, run every test
#   ./dev.sh build     install what is missing and build
#   ./dev.sh package   install what is missing, build, and make build/package/healthdeck_<version>_amd64.deb
#   ./dev.sh deps      only install what is missing
#   ./dev.sh packages  print the Debian packages the set-up installs (tests/setup checks the list is complete)
set -euo pipefail
cd "$(dirname "$0")"

# Everything configuring, compiling, testing and packaging needs, installed without recommends, as on a fresh
# machine. tests/setup/setup_closure.py fails when the build reads a file of a package outside this list and its
# hard dependencies: qt6-base-dev only recommends libqt6opengl6-dev, which Qt Charts' CMake files need.
PACKAGES=(
    build-essential cmake ninja-build pkg-config ccache
    qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev
    libqt6sql6-sqlite qt6-qpa-plugins libgl-dev
    libyaml-cpp-dev libhiredis-dev qtkeychain-qt6-dev
    redis-server openssl tzdata fonts-dejavu-core
    python3 file desktop-file-utils appstream groff-base
)
# Only the dashboard needs it: a Korean font for the trading backend's messages.
RUN_PACKAGES=(fonts-nanum)

install_packages() {
    local missing=()
    for p in "${PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "healthdeck: installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

preset() { if [ "${CI:-}" = "true" ]; then echo ci; else echo default; fi; }

build() {
    install_packages
    local p; p=$(preset)
    cmake --preset "$p" >/dev/null
    cmake --build --preset "$p"
}

builddir() { if [ "$(preset)" = ci ]; then echo build-ci; else echo build; fi; }

case "${1:-run}" in
run)
    install_packages "${RUN_PACKAGES[@]}"
    build
    shift || true
    exec "./$(builddir)/healthdeck" demo "$@"
    ;;
test)
    build
    ctest --preset "$(preset)"
    ;;
build)
    build
    ;;
package)
    build
    (cd "$(builddir)" && cpack -G DEB -B package >/dev/null)
    ls "$(builddir)"/package/healthdeck_*_amd64.deb
    ;;
deps)
    install_packages
    ;;
packages)
    echo "${PACKAGES[@]}"
    ;;
*)
    echo "usage: ./dev.sh run|test|build|package|deps|packages" >&2
    exit 2
    ;;
esac
