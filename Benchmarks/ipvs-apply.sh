#!/usr/bin/env bash
# The IPVS apply benchmark, in the qemu VM of scripts/ipvs-vm (the host kernel has no IPVS):
# 10,000 destinations across 100 services applied to an empty table, then 1% of the weights
# changed; each timed through the IPVS module (one netlink request per entry), through ipvsd
# (from its start to the full table, and from SIGHUP to the new weights), beside `ipvsadm -R`
# restoring the same table and keepalived's checker applying it, all in the same VM run.
# Usage: Benchmarks/ipvs-apply.sh   (root; prints BENCH lines in milliseconds; asserts nothing)
# The VM is emulated (TCG, no KVM here): the numbers compare the ways with each other, not with
# a real host.
set -euo pipefail
cd "$(dirname "$0")/.."
stages=(--stage Tests/IPVSVM/stages/bench.sh)
scratch=${IPVS_VM_DAEMON_SCRATCH:-.build-ipvs-vm}
ipvsd=${IPVSD:-$scratch/release/ipvsd}
if [ -z "${IPVSD:-}" ]; then
    swift build -c release --scratch-path "$scratch" --product ipvsd --static-swift-stdlib >/dev/null
fi
withs=(--with "$ipvsd")
stages+=(--stage Tests/IPVSVM/stages/bench-ipvsd.sh)
# keepalived's checker applying the same table, beside ipvsd (it needs IPVS, so only in the VM).
if keepalived=$(command -v keepalived); then
    withs+=(--with "$keepalived")
    stages+=(--stage Tests/IPVSVM/stages/bench-keepalived.sh)
fi
VM_TIMEOUT=${VM_TIMEOUT:-900} scripts/ipvs-vm --no-cases "${withs[@]}" "${stages[@]}" "$@" |
    grep -E '^BENCH |^FAIL |^ipvs-vm: VM ran' | sed 's/^BENCH //'
