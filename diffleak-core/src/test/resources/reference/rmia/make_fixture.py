#!/usr/bin/env python3
# make_fixture.py -- builds the RMIA (Zarifzadeh et al., ICML 2024) reference fixture.
#
# What it does
#   1. Generates synthetic per-model probabilities Pr(x|theta) in (0,1] (think: softmax
#      probability of the true label) for a target model and 8 reference models:
#        ref0..ref3  "online-style": each candidate x is IN exactly 2 of these 4 models,
#        ref4..ref7  "offline": every candidate is OUT of all four,
#      for N = 200 candidates x0..x199 (label = target trained on it, prob 1/2; per-example
#      difficulty; members get a higher probability) and Z = 300 population samples
#      z0..z299 that no model trained on.  numpy default_rng(SEED).
#   2. Runs the *reference* RMIA code on these numbers (the reference functions are
#      extracted with `ast` from files given on the command line and exec'd; nothing of the
#      reference code is stored in this repository):
#        - authors' research code, ml_privacy_meter commit
#          d32734161a3395211fe5f3cd461932290b1fafbe, research/2024_rmia/main.py,
#          function aggregate_signals (signal "softmax_relative", no augmentation):
#            online  (offline: False, num_ref_models 4 -> 2 IN + 2 OUT), gamma 1 and 2
#            offline (offline: True,  num_ref_models 8 -> 4 OUT), offline_a 0.3 and 1, gamma 1
#        - current Privacy Meter, commit e384af8fd9319b8eeb1303aa82474df1441e3c59,
#          modules/mia/attacks/rmia.py (get_out_ref_signals, run_rmia) and, as a
#          cross-check, attacks.py (get_rmia_out_signals, run_rmia).
#      Every reference result is also checked against an independent plain-numpy
#      re-statement of the formula given in README.md.
#   3. Writes signals.csv (model,id,in,signal; signal = natural log of Pr) and
#      scores-<case>.csv (id,label,score; candidates only; higher = member; 17 sig. digits).
#
# Exact command line used to produce the committed CSVs (Python 3.11 with numpy 2.4.6,
# scipy 1.17.1, torch 2.13.0+cpu -- torch and scipy.stats.trim_mean are needed by the
# research code):
#   mkdir -p /tmp/rmia_ref/research_d327341 /tmp/rmia_ref/pm_e384af8/modules/mia/attacks
#   git --git-dir=<ml_privacy_meter.git> show d32734161a3395211fe5f3cd461932290b1fafbe:research/2024_rmia/main.py > /tmp/rmia_ref/research_d327341/main.py
#   git --git-dir=<ml_privacy_meter.git> show e384af8fd9319b8eeb1303aa82474df1441e3c59:modules/mia/attacks/rmia.py > /tmp/rmia_ref/pm_e384af8/modules/mia/attacks/rmia.py
#   git --git-dir=<ml_privacy_meter.git> show e384af8fd9319b8eeb1303aa82474df1441e3c59:attacks.py > /tmp/rmia_ref/pm_e384af8/attacks.py
#   /tmp/rmia_venv/bin/python diffleak-core/src/test/resources/reference/rmia/make_fixture.py \
#       --research-main /tmp/rmia_ref/research_d327341/main.py \
#       --pm-rmia /tmp/rmia_ref/pm_e384af8/modules/mia/attacks/rmia.py \
#       --pm-attacks /tmp/rmia_ref/pm_e384af8/attacks.py \
#       --out diffleak-core/src/test/resources/reference/rmia
import argparse
import ast
import os
import shutil
import tempfile
from typing import Any, Optional

import numpy as np

SEED = 20240721
N = 200          # candidates
Z = 300          # population samples
K_ONLINE = 4     # ref0..ref3, each candidate IN exactly K_ONLINE/2 of them
K_OFFLINE = 4    # ref4..ref7, everything OUT


def load_functions(path, names, namespace):
    """Exec only the top-level function definitions `names` of the file at `path`."""
    with open(path) as f:
        tree = ast.parse(f.read(), filename=path)
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in names]
    missing = set(names) - {d.name for d in defs}
    if missing:
        raise SystemExit(f"{path}: functions not found: {sorted(missing)}")
    exec(compile(ast.Module(body=defs, type_ignores=[]), path, "exec"), namespace)
    return namespace


def fmt(v):
    return "%.17g" % v


