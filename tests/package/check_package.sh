#!/usr/bin/env bash
# check_package.sh BUILD_DIR VERSION SOURCE_DIR: builds servedeck_VERSION_amd64.deb from BUILD_DIR
# into a throw-away folder and checks it; every step is bounded in time and any failure (or any
# complaint from a validator) fails the test, naming the step.
set -euo pipefail

build="$1"
version="$2"
source="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Nothing of the runs below lands in the caller's home or keychain.
export HOME="$work/home" XDG_RUNTIME_DIR="$work/run" XDG_DATA_HOME="$work/home/data" XDG_CONFIG_HOME="$work/home/config"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 0700 "$XDG_RUNTIME_DIR"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# step NAME SECONDS COMMAND...: runs COMMAND within SECONDS, its output in $work/NAME.out.
step() {
    local name="$1" limit="$2" start=$SECONDS rc=0
    shift 2
    timeout --kill-after=10 "$limit" "$@" >"$work/$name.out" 2>&1 || rc=$?
    echo "step $name: $((SECONDS - start)) s, exit $rc"
    if [ "$rc" -ne 0 ]; then
        cat "$work/$name.out"
        [ "$rc" -eq 124 ] && fail "$name: not done within $limit s"
        fail "$name: exit status $rc"
    fi
}

# A validator that passes but still prints something (a warning, a hint) fails the check too.
quiet() {
    local name="$1"
    # Through a file: with pipefail, a grep -q that stops reading early would fail the pipe.
    grep -v -E "$2" "$work/$name.out" >"$work/$name.left" || true
    if grep -q . "$work/$name.left"; then
        cat "$work/$name.out"
        fail "$name: complaints above"
    fi
}

# 1. The package, from this build (CPack strips the Debug binaries: CPACK_STRIP_FILES).
step cpack 180 cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out"
deb="$work/out/servedeck_${version}_amd64.deb"
[ -f "$deb" ] || fail "cpack: no $deb"

# 2. lintian: no error or warning left (the package's own overrides, each with its reason, apply).
step lintian 180 lintian --fail-on error,warning "$deb"
quiet lintian '^running with root privileges is not recommended!$'

# 3. Unpacked as dpkg would, into a throw-away root.
root="$work/root"
step unpack 60 dpkg -x "$deb" "$root"
for path in usr/bin/servedeck usr/bin/servedeck-model-server \
    usr/share/applications/io.servedeck.ServeDeck.desktop \
    usr/share/metainfo/io.servedeck.ServeDeck.metainfo.xml \
    usr/share/icons/hicolor/scalable/apps/io.servedeck.ServeDeck.svg \
    usr/share/servedeck/models/iris-v1/model-definition.yaml \
    usr/share/servedeck/models/iris-v2/model-definition.toml \
    usr/lib/systemd/system/servedeck.service usr/lib/systemd/system/servedeck-agent.service \
    etc/servedeck/agent.conf; do
    [ -f "$root/$path" ] || fail "unpack: /$path is not in the package"
done
# Stripped: no symbol table left in either binary. (Outputs go through files: with pipefail, a
# grep -q that stops reading early would fail the pipe.)
for binary in servedeck servedeck-model-server; do
    readelf -S --wide "$root/usr/bin/$binary" >"$work/sections.out"
    grep -q ' \.text ' "$work/sections.out" || fail "unpack: /usr/bin/$binary has no sections listed"
    ! grep -q ' \.symtab ' "$work/sections.out" || fail "unpack: /usr/bin/$binary is not stripped"
