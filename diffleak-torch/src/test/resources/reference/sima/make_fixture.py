"""Makes the SimA reference fixture: runs the authors' own SimA statistic on a tiny deterministic input
and writes what it returns, so that DiffLeak's SimA can be checked against it in another language.

SimA ("Score-based Membership Inference on Diffusion Models", Rao, Qu & Moyer, arXiv 2509.25003) is
the authors' reference code at
    https://github.com/mx-ethan-rao/SimA   commit 2a139bb7f426d8dcc4c036e561a8bb7edf74b8cd
    files DDPM/components.py (sha256 47f45c2a4583150a178f5bfa4c32c1cada72b9d7fd80b8536c5503e5eba2361e)
      and DDPM/attack.py     (sha256 a1e16c17522eeb8b57cda6306f652ecdd56ae882b7a34c75c8993c6ed0bf475c)
None of that code is copied here: this script reads those two files from the folder given with
--reference, takes out with `ast` only the pieces it needs (classes EpsGetter, Attacker, DDIMAttacker,
SimA and Epsilon from components.py; class EpsGetter and the `normalize` lambda handed to the attacker
in attack() from attack.py) and executes them unchanged.

Input (all float64):
  * B = 8 images x0 of shape 1x4x4, x0 = numpy.random.default_rng(20250930).random((8, 1, 4, 4)),
    i.e. uniform in [0, 1) like the reference's data loader output; images 0-3 are called members,
    4-7 non-members (only used for the per-t AUC in README.md).
  * a tiny deterministic "denoiser" in place of the UNet, called through the reference's own
    EpsGetter (which passes t as a LongTensor of shape [B]):
        eps_hat(x, t) = 0.5 * x + 2 * t / 1000        (t cast to float64, broadcast per image)
  * interval = 10, attack_num = 4, so the reference's grid is t = 0, 10, 20, 30, 40 (5 timesteps);
    betas = linspace(1e-4, 0.02, 1000) as in attack.py (SimA itself never uses them).

Outputs, in --out (default: this script's folder):
  * sima-fixture.csv  t,image,statistic  -- the reference SimA output [K=5, B=8], 17 significant digits
  * inputs.csv        t,image,member,channel,row,col,x0,x_in,eps_hat  -- every pixel: the image, the
                      tensor the reference handed to the denoiser (x_in) and the denoiser output
  * README.md         the formulas as verified by running the reference, and the per-t AUC

Exact command line used (Debian bookworm packages: apt-get install python3-torch python3-numpy, i.e.
torch 1.13.1, numpy 1.24.2):
    mkdir -p /tmp/sima-ref
    git --git-dir=<SimA mirror> show 2a139bb7f426d8dcc4c036e561a8bb7edf74b8cd:DDPM/components.py > /tmp/sima-ref/components.py
    git --git-dir=<SimA mirror> show 2a139bb7f426d8dcc4c036e561a8bb7edf74b8cd:DDPM/attack.py > /tmp/sima-ref/attack.py
    /usr/bin/python3 make_fixture.py --reference /tmp/sima-ref
"""
import argparse
import ast
import hashlib
import os
import typing

import numpy as np
import torch

REPO = "https://github.com/mx-ethan-rao/SimA"
COMMIT = "2a139bb7f426d8dcc4c036e561a8bb7edf74b8cd"
SHA256 = {
    "components.py": "47f45c2a4583150a178f5bfa4c32c1cada72b9d7fd80b8536c5503e5eba2361e",
    "attack.py": "a1e16c17522eeb8b57cda6306f652ecdd56ae882b7a34c75c8993c6ed0bf475c",
}
SEED = 20250930
B, C, H, W = 8, 1, 4, 4
INTERVAL, ATTACK_NUM = 10, 4
MEMBERS = [1, 1, 1, 1, 0, 0, 0, 0]


def g17(v):
    return "%.17g" % float(v)


def read(ref_dir, name):
    path = os.path.join(ref_dir, name)
    with open(path, "rb") as f:
        data = f.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256[name]:
        print("WARNING: %s has sha256 %s, expected %s" % (path, digest, SHA256[name]))
    return data.decode("utf-8"), digest


def classes(source, names):
    """The named top-level class definitions of a module, as a compiled module."""
    tree = ast.parse(source)
    picked = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name in names]
    found = {n.name for n in picked}
    if found != set(names):
        raise SystemExit("reference lacks classes %s" % sorted(set(names) - found))
    return compile(ast.Module(body=picked, type_ignores=[]), "<reference>", "exec")


def normalize_lambda(attack_source):
    """The 5th argument of the `attackers[FLAGS.attacker](...)` call in attack() of attack.py."""
    for node in ast.walk(ast.parse(attack_source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Subscript)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "attackers"):
            lam = node.args[4]
            assert isinstance(lam, ast.Lambda)
            return eval(compile(ast.Expression(body=lam), "<attack.py>", "eval")), ast.unparse(lam)
    raise SystemExit("attackers[...](...) call not found in attack.py")


def betas_expression(attack_source):
    for node in ast.walk(ast.parse(attack_source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Subscript)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "attackers"):
            return ast.unparse(node.args[0])
    return "?"


