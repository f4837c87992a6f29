#!/usr/bin/env bash
# The main job: installs missing C libraries, builds the release CLI, then (with no arguments)
# runs the built-in default — a state-test sample through the serial executor and through the
# parallel executor under 2 seeded schedules, every blockchain test (serial, then threads and
# 20 schedules), a generated 200-transaction block compared
# serial vs parallel (threads and 20 schedules), and the property gate (`lockstep check`,
# default budget). With arguments, runs `lockstep ARGS…` instead.
#
# Why 2 schedules for the state tests and 20 for the blocks: a state-test case is a block of one
# transaction, which Block-STM executes exactly once whatever the schedule (no other
# transaction to race with), so further schedules repeat the same run; the 20 schedules were
# ~90% of the job's time (issue 15). Schedules matter where blocks hold several transactions —
# the blockchain tests and the generated block, which keep 20. Every phase runs on all cores
# (`--jobs` defaults to the core count).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product lockstep >&2
bin=.build/release/lockstep
if [ $# -gt 0 ]; then exec "$bin" "$@"; fi

fixtures="${LOCKSTEP_ETHEREUM_TESTS:-../shared/ethereum-tests}/GeneralStateTests"
if [ -d "$fixtures" ]; then
  sample=()
  for f in stExample VMTests stCreate2 stRevertTest stRefundTest stSStoreTest stEIP2930 \
           Cancun/stEIP1153-transientStorage Cancun/stEIP5656-MCOPY Pyspecs/cancun/eip6780_selfdestruct \
           Pyspecs/frontier/opcodes stPreCompiledContracts2; do
    [ -d "$fixtures/$f" ] && sample+=("$fixtures/$f")
  done
  echo "== state tests, serial executor"
  "$bin" statetest --summary-only "${sample[@]}"
  echo "== state tests, parallel executor under 2 seeded schedules (one-transaction blocks: one Block-STM execution whatever the schedule)"
  "$bin" statetest --summary-only --schedule-seed 1 --schedules 2 "${sample[@]}"
else
  echo "state-test fixtures not found at $fixtures (set LOCKSTEP_ETHEREUM_TESTS); skipping them" >&2
fi
blocks="${LOCKSTEP_ETHEREUM_TESTS:-../shared/ethereum-tests}/BlockchainTests"
if [ -d "$blocks" ]; then
  echo "== blockchain tests (every block imported serially, then with 2 threads and under 20 seeded schedules)"
  "$bin" blocktest --summary-only "$blocks"
  "$bin" blocktest --summary-only --parallel 2 --schedule-seed 1 --schedules 20 "$blocks"
else
  echo "blockchain-test fixtures not found at $blocks; skipping them" >&2
fi
echo "== generated block: serial vs parallel (threads and 20 schedules)"
"$bin" run --txs 200 --conflict-rate 0.3 --parallel 2 --schedule-seed 1 --schedules 20
echo "== property gate (lockstep check, default budget)"
"$bin" check
