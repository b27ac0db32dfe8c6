#!/usr/bin/env python3
"""Runs tapegrad's JMH suite and the PyTorch/NumPy reference workloads in one session, on 1 and 2 threads,
and prints one table: workload, tapegrad time, reference time, their ratio, and the performance target
(bench/README.md lists the targets).

    python3 bench/compare.py [--quick] [--only REGEX] [--threads 1,2]

Every ratio is tapegrad / reference (time, or bytes for allocation): below 1 tapegrad is faster. A target
written for speed ("SGEMM >= 0.9x OpenBLAS") is turned into the same time ratio (<= 1/0.9 = 1.11).

Reference side (subprocesses of --python, default /usr/bin/python3, which needs numpy and torch):
  NumPy SGEMM/DGEMM and elementwise, PyTorch scalar graph, MLP, Transformer and GRPO steps, from
  bench/reference/ (the reference workloads, described in bench/README.md). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed
  from their environment so OpenBLAS picks its own (SkylakeX) kernel. On N threads NumPy gets
  OPENBLAS_NUM_THREADS=N; PyTorch never gets N threads for itself *and* N for its BLAS (that oversubscribes
  the cores): on 2 threads it runs as 2 torch + 1 BLAS and as 1 torch + 2 BLAS, and the faster counts.
Tapegrad side: one JMH run per thread count, through Maven (`mvn -B -q compile -Pbench -Djmh.args=...`),
  with -Dtapegrad.threads=N appended to the forks' JVM flags and -p threads=N for benchmarks that declare a
  `threads` parameter; the 2-thread run only includes those (unless --all-threads). JMH's GC profiler gives
  the bytes allocated per operation. Medians everywhere (JMH's 50th percentile over iterations).
Everything lands in bench/target/compare-<time>/; `--from DIR` prints the table of an earlier run again.
"""
import argparse, json, os, re, subprocess, sys, time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
REF = BENCH / "reference"
PKG = "dev.tapegrad.bench."

# Fallback figures of a reference machine (one AVX-512 core of another CPU model), used only when the run did not
# include HardwareBench, which measures this core's FMA peak and triad bandwidth in the same session.
FMA_PEAK_GFLOPS = 233.0  # one core, 512-bit FMA
TRIAD_GBS = 31.0  # one core, arrays far larger than cache
PEAK_FLOPS_PER_CALL = 2 * 12 * 2 ** 24  # HardwareBench.fmaPeak
TRIAD_BYTES_PER_CALL = 12 * 2 ** 24  # HardwareBench.triad: read b and c, write a (float32)

GEMM_SHAPES = ["64x64x64", "128x128x128", "256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048",
               "128x784x512", "128x512x10"]
QUICK_GEMM_SHAPES = ["64x64x64", "256x256x256", "128x784x512"]
SIZES, QUICK_SIZES = ["1048576", "16777216"], ["1048576"]
# Parameter values JMH is restricted to in --quick mode (only where a benchmark declares them).
QUICK_PARAMS = {"shape": QUICK_GEMM_SHAPES, "n": QUICK_SIZES}
JMH_FULL = "-f 1 -wi 4 -w 2s -i 5 -r 2s"
JMH_QUICK = "-f 1 -wi 2 -w 1s -i 3 -r 1s"

# workload -> (reference script, metric in its JSON record, what the reference is)
WORKLOADS = {
    "scalarGraph": ("ad_scalar_graph.py", "step_ms_median", "PyTorch"),
    "mlpStep": ("ad_mlp_step.py", "step_ms_median", "PyTorch"),
    "transformerStep": ("ad_transformer_step.py", "fwd_bwd_ms_median", "PyTorch"),
    "grpoLoss": ("ad_grpo_step.py", "loss_fwd_bwd_ms_median", "PyTorch"),
    "grpoStep": ("ad_grpo_step.py", "full_step_ms", "PyTorch"),
}
SCALAR_GRAPH_OPS = 10287  # ops per step, from ad_scalar_graph.py
MLP_ALLOC_BUDGET = 64 * 1024  # bytes per step


def banner(lines):
    bar = "!" * 100
    return "\n".join([bar] + [f"!!! {l}" for l in lines] + [bar])


# ---------------------------------------------------------------------------------------------- reference side