class TinyDenoiser(torch.nn.Module):
    """eps_hat(x, t) = 0.5 * x + 2 * t / 1000, t a LongTensor [B]; records every call."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def forward(self, x, t):
        self.calls.append((x.detach().clone(), t.detach().clone()))
        return 0.5 * x + 2 * t.to(x.dtype)[:, None, None, None] / 1000


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", required=True,
                    help="folder holding the reference's DDPM/components.py and DDPM/attack.py")
    ap.add_argument("--out", default=here)
    args = ap.parse_args()

    comp_src, comp_sha = read(args.reference, "components.py")
    attack_src, attack_sha = read(args.reference, "attack.py")

    comp = {"torch": torch, "Callable": typing.Callable}
    exec(classes(comp_src, ["EpsGetter", "Attacker", "DDIMAttacker", "SimA", "Epsilon"]), comp)
    components = type("components", (), {"EpsGetter": comp["EpsGetter"]})
    att = {"torch": torch, "components": components}
    exec(classes(attack_src, ["EpsGetter"]), att)
    normalize, normalize_text = normalize_lambda(attack_src)

    x0 = torch.from_numpy(np.random.default_rng(SEED).random((B, C, H, W)))  # float64
    betas = torch.from_numpy(np.linspace(1e-4, 0.02, 1000))  # as attack.py: linspace(beta_1, beta_T, T)

    # ---- SimA, run exactly as attack.py does: attacker(batch) -> [K, B] ----
    model = TinyDenoiser()
    sima = comp["SimA"](betas, INTERVAL, ATTACK_NUM, att["EpsGetter"](model), normalize)
    with torch.no_grad():
        stat = sima(x0)
    stat = stat.numpy()
    steps = [int(t[0]) for _, t in model.calls]
    K = len(steps)
    assert stat.shape == (K, B), stat.shape
    assert steps == list(range(0, INTERVAL * ATTACK_NUM + INTERVAL, INTERVAL)), steps
    assert all(bool((t == t[0]).all()) and t.dtype == torch.long and t.shape == (B,) for _, t in model.calls)

    # x_t for SimA: what did the denoiser see?
    x_norm = (x0 * 2 - 1).numpy()
    for x_in, _ in model.calls:
        assert np.array_equal(x_in.numpy(), x_norm), "SimA did not feed the normalised clean image"
    eps = np.stack([(0.5 * x.numpy() + 2 * float(t[0]) / 1000) for x, t in model.calls])  # [K,B,C,H,W]
    eps_ref = np.stack([model(x, t).numpy() for x, t in list(model.calls)])
    assert np.array_equal(eps, eps_ref)

    # which reduction is it? compare with candidate formulas computed here
    flat = eps.reshape(K, B, -1)
    cand = {
        "sum over pixels of |eps|^4": np.sum(np.abs(flat) ** 4, axis=-1),
        "mean over pixels of |eps|^4": np.mean(np.abs(flat) ** 4, axis=-1),
        "||eps||_2^4": np.sum(flat ** 2, axis=-1) ** 2,
        "||eps||_2^2": np.sum(flat ** 2, axis=-1),
    }
    matches = [k for k, v in cand.items() if np.allclose(v, stat, rtol=1e-14, atol=0)]
    assert matches == ["sum over pixels of |eps|^4"], matches
    max_rel = float(np.max(np.abs(cand[matches[0]] - stat) / np.abs(stat)))

    # ---- the noised variant in the same file (class Epsilon), for contrast ----
    m2 = TinyDenoiser()
    eps_att = comp["Epsilon"](betas, INTERVAL, ATTACK_NUM, att["EpsGetter"](m2), normalize)
    torch.manual_seed(0)
    with torch.no_grad():
        eps_att(x0)
    noised = [not np.array_equal(x.numpy(), x_norm) for x, _ in m2.calls]
    ab = torch.cumprod(1 - betas, dim=0).float()
    # recover the noise it drew and check x_t = sqrt(ab_t) x + sqrt(1 - ab_t) noise with fresh noise per t
    drawn = [((x - ab[int(t[0])] ** 0.5 * torch.from_numpy(x_norm)) / (1 - ab[int(t[0])]) ** 0.5)
             for x, t in m2.calls]
    fresh = all(not torch.allclose(drawn[i], drawn[j]) for i in range(len(drawn)) for j in range(i))

    # ---- per-t AUC as attack.py scores it (our re-implementation: torchmetrics is not used here) ----
    labels = 1 - np.array(MEMBERS)  # attack.py: members -> 0, non-members -> 1
    aucs = []
    for k in range(K):
        s = stat[k] / stat[k].max()  # attack.py rescales by the max over members and non-members
        pos, neg = s[labels == 1], s[labels == 0]
        aucs.append(float(np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg])))

    # ---- write ----
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "sima-fixture.csv"), "w") as f:
        f.write("t,image,statistic\n")
        for k, t in enumerate(steps):
            for b in range(B):
                f.write("%d,%d,%s\n" % (t, b, g17(stat[k, b])))
    with open(os.path.join(args.out, "inputs.csv"), "w") as f:
        f.write("t,image,member,channel,row,col,x0,x_in,eps_hat\n")
        xn = x0.numpy()
        for k, t in enumerate(steps):
            for b in range(B):
                for c in range(C):
                    for i in range(H):
                        for j in range(W):
                            f.write("%d,%d,%d,%d,%d,%d,%s,%s,%s\n" % (
                                t, b, MEMBERS[b], c, i, j, g17(xn[b, c, i, j]),
                                g17(x_norm[b, c, i, j]), g17(eps[k, b, c, i, j])))

    auc_rows = "\n".join("| %d | %s |" % (t, g17(a)) for t, a in zip(steps, aucs))
    readme = f"""# SimA reference fixture

