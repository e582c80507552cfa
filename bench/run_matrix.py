#!/usr/bin/env python3
"""Runs `fusioncoder-cli bench --json` over the matrix of docs/PERFORMANCE.md and prints a Markdown table.

  bench/run_matrix.py --cli build/release/app/exe/fusioncoder-cli [--tokens 250,500,...] [--labels 50,1000,8921]
                      [--threads 1,2] [--max-load 0.8] [--wait 1800] [--out results.jsonl] [--train]

Before each configuration it waits (up to --wait seconds in total) until the 1-minute load average is below
--max-load, so figures are not taken while other work runs on the machine; the load before and after each
run is recorded in the JSON and the table. Every ratio is against the sgemm peak measured in the same run.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def load():
    return os.getloadavg()[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--tokens", default="250,500,1000,2500,10000")
    p.add_argument("--labels", default="50,1000,8921")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--max-load", type=float, default=0.8)
    p.add_argument("--wait", type=float, default=1800)
    p.add_argument("--train", action="store_true")
    p.add_argument("--out")
    a = p.parse_args()
    deadline = time.time() + a.wait
    rows = []
    out = open(a.out, "a") if a.out else None
    for threads in map(int, a.threads.split(",")):
        for labels in map(int, a.labels.split(",")):
            for tokens in map(int, a.tokens.split(",")):
                while load() > a.max_load and time.time() < deadline:
                    time.sleep(15)
                argv = [a.cli, "bench", "--json", "--tokens", str(tokens), "--labels", str(labels),
                        "--threads", str(threads), "--runs", str(a.runs)] + (["--train"] if a.train else [])
                env = dict(os.environ, OMP_NUM_THREADS=str(threads))
                r = json.loads(subprocess.run(argv, capture_output=True, check=True, env=env).stdout)
                rows.append(r)
                if out:
                    out.write(json.dumps(r) + "\n")
                    out.flush()
                print("%5d tok %5d lab %d thr: median %.1f ms (load %.2f)" % (
                    tokens, labels, threads, r["inference"]["median_ms"], r["load_average_before"]), file=sys.stderr)
    print("| threads | labels | tokens | GFLOP | median ms | p90 ms | + evidence ms | GFLOP/s | sgemm GFLOP/s | of peak | load s | RSS MiB | load avg |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %d | %d | %d | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f %% | %.2f | %.0f | %.2f / %.2f |" % (
            r["threads"], r["labels"], r["tokens"], r["gflop_per_note"], r["inference"]["median_ms"],
            r["inference"]["p90_ms"], r["inference_with_evidence"]["median_ms"], r["achieved_gflops"],
            r["sgemm_gflops"], 100 * r["fraction_of_peak"], r["load_seconds"], r["peak_rss_mb"],
            r["load_average_before"], r["load_average_after"]))


if __name__ == "__main__":
    main()