def ref_env(omp, blas):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env.update(OMP_NUM_THREADS=str(omp), OPENBLAS_NUM_THREADS=str(blas), MKL_NUM_THREADS=str(blas))
    return env


def torch_splits(threads):
    """(torch threads, BLAS threads) configurations that use `threads` cores without oversubscribing."""
    return [(1, 1)] if threads == 1 else [(threads, 1), (1, threads)]


def run_ref(py, script, args, env, out, log):
    """Runs one reference script; returns its JSON records (one per line of `out`)."""
    out.unlink(missing_ok=True)
    cmd = [py, str(REF / script), *args, "--out", str(out)]
    print("  $", " ".join(cmd[1:]), f"[OMP={env['OMP_NUM_THREADS']} OPENBLAS={env['OPENBLAS_NUM_THREADS']}]", flush=True)
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        r = subprocess.run(cmd, cwd=REF, env=env, stdout=f, stderr=subprocess.STDOUT)
    if r.returncode != 0 or not out.exists():
        print(f"  ! {script} failed (exit {r.returncode}), see {log}", flush=True)
        return []
    return [json.loads(l) for l in out.read_text().splitlines() if l.strip()]


def blas_probe(py, env):
    """What BLAS torch and NumPy load in an environment: openblas_info() after one matmul each."""
    code = ("import json, numpy, torch; from benchutil import openblas_info\n"
            "torch.mm(torch.ones(8, 8), torch.ones(8, 8)); t = openblas_info()\n"
            "numpy.ones((8, 8), numpy.float32) @ numpy.ones((8, 8), numpy.float32)\n"
            "print(json.dumps({'torch': t, 'torch_version': torch.__version__, 'numpy_version': numpy.__version__}))")
    r = subprocess.run([py, "-c", code], cwd=REF, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1:] or ["?"]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def blas_warnings(probe):
    if "error" in probe:
        return [f"could not import torch/numpy with the reference Python: {probe['error']}"]
    cores = [i.get("corename") for i in probe["torch"] if i.get("corename")]
    if not cores:
        libs = ", ".join(sorted({i["lib"] for i in probe["torch"]})) or "none found"
        return ["PyTorch runs on the REFERENCE BLAS, not OpenBLAS (libs: " + libs + ").",
                "Its matmuls are ~30x slower: every PyTorch ratio below is meaningless.",
                "Install libopenblas0-pthread (Debian) so libblas.so.3 resolves to OpenBLAS."]
    if any(c != "SkylakeX" for c in cores):
        return [f"OpenBLAS uses the {'/'.join(sorted(set(cores)))} kernel, not SkylakeX: the reference is weaker"
                " than SkylakeX, the kernel the targets were set with."]
    return []


def run_references(a, want, threads, quick, run_dir, log):
    """All reference numbers for one thread count: {(kind, key, threads): (seconds, note)}."""
    res = {}
    py = a.python
    if want("GemmBench.sgemm") or want("GemmBench.dgemm"):
        names = {"sq64": "64x64x64", "sq128": "128x128x128", "sq256": "256x256x256", "sq512": "512x512x512",
                 "sq1024": "1024x1024x1024", "sq2048": "2048x2048x2048", "mlp_fwd1_b128": "128x784x512",
                 "mlp_fwd3_b128": "128x512x10"}
        shapes = [n for n, s in names.items() if s in (QUICK_GEMM_SHAPES if quick else GEMM_SHAPES)]
        for dtype, bench in (("float32", "sgemm"), ("float64", "dgemm")):
            if not want("GemmBench." + bench):
                continue
            args = ["numpy", str(threads), "--shapes", ",".join(shapes), "--dtype", dtype]
            if quick:
                args += ["--samples", "3"]
            for rec in run_ref(py, "bench_sgemm.py", args, ref_env(threads, threads),
                               run_dir / f"ref-{bench}-{threads}.jsonl", log):
                shape = f"{rec['M']}x{rec['K']}x{rec['N']}"
                cores = "/".join(sorted({c for c, _ in rec.get("blas", []) if c})) or "no OpenBLAS!"
                res[("gemm", f"{bench} {shape}", threads)] = (rec["time_median_s"], f"NumPy, {cores}")
    if threads == 1 and any(want("ElementwiseBench." + op) for op in ("fma", "exp", "tanh")):
        sizes = QUICK_SIZES if quick else SIZES
        for rec in run_ref(py, "bench_elementwise.py", ["numpy", "1", "--sizes", ",".join(sizes)],
                           ref_env(1, 1), run_dir / "ref-elementwise.jsonl", log):
            res[("elementwise", f"{rec['op']} n={rec['n']}", 1)] = (rec["time_median_s"], "NumPy")
    scripts = {}
    for name, (script, metric, _) in WORKLOADS.items():
        if want("WorkloadBench." + name):
            scripts.setdefault(script, []).append((name, metric))
    for script, metrics in scripts.items():
        for omp, blas in torch_splits(threads):
            recs = run_ref(py, script, [str(omp)], ref_env(omp, blas),
                           run_dir / f"ref-{script[:-3]}-{omp}x{blas}.jsonl", log)
            for rec in recs:
                slow_blas = "blas" in rec and not any(c for c, _ in rec["blas"])
                note = f"torch {omp}t + BLAS {blas}t" + (", REFERENCE BLAS!" if slow_blas else "")
                for name, metric in metrics:
                    key = ("workload", name, threads)
                    t = rec[metric] / 1e3
                    if key not in res or t < res[key][0]:
                        res[key] = (t, note)
    return res


