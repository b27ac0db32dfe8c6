# A reference workload of tapegrad's benchmarks (described in bench/README.md); run by bench/compare.py.
"""Autodiff reference workload (a): micrograd-style SCALAR graph in torch (0-dim tensors).

Workload (re-implement exactly in the Java engine for side-by-side ratios):
  * MLP 2-16-16-1 on scalars, exactly like micrograd's demo: neuron(x) = act(sum_i w_i*x_i + b), act = tanh on the
    two hidden layers, identity on the output neuron. Summation order: s = w_0*x_0; s = s + w_i*x_i (i=1..n-1); s = s + b.
  * 16 samples, loss = sum_s (pred_s - y_s)^2  (per sample: sub, mul(self), add into running sum starting from the
    first sample's square).
  * Values: 64-bit LCG  state = state*6364136223846793005 + 1442695040888963407 (mod 2^64), seed state=42;
    u = ((state >> 40) / 2^24) * 2 - 1  in [-1,1). Draw order: all weights then bias per neuron, neurons in order,
    layers in order; then for each sample x0, x1, then label y = 1 if x0*x1 > 0 else -1.
  * One "step" = build graph (forward) + loss.backward() + plain SGD update w -= 0.01*grad, zero grads.
    Parameters are leaf 0-dim float32 tensors (requires_grad=True), inputs plain 0-dim float32 tensors.
  * Ops counted = every arithmetic op that creates a graph node (mul, add, tanh, sub, square-as-mul):
    neuron with n inputs = 2n ops (+1 tanh if hidden); per sample 80+528+32 = 640 forward ops + 3 loss ops,
    16*643 - 1 = 10287 ops per step (the first sample's loss add is skipped); 337 parameters.
Reports: step time, per-op time (step/ops), forward-only and backward-only split, loss value after step 0 (for cross-check).
usage: python3 ad_scalar_graph.py THREADS [--out FILE] [--tag TAG]
"""
import argparse, sys, time
from benchutil import time_fn, emit, env_info

ap = argparse.ArgumentParser(); ap.add_argument("threads", type=int); ap.add_argument("--out"); ap.add_argument("--tag", default="")
a = ap.parse_args()
import torch
torch.set_num_threads(a.threads)

MASK = (1 << 64) - 1
class LCG:
    def __init__(self, seed): self.s = seed
    def __call__(self):
        self.s = (self.s * 6364136223846793005 + 1442695040888963407) & MASK
        return ((self.s >> 40) / float(1 << 24)) * 2.0 - 1.0

SIZES = [2, 16, 16, 1]
rng = LCG(42)
params = []  # list of layers, layer = list of (weights list, bias)
for nin, nout in zip(SIZES[:-1], SIZES[1:]):
    layer = []
    for _ in range(nout):
        w = [torch.tensor(rng(), dtype=torch.float32, requires_grad=True) for _ in range(nin)]
        b = torch.tensor(rng(), dtype=torch.float32, requires_grad=True)
        layer.append((w, b))
    params.append(layer)
flat = [p for layer in params for (w, b) in layer for p in w + [b]]
NS = 16
data = []
for _ in range(NS):
    x0, x1 = rng(), rng()
    data.append(([torch.tensor(x0, dtype=torch.float32), torch.tensor(x1, dtype=torch.float32)],
                 torch.tensor(1.0 if x0 * x1 > 0 else -1.0, dtype=torch.float32)))

ops = 0
def forward():
    global ops
    ops = 0
    loss = None
    for x, y in data:
        h = x
        for li, layer in enumerate(params):
            out = []
            for w, b in layer:
                s = w[0] * h[0]; ops += 1
                for i in range(1, len(w)):
                    s = s + w[i] * h[i]; ops += 2
                s = s + b; ops += 1
                if li < len(params) - 1:
                    s = torch.tanh(s); ops += 1
                out.append(s)
            h = out
        d = h[0] - y; sq = d * d; ops += 2
        if loss is None: loss = sq
        else: loss = loss + sq; ops += 1
    return loss

def sgd():
    with torch.no_grad():
        for p in flat:
            p -= 0.01 * p.grad
            p.grad = None

def step():
    loss = forward(); loss.backward(); sgd(); return loss

l0 = step(); l1 = forward().item()
print(f"# params={len(flat)} ops/step={ops} loss_step0={l0.item():.6f} loss_after_1_sgd={l1:.6f}", file=sys.stderr)
r = time_fn(step, target_s=0.3, samples=7, warmup=3)
rf = time_fn(forward, target_s=0.3, samples=7, warmup=1)
# backward only: build graph outside timing
def bwd_only():
    loss = forward(); t0 = time.perf_counter(); loss.backward(); t = time.perf_counter() - t0
    for p in flat: p.grad = None
    return t
bt = sorted(bwd_only() for _ in range(15))
def sgd_only():
    loss = forward(); loss.backward(); t0 = time.perf_counter(); sgd(); return time.perf_counter() - t0
st = sorted(sgd_only() for _ in range(15))
ver = f"torch {torch.__version__} threads={torch.get_num_threads()}"
emit({"bench": "ad_scalar_graph", "backend": "torch", "tag": a.tag, "threads": a.threads, "ops_per_step": ops, "params": len(flat),
      "step_ms_median": r["median_s"] * 1e3, "step_ms_min": r["min_s"] * 1e3, "step_ms_max": r["max_s"] * 1e3,
      "us_per_op_median": r["median_s"] / ops * 1e6, "fwd_us_per_op": rf["median_s"] / ops * 1e6,
      "bwd_us_per_op": bt[len(bt) // 2] / ops * 1e6,
      "sgd_ms": st[len(st) // 2] * 1e3, "loss_step0": l0.item(), "version": ver, "env": env_info()}, a.out)