def generate():
    rng = np.random.default_rng(SEED)
    labels = rng.random(N) < 0.5
    diff_x = rng.normal(0.0, 1.5, N)          # per-example difficulty (higher = easier)
    diff_z = rng.normal(0.0, 1.5, Z)
    models = ["target"] + [f"ref{j}" for j in range(K_ONLINE + K_OFFLINE)]
    offsets = rng.normal(0.0, 0.2, len(models))  # per-model overall confidence
    in_x = np.zeros((len(models), N), dtype=bool)
    in_x[0] = labels
    for i in range(N):                           # balanced online masks
        in_x[1 + rng.permutation(K_ONLINE)[: K_ONLINE // 2], i] = True
    logp = {}
    for m, name in enumerate(models):
        tx = 1.5 + diff_x + offsets[m] + 2.0 * in_x[m] + rng.normal(0.0, 0.5, N)
        tz = 1.5 + diff_z + offsets[m] + rng.normal(0.0, 0.5, Z)
        # log sigmoid(t); round-trip through the 17-digit text so that the
        # reference sees exactly exp(<value written to signals.csv>)
        lx = np.array([float(fmt(v)) for v in -np.logaddexp(0.0, -tx)])
        lz = np.array([float(fmt(v)) for v in -np.logaddexp(0.0, -tz)])
        logp[name] = (lx, lz)
    return models, labels, in_x, logp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--research-main", required=True,
                    help="research/2024_rmia/main.py at d32734161a3395211fe5f3cd461932290b1fafbe")
    ap.add_argument("--pm-rmia", required=True,
                    help="modules/mia/attacks/rmia.py at e384af8fd9319b8eeb1303aa82474df1441e3c59")
    ap.add_argument("--pm-attacks", required=True,
                    help="attacks.py at e384af8fd9319b8eeb1303aa82474df1441e3c59")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    import torch
    from scipy.stats import trim_mean

    models, labels, in_x, logp = generate()
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "signals.csv"), "w") as f:
        f.write("model,id,in,signal\n")
        for m, name in enumerate(models):
            lx, lz = logp[name]
            for i in range(N):
                f.write(f"{name},x{i},{int(in_x[m, i])},{fmt(lx[i])}\n")
            for i in range(Z):
                f.write(f"{name},z{i},0,{fmt(lz[i])}\n")

    px = {k: np.exp(v[0]) for k, v in logp.items()}   # (N,)
    pz = {k: np.exp(v[1]) for k, v in logp.items()}   # (Z,)
    on = [f"ref{j}" for j in range(K_ONLINE)]
    off = [f"ref{j}" for j in range(K_ONLINE, K_ONLINE + K_OFFLINE)]
    ref_x = lambda names: np.stack([px[n] for n in names])   # (K, N)
    ref_z = lambda names: np.stack([pz[n] for n in names])   # (K, Z)
    in_on = in_x[1 : 1 + K_ONLINE]                             # (K_ONLINE, N)

    # ---------------- authors' research code (aggregate_signals) ----------------
    tmp = tempfile.mkdtemp(prefix="rmia_fixture_")
    os.makedirs(os.path.join(tmp, "r"), exist_ok=True)

    class _NoTqdm:  # only referenced on the augmented branch, which is not used
        def __call__(self, it, **kw):
            return it

    rns = load_functions(a.research_main, ["aggregate_signals", "str2bool"], {
        "np": np, "torch": torch, "trim_mean": trim_mean, "tqdm": _NoTqdm(),
        "log_dir": tmp, "model_index": 0,   # globals used by its np.savez of p_x
    })

    def research(ref_names, keep_x, keep_z, offline, num_ref_models, offline_a, gamma):
        """x and z go in as one 500-point 'dataset'; population_indices = the z's."""
        tgt = torch.tensor(np.concatenate([px["target"], pz["target"]]), dtype=torch.float64)
        refs = torch.tensor(np.concatenate([ref_x(ref_names), ref_z(ref_names)], axis=1),
                            dtype=torch.float64)
        keep = torch.tensor(np.concatenate([keep_x, keep_z], axis=1))
        membership = np.concatenate([labels, np.zeros(Z, dtype=bool)])
        pop = np.concatenate([np.zeros(N, dtype=bool), np.ones(Z, dtype=bool)])
        configs = {"audit": {
            "num_ref_models": num_ref_models, "nb_augmentation": 1, "top_k": -1,
            "offline": offline, "offline_a": offline_a, "augmentation": "none",
            "proportiontocut": 0.2, "gamma": gamma, "report_log": "r"}}
        pred, answers = rns["aggregate_signals"](
            "softmax_relative", membership, tgt, np.arange(N + Z), keep, refs, pop, configs)
        assert np.array_equal(answers[:N], labels)
        # The code returns -score, and the score is a torch float32 mean
        # ((bool * 1.0) has torch's default dtype).  Recover the exact count of z and
        # write count / Z as a double (the Privacy Meter functions give the same in
        # float64, see the asserts below).
        s32 = -np.asarray(pred, dtype=np.float64).ravel()[:N]
        counts = np.rint(s32 * Z)
        assert np.max(np.abs(s32 * Z - counts)) < 1e-3
        assert np.array_equal(np.float32(counts / Z), np.float32(s32))
        return counts / Z

    # z is OUT of every model.  On the online path the research code takes, per point,
    # the first K/2 models having it IN and the first K/2 having it OUT; a point with no
    # IN model makes torch.stack fail.  With K = 4, passing any 2-IN/2-OUT mask for z
    # selects all 4 models (trim_mean sorts, so order is irrelevant): P(z) = mean of
    # all 4 reference models, which is what that code computes for a z.
    keep_z_dummy = np.zeros((K_ONLINE, Z), dtype=bool)
    keep_z_dummy[: K_ONLINE // 2] = True
    no_in_x = np.zeros((K_OFFLINE, N), dtype=bool)
    no_in_z = np.zeros((K_OFFLINE, Z), dtype=bool)

    cases = {}
    cases["online-g1"] = research(on, in_on, keep_z_dummy, "False", 4, 0.3, 1.0)
    cases["online-g2"] = research(on, in_on, keep_z_dummy, "False", 4, 0.3, 2.0)
    cases["offline-a0.3-g1"] = research(off, no_in_x, no_in_z, "True", 8, 0.3, 1.0)
    cases["offline-a1-g1"] = research(off, no_in_x, no_in_z, "True", 8, 1.0, 1.0)

    # ---------------- current Privacy Meter (run_rmia, gamma fixed to 1) ----------------
    pns = load_functions(a.pm_rmia, ["get_out_ref_signals", "run_rmia"],
                         {"np": np, "Optional": Optional, "Any": Any})
    ans = load_functions(a.pm_attacks, ["get_rmia_out_signals", "run_rmia"], {"np": np})

    def pm(ref_names, mem_x, offline_a, num_reference_models):
        return pns["run_rmia"](px["target"], ref_x(ref_names).T, mem_x.T, pz["target"],
                               ref_z(ref_names).T, offline_a, num_reference_models)

    def pm_root(ref_names, mem_x, offline_a, num_reference_models):
        # attacks.py layout: column 0 = target, column 1 = its "paired" model (excluded),
        # then the reference models.
        K = len(ref_names)
        dummy_x, dummy_z = np.ones(N), np.ones(Z)
        sig = np.column_stack([px["target"], dummy_x] + [px[n] for n in ref_names])
        pop = np.column_stack([pz["target"], dummy_z] + [pz[n] for n in ref_names])
        mem = np.column_stack([labels, ~labels] + [mem_x[j] for j in range(K)])
        return ans["run_rmia"](0, sig, pop, mem, num_reference_models, offline_a)

    # Privacy Meter's own setting: half-split reference models, default
    # num_reference_models = K // 2 = 2 (x: its 2 OUT models; z: the 2 LARGEST of 4).
    cases["pm-halfsplit-a0.3"] = pm(on, in_on, 0.3, None)
    assert np.array_equal(cases["pm-halfsplit-a0.3"], pm_root(on, in_on, 0.3, 2))
    # Privacy Meter on the all-OUT models with num_reference_models = 4 must equal the
    # research offline result (both: mean of 4 OUT models, interpolation, strict > 1).
    for aa, case in ((0.3, "offline-a0.3-g1"), (1.0, "offline-a1-g1")):
        r1, r2 = pm(off, no_in_x, aa, 4), pm_root(off, no_in_x, aa, 4)
        assert np.array_equal(r1, cases[case]), case
        assert np.array_equal(r2, cases[case]), case

    # ---------------- independent re-statement (see README.md) ----------------
    def restate(px_den, pz_den, gamma):
        rx = px["target"] / px_den
        rz = pz["target"] / pz_den
        lr = rx[:, None] / rz[None, :]
        margin = np.min(np.abs(np.log(lr) - np.log(gamma)))
        return np.mean(lr > gamma, axis=1), margin

    def interp(mean_out, aa):
        return (1 + aa) / 2 * mean_out + (1 - aa) / 2

    top2_z = -np.sort(-ref_z(on), axis=0)[:2]
    out_x_on = np.where(in_on, np.nan, ref_x(on))
    checks = {
        "online-g1": restate(ref_x(on).mean(0), ref_z(on).mean(0), 1.0),
        "online-g2": restate(ref_x(on).mean(0), ref_z(on).mean(0), 2.0),
        "offline-a0.3-g1": restate(interp(ref_x(off).mean(0), 0.3),
                                   interp(ref_z(off).mean(0), 0.3), 1.0),
        "offline-a1-g1": restate(ref_x(off).mean(0), ref_z(off).mean(0), 1.0),
        "pm-halfsplit-a0.3": restate(interp(np.nanmean(out_x_on, axis=0), 0.3),
                                     interp(top2_z.mean(0), 0.3), 1.0),
    }
    for case, scores in cases.items():
        mine, margin = checks[case]
        assert np.array_equal(mine, scores), case
        from_auc = np.mean([(s > t) + 0.5 * (s == t) for s in scores[labels]
                            for t in scores[~labels]])
        print(f"{case:20s} min|log LR - log gamma| = {margin:.3g}  AUC = {from_auc:.4f}")
        with open(os.path.join(a.out, f"scores-{case}.csv"), "w") as f:
            f.write("id,label,score\n")
            for i in range(N):
                f.write(f"x{i},{int(labels[i])},{fmt(scores[i])}\n")
    print(f"members: {labels.sum()} / {N}")
    shutil.rmtree(tmp)  # only held the p_x_0.npz the research code saves


if __name__ == "__main__":
    main()
