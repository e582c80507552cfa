#!/usr/bin/env python3
"""Bad-input suite for fusioncoder-cli: feeds malformed inputs to the real executable and checks that each run
ends with exit code 2 (bad input) and exactly one non-empty line on stderr, never a signal, never a hang.

  badinput.py --cli PATH --model-seed DIR [--quick] [--jobs N] [--timeout S] [--keep DIR]

--model-seed: fuzz/corpus/model_dir (the tiny model's files, each prefixed with one selector byte); the
damaged model directories are built from it so each case copies ~12 KB. Inputs are generated
deterministically (fixed seeds). The full run has > 1,000 cases; --quick runs a fixed stratified subset
(every category, 8 cases each) for CTest. Exit 0 when every case passes, 1 otherwise (each failure is listed).

Cases marked "may_load" are damaged files that can still be valid (a bit flip inside a float of weights.pt
gives another valid model): exit 0 is accepted for them, signals and hangs never are.
Databases (export, finetune) are missing, empty, not SQLite, truncated, another application's, or locked by an
exclusive transaction of this script during the run. (Read-only files cannot be tested as root.)
Full disk is simulated with RLIMIT_FSIZE (the writer gets EFBIG); a write failure may also exit 1
("other failure", interfaces.md), but never by a signal (SIGXFSZ) and never leaving a partial model.
"""
import argparse
import concurrent.futures
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

FILES = ["model.json", "weights.pt", "labels.txt", "vocab.txt"]


class Case:
    def __init__(self, category, name, argv, accept=(2,), fsize=None, stdin=None, check=None):
        self.category, self.name, self.argv, self.accept = category, name, argv, accept
        self.fsize, self.stdin, self.check = fsize, stdin, check


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def tiny_model(seed_dir):
    files = {}
    for name in FILES:
        with open(os.path.join(seed_dir, name), "rb") as f:
            files[name] = f.read()[1:]
    return files


def model_dir(root, name, files, replace=None, drop=None):
    directory = os.path.join(root, "models", name)
    for file, data in files.items():
        if file == drop:
            continue
        write(os.path.join(directory, file), replace[1] if replace and replace[0] == file else data)
    return directory


def bitflip(data, rng, flips):
    b = bytearray(data)
    for _ in range(flips):
        if b:
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    return bytes(b)


def still_valid_list(file, original, damaged):
    """Whether a damaged labels.txt / vocab.txt is still a valid one for the same model: the same number of
    non-blank lines, unique, valid UTF-8 without control characters (and sorted, for the vocabulary)."""
    def entries(data):
        return [line.strip() for line in data.split(b"\n") if line.strip()]
    lines = entries(damaged)
    if len(lines) != len(entries(original)) or len(set(lines)) != len(lines):
        return False
    for line in lines:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            return False
        if any(ord(c) < 32 or ord(c) == 127 for c in text):
            return False
    return file != "vocab.txt" or lines == sorted(lines)


INVALID_UTF8 = [b"\x80", b"\xbf", b"\xc0\xaf", b"\xc1\xbf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xed\xbf\xbf",
                b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xfe", b"\xff", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98",
                b"\xf8\x88\x80\x80\x80", b"\xc3\x28", b"\xe2\x28\xa1"]
WORDS = "fever cough pain chest dolor paciente N44.8 401.9 café naïve 東京 mg/dl 250 ,.;".split()


def text(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words)).encode()


