#!/usr/bin/env python3
"""The authors' Fusion in Debian's PyTorch, timed the way `fusioncoder-cli bench` times fusioncoder.

`fusioncoder-cli bench --compare-pytorch` runs this script in the same run, on the same CPU, thread count,
note length and label count, and prints the ratio. It uses --serve: one timed run per request, interleaved
with fusioncoder's own timed runs, so a change of the machine's load hits both sides alike; each run's wall
and CPU time are returned for per-pair ratios. It can also be run alone:

  bench/compare_pytorch.py --tokens 2500 --labels 50 --threads 2 [--runs 20] [--json]

The network is FlowHidden from scripts/pytorch_reference.py (the authors' module structure and names),
random weights (seed 1), a synthetic vocabulary (default 50,000 words) and a note of random word ids. Notes
longer than 2,500 tokens are scored window by window and the scores max-pooled, as the authors evaluate and
as the Engine does. Timed: the forward passes under torch.no_grad() plus sigmoid and max (no tokenising:
this gives the reference a small head start).

Fair settings: the reference gets the same allocator setting as fusioncoder (glibc malloc never mmaps, trims
only above 512 MiB: mallopt below, before torch allocates), OMP_WAIT_POLICY=PASSIVE and whatever
OPENBLAS_CORETYPE the caller passes (bench passes the one fusioncoder itself runs with).
Needs Debian's python3-torch (1.13) and python3-numpy.
"""
import argparse
import ctypes
import json
import os
import statistics
import sys
import time

# Before torch loads: the same malloc settings as fusioncoder's tuneProcess (app/process_tuning.cpp).
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_MAX = -1, -2, -4
if os.environ.get('FC_REFERENCE_DEFAULT_MALLOC') != '1':
    _libc = ctypes.CDLL('libc.so.6')
    _libc.mallopt(M_MMAP_MAX, 0)
    _libc.mallopt(M_TRIM_THRESHOLD, 512 << 20)
    _libc.mallopt(M_TOP_PAD, 16 << 20)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
import torch  # noqa: E402
from pytorch_reference import FlowHidden  # noqa: E402


def openblas_core():
    try:
        lib = ctypes.CDLL('libopenblas.so.0')
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_corename().decode()
    except OSError:
        return ''


def peak_rss_mb():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) / 1024.0
    return 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--tokens', type=int, default=2500)
    ap.add_argument('--labels', type=int, default=50)
    ap.add_argument('--threads', type=int, default=0, help='intra-op threads, 0 = every core')
    ap.add_argument('--runs', type=int, default=20)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--vocabulary', type=int, default=50000)
    ap.add_argument('--max-length', type=int, default=2500)
    ap.add_argument('--json', action='store_true')
    ap.add_argument('--serve', action='store_true',
                    help='after the warm-up print "ready", then time one run per "run" line read from stdin '
                         '(printing {"wall_ms", "cpu_ms"}) until end of input; then the summary as --json')
    args = ap.parse_args()

    threads = args.threads or os.cpu_count()
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = FlowHidden(args.labels, args.vocabulary + 2, args.max_length)
    model.eval()
    ids = torch.randint(1, args.vocabulary + 1, (max(1, args.tokens),), dtype=torch.long)
    windows = [ids[i:i + args.max_length].unsqueeze(0) for i in range(0, ids.numel(), args.max_length)]

    def run():
        with torch.no_grad():
            best = None
            for w in windows:
                p = torch.sigmoid(model(w))[0]
                best = p if best is None else torch.maximum(best, p)
        return best

    for _ in range(args.warmup):
        run()
    ms, cpu_ms = [], []

    def timed():
        cpu_start = time.process_time()
        start = time.perf_counter()
        run()
        ms.append((time.perf_counter() - start) * 1000.0)
        cpu_ms.append((time.process_time() - cpu_start) * 1000.0)

    if args.serve:
        # Interleaved with the caller's own runs (bench --compare-pytorch): one timed run per request.
        print('ready', flush=True)
        for line in sys.stdin:
            if line.strip() != 'run':
                break
            timed()
            print(json.dumps({'wall_ms': ms[-1], 'cpu_ms': cpu_ms[-1]}), flush=True)
        args.json = True
    else:
        for _ in range(args.runs):
            timed()
    if not ms:
        sys.exit('compare_pytorch.py: no timed run')
    runs_wall, runs_cpu = list(ms), list(cpu_ms)
    ms.sort()
    result = {
        'implementation': 'pytorch (authors\' FlowHidden)',
        'torch': torch.__version__,
        'tokens': args.tokens, 'labels': args.labels, 'threads': threads, 'windows': len(windows),
        'median_ms': statistics.median(ms), 'p90_ms': ms[max(0, -(-9 * len(ms) // 10) - 1)],
        'min_ms': ms[0], 'max_ms': ms[-1], 'runs': len(ms),
        'openblas_core': openblas_core(),
        'openblas_coretype': os.environ.get('OPENBLAS_CORETYPE', ''),
        'omp_wait_policy': os.environ.get('OMP_WAIT_POLICY', ''),
        'malloc_tuned': os.environ.get('FC_REFERENCE_DEFAULT_MALLOC') != '1',
        'peak_rss_mb': peak_rss_mb(),
        'run_wall_ms': runs_wall, 'run_cpu_ms': runs_cpu,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print('PyTorch %s, %d tokens, %d labels, %d threads: median %.2f ms, p90 %.2f ms (OpenBLAS %s)'
              % (result['torch'], args.tokens, args.labels, threads, result['median_ms'], result['p90_ms'],
                 result['openblas_core']))


if __name__ == '__main__':
    main()
