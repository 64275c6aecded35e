#!/usr/bin/env bash
# Runs a command while the CPUs are kept out of their halt state: holds a PM QoS request of 0 µs on
# /dev/cpu_dma_latency (root only), so the cpuidle governor only polls instead of halting the (virtual) CPU. On a
# KVM guest, waking a task on a halted vCPU costs an inter-processor interrupt that exits to the hypervisor and is
# charged to the waking process's CPU time; a polling CPU notices the wake-up without one. Used to show how much of
# a figure measured on an otherwise idle machine is that wake-up cost, e.g.
#   bench/idle-poll.sh bench/carrier-ab.sh -r 3 -n 10000 -m split -c "8" -s renew
# The request ends when the command does (the holder process closes the device).
set -euo pipefail
[ $# -gt 0 ] || { sed -n '2,7p' "$0"; exit 2; }
[ -w /dev/cpu_dma_latency ] || { echo "/dev/cpu_dma_latency is not writable (needs root)" >&2; exit 2; }
python3 -c 'import os, struct, signal
fd = os.open("/dev/cpu_dma_latency", os.O_WRONLY)
os.write(fd, struct.pack("i", 0))
signal.pause()' &
holder=$!
trap 'kill "$holder" 2>/dev/null || true' EXIT
sleep 0.2
echo "idle-poll: cpuidle states now $(cat /sys/devices/system/cpu/cpu0/cpuidle/state*/name 2>/dev/null | tr '\n' ' ')(PM QoS 0 µs held by pid $holder)" >&2
"$@"