def generate(root, seed_dir):
    rng = random.Random(20261125)
    files = tiny_model(seed_dir)
    good_model = model_dir(root, "good", files)
    good_note = write(os.path.join(root, "good-note.txt"), "fever and cough\n")
    cases = []

    # 1. Notes for predict: binary, invalid UTF-8 anywhere (also at the end of a large note), missing files.
    for i in range(260):
        kind = i % 4
        body = text(rng, rng.randrange(0, 400))
        at = rng.randrange(len(body) + 1)
        if kind == 0:
            data = body[:at] + b"\x00" + body[at:]
        elif kind == 1:
            data = body[:at] + rng.choice(INVALID_UTF8) + body[at:]
        elif kind == 2:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000))) + b"\x00"
        else:
            data = b"\xef\xbb\xbf" + body + rng.choice(INVALID_UTF8)
        path = write(os.path.join(root, "notes", f"bad-{i}.txt"), data)
        cases.append(Case("note", f"note-{i}", ["predict", "--model", good_model, path]))
    huge = write(os.path.join(root, "notes", "huge-invalid.txt"), text(rng, 1) * 0 + b"fever " * 2_000_000 + b"\xff")
    cases.append(Case("note", "huge-invalid-utf8-at-12MB", ["predict", "--model", good_model, huge]))
    cases.append(Case("note", "huge-invalid-stdin", ["predict", "--model", good_model, "-"], stdin=huge))
    cases.append(Case("note", "missing-file", ["predict", "--model", good_model, os.path.join(root, "nope.txt")]))
    cases.append(Case("note", "directory-as-note", ["predict", "--model", good_model, root]))

    # 2. Dataset files for eval: wrong JSON, wrong types, bad evidence, invalid UTF-8, truncation.
    good_line = {"id": "d1", "text": "fever and cough", "codes": ["A00.0"],
                 "evidence": [{"code": "A00.0", "begin": 0, "end": 5}]}
    broken_lines = [
        "{", "[]", "null", "42", '"text"', '{"id": "x"}', '{"text": "a"}', '{"id": "x", "text": 5, "codes": []}',
        '{"id": "x", "text": "a", "codes": "A00.0"}', '{"id": "x", "text": "a", "codes": [1]}',
        '{"id": [], "text": "a", "codes": []}', '{"id": "x", "text": "abc", "codes": ["A00.0"], "evidence": 3}',
        '{"id": "x", "text": "abc", "codes": ["A00.0"], "evidence": [{"code": "A00.0", "begin": 2, "end": 1}]}',
        '{"id": "x", "text": "abc", "codes": ["A00.0"], "evidence": [{"code": "A00.0", "begin": -1, "end": 1}]}',
        '{"id": "x", "text": "abc", "codes": ["A00.0"], "evidence": [{"code": "A00.0", "begin": 0, "end": 99}]}',
        '{"id": "x", "text": "abc", "codes": ["A00.0"], "evidence": [{"code": "A00.0", "begin": 0.5, "end": 1}]}',
        '{"id": "x", "text": "abc", "codes": ["A00.0"], "evidence": [{"code": 7, "begin": 0, "end": 1}]}',
        '{"id": "x", "text": "abc", "codes": ["A00.0"]} trailing', '{"id": "x", "text": "\\ud800", "codes": []}',
        '{"id": "x", "text": "a\\u0000b", "codes": ["A00.0"]', "\x00\x01\x02", '{"id": "x" "text": "a"}',
    ]
    for i in range(220):
        lines = [json.dumps(good_line)] * rng.randrange(0, 4)
        kind = i % 4
        if kind == 0:
            bad = broken_lines[i // 4 % len(broken_lines)].encode()
        elif kind == 1:
            line = json.dumps(good_line, ensure_ascii=False).encode()
            bad = line[: rng.randrange(1, len(line))]
        elif kind == 2:
            line = json.dumps(good_line, ensure_ascii=False).encode()
            at = rng.randrange(len(line))
            bad = line[:at] + rng.choice(INVALID_UTF8) + line[at:]
        else:
            bad = bitflip(json.dumps(good_line).encode(), rng, 1 + rng.randrange(3))
            try:  # a flip that still parses as a valid document is not a bad input; skip it
                doc = json.loads(bad)
                if isinstance(doc, dict):
                    continue
            except (ValueError, UnicodeDecodeError):
                pass
        data = ("\n".join(lines) + "\n").encode() + bad + b"\n" + json.dumps(good_line).encode() + b"\n"
        path = write(os.path.join(root, "data", f"bad-{i}.jsonl"), data)
        cases.append(Case("dataset", f"eval-{i}", ["eval", "--model", good_model, "--data", path]))
    cases.append(Case("dataset", "eval-missing", ["eval", "--model", good_model, "--data", os.path.join(root, "none.jsonl")]))
    empty = write(os.path.join(root, "data", "empty.jsonl"), b"")
    cases.append(Case("dataset", "eval-empty", ["eval", "--model", good_model, "--data", empty]))

    # 3. Damaged model directories: truncated, bit-flipped, empty or missing files.
    for i in range(400):
        file = FILES[i % 4]
        kind = (i // 4) % 4
        data = files[file]
        accept = (2,)
        if kind == 0:
            damaged = data[: rng.randrange(len(data))]
        elif kind == 1:
            damaged = bitflip(data, rng, 1 + rng.randrange(8))
            accept = (0, 2)  # may still be a valid model
        elif kind == 2:
            at = rng.randrange(len(data) + 1)
            damaged = data[:at] + rng.choice(INVALID_UTF8 + [b"\x00", b"\n\n", b"{"]) + data[at:]
            accept = (0, 2) if file == "weights.pt" else (2,)
        else:
            damaged = b""
        if file in ("labels.txt", "vocab.txt") and still_valid_list(file, data, damaged):
            accept = (0, 2)  # e.g. a truncated last newline, or a flipped letter giving another valid code
        directory = model_dir(root, f"damaged-{i}", files, replace=(file, damaged))
        cases.append(Case("model", f"model-{i}-{file}-{['truncated', 'bitflip', 'inserted', 'empty'][kind]}",
                          ["predict", "--model", directory, good_note], accept=accept))
    for file in FILES:
        cases.append(Case("model", f"missing-{file}", ["predict", "--model", model_dir(root, f"no-{file}", files, drop=file), good_note]))
    config = json.loads(files["model.json"])
    for key, value in [("arch", "transformer"), ("arch", 3), ("format", "other"), ("format_version", 99),
                       ("label_count", 1), ("vocabulary_size", 2), ("label_count", "2"), ("threshold", "high"), ("threshold", -3), ("options", []),
                       ("options", {"embedding_dim": -4}), ("options", {"filter_sizes": [2]}),
                       ("options", {"filter_sizes": []}), ("options", {"max_tokens": 0}),
                       ("options", {"max_tokens": 10**12}), ("options", {"heads": 3}),
                       ("options", {"filter_maps": 10**9}), ("options", {"pool_size": 0}), ("name", None)]:
        broken = dict(config)
        if key == "options" and isinstance(value, dict):
            broken["options"] = dict(config.get("options", {}), **value)
        else:
            broken[key] = value
        directory = model_dir(root, f"json-{len(cases)}", files, replace=("model.json", json.dumps(broken).encode()))
        cases.append(Case("model", f"model.json {key}={json.dumps(value)[:30]}", ["predict", "--model", directory, good_note]))
    cases.append(Case("model", "model-not-a-directory", ["predict", "--model", good_note, good_note]))
    cases.append(Case("model", "unknown-model-name", ["predict", "--model", "no-such-model", good_note]))

    # 4. Label and vocabulary files for init-model and import-pytorch; checkpoints for import-pytorch.
    bad_lists = [b"", b"\n\n\n", b"A00\x00B00\n", b"A00\nA00\n", b"\xff\xfe\n", b"A00\n\xc3\n", b" \n\t\n"]
    for i, data in enumerate(bad_lists * 4):
        labels = write(os.path.join(root, "lists", f"labels-{i}.txt"), data)
        vocab = write(os.path.join(root, "lists", f"vocab-{i}.txt"), data)
        good_labels = os.path.join(good_model, "labels.txt")
        good_vocab = os.path.join(good_model, "vocab.txt")
        out = os.path.join(root, "out", f"init-{i}")
        if i % 2 == 0:
            argv = ["init-model", "--arch", "fusion", "--labels", labels, "--vocab", good_vocab, "--out", out]
        else:
            argv = ["init-model", "--arch", "fusion", "--labels", good_labels, "--vocab", vocab, "--out", out]
        accept = (0, 2) if data in (b"A00\nA00\n", b"\n\n\n", b" \n\t\n") and i % 2 == 1 else (2,)
        if data == b"A00\nA00\n":
            accept = (0, 2)  # duplicates may be merged
        cases.append(Case("lists", f"init-model-{i}", argv, accept=accept))
    for i in range(60):
        data = files["weights.pt"]
        damaged = data[: rng.randrange(len(data))] if i % 2 == 0 else bitflip(data, rng, 1 + rng.randrange(6))
        checkpoint = write(os.path.join(root, "ckpt", f"state-{i}.pt"), damaged)
        cases.append(Case("checkpoint", f"import-pytorch-{i}",
                          ["import-pytorch", "--state-dict", checkpoint, "--vocab", os.path.join(good_model, "vocab.txt"),
                           "--labels", os.path.join(good_model, "labels.txt"), "--out", os.path.join(root, "out", f"imp-{i}")]))

    # 5. Bad usage.
    for argv in [["predict"], ["predict", "--top", "-1", good_note], ["predict", "--threshold", "2", good_note],
                 ["predict", "--threads", "abc", good_note], ["predict", "--bogus", good_note],
                 ["predict", good_note, good_note], ["bench", "--tokens", "0"], ["bench", "--labels", "x"],
                 ["bench", "--runs", "0"], ["bench", "extra"], ["eval"], ["info", "--model", ""], ["no-such-command"],
                 ["init-model", "--arch", "nope", "--labels", good_note, "--vocab", good_note, "--out", os.path.join(root, "o")],
                 ["prepare", "codiesp", "--root", os.path.join(root, "none"), "--lang", "en", "--out", os.path.join(root, "p.jsonl")],
                 ["prepare", "codiesp", "--root", root, "--lang", "xx", "--out", os.path.join(root, "p.jsonl")],
                 ["prepare", "mimic3"], ["prepare", "other"], ["train"], ["import-pytorch"]]:
        cases.append(Case("usage", " ".join(argv[:3]), argv))

    # Regressions: bad inputs the programs once accepted or misreported (category "regression"; all run in
    # --quick mode too). Each names the file and function that must reject it.
    regression = [
        # model/src/torch/modelfiles.cpp readModelConfig: labels.txt lines must be valid UTF-8 without controls
        ("labels.txt-invalid-utf8", "labels.txt", b"A00.0\nB01.\xff1\n"),
        ("labels.txt-nul", "labels.txt", b"A0\x000.0\nB01.1\n"),
        # model/src/vocabulary.cpp Vocabulary::load: words must not hold NUL / control characters
        ("vocab.txt-nul", "vocab.txt", b"c\x00ough\nfever\npain\n"),
    ]
    for name, file, data in regression:
        cases.append(Case("regression", f"predict with {name}",
                          ["predict", "--model", model_dir(root, f"regression-{name}", files, replace=(file, data)), good_note]))
    broken = json.loads(files["model.json"])
    broken["label_count"] = "2"  # readModelConfig: a wrongly typed key is a ModelError naming model.json (was exit 1)
    cases.append(Case("regression", "predict with model.json label_count as a string",
                      ["predict", "--model", model_dir(root, "regression-json-type", files,
                                                       replace=("model.json", json.dumps(broken).encode())), good_note]))
    # app/cli/cmd_init_model.cpp readLines: label/vocabulary lines must be valid UTF-8 without NUL; an empty
    # vocabulary is an error
    for name, labels_data, vocab_data in [("labels-invalid-utf8", b"A00\n\xc3\n", None), ("labels-nul", b"A00\x00B00\n", None),
                                          ("vocab-empty", None, b""), ("vocab-nul", None, b"A00\x00B00\n")]:
        labels = write(os.path.join(root, "regression", f"{name}-labels.txt"), labels_data) if labels_data is not None \
            else os.path.join(good_model, "labels.txt")
        vocab = write(os.path.join(root, "regression", f"{name}-vocab.txt"), vocab_data) if vocab_data is not None \
            else os.path.join(good_model, "vocab.txt")
        cases.append(Case("regression", f"init-model with {name}", ["init-model", "--arch", "fusion", "--labels", labels,
                                                                    "--vocab", vocab, "--out", os.path.join(root, "out", f"reg-{name}")]))
    # app/cli/cmd_eval.cpp: a dataset file without documents gives no metrics and must be bad input
    cases.append(Case("regression", "eval on an empty dataset", ["eval", "--model", good_model, "--data", empty]))

    # 6. Databases for export and finetune: missing, empty, not SQLite, truncated, locked by another writer.
    import sqlite3
    valid_db = os.path.join(root, "db", "other-app.sqlite")
    os.makedirs(os.path.dirname(valid_db), exist_ok=True)
    with sqlite3.connect(valid_db) as connection:
        connection.execute("CREATE TABLE unrelated (x INTEGER)")
        connection.executemany("INSERT INTO unrelated VALUES (?)", [(i,) for i in range(2000)])
    with open(valid_db, "rb") as f:
        db_bytes = f.read()
    databases = {"missing": os.path.join(root, "db", "missing.sqlite"),
                 "empty-file": write(os.path.join(root, "db", "empty.sqlite"), b""),
                 "text-file": write(os.path.join(root, "db", "text.sqlite"), b"not a database\n" * 100),
                 "truncated-header": write(os.path.join(root, "db", "trunc1.sqlite"), db_bytes[:50]),
                 "truncated-pages": write(os.path.join(root, "db", "trunc2.sqlite"), db_bytes[: len(db_bytes) // 2 + 7]),
                 "bit-flipped": write(os.path.join(root, "db", "flip.sqlite"), bitflip(db_bytes[:100], rng, 8) + db_bytes[100:]),
                 "other-application": valid_db,
                 "directory": os.path.join(root, "db")}
    for name, db in databases.items():
        cases.append(Case("database", f"export {name}", ["export", "--db", db, "--all", "--format", "json",
                                                         "--out", os.path.join(root, "out", f"export-{name}.json")]))
        cases.append(Case("database", f"finetune {name}", ["finetune", "--model", good_model, "--db", db,
                                                           "--out", os.path.join(root, "out", f"ft-{name}")]))
    for command in ("export", "finetune"):
        locked = os.path.join(root, "db", f"locked-{command}.sqlite")  # one file per case: cases run in parallel
        shutil.copy(valid_db, locked)
        argv = (["export", "--db", locked, "--all", "--format", "json", "--out", os.path.join(root, "out", "locked.json")]
                if command == "export" else
                ["finetune", "--model", good_model, "--db", locked, "--out", os.path.join(root, "out", "ft-locked")])
        cases.append(Case("database", f"{command} locked by another writer", argv, check=("locked", locked)))

    # 7. Full disk (RLIMIT_FSIZE): writing a model directory must fail cleanly, for a tiny model and for one
    #    with the shipped placeholder's 4,096-word vocabulary (weights.pt of ~2 MB).
    placeholder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "models", "placeholder")
    for labels, vocab, tag in [(os.path.join(good_model, "labels.txt"), os.path.join(good_model, "vocab.txt"), "tiny"),
                               (os.path.join(placeholder, "labels.txt"), os.path.join(placeholder, "vocab.txt"), "placeholder")]:
        for limit in [0, 1, 100, 4096, 100000]:
            out = os.path.join(root, "out", f"full-{tag}-{limit}")
            cases.append(Case("full-disk", f"init-model {tag} fsize={limit}",
                              ["init-model", "--arch", "fusion", "--labels", labels, "--vocab", vocab, "--out", out],
                              accept=(1, 2), fsize=limit, check=("no-partial", out)))
    return cases


def run(cli, case, timeout):
    lock = None
    if case.check and case.check[0] == "locked":  # another process holds an exclusive lock during the run
        import sqlite3
        lock = sqlite3.connect(case.check[1], timeout=0, isolation_level=None, check_same_thread=False)
        lock.execute("BEGIN EXCLUSIVE")
    try:
        return run_locked(cli, case, timeout)
    finally:
        if lock:
            lock.execute("ROLLBACK")
            lock.close()


def run_locked(cli, case, timeout):
    def limits():
        if case.fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (case.fsize, case.fsize))

    stdin = open(case.stdin, "rb") if case.stdin else subprocess.DEVNULL
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OMP_NUM_THREADS="1")
    try:
        p = subprocess.run([cli] + case.argv, stdin=stdin, capture_output=True, timeout=timeout,
                           preexec_fn=limits, env=env)
    except subprocess.TimeoutExpired:
        return "hang (timeout after %ss)" % timeout
    except OSError as e:  # e.g. the executable is being rebuilt
        return "could not start the executable: %s" % e
    finally:
        if case.stdin:
            stdin.close()
    if p.returncode < 0:
        return "killed by signal %s" % signal.Signals(-p.returncode).name
    err = p.stderr.decode("utf-8", "replace").rstrip("\n")
    lines = [line for line in err.split("\n") if line.strip()]
    if p.returncode not in case.accept:
        return "exit %d (expected %s): %s" % (p.returncode, "/".join(map(str, case.accept)), err[-300:])
    if p.returncode != 0 and len(lines) != 1:
        return "exit %d with %d stderr lines (expected one): %s" % (p.returncode, len(lines), err[-400:])
    if case.check and case.check[0] == "no-partial":
        out = case.check[1]
        if os.path.exists(out) and p.returncode != 0:
            return "failed write left %s behind" % out
        parent = os.path.dirname(out)
        leftovers = [n for n in os.listdir(parent) if n.startswith(os.path.basename(out)) and n != os.path.basename(out)]
        if leftovers:
            return "failed write left temporary files: %s" % leftovers
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cli", required=True)
    parser.add_argument("--model-seed", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--keep", help="generate the inputs here and keep them")
    parser.add_argument("--skip", help="leave out this category")
    parser.add_argument("--only", help="run only this category (note, dataset, model, lists, checkpoint, usage, regression, database, full-disk)")
    args = parser.parse_args()
    root = args.keep or tempfile.mkdtemp(prefix="fusioncoder-badinput-")
    try:
        cases = generate(root, args.model_seed)
        if args.only:
            cases = [c for c in cases if c.category == args.only]
        if args.quick:  # every category, a fixed sample of each
            by_category = {}
            for case in cases:
                by_category.setdefault(case.category, []).append(case)
            sample = random.Random(7)
            cases = [c for category, group in by_category.items()
                     for c in (group if len(group) <= 8 or category == "regression" else sample.sample(group, 8))]
        if args.skip:
            cases = [c for c in cases if c.category != args.skip]
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(lambda c: (c, run(args.cli, c, args.timeout)), cases))
        failures = [(c, r) for c, r in results if r]
        counts = {}
        for case, result in results:
            ok, bad = counts.get(case.category, (0, 0))
            counts[case.category] = (ok + (result is None), bad + (result is not None))
        for category, (ok, bad) in counts.items():
            print("%-11s %4d passed %4d failed" % (category, ok, bad))
        for case, result in failures:
            print("FAIL [%s] %s: %s" % (case.category, case.name, result))
        print("badinput: %d cases, %d failed" % (len(results), len(failures)))
        return 1 if failures else 0
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
