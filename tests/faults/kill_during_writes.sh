#!/usr/bin/env bash
# Fault injection: kill -9 fusioncoder processes while they write, then check that nothing committed was lost
# and that nothing half-written is visible.
#
#   kill_during_writes.sh --cli FUSIONCODER_CLI --writer DECISION_WRITER [--rounds N | --quick] [--seed S]
#                         [--keep]
#
# Part A (decisions): `decision_writer write` records decisions (and now and then a note with an analysis)
# through the storage repositories and prints each decision id once its commit returned. It is killed after a
# random 50-500 ms. Then: PRAGMA integrity_check = ok, every printed id is in `decisions` with its audit_log
# row, and at most one decision was stored without being printed (the kill fell between commit and print).
#
# Part B (fine-tuning): a tiny model is trained, a database gets reviewed notes (`decision_writer seed`), and
# `fusioncoder-cli finetune` is run once uninterrupted (its durations set the kill windows), then killed in each
# round: at a random moment of the whole run, during the gate, or within 10 ms of the gate's verdict (just
# before the version is registered; the registration itself takes a few ms, so some of these kills land after
# it). The summary line names the last line the run printed. Then: integrity_check = ok, every model_versions
# row points at a complete model directory that `fusioncoder-cli info` loads, no row points at a staging or
# temporary directory, at most one version is active. A final uninterrupted run must still succeed and be
# registered, and it marks every run the kills left "running" as failed and removes their staging files (the
# check after it fails on any). Other leftovers that are not losses (unregistered output directories of kills
# between the rename and the commit) are counted in the summary lines.
#
# One summary line per round; exit 0 when every round passed, 1 on any loss or inconsistency, 2 on bad usage,
# 77 (skipped) without python3 (it runs the checks with its own sqlite3 module, independent of the code under
# test). The full run is 20 rounds per part (the default, ~1.5-3 minutes); CTest runs --quick (5 rounds per
# part, < 60 s) as fault_kill_during_writes. --seed makes the kill moments reproducible; --keep keeps the
# work directory for inspection.
set -uo pipefail

cli="" writer="" rounds=20 seed="" keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cli) cli="$2"; shift 2 ;;
    --writer) writer="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --quick) rounds=5; shift ;;
    --seed) seed="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "kill_during_writes: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [[ ! -x "$cli" || ! -x "$writer" ]]; then
  echo "kill_during_writes: --cli and --writer must name executables (see --help)" >&2; exit 2
fi
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
  echo "kill_during_writes: --rounds must be a positive integer, got '$rounds'" >&2; exit 2
fi
python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null; then
  echo "kill_during_writes: $python is not installed; skipped"; exit 77
fi
seed="${seed:-$(( $(date +%s) % 100000 ))}"
RANDOM=$seed

work=$(mktemp -d "${TMPDIR:-/tmp}/fusioncoder-faults.XXXXXX")
if [[ $keep == 1 ]]; then
  echo "work directory: $work"
else
  trap 'rm -rf "$work"' EXIT
fi
# One thread each: the checks, not the speed, matter here, and other tests may run beside this one.
export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR="$work" OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
echo "kill_during_writes: $rounds rounds per part, seed $seed"

failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
sleep_ms() { sleep "$(printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )))"; }
# Waits for background process $1 and sets $status, without bash's "Killed" job report on stderr.
reap() { { wait "$1"; } 2>/dev/null; status=$?; }
# Waits until file $2 has a line matching $3 or process $1 is gone, polling every 10 ms.
wait_for_line() {
  while kill -0 "$1" 2>/dev/null && ! grep -q -- "$3" "$2" 2>/dev/null; do sleep 0.01; done
}

# The checks, in python3's sqlite3 (a reader independent of fc::storage).
read -r -d '' checker <<'PY'
import json, os, random, sqlite3, subprocess, sys

def open_checked(path):
    con = sqlite3.connect(path)
    result = con.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        print("integrity_check: %s" % result)
        sys.exit(1)
    return con

def decisions(db, ids_file, stored_before):
    # Only complete lines: a kill during the print leaves a partial one, whose decision is the one allowed
    # to be stored without being reported.
    with open(ids_file) as f:
        ids = [int(line) for line in f.read().split("\n")[:-1] if line]
    con = open_checked(db)
    missing = [i for i in ids if con.execute(
        "SELECT COUNT(*) FROM decisions d JOIN audit_log a "
        "ON json_extract(a.details_json, '$.decision_id') = d.id WHERE d.id = ?", (i,)).fetchone()[0] != 1]
    stored = con.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
    new = stored - int(stored_before)
    print("%d reported, %d stored, total %d" % (len(ids), new, stored))
    if missing:
        print("committed decisions lost: %s" % missing[:20])
        sys.exit(1)
    if not len(ids) <= new <= len(ids) + 1:
        print("stored %d new decisions for %d reported (expected reported..reported+1)" % (new, len(ids)))
        sys.exit(1)

REQUIRED = ("model.json", "labels.txt", "vocab.txt", "weights.pt")

