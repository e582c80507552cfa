#!/usr/bin/env python3
"""Label and vocabulary lists of the placeholder default model (until a trained model ships).

Labels: the 50 most frequent codes (diagnoses + procedures) of CodiEsp train, upper-case, ties by code.
Vocabulary: caml-mimic tokens (\\w+, lower-case, numeric tokens dropped) found in >= 3 English train documents.
Usage: make_placeholder_lists.py CODIESP_ROOT OUT_DIR   (CODIESP_ROOT = unpacked final_dataset_v4_to_publish)
"""
import collections
import pathlib
import re
import sys

root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
counts = collections.Counter()
for name in ("trainD.tsv", "trainP.tsv"):
    for line in (root / "train" / name).read_text(encoding="utf-8").splitlines():
        if line.strip():
            counts[line.split("\t")[1].strip().upper()] += 1
top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:50]
(out / "labels.txt").write_text("".join(code + "\n" for code in sorted(c for c, _ in top)), encoding="utf-8")

df = collections.Counter()
for path in sorted((root / "train" / "text_files_en").glob("*.txt")):
    words = {t.lower() for t in re.findall(r"\w+", path.read_text(encoding="utf-8")) if not t.isnumeric()}
    df.update(words)
vocab = sorted(w for w, n in df.items() if n >= 3)
(out / "vocab.txt").write_text("".join(w + "\n" for w in vocab), encoding="utf-8")
print(f"{len(top)} labels, {len(vocab)} words")
