#!/usr/bin/env bash
# The ServeDeck proxy against nginx, both in front of the same servedeck-model-server, under wrk
# with keep-alive at 50 and 500 connections. Prints requests/s and latency for each, and the
# ratio proxy/nginx, for three variants:
#   GET /health, public endpoint, one route (the baseline: the same rows as ever);
#   GET /health with every policy: proxy --policies (private endpoint with a bearer token, two
#     routes weighted 90/10, circuit breaker, counters sampled) against nginx with two weighted
#     upstream servers (9:1) that requires and passes on the Authorization header;
#   POST /predict with a 1 KiB JSON body (one iris input padded with whitespace).
# The public variant also measures bench_tcp_floor, a bare byte relay with no HTTP (the floor any
# user-space proxy pays here: two reads and two writes per request), and prints floor/nginx.
# With SCALING=1, then the proxy alone at 1, 2 and 4 worker threads (SCALING=only: just that).
# Run by hand (never by ctest):
#
#   tests/bench/bench_proxy.sh [build-dir]          (default: build-proxy-rel, a Release build)
#
# Environment: DURATION (s, default 10), WORKERS (proxy threads = nginx workers, default 2),
# WRK_THREADS (default 2), PATH_UNDER_TEST (default /health, the model server's cheapest answer),
# SCALING (1 or only). Needs wrk and nginx (apt-get install -y wrk nginx). Everything listens on
# loopback only, and every process this starts is stopped by its PID on exit, Ctrl-C or kill.
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${1:-$source_dir/build-proxy-rel}
duration=${DURATION:-10}
workers=${WORKERS:-2}
wrk_threads=${WRK_THREADS:-2}
path=${PATH_UNDER_TEST:-/health}
scaling=${SCALING:-0}

for tool in wrk nginx cmake python3 curl; do
    command -v "$tool" >/dev/null || { echo "bench_proxy: $tool is missing (apt-get install -y wrk nginx curl)" >&2; exit 2; }
done
if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build_dir/CMakeCache.txt" \
    || echo "bench_proxy: warning: $build_dir is not a Release build" >&2
cmake --build "$build_dir" --target servedeck-model-server bench_proxy_server bench_tcp_floor -j2 >/dev/null
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d /tmp/servedeck-bench.XXXXXX)
# Every process started below is started from this shell (never inside $(...), whose
# assignments are lost), so its PID is here for cleanup.
pids=()
cleanup() {
    trap - EXIT INT TERM HUP
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
# A signal ends the script through exit, so the EXIT trap runs; each wait below returns at once
# when one comes, rather than when wrk is done.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

stop() {
    local pid=$1 kept=()
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for p in "${pids[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
    pids=("${kept[@]}")
}

# Starts a program that prints listening=127.0.0.1:<port>; sets started_port and started_pid.
start_listener() {
    local log=$1; shift
    "$@" >"$log" 2>"$log.err" &
    started_pid=$!
    pids+=("$started_pid")
    for _ in $(seq 100); do
        if grep -q '^listening=' "$log"; then
            started_port=$(sed -n 's/^listening=.*:\([0-9]*\)$/\1/p' "$log" | head -n1)
            return
        fi
        kill -0 "$started_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "bench_proxy: $* did not start:" >&2; cat "$log.err" >&2; exit 1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {
    for _ in $(seq 50); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && return
        sleep 0.1
    done
    echo "bench_proxy: nothing listens on $1:" >&2; cat "$work/nginx/start.err" >&2; exit 1
}

# wrk in the background and waited for, so a signal to this script is handled at once.
run_wrk() {
    local out=$1; shift
    wrk "$@" >"$out" &
    local pid=$!
    pids+=("$pid")
    wait "$pid"
    local kept=()
    for p in "${pids[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
    pids=("${kept[@]}")
}

# One wrk run; sets result to "rps avg p50 p99 errors" (latencies in ms; errors counts
# non-2xx/3xx answers and socket errors). Extra arguments go to wrk (-H, -s).
measure() {
    local url=$1 connections=$2; shift 2
    run_wrk "$work/wrk.out" -t"$wrk_threads" -c"$connections" -d"${duration}s" --latency "$@" "$url"
    result=$(python3 - "$work/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(value):
    number, unit = float(re.match(r"([\d.]+)", value).group(1)), re.search(r"[a-z]+$", value).group(0)
    return number * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
avg = ms(re.search(r"Latency\s+(\S+)", text).group(1))
p50 = ms(re.search(r"\s50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", text).group(1))
errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|connect|read|write|timeout)[: ]+(\d+)", text))
print(f"{rps:.0f} {avg:.2f} {p50:.2f} {p99:.2f} {errors}")
PY
)
}

warm() {
    run_wrk /dev/null -t1 -c8 -d2s "$@"
}

row() {  # conns server rps avg p50 p99 errors
    printf '%-7s %-6s %10s %9s %9s %9s %7s\n' "$@"
}

header() {
    printf '\n%s\n%-7s %-6s %10s %9s %9s %9s %7s\n' "$1" conns server 'req/s' 'avg ms' 'p50 ms' 'p99 ms' errors
}