done
# The agent's join string is a secret: only root reads the conffile.
[ "$(stat -c %a "$root/etc/servedeck/agent.conf")" = 600 ] || fail "unpack: agent.conf is not mode 0600"
dpkg-deb -e "$deb" "$work/control"
grep -qx /etc/servedeck/agent.conf "$work/control/conffiles" || fail "unpack: agent.conf is not a conffile"
# Dependencies: computed from the binaries (shlibdeps) and the SQL driver plugins named by hand.
dpkg-deb -f "$deb" Depends >"$work/depends.out"
for dependency in libqt6core6 libqt6widgets6 libqt6sql6-sqlite libqt6sql6-psql; do
    grep -q -E "(^|, )$dependency( |,|$)" "$work/depends.out" || fail "unpack: Depends lacks $dependency: $(cat "$work/depends.out")"
done
# The Korean translation is compiled into the binary (:/i18n/servedeck_ko.qm, where the console
# loads it from): its name in the resource tree (UTF-16) is there.
strings -e b "$root/usr/bin/servedeck" >"$work/strings.out"
grep -qx servedeck_ko.qm "$work/strings.out" || fail "unpack: no servedeck_ko.qm resource in servedeck"

# 4. The desktop entry and the AppStream metadata.
step appstream 60 appstreamcli validate --no-net "$root/usr/share/metainfo/io.servedeck.ServeDeck.metainfo.xml"
step desktop 60 desktop-file-validate "$root/usr/share/applications/io.servedeck.ServeDeck.desktop"
quiet desktop '^$'

# 5. The units, against the unpacked root (its ExecStart binaries) and a copy of this machine's
#    own units (the targets they hang off). Without `man`: not every machine has man-db.
command -v systemd-analyze >/dev/null && [ -d /lib/systemd/system ] ||
    fail "systemd: no systemd-analyze or /lib/systemd/system here (packaging/setup.sh installs systemd)"
mkdir -p "$root/etc/systemd/system"
cp -a /lib/systemd/system/. "$root/etc/systemd/system/"
step systemd 60 systemd-analyze verify --man=no --root="$root" servedeck.service servedeck-agent.service
quiet systemd '^$'

# 6. The unpacked binaries run.
servedeck="$root/usr/bin/servedeck"
step version 30 "$servedeck" --version
grep -q -F "$version" "$work/version.out" || fail "version: '$version' not in: $(cat "$work/version.out")"
# The shipped agent.conf holds no join string yet: the agent says so and exits 2, the status the
# unit does not restart on.
rc=0
timeout 30 "$servedeck" agent --join-file "$root/etc/servedeck/agent.conf" >"$work/agent.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] && grep -q 'must hold one join string' "$work/agent.out" ||
    { cat "$work/agent.out"; fail "agent: exit $rc with the shipped agent.conf, not 2"; }
# With a line added below its comments, that line is what the agent parses as its join string
# (this one has no token, so the join string's own grammar refuses it).
cp "$root/etc/servedeck/agent.conf" "$work/agent.conf"
echo 'servedeck://127.0.0.1:1' >>"$work/agent.conf"
rc=0
timeout 30 "$servedeck" agent --join-file "$work/agent.conf" >"$work/agent.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] && grep -q -i 'token' "$work/agent.out" && ! grep -q 'must hold one join string' "$work/agent.out" ||
    { cat "$work/agent.out"; fail "agent: exit $rc with a join string in agent.conf, not the join string's own error"; }
# The demo on the unpacked models and model server: the folders it deployed are the unpacked
# ones, not the source tree's (the build's last resort), and the server it ran is the unpacked one.
step demo 240 env SERVEDECK_SIGNING_KEY=file "$servedeck" demo --check --data-dir "$work/demo"
grep -q -F "servedeck demo: every step worked" "$work/demo.out" || fail "demo: no success line"
grep -q -F "$root/usr/bin/servedeck-model-server" "$work/demo.out" || fail "demo: the replicas did not run the unpacked model server"
grep -a -q -F "$root/usr/share/servedeck/models/iris-v1" "$work/demo/servedeck.db" ||
    fail "demo: iris-v1 was not deployed from the unpacked /usr/share/servedeck/models"
if grep -a -q -F "$source/resources/models" "$work/demo/servedeck.db"; then
    fail "demo: a model came from the source tree, not the package"
