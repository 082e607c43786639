"""Makes what a model owner brings to `diffleak audit --target`: a UNet trained by PyTorch on 1,000
Fashion-MNIST images (the architecture of bench/pytorch_unet.py at base width 24: 1.1M parameters), exported to
TorchScript with its spec JSON, and two PNG folders: the images it trained on and 1,000 it never saw.
Run with Debian's python3-torch; bench/owner-audit calls it.

    /usr/bin/python3 bench/owner_model.py --out /tmp/owner --steps 400
"""
import argparse
import gzip
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_unet import UNet  # noqa: E402

IDX = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"


def images():
    with gzip.open(IDX) as f:
        data = f.read()
    n = int.from_bytes(data[4:8], "big")
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, 28, 28)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--members", type=int, default=1000)
    p.add_argument("--non-members", type=int, default=1000)
    p.add_argument("--steps", type=int, default=400)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--base", type=int, default=24, help="UNet base width (24: 1.1M parameters, 32: 2.0M)")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    all_images = images()
    order = rng.permutation(len(all_images))
    sets = {"members": order[:a.members], "held-out": order[a.members:a.members + a.non_members]}
    for name, idx in sets.items():
        os.makedirs(os.path.join(a.out, name), exist_ok=True)
        for i in idx:
            Image.fromarray(all_images[i], "L").save(os.path.join(a.out, name, f"fmnist-{i:05d}.png"))

    # DDPM on the members: linear β schedule over 1,000 steps, ε-prediction, images in [-1, 1]
    x0 = torch.tensor(all_images[sets["members"]], dtype=torch.float32)[:, None] / 127.5 - 1
    betas = torch.linspace(1e-4, 0.02, 1000)
    abar = torch.cumprod(1 - betas, 0)
    model = UNet(base=a.base)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.0)
    for step in range(a.steps):
        b = x0[torch.randint(0, len(x0), (a.batch,))]
        t = torch.randint(0, 1000, (a.batch,))
        eps = torch.randn_like(b)
        s = abar[t][:, None, None, None]
        loss = F.mse_loss(model(s.sqrt() * b + (1 - s).sqrt() * eps, t), eps)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 50 == 0 or step == a.steps - 1:
            print(f"step {step}: loss {loss.item():.4f}", flush=True)
    model.eval()
    with torch.no_grad():
        traced = torch.jit.trace(model, (torch.zeros(2, 1, 28, 28), torch.tensor([1, 500], dtype=torch.int64)))
    traced.save(os.path.join(a.out, "owner-unet.pt"))
    spec = {"channels": 1, "imageSize": 28, "numClasses": 0,
            "schedule": {"kind": "linear", "steps": 1000, "betaStart": 1e-4, "betaEnd": 0.02}}
    with open(os.path.join(a.out, "owner-unet.json"), "w") as f:
        json.dump(spec, f, indent=2)
    params = sum(p.numel() for p in model.parameters())
    print(f"owner-unet.pt: {params} parameters, {a.steps} steps on {a.members} members; PNGs in {a.out}")


if __name__ == "__main__":
    main()
