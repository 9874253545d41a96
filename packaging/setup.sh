#!/usr/bin/env bash
# One script for a fresh Debian 12 machine: installs what ServeDeck needs with apt-get,
# builds it, then either starts the console (run) or runs every test (test).
#   bash packaging/setup.sh run     build and start the console on its embedded defaults
#   bash packaging/setup.sh test    build and run every test suite, then again under ASan+UBSan,
#                                   the threaded suites under TSan, then the fuzz targets (what CI runs)
set -euo pipefail

mode="${1:-run}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$(nproc 2>/dev/null || echo 2)"

packages=(
    cmake g++ ninja-build pkg-config
    # The faster linker (CMakeLists.txt: SERVEDECK_USE_LLD).
    lld
    qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-charts-dev
    qtkeychain-qt6-dev qt6-httpserver-dev qt6-websockets-dev
    libqt6sql6-sqlite libqt6sql6-psql qt6-l10n-tools qt6-tools-dev qt6-tools-dev-tools libgl-dev
    libyaml-cpp-dev libtomlplusplus-dev libhttp-parser-dev libssl-dev
    xvfb xauth libsecret-1-0 gnome-keyring dbus-x11 fonts-nanum
    clang-14 libclang-rt-14-dev
    # GCC 12's sanitizer runtimes (g++ pulls them in already; named for the asan and tsan stages).
    libasan8 libubsan1 libtsan2
    # The desktop-notification suite starts a private session bus of its own.
    dbus-daemon
    # The PostgreSQL suites start a real server of their own (tests/support/postgresserver.h);
    # setpriv (util-linux) runs it as nobody when the tests run as root, as on CI.
    postgresql util-linux
    # The package checks: the .deb, its desktop file and AppStream metadata; systemd for
    # systemd-analyze verify on the units (nothing is started: it is not made the init).
    dpkg-dev lintian desktop-file-utils appstream systemd
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

# The test builds carry line tables only (-g1): every sanitizer's stack trace still has its
# file:line, and objects are ~40 % smaller and compile ~20 % faster than with full -g (a
# Debug build-test with -g is 8.4 GB, 7 GB of it the test executables).
debug_flags=()
[ "$mode" = test ] && debug_flags=(-DCMAKE_CXX_FLAGS_DEBUG=-g1)

configure() {
    local dir="$1" type="$2"
    shift 2
    cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${debug_flags[@]}" "$@" >/dev/null
}

build() {
    configure "$@" && cmake --build "$1" -j "$jobs"
}

# On CI each stage's build folder goes once the stage is done: four Debug builds side by side
# outgrew the runner's disk (the asan link and the fuzz compiles failed with ENOSPC). Locally
# they stay, for incremental rebuilds.
#   drop_build <build dir>
drop_build() {
    [ "${CI:-}" = "true" ] || return 0
    echo "stage build folder $(basename "$1"): $(du -sh "$1" | cut -f1), removed"
    rm -rf "$1"
}

# ASan, LSan and TSan write every report, from a suite or from a process it started
# (servedeck, the model server, the store writer), to a file under the stage's report folder
# (log_path): any file there fails the stage, and each is printed, since a child's report would
# otherwise be lost in a pipe. GCC 12's UBSan ignores log_path next to ASan and writes to
# stderr (and aborts): its reports are looked for in the suites' output too.
#   show_reports <report folder> <build dir>
reset_reports() {
    rm -rf "$1" && mkdir -p "$1"
}

show_reports() {
    local f found=0 log="$2/Testing/Temporary/LastTest.log"
    for f in "$1"/*; do
        [ -f "$f" ] || continue
        found=1
        echo "---- sanitizer report $(basename "$f"):"
        cat "$f"
    done
    if [ -f "$log" ] && grep -q -E ': runtime error: |ERROR: (Address|Leak)Sanitizer|WARNING: ThreadSanitizer' "$log"; then
        found=1
        echo "---- sanitizer reports in the suites' output ($log):"
        grep -E -A 12 ': runtime error: |ERROR: (Address|Leak)Sanitizer|WARNING: ThreadSanitizer' "$log"
    fi
    [ "$found" -eq 0 ]
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
        # and a failure stops here. The stages after it all run, whatever fails.
        start=$SECONDS
        build "$root/build-test" Debug -DSERVEDECK_WERROR="$werror"
        # Offscreen Qt for every suite: CI has no display.
        export QT_QPA_PLATFORM=offscreen
        status=0
        (cd "$root/build-test" && ctest -j "$jobs" --output-on-failure --timeout 300) || status=$?
        echo "stage plain: $((SECONDS - start)) s"
        [ "$status" -eq 0 ] || exit "$status"
        drop_build "$root/build-test"
        supp="$root/tests/sanitizers"
        # Stage 2, ASan + UBSan: the whole suite again with every object of ServeDeck
        # instrumented (GCC, build-asan). Any report fails the stage: a leak, a bad access,
        # any undefined behaviour (it aborts). Qt is not instrumented; leaks inside Qt,
        # fontconfig, D-Bus or libc go in tests/sanitizers/lsan.supp (none needed today).
        # A failing stage fails the command, but the later stages still run. The package check
        # (label package) is the plain stage's only: the .deb ships that build, not this one.
        start=$SECONDS
        reports="$root/build-asan/sanitizer-reports"
        stage=0
        build "$root/build-asan" Debug -DSERVEDECK_WERROR="$werror" -DSERVEDECK_SANITIZE=address,undefined \
            || stage=$?
        built=$((SECONDS - start))
        if [ "$stage" -eq 0 ]; then
            reset_reports "$reports"
            (cd "$root/build-asan" &&
                ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:halt_on_error=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1" \
                LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0" \
                UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
                ctest -j "$jobs" --output-on-failure --timeout 300 -LE '^(fuzz|bench|package)$') || stage=$?
            show_reports "$reports" "$root/build-asan" || stage=1
        fi
        echo "stage asan: $((SECONDS - start)) s (build $built s, suites $((SECONDS - start - built)) s)"
        [ "$stage" -eq 0 ] || status=$stage
        drop_build "$root/build-asan"
        # Stage 3, TSan: the suites of the threaded parts in build-tsan, only their targets built:
        # the proxy's workers (tests/proxy), the autoscaler (tests/autoscale), the agent's units
        # and the autoscaling end-to-end suite (the control plane, an agent, the proxy and real
        # replicas together). Not test_gpumonitor: TSan reports the monitor's objects, deleted
        # after its thread was joined, as racing with that thread's last poll (which ran
        # nvidia-smi through QProcess), and no Qt frame is on those reports to suppress them by.
        # Qt is not instrumented: its own calls into the C library are ignored
        # (ignore_noninstrumented_modules), the hand-overs it makes through its posted-event queue
        # are suppressed by Qt's frames (tests/sanitizers/tsan.supp), QT_NO_GLIB keeps glib (which
        # Qt would otherwise dispatch events through) out of the picture, and the TSan build tells
        # TSan what QWaitCondition::wait does to its mutex (tests/sanitizers/tsanqtwait.cpp).
        start=$SECONDS
        reports="$root/build-tsan/sanitizer-reports"
        stage=0
        configure "$root/build-tsan" Debug -DSERVEDECK_WERROR="$werror" -DSERVEDECK_SANITIZE=thread &&
            cmake --build "$root/build-tsan" -j "$jobs" --target \
                tests/proxy/all tests/autoscale/all test_agentunits test_autoscaling || stage=$?
        built=$((SECONDS - start))
        if [ "$stage" -eq 0 ]; then
            # Every suite of those folders, whatever is added there later, and the two others.
            tsan_tests="$(for d in proxy autoscale; do
                ctest --test-dir "$root/build-tsan/tests/$d" -N | sed -n 's/^ *Test *#[0-9]*: //p'
            done; echo test_agentunits; echo test_autoscaling)"
            reset_reports "$reports"
            # die_after_fork=0: QProcess starts the model server from a process with threads.
            (cd "$root/build-tsan" &&
                QT_NO_GLIB=1 \
                TSAN_OPTIONS="log_path=$reports/tsan:suppressions=$supp/tsan.supp:print_suppressions=0:halt_on_error=0:second_deadlock_stack=1:die_after_fork=0:ignore_noninstrumented_modules=1" \
                ctest -j "$jobs" --output-on-failure --timeout 300 \
                    -R "^($(echo "$tsan_tests" | paste -sd'|'))\$") || stage=$?
            show_reports "$reports" "$root/build-tsan" || stage=1
        fi
        echo "stage tsan: $((SECONDS - start)) s (build $built s, suites $((SECONDS - start - built)) s)"
        [ "$stage" -eq 0 ] || status=$stage
        drop_build "$root/build-tsan"
        # Stage 4, fuzzing: the parsers of untrusted bytes under libFuzzer + ASan/UBSan (clang,
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
        drop_build "$root/build-fuzz"
        exit "$status"
        ;;
    *)
        echo "usage: $0 run|test" >&2
        exit 2
        ;;
esac