# ---------------------------------------------------------------------------------------------- tapegrad side

def mvn(a, jmh_args, log):
    cmd = ["mvn", "-B", "-q"] + ([] if a.online else ["-o"]) + ["compile", "-Pbench", "-pl", "bench", "-am",
                                                               "-Djmh.args=" + jmh_args]
    deadline, told = time.time() + a.lock_wait, False
    while True:
        with open(log, "a") as f:
            f.write("$ " + " ".join(cmd) + "\n")
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        with open(log, "a") as f:
            f.write(r.stdout + r.stderr)
        if "Unable to acquire the JMH lock" in r.stdout + r.stderr and time.time() < deadline:
            if not told:
                print("  (another JMH run holds /tmp/jmh.lock: waiting for it)", flush=True)
                told = True
            time.sleep(20)
            continue
        return r


def list_benchmarks(a, log):
    """{benchmark method name without package: {param: [values]}} from JMH's -lp."""
    r = mvn(a, "-lp", log)
    if r.returncode != 0:
        sys.exit(f"listing the JMH benchmarks failed; see {log}")
    benches, cur = {}, None
    for line in re.sub(r"\x1b\[[0-9;]*m", "", r.stdout).splitlines():
        if line.startswith(PKG):
            cur = benches.setdefault(line.strip()[len(PKG):], {})
        elif cur is not None and (m := re.match(r'\s+param "(\w+)" = \{(.*)\}', line)):
            cur[m.group(1)] = [v.strip() for v in m.group(2).split(",")]
    return benches


def run_jmh(a, benches, threads, quick, run_dir, log):
    """One JMH run at a thread count; returns its parsed JSON results ([] when nothing to run)."""
    names = [b for b in benches if a.only.search(b) and (threads == 1 or a.all_threads or "threads" in benches[b])]
    if not names:
        return []
    params = [f"-p threads={threads}"]
    if quick:
        for p, values in QUICK_PARAMS.items():
            declared = [benches[b][p] for b in names if p in benches[b]]
            keep = [v for v in values if declared and all(v in d for d in declared)]
            if keep:
                params.append(f"-p {p}={','.join(keep)}")
    out = run_dir / f"jmh-{threads}.json"
    regex = "^(" + "|".join(PKG + n for n in names) + ")$"
    args = " ".join([regex, a.jmh_args or (JMH_QUICK if quick else JMH_FULL), *params, "-prof gc",
                     f"-jvmArgsAppend -Dtapegrad.threads={threads}", f"-rf json -rff {out}"])
    print(f"  JMH, tapegrad.threads={threads}: {', '.join(names)}", flush=True)
    r = mvn(a, args, log)
    if r.returncode != 0 or not out.exists():
        print(f"  ! the JMH run failed (exit {r.returncode}); see {log}", flush=True)
        return []
    return json.loads(out.read_text())


