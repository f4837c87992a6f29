#!/bin/sh
# A deliberately broken transition tool, to watch the external-executor gate fail:
#
#   scripts/corrupt-t8n.sh [--field NAME] [--every N] TOOL [TOOL ARGS…] [t8n flags…]
#   lockstep check --executor t8n:'scripts/corrupt-t8n.sh --field gasUsed lockstep t8n'
#   lockstep check --executor t8n:'CORRUPT_T8N_COUNTER=/tmp/n scripts/corrupt-t8n.sh --every 2 lockstep t8n' --repeat 2
#
# --every N corrupts only every Nth run (counted in the file $CORRUPT_T8N_COUNTER, required
# then): a flaky tool, which `--repeat` reports as non-determinism.
#
# Runs the real tool with every argument after the options unchanged, then corrupts exactly one
# field of what it wrote (the files named by --output.basedir/--output.result/--output.alloc,
# in either `--flag=value` or `--flag value` form; stdout/stderr outputs are not supported):
#   gasUsed    the first receipt's gasUsed + 1 (its cumulativeGasUsed when the tool omits gasUsed)
#   status     the first receipt's status flipped
#   stateRoot  the state root's last hex digit changed
#   balance    the lexicographically first account's balance + 1 wei in the post-state alloc
#   rejected   the first rejection dropped
# A field with nothing to corrupt (no receipts, no rejections) is left alone, so the output
# stays identical on such a block. The tool's exit code is passed through.
#
# --behind instead runs the tool one fork behind the one asked for (--state.fork=Osaka runs
# Prague, Prague runs Cancun, Cancun runs Shanghai) and leaves its output alone: an executor
# that lacks the newest fork's rules, so execution itself differs (CLZ undefined before
# Osaka, other gas costs) and the traces show the first differing step.
#   lockstep fuzz --fork Osaka --opcode CLZ --executor t8n:'scripts/corrupt-t8n.sh --behind lockstep t8n'
field=gasUsed; every=1; behind=
while :; do
  case "$1" in
    --field) field=$2; shift 2;;
    --every) every=$2; shift 2;;
    --behind) behind=1; shift;;
    *) break;;
  esac
done
if [ -n "$behind" ]; then
  n=$#
  for a in "$@"; do
    case "$a" in
      --state.fork=Osaka) a=--state.fork=Prague;;
      --state.fork=Prague) a=--state.fork=Cancun;;
      --state.fork=Cancun) a=--state.fork=Shanghai;;
    esac
    set -- "$@" "$a"
  done
  shift "$n"
  exec "$@"
fi
case "$field" in gasUsed|status|stateRoot|balance|rejected) ;; *)
  echo "corrupt-t8n.sh: unknown --field $field (gasUsed, status, stateRoot, balance, rejected)" >&2; exit 3;;
esac
"$@" || exit $?
if [ "$every" != 1 ]; then
  [ -n "$CORRUPT_T8N_COUNTER" ] || { echo "corrupt-t8n.sh: --every needs CORRUPT_T8N_COUNTER (a file)" >&2; exit 3; }
  n=$(( $(cat "$CORRUPT_T8N_COUNTER" 2>/dev/null || echo 0) + 1 ))
  echo "$n" > "$CORRUPT_T8N_COUNTER"
  [ $(( n % every )) -eq 0 ] || exit 0
fi
basedir=.; result=result.json; alloc=alloc.json; prev=
for a in "$@"; do
  case "$prev" in --output.basedir) basedir=$a;; --output.result) result=$a;; --output.alloc) alloc=$a;; esac
  case "$a" in
    --output.basedir=*) basedir=${a#*=};; --output.result=*) result=${a#*=};; --output.alloc=*) alloc=${a#*=};;
  esac
  prev=$a
done
exec python3 - "$field" "$basedir/$result" "$basedir/$alloc" <<'PY'
import json, sys
field, result_path, alloc_path = sys.argv[1:4]
def num(v):
    return int(v, 16) if isinstance(v, str) and v.startswith("0x") else int(v)
path = alloc_path if field == "balance" else result_path
with open(path) as f:
    doc = json.load(f)
if field == "gasUsed" and doc.get("receipts"):
    r = doc["receipts"][0]
    key = "gasUsed" if "gasUsed" in r else "cumulativeGasUsed"
    r[key] = hex(num(r[key]) + 1)
elif field == "status" and doc.get("receipts"):
    r = doc["receipts"][0]
    if "succeeded" in r:
        r["succeeded"] = not r["succeeded"]
    else:
        r["status"] = "0x0" if num(r.get("status", "0x0")) == 1 else "0x1"
elif field == "stateRoot":
    root = doc["stateRoot"]
    doc["stateRoot"] = root[:-1] + ("0" if root[-1] != "0" else "1")
elif field == "balance" and doc:
    addr = sorted(doc)[0]
    doc[addr]["balance"] = hex(num(doc[addr].get("balance", "0x0")) + 1)
elif field == "rejected" and doc.get("rejected"):
    doc["rejected"] = doc["rejected"][1:]
with open(path, "w") as f:
    json.dump(doc, f, indent=1)
PY
