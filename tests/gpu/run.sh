#!/usr/bin/env bash
# GPU memory as a resource, on a machine with an NVIDIA GPU (CI has none; run it by hand). It
# brings nothing in (the GPU machine has no network) and uses the binaries of a build dir:
#   1. NVML discovery (servedeck agent --print-gpus) agrees with nvidia-smi: devices, UUIDs, memory;
#   2. `servedeck serve` + ctl: two replicas with gpu_memory share one device, each holding GPU
#      memory through the CUDA driver (servedeck-model-server --gpu-memory-mb);
#   3. the memory NVML shows for each replica's process (gpu_memory_used_bytes), next to
#      nvidia-smi's own per-process list;
#   4. an out-of-memory on purpose (an allocation larger than the device) is recorded as
#      CudaOutOfMemory with the device and the size asked for.
# Prints PASS/FAIL per check; exits 0 when all pass, 1 when one fails, 2 when it cannot run
# (no NVIDIA GPU, no build dir).
# usage: tests/gpu/run.sh BUILD_DIR        (BUILD_DIR/bin holds servedeck and servedeck-model-server)
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1/bin/servedeck" ] || [ ! -x "$1/bin/servedeck-model-server" ]; then
    echo "usage: $0 BUILD_DIR   (BUILD_DIR/bin must hold servedeck and servedeck-model-server)" >&2
    exit 2
fi
bin="$(cd "$1/bin" && pwd)"
export PATH="$bin:$PATH"

if ! command -v nvidia-smi > /dev/null 2>&1; then
    echo "no NVIDIA GPU: nvidia-smi is not installed (the driver is missing or this machine has no GPU)" >&2
    exit 2
fi
if ! smi_list="$(timeout 30 nvidia-smi -L 2>&1)" || ! grep -q '^GPU ' <<< "$smi_list"; then
    echo "no NVIDIA GPU: nvidia-smi -L says: ${smi_list:-nothing}" >&2
    exit 2
fi

work="$(mktemp -d)"
serve_pid=""
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    if [ -n "$serve_pid" ]; then
        kill "$serve_pid" 2> /dev/null
        wait "$serve_pid" 2> /dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