def seconds_per_op(metric):
    """JMH primary metric (median over iterations) in seconds per operation."""
    score = metric.get("scorePercentiles", {}).get("50.0", metric["score"])
    num, _, den = metric["scoreUnit"].partition("/")
    scale = {"s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}
    if num == "ops":
        return scale[den] / score
    return score * scale[num]


def jmh_rows(results, threads):
    """{(kind, key, threads): (seconds, bytes allocated per op or None)} plus the other benchmarks' rows."""
    out = {}
    for r in results:
        name = r["benchmark"][len(PKG):]
        params = dict(r.get("params", {}))
        thr = int(params.pop("threads", threads))
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        cls, method = name.split(".", 1)
        if cls == "GemmBench" and "shape" in params:
            key = ("gemm", f"{method} {params.pop('shape')}", thr)
        elif cls == "ElementwiseBench" and "n" in params:
            key = ("elementwise", f"{method} n={params.pop('n')}", thr)
        elif cls == "WorkloadBench" and method in WORKLOADS:
            key = ("workload", method, thr)
        else:
            key = ("other", name, thr)
        if params:  # parameters the convention does not know stay visible
            key = (key[0], key[1] + " " + " ".join(f"{k}={v}" for k, v in sorted(params.items())), thr)
        out[key] = (seconds_per_op(r["primaryMetric"]), alloc)
    return out


# ---------------------------------------------------------------------------------------------- the table

def fmt_time(s):
    for unit, f in (("s", 1), ("ms", 1e3), ("µs", 1e6), ("ns", 1e9)):
        if s * f >= 1:
            return f"{s * f:.3g} {unit}"
    return f"{s * 1e9:.3g} ns"


def flops(key):
    m, k, n = map(int, key.split()[1].split("x"))
    return 2.0 * m * k * n


def n_elems(key):
    return int(key.split("n=")[1].split()[0])


def detail(kind, key, s):
    """Time plus the throughput that matters for the row."""
    if kind == "gemm":
        return f"{fmt_time(s)} · {flops(key) / s / 1e9:.0f} GF/s"
    if kind == "elementwise":
        return f"{fmt_time(s)} · {n_elems(key) / s / 1e9:.2f} Ge/s"
    if key == "scalarGraph":
        return f"{fmt_time(s)} · {s / SCALAR_GRAPH_OPS * 1e6:.2f} µs/op"
    if key == "HardwareBench.fmaPeak":
        return f"{fmt_time(s)} · {PEAK_FLOPS_PER_CALL / s / 1e9:.0f} GF/s"
    if key == "HardwareBench.triad":
        return f"{fmt_time(s)} · {TRIAD_BYTES_PER_CALL / s / 1e9:.1f} GB/s"
    return fmt_time(s)


def target(kind, key, threads):
    """(time-ratio bound, description) of the performance target for a row (bench/README.md), or None."""
    if kind == "gemm" and key.startswith("sgemm"):
        m, k, n = map(int, key.split()[1].split("x"))
        if m == k == n and n >= 256:
            speed = 1.0 if threads == 1 else 0.9
            return 1 / speed, f"≥ {speed:.1f}× OpenBLAS speed"
        if m == k == n and 64 <= n <= 128:
            return 1 / 0.8, "≥ 0.8× OpenBLAS speed"
    if kind == "elementwise" and key.split()[0] in ("exp", "tanh"):
        return 1.0, "≥ 1.0× NumPy speed"
    if kind == "workload" and key == "scalarGraph":
        return 0.1, "per-op cost ≤ 0.1× PyTorch"
    if kind == "workload" and key in ("mlpStep", "transformerStep", "grpoStep"):
        return 0.5, "≤ 0.5× PyTorch time"
    return None


def measured_hardware(tg, a):
    """(FMA peak GFLOP/s, triad GB/s, where each comes from): HardwareBench's figures of this run when present."""
    peak = tg.get(("other", "HardwareBench.fmaPeak", 1))
    tri = tg.get(("other", "HardwareBench.triad", 1))
    fma_peak = (PEAK_FLOPS_PER_CALL / peak[0] / 1e9, "measured") if peak else (a.fma_peak, "reference machine")
    triad = (TRIAD_BYTES_PER_CALL / tri[0] / 1e9, "measured") if tri else (a.triad, "reference machine")
    return fma_peak, triad


def build_rows(tg, ref, thread_counts, quick, want, fma_peak, triad):
    """Table rows: the rows with targets (in bench/README.md's order), then hardware and allocation rows, then others."""
    expected = []
    for bench in ("sgemm", "dgemm"):
        for shape in (QUICK_GEMM_SHAPES if quick else GEMM_SHAPES):
            expected += [("gemm", f"{bench} {shape}", t) for t in thread_counts if want("GemmBench." + bench)]
    for op in ("fma", "exp", "tanh"):
        expected += [("elementwise", f"{op} n={n}", 1) for n in (QUICK_SIZES if quick else SIZES)
                     if 1 in thread_counts and want("ElementwiseBench." + op)]
    for name in WORKLOADS:
        expected += [("workload", name, t) for t in thread_counts if want("WorkloadBench." + name)]
    keys = expected + sorted(k for k in {**tg, **ref} if k not in expected)

    rows = []  # (workload, threads, tapegrad, reference, ratio, target, verdict)
    for kind, key, thr in keys:
        t = tg.get((kind, key, thr))
        r = ref.get((kind, key, thr))
        label = {"gemm": "GemmBench.", "elementwise": "ElementwiseBench.", "workload": "WorkloadBench."}.get(kind, "") + key
        tcell = detail(kind, key, t[0]) if t else "— (no benchmark)"
        rcell = f"{detail(kind, key, r[0])} ({r[1]})" if r else "—"
        alloc = t[1] if t and t[1] is not None else None
        rows.append(verdict(label, thr, tcell, rcell, t[0] if t else None, r[0] if r else None,
                            target(kind, key, thr), fmt_bytes(alloc) if alloc is not None else ""))
        # hardware targets: SGEMM vs the FMA peak (n >= 512, one core), fma vs the triad bandwidth (16M)
        if kind == "gemm" and key.startswith("sgemm") and thr == 1 and t:
            m, k, n = map(int, key.split()[1].split("x"))
            if m == k == n >= 512:
                rows.append(verdict(f"  {key} vs FMA peak", 1, f"{flops(key) / t[0] / 1e9:.0f} GF/s",
                                    f"{fma_peak[0]:.0f} GF/s ({fma_peak[1]})", t[0], flops(key) / fma_peak[0] / 1e9,
                                    (1 / 0.85, "≥ 85% of the FMA peak")))
        if kind == "elementwise" and key.startswith("fma") and t and n_elems(key) >= 16 << 20:
            moved = 16.0 * n_elems(key)  # float32: read b, c, d, write a
            rows.append(verdict(f"  {key} vs triad bandwidth", 1, f"{moved / t[0] / 1e9:.1f} GB/s",
                                f"{triad[0]:.0f} GB/s ({triad[1]})", t[0], moved / triad[0] / 1e9,
                                (1 / 0.8, "≥ 0.8× triad bandwidth")))
        if (kind, key) == ("workload", "mlpStep") and t and t[1] is not None:
            rows.append(verdict("  mlpStep allocation per step", thr, f"{t[1] / 1024:.1f} KiB",
                                "64 KiB budget", t[1], MLP_ALLOC_BUDGET, (1.0, "≤ 64 KiB per step")))
    return rows


def verdict(label, thr, tcell, rcell, tv, rv, tgt, alloc=""):
    """One table row; the ratio is tv / rv, checked against the target's bound when there is one."""
    ratio = tv / rv if tv is not None and rv is not None else None
    rcol = "—" if ratio is None else f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.2g}"
    if tgt is None:
        return (label, str(thr), tcell, rcell, rcol, "—", "", alloc)
    bound, text = tgt
    v = "n/a" if ratio is None else ("met" if ratio <= bound else "MISSED")
    return (label, str(thr), tcell, rcell, rcol, f"{text} (ratio ≤ {bound:.2f})", v, alloc)


