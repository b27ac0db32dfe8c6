# A reference workload of tapegrad's benchmarks (described in bench/README.md); run by bench/compare.py.
"""Elementwise throughput for numpy or torch; the same operations should be timed in the Java suite.
ops: fma a=b*c+d (numpy: np.multiply(b,c,out=a); np.add(a,d,out=a) -- two passes, numpy has no fused op;
     torch: torch.addcmul(d,b,c,out=a) -- one pass), tanh a=tanh(b), exp a=exp(b); float32, inputs uniform(-2,2) seed 0.
usage: python bench_elementwise.py numpy|torch THREADS [--sizes 1048576,16777216] [--out FILE]
numpy ufuncs are single-threaded regardless of THREADS (recorded as threads=1).
"""
import argparse, sys
from benchutil import time_fn, emit, env_info

ap = argparse.ArgumentParser()
ap.add_argument("backend", choices=["numpy", "torch"])
ap.add_argument("threads", type=int)
ap.add_argument("--sizes", default="1048576,16777216")
ap.add_argument("--out")
a = ap.parse_args()

import numpy as np
if a.backend == "torch":
    import torch
    torch.set_num_threads(a.threads)
    ver = f"torch {torch.__version__} threads={torch.get_num_threads()}"
else:
    ver = "numpy " + np.__version__
print("#", ver, env_info(), file=sys.stderr)

for n in [int(s) for s in a.sizes.split(",")]:
    rng = np.random.default_rng(0)
    b, c, d = (rng.uniform(-2, 2, n).astype(np.float32) for _ in range(3))
    out = np.empty(n, np.float32)
    if a.backend == "numpy":
        ops = {"fma": lambda: (np.multiply(b, c, out=out), np.add(out, d, out=out)),
               "tanh": lambda: np.tanh(b, out=out), "exp": lambda: np.exp(b, out=out)}
        ref = {"fma": lambda: b.astype(np.float64) * c + d, "tanh": lambda: np.tanh(b.astype(np.float64)), "exp": lambda: np.exp(b.astype(np.float64))}
        get = lambda: out
    else:
        tb, tc, td, to = (torch.from_numpy(x) for x in (b, c, d, out))
        ops = {"fma": lambda: torch.addcmul(td, tb, tc, out=to), "tanh": lambda: torch.tanh(tb, out=to), "exp": lambda: torch.exp(tb, out=to)}
        ref = {"fma": lambda: b.astype(np.float64) * c + d, "tanh": lambda: np.tanh(b.astype(np.float64)), "exp": lambda: np.exp(b.astype(np.float64))}
        get = lambda: to.numpy()
    for op, fn in ops.items():
        r = time_fn(fn, target_s=0.2, samples=7, max_total_s=15)
        rf = ref[op]()
        err = float(np.max(np.abs(get() - rf) / np.maximum(np.abs(rf), 1e-30))) if op != "fma" else float(np.max(np.abs(get() - rf)))
        emit({"bench": "elementwise", "op": op, "backend": a.backend, "threads": 1 if a.backend == "numpy" else a.threads, "n": n,
              "gelem_s_median": n / r["median_s"] / 1e9, "gelem_s_min": n / r["max_s"] / 1e9, "gelem_s_max": n / r["min_s"] / 1e9,
              "ns_per_elem": r["median_s"] / n * 1e9, "time_median_s": r["median_s"], "err": err, "version": ver, "env": env_info()}, a.out)