Made by `make_fixture.py` (see its header for the exact command line) from the authors' code of SimA,
{REPO} at commit `{COMMIT}`: `DDPM/components.py` (sha256 `{comp_sha}`) and
`DDPM/attack.py` (sha256 `{attack_sha}`). The reference classes were executed unchanged; nothing of
them is copied here.

## Input
* `x0`: B = {B} images 1x4x4, `numpy.random.default_rng({SEED}).random((8, 1, 4, 4))` (float64, in [0, 1)).
  Images 0-3 are members, 4-7 non-members.
* Denoiser (stands in for the UNet, called through attack.py's `EpsGetter`, which passes `t` as a
  LongTensor of shape [B]): `eps_hat(x, t) = 0.5 * x + 2 * t / 1000`.
* `interval = {INTERVAL}`, `attack_num = {ATTACK_NUM}`; `betas = {betas_expression(attack_src)}`
  with beta_1 = 1e-4, beta_T = 0.02, T = 1000 (unused by SimA).
* Everything in float64 (the reference runs float32 on real data; its SimA code is dtype-agnostic).

## What the reference does (verified by running it)
1. **Normalisation**: the attacker is built with `normalize = {normalize_text}`; `SimA.__call__`
   applies it, so the denoiser sees `x_in = 2 * x0 - 1` (column `x_in` of `inputs.csv`).
2. **x_t for SimA**: there is none. For every grid step the denoiser is evaluated at the *clean*
   normalised image with timestep t: `eps_hat_t = eps_theta(2 * x0 - 1, t)`. No noise is added,
   no seed matters (checked: every call got exactly `2 * x0 - 1`).
   (The same file's `Epsilon` attacker is the noised variant, not SimA: it feeds
   `sqrt(abar_t) * (2 x0 - 1) + sqrt(1 - abar_t) * z` with `z = torch.randn_like` drawn afresh at each t,
   `abar = cumprod(1 - betas).float()`; checked here: noised inputs {noised}, fresh noise per t: {fresh}.)
3. **Grid**: t = k * interval for k = 0, 1, ..., attack_num, here {steps}, i.e.
   attack_num + 1 timesteps starting at t = 0, in that order. The paper's DDPM runs use
   `--attack_num 20 --interval 10` (t = 0, 10, ..., 200).
4. **Statistic**: `SimA.distance` takes the stacked [K, B, C, H, W] denoiser outputs, raises their
   absolute values to the 4th power and sums over the flattened C*H*W axis, i.e. per t and image
   `S(x0, t) = sum over all C*H*W pixels p of |eps_hat_t[p]|^4`
   (a **sum** of 4th powers, not a mean and not `||eps||_2^4`; checked against all four, matching
   only the sum, max relative difference {max_rel:.3g}). It is returned as a [K, B] tensor;
   `sima-fixture.csv` holds it.
5. **Direction and choice of t** (attack.py, `attack()`): for each t separately the scores are
   divided by `max(member.max(), nonmember.max())`, labels are member = 0, non-member = 1, and
   torchmetrics' binary AUROC of (scores, labels) is computed; so a *larger* S means *non-member*
   (members have smaller |eps_hat|). TPR@1%FPR is the TPR of the last ROC point with FPR < 0.01
   (torchmetrics' exact binary ROC) and ASR is the max over ROC points of (TPR + 1 - FPR) / 2. The reported result is `max` over t of each metric,
   **each maximised separately** using the membership labels (the best t is never printed, and it
   may differ between AUROC, ASR and TPR@1%FPR).

## Per-t AUC of this fixture (our re-implementation of step 5, labels as above)
| t | AUC |
|---|---|
{auc_rows}

Best AUC = {g17(max(aucs))} at t = {steps[int(np.argmax(aucs))]} (first maximum).

## Files
* `sima-fixture.csv`: `t,image,statistic`, the reference's output, 17 significant digits.
* `inputs.csv`: `t,image,member,channel,row,col,x0,x_in,eps_hat` for every pixel (flatten order
  C, H, W row-major, as `flatten(2)`); `statistic = sum over the 16 rows of one (t, image) of eps_hat^4`.
"""
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write(readme)
    print("wrote", args.out, "steps", steps, "matches", matches, "max_rel", max_rel, "aucs", aucs)


if __name__ == "__main__":
    main()