def fmt_bytes(b):
    return f"{b / 1024:.1f} KiB" if b >= 1024 else f"{b:.0f} B"


def print_table(rows, file=sys.stdout):
    head = ("workload", "thr", "tapegrad", "reference", "ratio", "target", "met?", "alloc/op")
    widths = [max(len(str(x[c])) for x in rows + [head]) for c in range(len(head))]
    line = lambda r: "| " + " | ".join(str(x).ljust(w) for x, w in zip(r, widths)) + " |"
    print(line(head), file=file)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|", file=file)
    for r in rows:
        print(line(r), file=file)


# ---------------------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--quick", action="store_true", help="few shapes and sizes, short JMH iterations")
    ap.add_argument("--only", default="", help="regex over names like GemmBench.sgemm, WorkloadBench.mlpStep, AdamWStep.step")
    ap.add_argument("--threads", default="1,2", help="thread counts (default 1,2)")
    ap.add_argument("--python", default="/usr/bin/python3", help="Python with numpy and torch for the references")
    ap.add_argument("--jmh-args", help=f"JMH run options instead of '{JMH_FULL}' (full) / '{JMH_QUICK}' (quick)")
    ap.add_argument("--all-threads", action="store_true", help="also run benchmarks without a threads param at every thread count")
    ap.add_argument("--skip-jmh", action="store_true")
    ap.add_argument("--skip-reference", action="store_true")
    ap.add_argument("--online", action="store_true", help="let Maven use the network (default: -o)")
    ap.add_argument("--lock-wait", type=float, default=1800, help="seconds to wait for another JMH run to finish")
    ap.add_argument("--fma-peak", type=float, default=FMA_PEAK_GFLOPS, help="one core's FP32 FMA peak, GFLOP/s")
    ap.add_argument("--triad", type=float, default=TRIAD_GBS, help="one core's triad bandwidth, GB/s")
    ap.add_argument("--from", dest="from_dir", help="print the table of an earlier run directory again")
    a = ap.parse_args()
    a.only = re.compile(a.only)
    want = lambda name: bool(a.only.search(name))
    thread_counts = [int(t) for t in a.threads.split(",")]

    if a.from_dir:
        run_dir = Path(a.from_dir)
        saved = json.loads((run_dir / "results.json").read_text())
        a.quick, thread_counts = saved["quick"], saved["threads"]
    else:
        run_dir = BENCH / "target" / time.strftime("compare-%Y%m%d-%H%M%S")
        run_dir.mkdir(parents=True)
        saved = collect(a, want, thread_counts, run_dir)
    tg = {tuple(k): v for k, v in saved["tapegrad"]}
    ref = {tuple(k): v for k, v in saved["reference"]}

    fma_peak, triad = measured_hardware(tg, a)
    rows = build_rows(tg, ref, thread_counts, a.quick, want, fma_peak, triad)
    print()
    print(f"tapegrad vs reference, {'quick' if a.quick else 'full'} mode, {saved['started']}; "
          f"ratio = tapegrad / reference (lower is better for tapegrad); load average at start {saved['load']}")
    with open(run_dir / "table.md", "w") as f:
        for out in (sys.stdout, f):
            print_table(rows, out)
    print(f"\n(results in {run_dir})")
    if saved.get("warnings"):
        print(banner(saved["warnings"]))


