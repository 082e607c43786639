#!/usr/bin/env python3
"""Generate LiRA golden-test fixtures from the authors' reference implementation.

Synthesises membership signals with per-example difficulty, feeds them to
generate_ours (online) and generate_ours_offline (offline) from the LiRA
reference code, and writes signals-<case>.csv / scores-<case>-<mode>-<var>.csv
next to this script. The reference file is NOT vendored; it is imported from
the path given as argv[1].

Reference: tensorflow/privacy, research/mi_lira_2021/plot.py
  repo HEAD 03035d5d4a271ac795dab80f5bc1cef82fc3d462
  (last commit touching plot.py: 97eec1a8e389fc1d853e51ae92a58adfe42a29d7)
Run with numpy 2.4.6, scipy 1.17.1, CPython 3.11.7:
  git --git-dir=<mirror of tensorflow/privacy> show \
      03035d5d4a271ac795dab80f5bc1cef82fc3d462:research/mi_lira_2021/plot.py > /tmp/lira_ref/plot.py
  /root/.pyenv/versions/3.11.7/bin/python3 make_fixture.py /tmp/lira_ref/plot.py
"""
import importlib.util
import os
import sys
import types

import numpy as np

N = 200
DECIMALS = 6  # signals are rounded to this before use, so the CSV holds the exact inputs
OUT_DIR = os.path.dirname(os.path.abspath(__file__))

# name, shadows M, dims d, modes, fix_variance options, seed
CASES = [
    ("m2", 2, 1, ("online", "offline"), (True,), 1002),
    ("m16", 16, 1, ("online", "offline"), (True,), 1016),
    ("m64", 64, 1, ("online", "offline"), (False, True), 1064),
    ("m1-offline", 1, 1, ("offline",), (True,), 1001),
    ("m16-d3", 16, 3, ("online", "offline"), (True,), 2016),
]


def load_reference(path):
    """Import plot.py with its plotting/sklearn imports stubbed out (file is not modified)."""
    mpl = types.ModuleType("matplotlib")
    mpl.rcParams = {}
    plt = types.ModuleType("matplotlib.pyplot")
    mpl.pyplot = plt
    skl = types.ModuleType("sklearn")
    sklm = types.ModuleType("sklearn.metrics")
    sklm.auc = sklm.roc_curve = None
    skl.metrics = sklm
    for name, mod in [("matplotlib", mpl), ("matplotlib.pyplot", plt),
                      ("sklearn", skl), ("sklearn.metrics", sklm)]:
        sys.modules.setdefault(name, mod)
    spec = importlib.util.spec_from_file_location("lira_reference_plot", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def make_case(M, d, seed, all_out=False):
    rng = np.random.default_rng(seed)
    mu = rng.normal(0.0, 1.0, N)                 # per-example OUT mean
    delta = np.abs(rng.normal(1.0, 0.5, N))      # per-example member shift
    sd = rng.uniform(0.2, 0.5, N)                # per-example noise sd (mean ~0.35)
    if all_out:
        keep = np.zeros((M, N), dtype=bool)
    else:
        # balanced design of LiRA's train.py: every example IN exactly M/2 shadows
        keep = rng.uniform(0, 1, size=(M, N)).argsort(0) < M // 2
    target_keep = rng.uniform(0, 1, size=N) < 0.5
    all_keep = np.vstack([keep, target_keep[None, :]])           # [M+1, N]
    noise = rng.normal(0.0, 1.0, size=(M + 1, N, d)) * sd[None, :, None]
    sig = mu[None, :, None] + delta[None, :, None] * all_keep[:, :, None] + noise
    sig = np.round(sig, DECIMALS)
    return keep, sig[:M], target_keep, sig[M]


def own_formulas(keep, sc, tkeep, tsc, online, fix):
    """Independent re-statement of the formulas in README.md, used as a cross-check."""
    from scipy.stats import norm
    M, n, d = sc.shape
    ins = np.stack([sc[keep[:, j], j, :] for j in range(n)])     # [N, M_in, d]
    outs = np.stack([sc[~keep[:, j], j, :] for j in range(n)])   # [N, M_out, d]
    if online:
        s_in = ins.std() if fix else ins.std(1)
        s_out = s_in if fix else outs.std(1)
        lin = norm.logpdf(tsc, np.median(ins, 1), s_in + 1e-30)
        lout = norm.logpdf(tsc, np.median(outs, 1), s_out + 1e-30)
        return (lin - lout).mean(1)
    s_out = outs.std() if fix else outs.std(1)
    return -norm.logpdf(tsc, np.median(outs, 1), s_out + 1e-30).mean(1)


def fmt(x):
    return repr(float(x))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_fixture.py /path/to/reference/plot.py")
    ref = load_reference(sys.argv[1])
    for name, M, d, modes, fixes, seed in CASES:
        keep, sc, tkeep, tsc = make_case(M, d, seed, all_out=(name == "m1-offline"))
        with open(os.path.join(OUT_DIR, f"signals-{name}.csv"), "w") as f:
            f.write("model,id,in,signal" + (",dim" if d > 1 else "") + "\n")
            rows = [("target", tkeep, tsc)] + [(f"shadow{m}", keep[m], sc[m]) for m in range(M)]
            for model, k, s in rows:
                for i in range(N):
                    for t in range(d):
                        f.write(f"{model},x{i},{int(k[i])},{fmt(s[i, t])}"
                                + (f",{t}" if d > 1 else "") + "\n")
        for mode in modes:
            fn = ref.generate_ours if mode == "online" else ref.generate_ours_offline
            for fix in fixes:
                pred, ans = fn(keep, sc, tkeep[None, :], tsc[None, :, :], fix_variance=fix)
                score = -np.asarray(pred, dtype=np.float64)
                assert list(ans) == list(tkeep)
                mine = own_formulas(keep, sc, tkeep, tsc, mode == "online", fix)
                assert np.allclose(mine, score, rtol=1e-12, atol=1e-12), (name, mode, fix)
                var = "fixed" if fix else "perexample"
                with open(os.path.join(OUT_DIR, f"scores-{name}-{mode}-{var}.csv"), "w") as f:
                    f.write("id,label,score\n")
                    for i in range(N):
                        f.write(f"x{i},{int(tkeep[i])},{fmt(score[i])}\n")
                auc = np.mean(score[tkeep][:, None] > score[~tkeep][None, :])
                print(f"{name:10s} {mode:7s} {var:10s} members={tkeep.sum()} AUC={auc:.4f}")


if __name__ == "__main__":
    main()
