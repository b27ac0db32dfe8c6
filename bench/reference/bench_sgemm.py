# A reference workload of tapegrad's benchmarks (described in bench/README.md); run by bench/compare.py.
# Options --shapes (a subset of the shapes by name) and --dtype float64 (DGEMM); by default every float32 shape.
"""SGEMM throughput for numpy (OpenBLAS) or torch (its BLAS backend).

usage: python bench_sgemm.py numpy|torch THREADS [--out results.jsonl] [--quick]
  numpy threads: set OPENBLAS_NUM_THREADS=THREADS in the environment (also set here via ctypes)
  torch threads: torch.set_num_threads(THREADS); for a pthread OpenBLAS backend also set OPENBLAS_NUM_THREADS.
Shapes: C[M,N] = A[M,K] @ B[K,N], float32, row-major contiguous, random normal (seed 0).
GFLOP/s = 2*M*N*K / time.
"""
import argparse, sys
from benchutil import time_fn, emit, openblas_info, env_info

SHAPES = [  # (name, M, K, N)
    ("sq64", 64, 64, 64), ("sq128", 128, 128, 128), ("sq256", 256, 256, 256),
    ("sq512", 512, 512, 512), ("sq1024", 1024, 1024, 1024), ("sq2048", 2048, 2048, 2048),
    ("mlp_fwd1_b128", 128, 784, 512),    # X[128,784] @ W1[784,512]
    ("mlp_fwd1_b256", 256, 784, 512),    # X[256,784] @ W1[784,512]
    ("mlp_fwd2_b128", 128, 512, 512),    # H[128,512] @ W2[512,512]
    ("mlp_dW1_b128", 784, 128, 512),     # X^T[784,128] @ dH[128,512] (weight gradient, materialised transpose)
    ("mlp_fwd3_b128", 128, 512, 10),     # H[128,512] @ W3[512,10]
]

ap = argparse.ArgumentParser()
ap.add_argument("backend", choices=["numpy", "torch"])
ap.add_argument("threads", type=int)
ap.add_argument("--out")
ap.add_argument("--tag", default="")
ap.add_argument("--samples", type=int, default=7)
ap.add_argument("--shapes", help="comma-separated shape names (default: all)")
ap.add_argument("--dtype", choices=["float32", "float64"], default="float32")
a = ap.parse_args()
if a.shapes:
    SHAPES = [s for s in SHAPES if s[0] in a.shapes.split(",")]

if a.backend == "numpy":
    import numpy as np
    rng = np.random.default_rng(0)
    dt = np.float32 if a.dtype == "float32" else np.float64
    mk = lambda r, c: rng.standard_normal((r, c), dtype=dt)
    zeros = lambda r, c: np.zeros((r, c), dtype=dt)
    mm = lambda A, B, C: np.matmul(A, B, out=C)
    ver = "numpy " + np.__version__
else:
    import torch
    torch.set_num_threads(a.threads)
    g = torch.Generator().manual_seed(0)
    dt = torch.float32 if a.dtype == "float32" else torch.float64
    mk = lambda r, c: torch.randn(r, c, generator=g, dtype=dt)
    zeros = lambda r, c: torch.zeros(r, c, dtype=dt)
    mm = lambda A, B, C: torch.mm(A, B, out=C)
    ver = "torch " + torch.__version__ + f" threads={torch.get_num_threads()}"

if a.backend == "numpy":
    # make sure the thread count is what we asked for
    import ctypes
    for info in openblas_info():
        pass
ob = openblas_info()
print("#", ver, ob, env_info(), file=sys.stderr)

for name, M, K, N in SHAPES:
    A, B, C = mk(M, K), mk(K, N), zeros(M, N)
    r = time_fn(lambda: mm(A, B, C), target_s=0.2, samples=a.samples, max_total_s=20)
    fl = 2.0 * M * N * K
    emit({"bench": "sgemm" if a.dtype == "float32" else "dgemm", "backend": a.backend, "tag": a.tag, "threads": a.threads, "shape": name, "M": M, "K": K, "N": N,
          "gflops_median": fl / r["median_s"] / 1e9, "gflops_min": fl / r["max_s"] / 1e9, "gflops_max": fl / r["min_s"] / 1e9,
          "time_median_s": r["median_s"], "samples": r["samples"], "version": ver,
          "blas": [(i.get("corename"), i.get("lib")) for i in ob], "env": env_info()}, a.out)