def temporary(path):
    name = os.path.basename(os.path.normpath(path))
    return name.endswith(".staging") or (name.startswith(".") and (".tmp-" in name or ".old-" in name))

def models(db, cli, versions_dir, verified_file, final="no"):
    con = open_checked(db)
    verified = set()
    if os.path.exists(verified_file):
        with open(verified_file) as f:
            verified = set(f.read().split("\n"))
    problems = []
    rows = con.execute("SELECT id, path, active FROM model_versions ORDER BY id").fetchall()
    for vid, path, active in rows:
        if temporary(path):
            problems.append("version %d points at a temporary directory %s" % (vid, path))
            continue
        absent = [name for name in REQUIRED
                  if not os.path.isfile(os.path.join(path, name)) or os.path.getsize(os.path.join(path, name)) == 0]
        if absent:
            problems.append("version %d (%s): %s missing or empty" % (vid, path, " ".join(absent)))
            continue
        if path in verified:
            continue
        try:
            with open(os.path.join(path, "model.json")) as f:
                json.load(f)
        except ValueError as e:
            problems.append("version %d: model.json is not JSON: %s" % (vid, e))
            continue
        info = subprocess.run([cli, "info", "--model", path], capture_output=True, text=True)
        if info.returncode != 0:
            problems.append("version %d (%s) does not load: %s" % (vid, path, info.stderr.strip()))
        else:
            verified.add(path)
    with open(verified_file, "w") as f:
        f.write("\n".join(sorted(verified)))
    if sum(1 for row in rows if row[2]) > 1:
        problems.append("more than one active version")
    runs = dict(con.execute("SELECT status, COUNT(*) FROM finetune_runs GROUP BY status").fetchall())
    registered = {os.path.normpath(row[1]) for row in rows}
    versions_dir = os.path.abspath(versions_dir)
    entries = os.listdir(versions_dir) if os.path.isdir(versions_dir) else []
    leftovers = sum(1 for e in entries if temporary(e))
    orphans = sum(1 for e in entries if not temporary(e)
                  and os.path.normpath(os.path.join(versions_dir, e)) not in registered)
    print("%d versions, runs %s, %d staging/temporary leftovers, %d unregistered outputs"
          % (len(rows), " ".join("%s=%d" % kv for kv in sorted(runs.items())) or "none", leftovers, orphans))
    if final == "final":
        if runs.get("running", 0):
            problems.append("%d runs still marked running after a later run" % runs["running"])
        if leftovers:
            problems.append("%d staging/temporary leftovers after a later run" % leftovers)
    if problems:
        print("; ".join(problems))
        sys.exit(1)

def registered(db, path):
    con = open_checked(db)
    paths = {os.path.normpath(row[0]) for row in con.execute("SELECT path FROM model_versions")}
    sys.exit(0 if os.path.normpath(os.path.abspath(path)) in paths else 1)

def dataset(train, dev, reviews):
    # Code A iff "alpha", B iff "beta"; the reviewed notes go to decision_writer as "CODES<TAB>text" lines.
    words = ["patient", "pain", "history", "normal", "exam", "fever", "stable", "treated", "chest", "cough"]
    def notes(count, offset):
        for i in range(count):
            kind = (i + offset) % 3  # 0: A, 1: B, 2: both
            rng = random.Random(offset * 100000 + i)  # distinct texts: a note is stored once per text
            text = " ".join(rng.choice(words) for w in range(WORDS))
            codes = []
            if kind != 1:
                text += " alpha"; codes.append("A")
            if kind != 0:
                text += " beta"; codes.append("B")
            yield "n%d-%d" % (offset, i), text, codes
    with open(train, "w") as f:
        for id, text, codes in notes(TRAIN_NOTES, 0):
            f.write(json.dumps({"id": id, "text": text, "codes": codes}) + "\n")
    with open(dev, "w") as f:
        for id, text, codes in notes(DEV_NOTES, 2):
            f.write(json.dumps({"id": id, "text": text, "codes": codes}) + "\n")
    with open(reviews, "w") as f:
        for id, text, codes in notes(REVIEWED_NOTES, 1):
            f.write(",".join(codes) + "\t" + text + "\n")

# Sized so that an uninterrupted finetune run takes a few seconds, most of it after LibTorch has started, and
# the gate (which scores the dev notes with both models) long enough to be hit.
WORDS, TRAIN_NOTES, DEV_NOTES, REVIEWED_NOTES = 120, 24, 300, 120

command = sys.argv[1]
if command == "decisions": decisions(*sys.argv[2:])
elif command == "models": models(*sys.argv[2:])
elif command == "registered": registered(*sys.argv[2:])
elif command == "dataset": dataset(*sys.argv[2:])
PY
check() { "$python" -c "$checker" "$@"; }