failures=0
pass() { printf 'PASS %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }
step() { printf '\n== %s\n' "$*"; }
# The value of "key": N in JSON (ctl --json), one per line.
json_numbers() { grep -o "\"$1\": *-\?[0-9]*" | sed 's/.*: *//'; }

step "1. NVML discovery against nvidia-smi"
if ! timeout 60 servedeck agent --print-gpus > "$work/nvml.txt" 2>&1; then
    cat "$work/nvml.txt"
    fail "servedeck agent --print-gpus did not answer"
fi
cat "$work/nvml.txt"
timeout 30 nvidia-smi --query-gpu=index,uuid,memory.total --format=csv,noheader,nounits > "$work/smi.csv"
cat "$work/smi.csv"
if ! grep -q '^source=nvml$' "$work/nvml.txt"; then
    fail "discovery did not use NVML ($(grep -E '^(source|nvml_unavailable)=' "$work/nvml.txt" | tr '\n' ' '))"
else
    mismatch=""
    smi_count=$(grep -c . "$work/smi.csv")
    nvml_count=$(sed -n 's/^gpus=//p' "$work/nvml.txt")
    [ "$smi_count" = "$nvml_count" ] || mismatch="nvidia-smi lists $smi_count devices, NVML $nvml_count; "
    while IFS=', ' read -r index uuid total; do
        line="$(grep "^gpu index=$index " "$work/nvml.txt")"
        grep -q "uuid=$uuid " <<< "$line" || mismatch+="device $index: uuid differs; "
        grep -q "memory_total_mib=$total " <<< "$line" || mismatch+="device $index: memory $total MiB per nvidia-smi, not NVML's; "
    done < "$work/smi.csv"
    if [ -z "$mismatch" ]; then pass "NVML sees the $nvml_count device(s) nvidia-smi does, same UUIDs and memory"; else fail "$mismatch"; fi
fi
total_mib=$(head -n 1 "$work/smi.csv" | cut -d, -f3 | tr -d ' ')

step "2. two replicas with gpu_memory share one device and hold memory"
timeout 600 servedeck serve --data-dir "$work/data" --api 127.0.0.1:0 --proxy 127.0.0.1:0 \
    > "$work/serve.out" 2> "$work/serve.err" &
serve_pid=$!
for _ in $(seq 300); do grep -q '^admin_token_file=' "$work/serve.out" && break; sleep 0.1; done
export SERVEDECK_API SERVEDECK_TOKEN_FILE
SERVEDECK_API="$(sed -n 's/^api=//p' "$work/serve.out")"
SERVEDECK_TOKEN_FILE="$(sed -n 's/^admin_token_file=//p' "$work/serve.out")"
if [ -z "$SERVEDECK_API" ]; then
    fail "servedeck serve did not start: $(tail -n 5 "$work/serve.err")"
    exit 1
fi
servedeck ctl agents

# A model folder whose replica holds GPU memory: the demo model server in its OpenAI mode.
folder() {
    mkdir -p "$work/$1"
    cat > "$work/$1/model-definition.yaml" <<YAML
models:
  - name: "$1"
    model_path: "/models"
    service:
      start_command: ["servedeck-model-server", "--openai", "--served-model-name", "$1", "--gpu-memory-mb", "$2"]
      port: 8000
      health_check:
        path: /health
        interval: 1
        max_retries: 3
        max_wait_time: 5
        initial_delay: 0
YAML
}
folder gpu-hold 1024
servedeck ctl create gpu-hold --version v1 --folder "$work/gpu-hold" --replicas 2 --cpu 0.5 --memory 1G \
    --gpu 1 --gpu-memory 4G --runtime custom
healthy=0
for _ in $(seq 240); do
    healthy=$(servedeck ctl --json info gpu-hold | json_numbers healthy_replicas | head -n 1)
    [ "${healthy:-0}" = 2 ] && break
    sleep 0.5
done
servedeck ctl --json agents > "$work/agents.json"
if [ "${healthy:-0}" = 2 ]; then
    # Each replica's "gpus":[N]: one device, the same for both.
    devices=$(tr -d ' \n' < "$work/agents.json" | grep -o '"gpus":\[[0-9]*\]' | sort | uniq -c)
    if [ "$(grep -c . <<< "$devices")" = 1 ] && grep -q '^ *2 ' <<< "$devices"; then
        pass "two gpu_memory replicas are HEALTHY on one device: ${devices##*:}"
    else
        fail "two replicas are HEALTHY but not on one device together: $devices"
    fi
else
    fail "gpu-hold has ${healthy:-0} of 2 healthy replicas"
    servedeck ctl errors gpu-hold
fi

step "3. the memory NVML shows for each replica's process"
used=""
for _ in $(seq 60); do
    used=$(servedeck ctl --json agents | json_numbers gpu_memory_used_bytes | sort -n | head -n 1)
    [ -n "$used" ] && [ "$used" -ge $((1024 << 20)) ] && break
    sleep 0.5
done
servedeck ctl --json agents | grep -E '"(pid|gpus|gpu_memory_used_bytes)"' | tr -d ' ' | paste -sd' '
timeout 30 nvidia-smi --query-compute-apps=pid,used_memory --format=csv
if [ -n "$used" ] && [ "$used" -ge $((1024 << 20)) ]; then
    pass "NVML shows $((used >> 20)) MiB for the smaller replica, at least the 1024 MiB it holds"
else
    fail "no replica shows gpu_memory_used_bytes >= 1024 MiB (got '${used:-none}'; in a container NVML may list host PIDs)"
fi

step "4. an out-of-memory on purpose"
oom_mib=$((total_mib + 1024))
folder gpu-oom "$oom_mib"
servedeck ctl create gpu-oom --version v1 --folder "$work/gpu-oom" --replicas 1 --cpu 0.5 --memory 1G \
    --gpu 1 --gpu-memory 1G --runtime custom
recorded=""
for _ in $(seq 120); do
    recorded=$(servedeck ctl errors gpu-oom 2> /dev/null | grep CudaOutOfMemory | head -n 1)
    [ -n "$recorded" ] && break
    sleep 0.5
done
servedeck ctl errors gpu-oom
if grep -q "tried to allocate" <<< "$recorded" && grep -q "on device [0-9]" <<< "$recorded"; then
    pass "an allocation of $oom_mib MiB on a $total_mib MiB device is CudaOutOfMemory with the device and the size"
elif [ -n "$recorded" ]; then
    fail "CudaOutOfMemory recorded without the device or the size: $recorded"
else
    fail "no CudaOutOfMemory recorded for gpu-oom"
fi

step "clean up"
servedeck ctl delete gpu-oom > /dev/null
servedeck ctl delete gpu-hold > /dev/null
for _ in $(seq 60); do
    [ "$(servedeck ctl --json agents | json_numbers pid | grep -c .)" = 0 ] && break
    sleep 0.5
done
timeout 30 nvidia-smi --query-compute-apps=pid,used_memory --format=csv

echo
if [ "$failures" -eq 0 ]; then echo "all GPU checks passed"; exit 0; fi
echo "$failures GPU check(s) failed"
exit 1
