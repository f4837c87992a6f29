#!/usr/bin/env bash
# Coverage of the default gate (issue 14): builds the CLI and the test bundle with coverage
# instrumentation in their own scratch folder (.build-coverage, ignored), runs the default gate —
# `lockstep check` at its default budget and the property suites (`swift test --filter Properties`
# and the parallel-executor and sequencer suites) — merges the profiles and prints line and region
# coverage per file of the gated areas, then every uncovered region (file:line:col and its
# execution count 0) of those files.
#
#   bash scripts/coverage.sh                 # the table and the uncovered regions
#   bash scripts/coverage.sh --table-only    # only the table
#   LOCKSTEP_COVERAGE_AREAS='ParallelExecutor Sequencer' bash scripts/coverage.sh
#
# Swift's coverage mapping records regions (each branch arm of an if/switch/guard/?: is its own
# region), so "regions" is the branch measure here: llvm-cov's branch columns stay empty for Swift.
# Uses the toolchain's own llvm-cov/llvm-profdata (Debian's are too old for the profile format).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-oracles
table_only=0
[ "${1:-}" = "--table-only" ] && table_only=1
bin_dir="$(dirname "$(command -v swift)")"
cov="$bin_dir/llvm-cov"; prof="$bin_dir/llvm-profdata"
scratch=.build-coverage
areas="${LOCKSTEP_COVERAGE_AREAS:-ParallelExecutor Sequencer BatchVerification EVMInterpreter EVMExecution}"
rm -rf "$scratch/profiles"; mkdir -p "$scratch/profiles"

echo "== building with coverage ($scratch)" >&2
swift build --scratch-path "$scratch" --build-tests --enable-code-coverage >&2
bindir="$(swift build --scratch-path "$scratch" --show-bin-path)"
cli="$bindir/lockstep"
tests="$bindir/LockstepPackageTests.xctest"

echo "== lockstep check (default budget)" >&2
# LOCKSTEP_COVERAGE_CHECK_ARGS: extra arguments of `lockstep check` (e.g. `--edge-rate 0` for the
# distribution before the generator's edge cases); LOCKSTEP_COVERAGE_CHECK_ONLY=1: skip the suites
# (the figures are then those of `lockstep check` alone).
# shellcheck disable=SC2086
LLVM_PROFILE_FILE="$PWD/$scratch/profiles/check-%p.profraw" "$cli" check --out "$scratch/cx" ${LOCKSTEP_COVERAGE_CHECK_ARGS:-} >&2 || {
  echo "coverage: lockstep check found a failure; the coverage below still counts that run" >&2; }

echo "== property, parallel-executor and sequencer suites" >&2
# `swift test --enable-code-coverage` sets LLVM_PROFILE_FILE itself (to $bindir/codecov/), for the
# test bundle and for every CLI subprocess a test starts; those profiles are merged below.
rm -rf "$bindir/codecov"; mkdir -p "$bindir/codecov"
if [ "${LOCKSTEP_COVERAGE_CHECK_ONLY:-0}" != 1 ]; then
  swift test --scratch-path "$scratch" --skip-build --enable-code-coverage \
    --filter 'Properties|ParallelExecutorTests|SequencerTests' >&2
fi

shopt -s nullglob; raw=("$scratch"/profiles/*.profraw "$bindir"/codecov/*.profraw); shopt -u nullglob
"$prof" merge -sparse "${raw[@]}" -o "$scratch/gate.profdata"

# Only the gated areas' source files: a directory name in the path selects them.
files=()
for a in $areas; do
  while IFS= read -r f; do files+=("$f"); done < <(find "Sources/$a" -name '*.swift' 2>/dev/null | sort)
done
[ ${#files[@]} -gt 0 ] || { echo "coverage: no sources under Sources/{$areas}" >&2; exit 2; }

echo "== coverage of the default gate (lines, regions) per file"
"$cov" report "$cli" -object "$tests" -instr-profile "$scratch/gate.profdata" \
  -show-region-summary=true -show-functions=false "${files[@]}" \
  | sed "s#$PWD/##"

[ $table_only = 1 ] && exit 0
echo
echo "== uncovered regions (file:line:col, count 0)"
"$cov" export "$cli" -object "$tests" -instr-profile "$scratch/gate.profdata" -format=text "${files[@]}" \
  | python3 -c '
import json, sys, os
data = json.load(sys.stdin)
cwd = os.getcwd() + "/"
for d in data["data"]:
    for f in d["files"]:
        name = f["filename"].replace(cwd, "")
        seen = set()
        # segments: [line, col, count, hasCount, isRegionEntry, isGapRegion]
        for s in f["segments"]:
            line, col, count, has_count, entry, gap = s[:6]
            if has_count and entry and not gap and count == 0 and (line, col) not in seen:
                seen.add((line, col))
                print(f"{name}:{line}:{col}")
'