def collect(a, want, thread_counts, run_dir):
    log = run_dir / "log.txt"
    saved = {"quick": a.quick, "threads": thread_counts, "started": time.strftime("%Y-%m-%d %H:%M"),
             "load": " ".join(f"{x:.1f}" for x in os.getloadavg()), "tapegrad": [], "reference": [], "warnings": []}
    print(f"run directory {run_dir}; load average {saved['load']} (other work on the machine skews the numbers)")
    if not a.skip_reference:
        probe = blas_probe(a.python, ref_env(1, 1))
        (run_dir / "blas.json").write_text(json.dumps(probe, indent=1))
        if "error" not in probe:
            print(f"reference: torch {probe['torch_version']}, numpy {probe['numpy_version']}, BLAS "
                  + ", ".join(sorted({f"{i.get('corename', 'reference BLAS')} {i['lib']}" for i in probe["torch"]})))
        saved["warnings"] = blas_warnings(probe)
        if saved["warnings"]:
            print(banner(saved["warnings"]), flush=True)
    benches = {} if a.skip_jmh else list_benchmarks(a, log)
    if benches:
        print("JMH benchmarks: " + ", ".join(benches))
    for t in thread_counts:
        print(f"--- {t} thread{'s' if t > 1 else ''}", flush=True)
        if not a.skip_reference:
            saved["reference"] += [[list(k), v] for k, v in run_references(a, want, t, a.quick, run_dir, log).items()]
        if benches:
            saved["tapegrad"] += [[list(k), v] for k, v in jmh_rows(run_jmh(a, benches, t, a.quick, run_dir, log), t).items()]
        (run_dir / "results.json").write_text(json.dumps(saved, indent=1))
    return saved


if __name__ == "__main__":
    main()
