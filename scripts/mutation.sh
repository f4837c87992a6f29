#!/usr/bin/env bash
# The project's own mutation score (issue 14). Applies each planted bug of scripts/mutants.txt,
# one at a time, to a scratch copy of the repository (.build-mutation/src, ignored by git; the
# real tree is never touched), rebuilds it incrementally, runs the gate and prints which check
# killed the mutant, or SURVIVED. The scratch copy is the committed tree of
# LOCKSTEP_MUTATION_REV (default HEAD; uncommitted edits are not part of the score), catalogue
# included; only files whose content differs are rewritten, so the build stays incremental.
#
#   bash scripts/mutation.sh                 # every mutant of the catalogue
#   bash scripts/mutation.sh P04 S01 I02     # only these
#   bash scripts/mutation.sh --check         # only verify that every mutant applies exactly once
#   bash scripts/mutation.sh --baseline      # first run the gate on the unmutated copy (must pass)
#
# The gate, by area (the id's first letter), cheapest check first; the first failing check kills:
#   P (parallel executor):  lockstep check, swift test ParallelExecutorTests, Properties
#   S (sequencer):          the generated-stream and regression suites of SequencerTests (a
#                           minute), then all of SequencerTests, then lockstep check
#   I (interpreter):        swift test EVMInterpreterTests, lockstep check, state-test slice
#   E (tx processing):      swift test EVMExecutionTests, lockstep check, state-test slice
# (the state-test slice costs ~5 minutes, so it comes last: only a survivor of the cheaper checks pays it)
# `lockstep check` runs at a small budget: LOCKSTEP_MUTATION_CASES cases per property (default 100, the default budget)
# with seed LOCKSTEP_MUTATION_SEED (default 1). Each check gets LOCKSTEP_MUTATION_TIMEOUT seconds
# (default 900); a timeout counts as a kill ("timeout": a hang is a detected bug).
# Results go to stdout and, one line per mutant, to .build-mutation/results.txt.
# Exit: 0 when every mutant run was killed, 1 when one survived, 2 on a catalogue/usage error
# (a `find` text not found, or found more than once, stops the run before anything is built).
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
scratch="$root/.build-mutation"
src="$scratch/src"
catalogue="$src/scripts/mutants.txt"
rev="${LOCKSTEP_MUTATION_REV:-HEAD}"
cases="${LOCKSTEP_MUTATION_CASES:-100}"
seed="${LOCKSTEP_MUTATION_SEED:-1}"
limit="${LOCKSTEP_MUTATION_TIMEOUT:-900}"
fixtures="${LOCKSTEP_ETHEREUM_TESTS:-/work/shared/ethereum-tests}"
slice=(VMTests Cancun Shanghai stEIP1559 stEIP150Specific stEIP158Specific stRefundTest stSLoadTest
       stCallCreateCallCodeTest stStaticFlagEnabled stCreate2 stEIP3607 stTransactionTest stMemExpandingEIP150Calls)

mode=run baseline=0 ids=()
for a in "$@"; do
  case "$a" in
    --check) mode=check ;;
    --baseline) baseline=1 ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    -*) echo "mutation: unknown option $a" >&2; exit 2 ;;
    *) ids+=("$a") ;;
  esac
done

