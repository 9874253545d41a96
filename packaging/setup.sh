#!/usr/bin/env bash
# One script for a fresh Debian 12 machine: installs what ServeDeck needs with apt-get,
# builds it, then either starts the console (run) or runs every test (test).
#   bash packaging/setup.sh run     build and start the console on its embedded defaults
#   bash packaging/setup.sh test    build and run every test suite, then the fuzz targets (what CI runs)
set -euo pipefail

mode="${1:-run}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$(nproc 2>/dev/null || echo 2)"

packages=(
    cmake g++ ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-charts-dev
    qtkeychain-qt6-dev qt6-httpserver-dev qt6-websockets-dev
    libqt6sql6-sqlite libqt6sql6-psql qt6-l10n-tools qt6-tools-dev qt6-tools-dev-tools libgl-dev
    libyaml-cpp-dev libtomlplusplus-dev libhttp-parser-dev libssl-dev
    xvfb xauth libsecret-1-0 gnome-keyring dbus-x11 fonts-nanum
    clang-14 libclang-rt-14-dev
)

install_packages() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
    local dir="$1" type="$2"
    shift 2
    cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
    cmake --build "$dir" -j "$jobs"
}

install_packages
case "$mode" in
    run)
        build "$root/build-release" Release -DSERVEDECK_BUILD_TESTS=OFF
        exec "$root/build-release/bin/servedeck"
        ;;
    test)
        werror=OFF
        [ "${CI:-}" = "true" ] && werror=ON
        # Stage 1, the plain suite: its failures are the quickest signal, so it runs first
        # and a failure stops here.
        start=$SECONDS
        build "$root/build-test" Debug -DSERVEDECK_WERROR="$werror"
        # Offscreen Qt for every suite: CI has no display.
        export QT_QPA_PLATFORM=offscreen
        status=0
        (cd "$root/build-test" && ctest -j "$jobs" --output-on-failure --timeout 300) || status=$?
        echo "stage plain: $((SECONDS - start)) s"
        [ "$status" -eq 0 ] || exit "$status"
        # Stage 2, fuzzing: the parsers of untrusted bytes under libFuzzer + ASan/UBSan (clang,
        # its own build dir), each target for a bounded time on a copy of its seed corpus.
        start=$SECONDS
        build "$root/build-fuzz" Debug -DCMAKE_CXX_COMPILER=clang++-14 -DSERVEDECK_FUZZ=ON
        (cd "$root/build-fuzz" && ctest -j "$jobs" --output-on-failure -L fuzz) || status=$?
        # ctest keeps a passing test's output to itself: show each target's libFuzzer totals.
        awk '/^[0-9]+\/[0-9]+ Test: / { name = $3 }
             /^stat::number_of_executed_units:/ { runs = $2 }
             /^stat::average_exec_per_sec:/ { printf "  %s: %s execs, %s exec/s\n", name, runs, $2 }' \
            "$root/build-fuzz/Testing/Temporary/LastTest.log" || true
        echo "stage fuzz: $((SECONDS - start)) s"
        exit "$status"
        ;;
    *)
        echo "usage: $0 run|test" >&2
        exit 2
        ;;
esac
