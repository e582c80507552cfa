#!/usr/bin/env python3
"""Per-operator profile of the Fusion forward pass (the authors' FlowHidden, the same ATen operators as
fusioncoder's network), with LibTorch's profiler, to see where inference time goes.

  bench/profile_ops.py --tokens 2500 --labels 50 --threads 2 [--runs 5] [--default-malloc]

Prints the operators sorted by self CPU time. Same allocator settings as bench/compare_pytorch.py unless
--default-malloc (then glibc's defaults: large blocks mmapped per call).
"""
import ctypes
import os
import sys

if '--default-malloc' not in sys.argv:
    _libc = ctypes.CDLL('libc.so.6')
    _libc.mallopt(-4, 0)          # M_MMAP_MAX
    _libc.mallopt(-1, 512 << 20)  # M_TRIM_THRESHOLD
    _libc.mallopt(-2, 16 << 20)   # M_TOP_PAD

import argparse  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
import torch  # noqa: E402
from pytorch_reference import FlowHidden  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tokens', type=int, default=2500)
    ap.add_argument('--labels', type=int, default=50)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--vocabulary', type=int, default=50000)
    ap.add_argument('--default-malloc', action='store_true')
    ap.add_argument('--rows', type=int, default=25)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = FlowHidden(args.labels, args.vocabulary + 2).eval()
    ids = torch.randint(1, args.vocabulary + 1, (1, min(args.tokens, 2500)))
    with torch.no_grad():
        for _ in range(2):
            model(ids)
        with torch.autograd.profiler.profile() as prof:
            for _ in range(args.runs):
                torch.sigmoid(model(ids))
    print(prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=args.rows))


if __name__ == '__main__':
    main()