ratio() {  # conns proxy-rps proxy-p99 nginx-rps nginx-p99 [direct-rps]
    python3 -c "
c, p, pp, n, np_, d = '$1', $2, $3, $4, $5, ${6:-0}
line = f'{c:<7} ratio  proxy/nginx throughput {p / n:.2f}, p99 latency {pp / max(np_, 0.001):.2f}'
print(line + (f', proxy/direct throughput {p / d:.2f}' if d else ''))"
}

upstream_log=$work/model.log
start_listener "$upstream_log" "$build_dir/bin/servedeck-model-server" \
    --model "$source_dir/resources/models/iris-v1/iris.csv" --version v1 --port 0
upstream=$started_port

# The POST body: one iris input, padded with whitespace (which JSON allows; the model server
# refuses unknown fields) to exactly 1 KiB.
python3 - "$work/predict.json" <<'PY'
import sys
body = '{"features":[5.1,3.5,1.4,0.2]'
body += ' ' * (1024 - len(body) - 1) + '}'
assert len(body) == 1024
open(sys.argv[1], 'w').write(body)
PY
cat >"$work/predict.lua" <<EOF
local file = io.open("$work/predict.json", "rb")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
EOF
status=$(curl -s -o "$work/predict.answer" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$work/predict.json" "http://127.0.0.1:$upstream/predict")
if [ "$status" != 200 ]; then
    echo "bench_proxy: POST /predict answered $status: $(cat "$work/predict.answer")" >&2
    exit 1
fi

# nginx: :nginx_port as the baseline (one upstream server), :nginx_policies_port as the
# policies variant (the same server twice, weighted 9:1 as the proxy's routes).
nginx_port=$(free_port)
nginx_policies_port=$(free_port)
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes $workers;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    upstream model {
        server 127.0.0.1:$upstream;
        keepalive 1024;
    }
    upstream weighted {
        server 127.0.0.1:$upstream weight=9;
        server 127.0.0.1:$upstream weight=1;
        keepalive 1024;
    }
    server {
        listen 127.0.0.1:$nginx_port;
        # The same work as the proxy: strip the endpoint segment, keep-alive upstream, X-Forwarded-For.
        location /bench/ {
            proxy_pass http://model/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_buffering off;
        }
    }
    server {
        listen 127.0.0.1:$nginx_policies_port;
        location /bench/ {
            # nginx verifies no token: it only refuses a request without one, and passes it on.
            if (\$http_authorization = "") { return 401; }
            proxy_pass http://weighted/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_buffering off;
        }
    }
}
EOF
chmod -R a+rwX "$work/nginx"  # nginx's workers run as nobody when started by root

direct_url() { echo "http://127.0.0.1:$upstream$1"; }

echo "upstream 127.0.0.1:$upstream (servedeck-model-server v1); $(nproc) CPUs shared by wrk, the proxy and the upstream"
echo "wrk -t$wrk_threads -d${duration}s, keep-alive"

