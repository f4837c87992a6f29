"""Runs the `lockstep bench` arithmetic and keccak loops on pyrevm (revm 8) for a ratio.

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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--scale", type=float, default=1.0)
    a = p.parse_args()
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
