#!/usr/bin/env bash
# The real GPU path, on a machine with an NVIDIA GPU (CI has none; run by hand):
#   discovery through NVML and through nvidia-smi, the capacity the control plane sees, a replica
#   that gets one GPU and really computes on it, and the refusal of a second GPU replica when
#   the machine has one.
# usage: tests/device/gpu_check.sh BIN_DIR      (BIN_DIR holds servedeck and servedeck-model-server)
set -uo pipefail
bin="$(cd "$1" && pwd)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
export PATH="$bin:$PATH"
step() { printf '\n== %s\n' "$*"; }

step "nvidia-smi: 5 calls"
for i in 1 2 3 4 5; do
    TIMEFORMAT='%R s'; time nvidia-smi --query-gpu=index,name,uuid,memory.total,memory.used,utilization.gpu \
        --format=csv,noheader,nounits
done

step "discovery: NVML (libnvidia-ml.so.1)"
servedeck agent --print-gpus
step "discovery: nvidia-smi only (NVML hidden)"
servedeck agent --print-gpus --no-nvml

step "serve: the machine's own capacity"
servedeck serve --data-dir "$work/data" --api 127.0.0.1:0 --proxy 127.0.0.1:0 > "$work/serve.out" 2> "$work/serve.err" &
serve=$!
for _ in $(seq 100); do grep -q '^admin_token_file=' "$work/serve.out" && break; sleep 0.1; done
cat "$work/serve.out"
export SERVEDECK_API="$(sed -n 's/^api=//p' "$work/serve.out")"
export SERVEDECK_TOKEN_FILE="$(sed -n 's/^admin_token_file=//p' "$work/serve.out")"
proxy="$(sed -n 's/^proxy=//p' "$work/serve.out")"
servedeck ctl agents

step "a replica with one GPU"
servedeck ctl create gpu-probe --version v1 --folder "$here/gpu-probe" --replicas 1 --cpu 1 --memory 8G --gpu 1 --public
healthy() { servedeck ctl --json info "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["healthy_replicas"])'; }
for _ in $(seq 120); do [ "$(healthy gpu-probe)" = 1 ] && break; sleep 0.5; done
servedeck ctl info gpu-probe
url="$(servedeck ctl --json info gpu-probe | python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')"
echo "url=$url"
python3 - "$url/predict" <<'PY'
import sys, urllib.request
request = urllib.request.Request(sys.argv[1], data=b"{}", headers={"Content-Type": "application/json"})
with urllib.request.urlopen(request, timeout=30) as answer:
    print(answer.status, dict(answer.headers).get("X-ServeDeck-Route", ""), answer.read().decode())
PY
nvidia-smi --query-compute-apps=pid,used_memory --format=csv
servedeck ctl agents

step "a second GPU replica on a one-GPU machine"
servedeck ctl create gpu-probe-2 --version v1 --folder "$here/gpu-probe" --replicas 1 --cpu 1 --memory 8G --gpu 1 --public
echo "exit code: $?"

step "delete"
servedeck ctl delete gpu-probe
for _ in $(seq 60); do [ -z "$(nvidia-smi --query-compute-apps=pid --format=csv,noheader)" ] && break; sleep 0.5; done
nvidia-smi --query-compute-apps=pid,used_memory --format=csv
kill "$serve"; wait "$serve"
echo "serve exit: $?"
tail -n 20 "$work/serve.err"