if [ "$scaling" != only ]; then
    start_listener "$work/proxy.log" "$build_dir/bin/bench_proxy_server" \
        --upstream "127.0.0.1:$upstream" --workers "$workers"
    proxy=$started_port proxy_pid=$started_pid
    start_listener "$work/proxy-policies.log" "$build_dir/bin/bench_proxy_server" \
        --upstream "127.0.0.1:$upstream" --workers "$workers" --policies
    proxy_policies=$started_port proxy_policies_pid=$started_pid
    start_listener "$work/floor.log" "$build_dir/bin/bench_tcp_floor" \
        --upstream "127.0.0.1:$upstream" --workers "$workers"
    floor=$started_port floor_pid=$started_pid
    token=$(sed -n 's/^token=//p' "$work/proxy-policies.log")
    nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/start.err" &
    pids+=($!)
    wait_for_port "$nginx_port"
    wait_for_port "$nginx_policies_port"
    auth="Authorization: Bearer $token"

    # Both policy front ends refuse a request without the token and pass one with it.
    for port in "$proxy_policies" "$nginx_policies_port"; do
        without=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/bench$path")
        with=$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "http://127.0.0.1:$port/bench$path")
        if [ "$without" != 401 ] || [ "$with" != 200 ]; then
            echo "bench_proxy: :$port answers $without without the token, $with with it (want 401, 200)" >&2
            exit 1
        fi
    done

    echo "proxy :$proxy, proxy with policies :$proxy_policies ($workers workers each);" \
        "nginx :$nginx_port, with policies :$nginx_policies_port ($workers workers)"
    # Warm-up: connection pools, caches, CPU frequency.
    warm "http://127.0.0.1:$proxy/bench$path"
    warm "http://127.0.0.1:$nginx_port/bench$path"
    warm "http://127.0.0.1:$floor$path"
    warm -H "$auth" "http://127.0.0.1:$proxy_policies/bench$path"
    warm -H "$auth" "http://127.0.0.1:$nginx_policies_port/bench$path"

    header "GET /bench$path: public endpoint, one route"
    for connections in 50 500; do
        measure "$(direct_url "$path")" "$connections"; read -r d_rps d_avg d_p50 d_p99 d_err <<<"$result"
        measure "http://127.0.0.1:$floor$path" "$connections"; read -r f_rps f_avg f_p50 f_p99 f_err <<<"$result"
        measure "http://127.0.0.1:$proxy/bench$path" "$connections"; read -r p_rps p_avg p_p50 p_p99 p_err <<<"$result"
        measure "http://127.0.0.1:$nginx_port/bench$path" "$connections"; read -r n_rps n_avg n_p50 n_p99 n_err <<<"$result"
        row "$connections" direct "$d_rps" "$d_avg" "$d_p50" "$d_p99" "$d_err"
        row "$connections" floor "$f_rps" "$f_avg" "$f_p50" "$f_p99" "$f_err"
        row "$connections" proxy "$p_rps" "$p_avg" "$p_p50" "$p_p99" "$p_err"
        row "$connections" nginx "$n_rps" "$n_avg" "$n_p50" "$n_p99" "$n_err"
        ratio "$connections" "$p_rps" "$p_p99" "$n_rps" "$n_p99" "$d_rps"
        python3 -c "print(f'{\"$connections\":<7} floor  floor/nginx throughput {$f_rps / $n_rps:.2f}, proxy/floor {$p_rps / $f_rps:.2f}')"
    done
    stop "$floor_pid"

    header "GET /bench$path, every policy: private (bearer token), routes 90/10, circuit breaker, counters"
    for connections in 50 500; do
        measure "http://127.0.0.1:$proxy_policies/bench$path" "$connections" -H "$auth"
        read -r p_rps p_avg p_p50 p_p99 p_err <<<"$result"
        measure "http://127.0.0.1:$nginx_policies_port/bench$path" "$connections" -H "$auth"
        read -r n_rps n_avg n_p50 n_p99 n_err <<<"$result"
        row "$connections" proxy "$p_rps" "$p_avg" "$p_p50" "$p_p99" "$p_err"
        row "$connections" nginx "$n_rps" "$n_avg" "$n_p50" "$n_p99" "$n_err"
        ratio "$connections" "$p_rps" "$p_p99" "$n_rps" "$n_p99"
    done
    # The split the proxy's own counters saw, over the warm-up and both runs.
    curl -s "http://127.0.0.1:$proxy_policies/metrics" | python3 -c '
import re, sys
counts = [int(v) for v in re.findall(r"^servedeck_proxy_route_requests_total\{[^}]*endpoint=\"bench\"[^}]*\} (\d+)$",
                                     sys.stdin.read(), re.M)]
total = sum(counts) or 1
print("        routes: " + " / ".join(f"{100 * c / total:.1f} %" for c in sorted(counts, reverse=True))
      + " of the requests (weights 90 / 10)")'

    header "POST /bench/predict, 1 KiB JSON body"
    warm -s "$work/predict.lua" "http://127.0.0.1:$proxy/bench/predict"
    warm -s "$work/predict.lua" "http://127.0.0.1:$nginx_port/bench/predict"
    for connections in 50 500; do
        measure "$(direct_url /predict)" "$connections" -s "$work/predict.lua"
        read -r d_rps d_avg d_p50 d_p99 d_err <<<"$result"
        measure "http://127.0.0.1:$proxy/bench/predict" "$connections" -s "$work/predict.lua"
        read -r p_rps p_avg p_p50 p_p99 p_err <<<"$result"
        measure "http://127.0.0.1:$nginx_port/bench/predict" "$connections" -s "$work/predict.lua"
        read -r n_rps n_avg n_p50 n_p99 n_err <<<"$result"
        row "$connections" direct "$d_rps" "$d_avg" "$d_p50" "$d_p99" "$d_err"
        row "$connections" proxy "$p_rps" "$p_avg" "$p_p50" "$p_p99" "$p_err"
        row "$connections" nginx "$n_rps" "$n_avg" "$n_p50" "$n_p99" "$n_err"
        ratio "$connections" "$p_rps" "$p_p99" "$n_rps" "$n_p99" "$d_rps"
    done
    # The scaling runs below start proxies of their own: these leave the cores to them.
    stop "$proxy_pid"
    stop "$proxy_policies_pid"
fi

if [ "$scaling" = 1 ] || [ "$scaling" = only ]; then
    printf '\nScaling: the proxy alone (public, one route), GET /bench%s\n' "$path"
    printf '%-8s %12s %10s %12s %10s %9s\n' workers 'req/s @500' 'p99 ms' 'req/s @50' 'p99 ms' errors
    for n in 1 2 4; do
        start_listener "$work/proxy-$n.log" "$build_dir/bin/bench_proxy_server" \
            --upstream "127.0.0.1:$upstream" --workers "$n"
        url="http://127.0.0.1:$started_port/bench$path"
        warm "$url"
        measure "$url" 500; read -r a_rps _ _ a_p99 a_err <<<"$result"
        measure "$url" 50; read -r b_rps _ _ b_p99 b_err <<<"$result"
        printf '%-8s %12s %10s %12s %10s %9s\n' "$n" "$a_rps" "$a_p99" "$b_rps" "$b_p99" "$((a_err + b_err))"
        stop "$started_pid"
    done
fi
