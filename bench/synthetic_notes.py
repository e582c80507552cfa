#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Synthetic labelled notes (dataset JSON Lines) for docs/SCALE.md's measurements: random words, 1..3 codes
(or 2..6 with --codes >= 50), each code also named in the text so a model can learn it. No clinical content.

usage: synthetic_notes.py NOTES OUT.jsonl [--seed N] [--words MIN MAX] [--codes N] [--vocabulary N]
"""
import argparse
import json
import random


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("notes", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--words", type=int, nargs=2, default=[150, 250])
    parser.add_argument("--codes", type=int, default=20)
    parser.add_argument("--vocabulary", type=int, default=3000)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    words = ["w%d" % i for i in range(args.vocabulary)]
    codes = ["C%02d" % i for i in range(args.codes)]
    per_note = (1, 3) if args.codes < 50 else (2, 6)
    with open(args.out, "w") as out:
        for i in range(args.notes):
            chosen = rng.sample(codes, rng.randint(*per_note))
            text = " ".join(rng.choice(words) for _ in range(rng.randint(*args.words)))
            text += " " + " ".join("m" + code.lower() for code in chosen)
            out.write(json.dumps({"id": str(i), "text": text, "codes": chosen}) + "\n")


if __name__ == "__main__":
    main()