# The catalogue tool: list ids, check, apply and restore (exactly-once replacement).
mut() { python3 - "$catalogue" "$@" <<'PY'
import sys, os
cat, cmd, *args = sys.argv[1:]
def parse(path):
    ms, cur = [], {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("#"): continue
        if not line.strip():
            if cur: ms.append(cur); cur = {}
            continue
        k, sep, v = line.partition(": ")
        if not sep: sys.exit(f"mutation: catalogue line without 'key: value': {line!r}")
        cur[k] = v.replace("\\n", "\n")
    if cur: ms.append(cur)
    seen = set()
    for m in ms:
        for k in ("id", "file", "find", "replace", "why"):
            if k not in m: sys.exit(f"mutation: mutant {m.get('id','?')} has no '{k}'")
        if m["id"] in seen: sys.exit(f"mutation: duplicate id {m['id']}")
        seen.add(m["id"])
    return ms
ms = parse(cat)
by = {m["id"]: m for m in ms}
def get(i):
    if i not in by: sys.exit(f"mutation: no mutant {i} in the catalogue")
    return by[i]
def count(m, base):
    text = open(os.path.join(base, m["file"]), encoding="utf-8").read()
    return text, text.count(m["find"])
if cmd == "ids":
    print(" ".join(m["id"] for m in ms))
elif cmd == "field":
    print(get(args[0])[args[1]])
elif cmd == "check":
    base, bad = args[0], 0
    for m in ms:
        if not os.path.exists(os.path.join(base, m["file"])):
            print(f"mutation: {m['id']}: {m['file']} does not exist", file=sys.stderr); bad += 1; continue
        _, n = count(m, base)
        if n != 1:
            print(f"mutation: {m['id']}: the find text occurs {n} times in {m['file']} (must be exactly 1)", file=sys.stderr); bad += 1
    print(f"{len(ms)} mutants, {len(ms) - bad} apply exactly once")
    sys.exit(2 if bad else 0)
elif cmd == "apply":
    m, base = get(args[0]), args[1]
    text, n = count(m, base)
    if n != 1: sys.exit(f"mutation: {m['id']}: the find text occurs {n} times in {m['file']} (must be exactly 1)")
    open(os.path.join(base, m["file"]), "w", encoding="utf-8").write(text.replace(m["find"], m["replace"], 1))
PY
}

# Sync the scratch copy with the committed tree of $rev: copy only files whose content differs
# (the scratch build stays incremental), and delete files the tree does not have (a moved or
# deleted source would still compile in the scratch copy: duplicate definitions, or a gate that
# passes on code that is gone).
export_dir="$scratch/export"
rm -rf "$export_dir"; mkdir -p "$export_dir" "$src"
git archive "$rev" | tar -x -C "$export_dir" || { echo "mutation: cannot export $rev" >&2; exit 2; }
(cd "$export_dir" && find . -type f | sed 's#^\./##' | sort) > "$scratch/tracked-files.txt"
while IFS= read -r f; do
  if ! cmp -s "$export_dir/$f" "$src/$f"; then mkdir -p "$src/$(dirname "$f")"; cp "$export_dir/$f" "$src/$f"; fi
done < "$scratch/tracked-files.txt"
(cd "$src" && find . -path ./.build -prune -o -path ./.build-tools -prune -o -type f -print | sed 's#^\./##' | sort) > "$scratch/scratch-files.txt"
comm -23 "$scratch/scratch-files.txt" "$scratch/tracked-files.txt" | while IFS= read -r f; do rm -f "$src/$f"; done
rm -rf "$export_dir"

mut check "$src" || exit 2
[ "$mode" = check ] && exit 0
[ ${#ids[@]} -eq 0 ] && read -r -a ids <<< "$(mut ids)"
for i in "${ids[@]}"; do mut field "$i" id > /dev/null || exit 2; done

[ -e "$src/.build-tools" ] || ln -s "$(readlink -f .build-tools 2>/dev/null || echo "$root/.build-tools")" "$src/.build-tools"

# The first (baseline) build may be a full one: it gets LOCKSTEP_MUTATION_BUILD_TIMEOUT seconds (default 3600).
build() { (cd "$src" && timeout "${1:-$limit}" swift build --build-tests > "$scratch/build.log" 2>&1); }
stage() {   # stage NAME COMMAND…: 0 when the check passes
  local name=$1; shift
  local log="$scratch/logs/$current-$name.log"
  (cd "$src" && timeout "$limit" "$@") > "$log" 2>&1
  local rc=$?
  [ $rc -eq 124 ] && echo "timeout" > "$scratch/last-kind" || echo "fail" > "$scratch/last-kind"
  return $rc
}
seq_quick='SequencerPropertyTests|SequencingThenParallelTests|R6RegressionTests|AuthorizationNonceTests|HostileInputTests'
slice_paths=()
for d in "${slice[@]}"; do [ -d "$fixtures/GeneralStateTests/$d" ] && slice_paths+=("$fixtures/GeneralStateTests/$d"); done
[ ${#slice_paths[@]} -gt 0 ] || echo "mutation: state-test fixtures not found under $fixtures: the state-test check is skipped" >&2
gate() {    # gate AREA: prints the killing check, or nothing
  local area=$1 checks
  case "$area" in
    P) checks=(check tests:ParallelExecutorTests tests:Properties) ;;
    S) checks=("tests:$seq_quick" tests:SequencerTests check) ;;
    I) checks=(tests:EVMInterpreterTests check statetest) ;;
    E) checks=(tests:EVMExecutionTests check statetest) ;;
    *) checks=(check) ;;
  esac
  for c in "${checks[@]}"; do
    case "$c" in
      check) rm -rf "$scratch/cx"
             stage check "$src/.build/debug/lockstep" check --cases "$cases" --seed "$seed" --out "$scratch/cx" ;;
      statetest) [ ${#slice_paths[@]} -gt 0 ] || continue
                 stage statetest "$src/.build/debug/lockstep" statetest "${slice_paths[@]}" ;;
      tests:*) local n="${c#tests:}"; stage "${n%%|*}" swift test --skip-build --filter "$n" ;;
    esac
    if [ $? -ne 0 ]; then echo "$c ($(cat "$scratch/last-kind"))"; return; fi
  done
}

mkdir -p "$scratch/logs"
results="$scratch/results.txt"
echo "== building the scratch copy ($src)" >&2
current=baseline
build "${LOCKSTEP_MUTATION_BUILD_TIMEOUT:-3600}" || { echo "mutation: the unmutated scratch copy does not build (see $scratch/build.log)" >&2; exit 2; }
if [ $baseline = 1 ]; then
  for area in P S I E; do
    k=$(gate $area)
    [ -n "$k" ] && { echo "mutation: the gate fails on the unmutated copy (area $area, $k; logs in $scratch/logs)" >&2; exit 2; }
  done
  echo "baseline: the gate passes on the unmutated copy"
fi

killed=0 survived=0 stillborn=0 survivors=()
for id in "${ids[@]}"; do
  current=$id
  file=$(mut field "$id" file)
  cp "$src/$file" "$scratch/original.swift"
  mut apply "$id" "$src" || exit 2
  start=$(date +%s)
  if ! build; then
    verdict="STILLBORN (does not compile; see $scratch/logs/$id-build.log)"
    cp "$scratch/build.log" "$scratch/logs/$id-build.log"
    stillborn=$((stillborn + 1))
  else
    k=$(gate "${id:0:1}")
    if [ -n "$k" ]; then verdict="KILLED by $k"; killed=$((killed + 1))
    else verdict="SURVIVED"; survived=$((survived + 1)); survivors+=("$id"); fi
  fi
  cp "$scratch/original.swift" "$src/$file"
  line="$id $verdict [$(( $(date +%s) - start ))s] $file: $(mut field "$id" why)"
  echo "$line"
  echo "$(date -u +%FT%TZ) $line" >> "$results"
done
total=$((killed + survived))
echo "== mutation score: $killed/$total killed ($stillborn stillborn, not counted); survivors: ${survivors[*]:-none}"
[ $survived -eq 0 ]
