"""Runs the `lockstep bench` arithmetic and keccak loops on pyrevm (revm 8) for a ratio.

With `--workloads FILE` (what `lockstep bench --against revm` calls) it instead runs the
workloads defined in that JSON file (written by the Swift side from Sources/Benchmarks/
RevmWorkloads.swift, so both EVMs run byte-identical code on identical pre-state): for each
one a fresh EVM per run, the pre-state inserted outside the timed part, then every call in
order (each a committed transaction). Prints one JSON object per line: name, median seconds
of the calls, failed calls, and the last call's output hex.

Setup: python3 -m venv /tmp/pyrevm && /tmp/pyrevm/bin/pip install pyrevm==0.3.7
Usage: /tmp/pyrevm/bin/python scripts/pyrevm_bench.py [--repeats 5] [--scale 1.0]

The bytecode is byte-for-byte what BenchmarkWorkloads.arithmeticLoop / keccakLoop build
(Sources/Verification/Benchmarks.swift). The arithmetic result is checked against the same
recurrence computed here, so both EVMs do the same work. Mgas/s uses the frame's gas (the
recurrence's 55 gas per iteration + 23), not the 21000 intrinsic gas of pyrevm's message call.
"""
import argparse
import statistics
import time

from pyrevm import EVM, AccountInfo

CONTRACT = "0x0000000000000000000000000000000000be4c00"
CALLER = "0x0000000000000000000000000000000000ca11e4"


def arithmetic_loop(n):
    return (bytes([0x60, 0x01, 0x63]) + n.to_bytes(4, "big") + bytes([
        0x5b, 0x90, 0x60, 0x03, 0x02, 0x60, 0x05, 0x01, 0x81, 0x90, 0x03, 0x90,
        0x60, 0x01, 0x90, 0x03, 0x80, 0x60, 0x07, 0x57, 0x50,
        0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3]))


def arithmetic_result(n):
    acc = 1
    while n:
        acc = (acc * 3 + 5 - n) % 2**256
        n -= 1
    return acc


def keccak_loop(n):
    return (bytes([0x63]) + n.to_bytes(4, "big") + bytes([
        0x5b, 0x60, 0x40, 0x60, 0x00, 0x20, 0x60, 0x00, 0x52, 0x60, 0x01, 0x90, 0x03,
        0x80, 0x60, 0x05, 0x57, 0x60, 0x20, 0x60, 0x00, 0xf3]))


def run(code, repeats):
    evm = EVM(spec_id="Cancun")  # case-sensitive: an unknown name silently runs the latest fork
    evm.insert_account_info(CONTRACT, AccountInfo(nonce=1, code=code))
    out = evm.message_call(CALLER, CONTRACT, gas=2**62)  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        evm.message_call(CALLER, CONTRACT, gas=2**62)
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)


def fresh_evm(workload):
    evm = EVM(spec_id="Cancun", gas_limit=2**63 - 1)
    for a in workload["accounts"]:
        evm.insert_account_info(a["address"], AccountInfo(balance=int(a["balance"], 16), nonce=a["nonce"],
                                                          code=bytes.fromhex(a["code"][2:])))
        for k, v in a["storage"].items():
            evm.insert_account_storage(a["address"], int(k, 16), int(v, 16))
    return evm


def run_workload(workload, repeats):
    calls = [(c["caller"], c["to"], bytes.fromhex(c["data"][2:])) for c in workload["calls"]]
    times, out, failures = [], b"", 0
    for i in range(repeats + 1):  # the first run is a warm-up
        evm = fresh_evm(workload)
        failures = 0
        t = time.perf_counter()
        for caller, to, data in calls:
            try:
                out = evm.message_call(caller, to, calldata=data, gas=2**40)
            except Exception:  # pyrevm raises on revert and halts
                failures += 1
                out = b""
        if i:
            times.append(time.perf_counter() - t)
    return statistics.median(times), failures, bytes(out)


def workloads_main(path, repeats, only):
    import json
    with open(path) as f:
        workloads = json.load(f)
    for w in workloads:
        if only and w["name"] not in only:
            continue
        s, failures, out = run_workload(w, repeats)
        print(json.dumps({"name": w["name"], "seconds": s, "failures": failures, "output": out.hex()}), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workloads", help="JSON workload definitions from `lockstep bench --against revm`")
    p.add_argument("--only", action="append", default=[], help="with --workloads: run only this workload (repeatable)")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--scale", type=float, default=1.0)
    a = p.parse_args()
    if a.workloads:
        return workloads_main(a.workloads, a.repeats, a.only)
    n_arith = max(1, round(1_000_000 * a.scale))
    n_keccak = max(1, round(200_000 * a.scale))
    out, s = run(arithmetic_loop(n_arith), a.repeats)
    assert int.from_bytes(bytes(out), "big") == arithmetic_result(n_arith), "arithmetic result differs"
    gas = 6 + 55 * n_arith + 17
    print(f"pyrevm arithmetic loop ({n_arith} iter)  gas {gas}  {s:.4f} s  {gas / s / 1e6:.1f} Mgas/s")
    out, s = run(keccak_loop(n_keccak), a.repeats)
    assert len(bytes(out)) == 32
    gas = 3 + 80 * n_keccak + 12
    print(f"pyrevm keccak256 loop ({n_keccak} iter)  gas {gas}  {s:.4f} s  {gas / s / 1e6:.1f} Mgas/s")


if __name__ == "__main__":
    main()
