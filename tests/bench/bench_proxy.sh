#!/usr/bin/env bash
# The ServeDeck proxy against nginx, both in front of the same servedeck-model-server, under wrk
# with keep-alive at 50 and 500 connections. Prints requests/s and latency for each, and the
# ratio proxy/nginx. Run by hand (never by ctest):
#
#   tests/bench/bench_proxy.sh [build-dir]          (default: build-proxy-rel, a Release build)
#
# Environment: DURATION (s, default 10), WORKERS (proxy threads = nginx workers, default 2),
# WRK_THREADS (default 2), PATH_UNDER_TEST (default /health, the model server's cheapest answer).
# Needs wrk and nginx (apt-get install -y wrk nginx). Everything listens on loopback only and
# every process this starts is stopped by its PID on exit.
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${1:-$source_dir/build-proxy-rel}
duration=${DURATION:-10}
workers=${WORKERS:-2}
wrk_threads=${WRK_THREADS:-2}
path=${PATH_UNDER_TEST:-/health}

for tool in wrk nginx cmake python3; do
    command -v "$tool" >/dev/null || { echo "bench_proxy: $tool is missing (apt-get install -y wrk nginx)" >&2; exit 2; }
done
if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build_dir" --target servedeck-model-server bench_proxy_server -j2 >/dev/null
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d /tmp/servedeck-bench.XXXXXX)
pids=()
cleanup() {
    # Listeners start inside $(...), a subshell: their PIDs come back through files.
    for file in "$work"/*.pid; do [ -f "$file" ] && pids+=("$(cat "$file")"); done
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Starts a program that prints listening=127.0.0.1:<port> and echoes the port.
start_listener() {
    local log=$1; shift
    "$@" >"$log" 2>"$log.err" &
    echo $! >"$log.pid"  # not pids+=: this runs in a subshell
    for _ in $(seq 100); do
        if grep -q '^listening=' "$log"; then
            sed -n 's/^listening=.*:\([0-9]*\)$/\1/p' "$log" | head -n1
            return
        fi
        sleep 0.1
    done
    echo "bench_proxy: $* did not start:" >&2; cat "$log.err" >&2; exit 1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

upstream=$(start_listener "$work/model.log" "$build_dir/bin/servedeck-model-server" \
    --model "$source_dir/resources/models/iris-v1/iris.csv" --version v1 --port 0)
proxy=$(start_listener "$work/proxy.log" "$build_dir/bin/bench_proxy_server" \
    --upstream "127.0.0.1:$upstream" --workers "$workers")

nginx_port=$(free_port)
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
}
EOF
chmod -R a+rwX "$work/nginx"  # nginx's workers run as nobody when started by root
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/start.err" &
pids+=($!)
for _ in $(seq 50); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $nginx_port), 0.2)" 2>/dev/null && break
    sleep 0.1
done

# One wrk run: prints "rps avg p50 p99 errors" (latencies in ms).
measure() {
    local url=$1 connections=$2
    local out
    out=$(wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" --latency "$url")
    python3 - "$out" <<'PY'
import re, sys
text = sys.argv[1]
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
}

echo "upstream 127.0.0.1:$upstream (servedeck-model-server v1), proxy :$proxy ($workers workers), nginx :$nginx_port ($workers workers)"
echo "wrk -t$wrk_threads -d${duration}s, keep-alive, GET /bench$path; $(nproc) CPUs shared by wrk, the proxy and the upstream"
# Warm-up: connection pools, caches, CPU frequency.
wrk -t1 -c8 -d2s "http://127.0.0.1:$proxy/bench$path" >/dev/null
wrk -t1 -c8 -d2s "http://127.0.0.1:$nginx_port/bench$path" >/dev/null

printf '\n%-7s %-6s %10s %9s %9s %9s %7s\n' conns server 'req/s' 'avg ms' 'p50 ms' 'p99 ms' errors
for connections in 50 500; do
    read -r d_rps d_avg d_p50 d_p99 d_err <<<"$(measure "http://127.0.0.1:$upstream$path" "$connections")"
    read -r p_rps p_avg p_p50 p_p99 p_err <<<"$(measure "http://127.0.0.1:$proxy/bench$path" "$connections")"
    read -r n_rps n_avg n_p50 n_p99 n_err <<<"$(measure "http://127.0.0.1:$nginx_port/bench$path" "$connections")"
    printf '%-7s %-6s %10s %9s %9s %9s %7s\n' "$connections" direct "$d_rps" "$d_avg" "$d_p50" "$d_p99" "$d_err"
    printf '%-7s %-6s %10s %9s %9s %9s %7s\n' "$connections" proxy "$p_rps" "$p_avg" "$p_p50" "$p_p99" "$p_err"
    printf '%-7s %-6s %10s %9s %9s %9s %7s\n' "$connections" nginx "$n_rps" "$n_avg" "$n_p50" "$n_p99" "$n_err"
    python3 -c "print(f'{\"$connections\":<7} ratio  proxy/nginx throughput {$p_rps / $n_rps:.2f}, p99 latency {$p_p99 / max($n_p99, 0.001):.2f}')"
done
