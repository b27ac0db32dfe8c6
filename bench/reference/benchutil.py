# A reference workload of tapegrad's benchmarks (described in bench/README.md); run by bench/compare.py.
"""Timing helpers shared by the reference workload scripts.

Timing rule used everywhere: warm up, then calibrate an inner repetition count so one
sample lasts >= target_s, then take `samples` samples; report median/min/max of the
per-call time.  Works with any python3 that has numpy, and with one that has torch (Debian: python3-torch).
"""
import ctypes, datetime, glob, json, os, platform, statistics, sys, time


def time_fn(fn, target_s=0.2, samples=7, warmup=2, max_total_s=30.0):
    for _ in range(warmup):
        fn()
    # calibrate
    inner = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        dt = time.perf_counter() - t0
        if dt >= target_s or inner >= 1 << 20:
            break
        inner = max(inner * 2, int(inner * target_s / max(dt, 1e-9) * 1.1))
    per = []
    per.append(dt / inner)
    t_start = time.perf_counter()
    while len(per) < samples and time.perf_counter() - t_start < max_total_s:
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        per.append((time.perf_counter() - t0) / inner)
    per = per[1:] if len(per) > 3 else per  # drop calibration sample when we have enough
    return {"median_s": statistics.median(per), "min_s": min(per), "max_s": max(per),
            "samples": len(per), "inner": inner}


def stamp():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def emit(rec, path=None):
    rec.setdefault("date", stamp())
    line = json.dumps(rec, sort_keys=True)
    skip = {"blas", "env", "version", "date", "M", "K", "N"}
    print(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in rec.items() if k not in skip), flush=True)
    if path:
        with open(path, "a") as f:
            f.write(line + "\n")


def openblas_info():
    """Return (libpath, corename, config, num_threads) for any OpenBLAS mapped into this process."""
    out = []
    try:
        maps = open("/proc/self/maps").read().split("\n")
    except OSError:
        return out
    libs = sorted({l.split()[-1] for l in maps if l.strip() and ("blas" in l.split()[-1] or "lapack" in l.split()[-1])})
    for lib in libs:
        try:
            h = ctypes.CDLL(lib)
        except OSError:
            continue
        info = {"lib": os.path.realpath(lib)}
        for pre in ("scipy_openblas_", "openblas_"):
            for suf in ("64_", ""):
                f = getattr(h, pre + "get_corename" + suf, None)
                if f is not None:
                    f.restype = ctypes.c_char_p
                    info["corename"] = f().decode()
                    g = getattr(h, pre + "get_config" + suf)
                    g.restype = ctypes.c_char_p
                    info["config"] = g().decode()
                    n = getattr(h, pre + "get_num_threads" + suf, None)
                    if n is not None:
                        info["num_threads"] = n()
                    break
            if "corename" in info:
                break
        out.append(info)
    return out


def env_info():
    keys = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "LD_LIBRARY_PATH"]
    return {k: os.environ.get(k) for k in keys}
