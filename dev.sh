#!/usr/bin/env bash
# healthdeck developer entry point.
#   ./dev.sh run       install what is missing, build, open the dashboard on the bundled demo
#   ./dev.sh test      install what is missing, build, run every test: the suite, the suite again under ASan and
#                      UBSan, and each fuzz target for 20 s (what CI runs); --quick runs the suite alone
#   ./dev.sh fuzz [S]  build the libFuzzer targets and run each for S seconds (default 60)
#   ./dev.sh build     install what is missing and build
#   ./dev.sh format    apply .clang-format to the C++ files changed since HEAD; --check checks every tracked file
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
    libyaml-dev libhiredis-dev qtkeychain-qt6-dev libssl-dev
    redis-server prometheus prometheus-alertmanager openssl tzdata fonts-dejavu-core
    python3 file desktop-file-utils appstream groff-base
    clang-14 libclang-rt-14-dev clang-format-14
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

# One compiler cache for every checkout and build folder of the tree: paths below it are hashed as relative ones.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true

build() {
    install_packages
    local p=${1:-$(preset)}
    cmake --preset "$p" >/dev/null
    cmake --build --preset "$p"
}

# Each fuzz target: first the crash inputs kept in fuzz/regressions/<target> (each must now pass), then
# $1 seconds of fuzzing from the seeds made from tests/data. A new crash input lands in fuzz/regressions/<target>.
fuzz() {
    local seconds=$1 failed=0
    build fuzz
    python3 fuzz/make_seeds.py . build-fuzz/seeds
    python3 tests/setup/setup_closure.py --build build-fuzz --dev-sh dev.sh
    for t in config conditions body resp http promtext; do
        local bin=build-fuzz/fuzz/fuzz_$t
        mkdir -p "build-fuzz/corpus/$t" "fuzz/regressions/$t"
        if compgen -G "fuzz/regressions/$t/*" >/dev/null; then
            "$bin" fuzz/regressions/$t/* >"build-fuzz/regressions-$t.log" 2>&1 \
                || { echo "fuzz_$t: a kept regression input fails again (build-fuzz/regressions-$t.log)"; failed=1; }
        fi
        if "$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 -artifact_prefix="fuzz/regressions/$t/" \
            "build-fuzz/corpus/$t" "build-fuzz/seeds/$t" >"build-fuzz/fuzz-$t.log" 2>&1; then
            echo "fuzz_$t: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "build-fuzz/fuzz-$t.log" | grep -o '[0-9]*$') runs in ${seconds} s, no finding"
        else
            echo "fuzz_$t: FOUND a crash, kept in fuzz/regressions/$t/ (build-fuzz/fuzz-$t.log):"
            grep -m3 -E "ERROR|SUMMARY|runtime error" "build-fuzz/fuzz-$t.log" || tail -5 "build-fuzz/fuzz-$t.log"
            failed=1
        fi
    done
    return $failed
}

# The tree is formatted with .clang-format (clang-format 14). `test` checks every tracked C++ file, so a change
# that is not formatted fails CI; `format` rewrites the files changed since HEAD.
cpp_files() { git ls-files -- '*.cpp' '*.h'; }
format_check() {
    local bad
    bad=$(cpp_files | xargs -P2 -n20 clang-format-14 --dry-run 2>&1 | grep -o '^[^:]*\.\(cpp\|h\)' | sort -u || true)
    [ -z "$bad" ] && { echo "format: every C++ file follows .clang-format"; return 0; }
    echo "format: these files differ from .clang-format (run ./dev.sh format):"; echo "$bad"; return 1
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
    install_packages
    format_check
    build
    ctest --preset "$(preset)"
    [ "${2:-}" = "--quick" ] && exit 0
    build asan
    python3 tests/setup/setup_closure.py --build build-asan --dev-sh dev.sh
    ctest --preset asan
    fuzz 20
    ;;
fuzz)
    fuzz "${2:-60}"
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
format)
    install_packages
    if [ "${2:-}" = "--check" ]; then format_check; exit $?; fi
    { git diff --name-only HEAD -- '*.cpp' '*.h'; git ls-files --others --exclude-standard -- '*.cpp' '*.h'; } \
        | sort -u | while read -r f; do [ -f "$f" ] && clang-format-14 -i "$f" && echo "formatted $f"; done
    ;;
packages)
    echo "${PACKAGES[@]}"
    ;;
*)
    echo "usage: ./dev.sh run|test [--quick]|build|package|fuzz [SECONDS]|format [--check]|deps|packages" >&2
    exit 2
    ;;
esac