fi

# 7. The units' own command lines, run as systemd would run them but without it (no init here):
#    ExecStart with /usr/bin in the unpacked root and the directories systemd would set. serve
#    gets what a drop-in adds for remote agents (--agents) and free ports; the agent joins it
#    with the join string serve printed, put under the shipped agent.conf's comments.
# unit_command UNIT: ExecStart's words, /usr/bin/ and ${NAME} resolved, in the array `command`.
unit_command() {
    local line
    line="$(sed -n 's/^ExecStart=//p' "$root/usr/lib/systemd/system/$1")"
    [ -n "$line" ] || fail "$1: no ExecStart"
    line="${line//\$\{STATE_DIRECTORY\}/$STATE_DIRECTORY}"
    line="${line//\$\{CREDENTIALS_DIRECTORY\}/$CREDENTIALS_DIRECTORY}"
    line="${line/#\/usr\/bin\//$root/usr/bin/}"
    read -r -a command <<<"$line"
}
# wait_for FILE PATTERN SECONDS PID: until FILE has a line matching PATTERN, while PID lives.
wait_for() {
    local deadline=$((SECONDS + $3))
    until grep -q -E "$2" "$1"; do
        kill -0 "$4" 2>/dev/null || { cat "$1"; fail "$(basename "$1" .out): exited before '$2'"; }
        [ "$SECONDS" -lt "$deadline" ] || { cat "$1"; fail "$(basename "$1" .out): no '$2' within $3 s"; }
        sleep 0.2
    done
}
# stop PID NAME: SIGTERM, then exit status 0 within 30 s.
stop() {
    local rc=0 deadline=$((SECONDS + 30))
    kill -TERM "$1"
    while kill -0 "$1" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    kill -0 "$1" 2>/dev/null && { kill -KILL "$1"; fail "$2: still running 30 s after SIGTERM"; }
    wait "$1" || rc=$?
    [ "$rc" -eq 0 ] || { cat "$work/$2.out"; fail "$2: exit status $rc after SIGTERM"; }
}
start=$SECONDS
STATE_DIRECTORY="$work/state/servedeck"
CREDENTIALS_DIRECTORY="$work/credentials"
mkdir -p -m 0700 "$STATE_DIRECTORY" "$CREDENTIALS_DIRECTORY"
unit_command servedeck.service
"${command[@]}" --api 127.0.0.1:0 --proxy 127.0.0.1:0 --agents 127.0.0.1:0 >"$work/serve.out" 2>&1 &
serve_pid=$!
trap 'kill -KILL $serve_pid ${agent_pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
wait_for "$work/serve.out" '^agent_join=servedeck://' 30 "$serve_pid"
# A service has no keychain: the unit asks for the key file, so the keychain is not even tried.
grep -q -x 'signing_key=file' "$work/serve.out" && grep -q 'signing key: told to use the key file' "$work/serve.out" ||
    { cat "$work/serve.out"; fail "serve: the signing key is not a file by the unit's own choice"; }
[ -f "$STATE_DIRECTORY/servedeck.db" ] || fail "serve: no database in its state directory"
cp "$root/etc/servedeck/agent.conf" "$CREDENTIALS_DIRECTORY/agent.conf"
sed -n 's/^agent_join=//p' "$work/serve.out" >>"$CREDENTIALS_DIRECTORY/agent.conf"
STATE_DIRECTORY="$work/state/servedeck-agent"
mkdir -p -m 0700 "$STATE_DIRECTORY"
unit_command servedeck-agent.service
"${command[@]}" --agent-id package-check >"$work/agent-unit.out" 2>&1 &
agent_pid=$!
wait_for "$work/agent-unit.out" '^connected=' 30 "$agent_pid"
stop "$agent_pid" agent-unit
stop "$serve_pid" serve
echo "step units: $((SECONDS - start)) s"
echo "package check: $deb passed in $SECONDS s"