# --- Part A: decisions ---
db_a="$work/decisions.sqlite"
"$writer" init "$db_a" || { echo "FAIL cannot create $db_a"; exit 1; }
stored=0
for ((round = 1; round <= rounds; ++round)); do
  delay=$(( 50 + RANDOM % 451 ))
  "$writer" write "$db_a" >"$work/ids-$round.txt" 2>"$work/writer-$round.err" &
  pid=$!
  sleep_ms "$delay"
  kill -9 "$pid" 2>/dev/null
  reap "$pid"
  if [[ $status != 137 ]]; then
    fail "decisions round $round/$rounds: the writer exited with $status before it was killed: $(tail -n 1 "$work/writer-$round.err")"
    continue
  fi
  if result=$(check decisions "$db_a" "$work/ids-$round.txt" "$stored"); then
    stored=$(( stored + $(sed -n 's/^[0-9]* reported, \([0-9]*\) stored.*/\1/p' <<<"$result") ))
    echo "ok   decisions round $round/$rounds: killed after $delay ms; $result"
  else
    fail "decisions round $round/$rounds: killed after $delay ms; $result"
  fi
done

# --- Part B: fine-tuning ---
check dataset "$work/train.jsonl" "$work/dev.jsonl" "$work/reviews.tsv" || { echo "FAIL cannot write the datasets"; exit 1; }
cat >"$work/config.json" <<'JSON'
{"preset": "fusion", "learning_rate": 0.003, "batch_size": 8, "min_document_frequency": 1,
 "network": {"embedding_dim": 16, "filter_sizes": [3, 5], "filter_maps": 16, "ffn_dim": 32, "max_tokens": 128}}
JSON
if ! "$cli" train --config "$work/config.json" --train "$work/train.jsonl" --dev "$work/train.jsonl" \
     --out "$work/base" --epochs 2 --threads 1 --criterion map >"$work/train.out" 2>"$work/train.err"; then
  echo "FAIL cannot train the base model: $(tail -n 1 "$work/train.err")"; exit 1
fi
db_b="$work/finetune.sqlite"
"$writer" seed "$db_b" "$work/reviews.tsv" >/dev/null || { echo "FAIL cannot seed $db_b"; exit 1; }
versions="$work/versions"
mkdir -p "$versions"
finetune() { # finetune OUT_NAME: starts fusioncoder-cli finetune in the background; pid in $pid
  "$cli" finetune --model "$work/base" --db "$db_b" --out "$versions/$1" --dev "$work/dev.jsonl" \
    --replay "$work/train.jsonl" --epochs 8 --threads 1 >"$work/$1.out" 2>"$work/$1.err" &
  pid=$!
}
check_models() { check models "$db_b" "$cli" "$versions" "$work/verified.txt" "$@"; }

started=$(now_ms)
finetune calibration
wait_for_line "$pid" "$work/calibration.err" "comparing the new model"
gate_started=$(now_ms)
wait_for_line "$pid" "$work/calibration.err" "^gate: "
gate=$(( $(now_ms) - gate_started ))
reap "$pid"
duration=$(( $(now_ms) - started ))
if [[ $status != 0 ]] || ! check registered "$db_b" "$versions/calibration"; then
  echo "FAIL the uninterrupted finetune run failed ($status): $(tail -n 1 "$work/calibration.err")"; exit 1
fi
echo "ok   finetune calibration: $duration ms uninterrupted, the gate $gate ms of it; $(check_models)"

for ((round = 1; round <= rounds; ++round)); do
  finetune "round-$round"
  # The gate and the registration are a small part of the run: two rounds in three aim at them.
  case $(( round % 3 )) in
    1) # anywhere from process start to a little after the uninterrupted run would have finished
      delay=$(( RANDOM * (duration * 11 / 10) / 32767 ))
      when="$delay ms after start" ;;
    2) # while the gate scores the held-out and dev notes
      wait_for_line "$pid" "$work/round-$round.err" "comparing the new model"
      delay=$(( RANDOM % (gate + 1) ))
      when="$delay ms into the gate" ;;
    0) # the verdict is logged just before the staging directory is renamed and its row committed
      wait_for_line "$pid" "$work/round-$round.err" "^gate: "
      delay=$(( RANDOM % 10 ))
      when="$delay ms after the verdict" ;;
  esac
  sleep_ms "$delay"
  kill -9 "$pid" 2>/dev/null
  reap "$pid"
  case $status in
    137) what="killed $when (last line: $(tail -n 1 "$work/round-$round.err" | cut -c1-50))" ;;
    0) what="finished before the kill $when" ;;
    *) fail "finetune round $round/$rounds: exited with $status: $(tail -n 1 "$work/round-$round.err")"; continue ;;
  esac
  if result=$(check_models); then
    echo "ok   finetune round $round/$rounds: $what; $result"
  else
    fail "finetune round $round/$rounds: $what; $result"
  fi
done

finetune final
reap "$pid"
if [[ $status != 0 ]]; then
  fail "final finetune run exited with $status: $(tail -n 1 "$work/final.err")"
elif ! check registered "$db_b" "$versions/final"; then
  fail "final finetune run: $versions/final is not registered"
elif result=$(check_models final); then
  echo "ok   final finetune run succeeded; $result"
else
  fail "final finetune run: $result"
fi

if [[ $failures -gt 0 ]]; then
  echo "kill_during_writes: $failures failure(s) (seed $seed)"
  exit 1
fi
echo "kill_during_writes: all $(( 2 * rounds + 2 )) checks passed (seed $seed)"
