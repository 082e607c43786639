"""PyTorch-Python baseline for bench/run: the same UNet as DiffLeak's default (org.diffleak.torch.nn.UNet,
32->64->128, one residual block per level, attention at 7x7), the same threads, batches and loops, written
as a PyTorch user would (native GroupNorm, SiLU, nearest upsampling)."""
import argparse
import json
import math
import os
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Res(nn.Module):
    def __init__(self, cin, cout, emb, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(emb, cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, tact):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb(tact)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + (self.skip(x) if self.skip is not None else x)


class Attn(nn.Module):
    def __init__(self, ch, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, ch)
        self.qkv = nn.Conv2d(ch, 3 * ch, 1)
        self.proj = nn.Conv2d(ch, ch, 1)

    def forward(self, x):
        n, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(n, 3, c, h * w).unbind(1)
        a = torch.softmax(q.transpose(1, 2) @ k / math.sqrt(c), dim=2)
        return x + self.proj((v @ a.transpose(1, 2)).reshape(n, c, h, w))


class UNet(nn.Module):
    def __init__(self, channels=1, base=32, mults=(1, 2, 4), groups=8):
        super().__init__()
        emb = 4 * base
        self.base = base
        self.fc1 = nn.Linear(base, emb)
        self.fc2 = nn.Linear(emb, emb)
        self.inc = nn.Conv2d(channels, base, 3, padding=1)
        self.down, self.pool = nn.ModuleList(), nn.ModuleList()
        ch, skips = base, []
        for l, m in enumerate(mults):
            self.down.append(Res(ch, base * m, emb, groups))
            ch = base * m
            skips.append(ch)
            if l < len(mults) - 1:
                self.pool.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1))
        self.mid0 = Res(ch, ch, emb, groups)
        self.attn = Attn(ch, groups)
        self.mid1 = Res(ch, ch, emb, groups)
        self.up, self.ups = nn.ModuleList(), nn.ModuleList()
        for l in reversed(range(len(mults))):
            self.up.append(Res(ch + skips[l], base * mults[l], emb, groups))
            ch = base * mults[l]
            if l > 0:
                self.ups.append(nn.Conv2d(ch, ch, 3, padding=1))
        self.outn = nn.GroupNorm(groups, ch)
        self.outc = nn.Conv2d(ch, channels, 3, padding=1)
        self.levels = len(mults)

    def temb(self, t):
        half = self.base // 2
        f = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / max(1, half - 1))
        a = t.float()[:, None] * f[None]
        return torch.cat([torch.sin(a), torch.cos(a)], dim=1)

    def forward(self, x, t):
        tact = F.silu(self.fc2(F.silu(self.fc1(self.temb(t)))))
        h = self.inc(x)
        skips = []
        for l in range(self.levels):
            h = self.down[l](h, tact)
            skips.append(h)
            if l < self.levels - 1:
                h = self.pool[l](h)
        h = self.mid1(self.attn(self.mid0(h, tact)), tact)
        for i, l in enumerate(reversed(range(self.levels))):
            h = self.up[i](torch.cat([h, skips.pop()], dim=1), tact)
            if l > 0:
                h = self.ups[i](F.interpolate(h, scale_factor=2, mode="nearest"))
        return self.outc(F.silu(self.outn(h)))


class Profile:
    """The autograd profiler around a timed loop, when a folder is given (as DiffLeak's bench --profile)."""

    def __init__(self, folder):
        self.folder, self.p = folder, None

    def start(self):
        if self.folder:
            self.p = torch.autograd.profiler.profile(record_shapes=True)
            self.p.__enter__()

    def stop(self, name):
        if self.p is not None:
            self.p.__exit__(None, None, None)
            os.makedirs(self.folder, exist_ok=True)
            self.p.export_chrome_trace(os.path.join(self.folder, name))
            self.p = None


def median_rate(stamps, units):
    """Throughput in three equal windows of the timestamps, the median one (as DiffLeak's bench)."""
    w = (len(stamps) - 1) // 3
    if w == 0:
        return units * (len(stamps) - 1) / (stamps[-1] - stamps[0])
    rates = sorted(units * w / (stamps[(i + 1) * w] - stamps[i * w]) for i in range(3))
    return rates[1]


def gaussian_window(size=11, sigma=1.5):
    g = torch.exp(-((torch.arange(size, dtype=torch.float32) - size // 2) ** 2) / (2 * sigma ** 2))
    g = g / g.sum()
    return (g[:, None] * g[None, :])[None, None]


def ssim(a, b, window, c1=0.01 ** 2, c2=0.03 ** 2):
    """Mean SSIM per image of [n, 1, H, W] in [0, 1] (Wang et al. 2004, Gaussian 11x11, sigma 1.5), over the
    valid region of the filtered maps: the same as DiffLeak's and scikit-image's (data_range 1)."""
    mu_a, mu_b = F.conv2d(a, window), F.conv2d(b, window)
    var_a = F.conv2d(a * a, window) - mu_a ** 2
    var_b = F.conv2d(b * b, window) - mu_b ** 2
    cov = F.conv2d(a * b, window) - mu_a * mu_b
    s = (2 * mu_a * mu_b + c1) * (2 * cov + c2) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))
    return s.flatten(1).mean(1)


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--train-steps", type=int, default=21)
    p.add_argument("--infer-batches", type=int, default=24)
    p.add_argument("--ddim-images", type=int, default=256)
    p.add_argument("--attack-batches", type=int, default=9,
                   help="timed batches of 100 for PIA and the reconstruction attack, after one warm-up (0 = skip)")
    p.add_argument("--json")
    p.add_argument("--profile", help="write the autograd profiler's Chrome traces of the timed training steps and"
                   " inference batches to DIR/train.json and DIR/infer.json")
    a = p.parse_args()
    prof = Profile(a.profile)
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    r = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    model = UNet()
    r["parameters"] = sum(q.numel() for q in model.parameters())
    ab = torch.cumprod(1 - torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64), 0)

    # training: batch 64, simple loss, AdamW, global-norm clip 1.0, EMA - as DiffLeak's trainer does
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.0)
    ema = [q.detach().clone() for q in model.parameters()]
    data = torch.rand(512, 1, 28, 28) * 2 - 1
    warm = 3
    stamps = []
    for s in range(warm + a.train_steps):
        if s >= warm:
            stamps.append(time.perf_counter())
        if s == warm:
            prof.start()
        idx = torch.randint(0, 512, (64,))
        x0 = data[idx]
        t = torch.randint(0, 1000, (64,))
        eps = torch.randn_like(x0)
        c = ab[t].float()[:, None, None, None]
        xt = c.sqrt() * x0 + (1 - c).sqrt() * eps
        loss = F.mse_loss(model(xt, t), eps)
        opt.zero_grad(set_to_none=False)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            for e, q in zip(ema, model.parameters()):
                e.mul_(0.999).add_(q, alpha=0.001)
        loss.item()
    stamps.append(time.perf_counter())
    prof.stop("train.json")
    r["train_img_per_s"] = median_rate(stamps, 64)
    print(f"training   {r['train_img_per_s']:.1f} img/s (batch 64)", flush=True)

    with torch.no_grad():
        stamps = []
        for b in range(a.infer_batches):
            if b >= warm:
                stamps.append(time.perf_counter())
            if b == warm:
                prof.start()
            x = torch.randn(256, 1, 28, 28)
            model(x, torch.randint(0, 1000, (256,))).numpy()
        stamps.append(time.perf_counter())
        prof.stop("infer.json")
        r["infer_img_per_s"] = median_rate(stamps, 256)
        print(f"inference  {r['infer_img_per_s']:.1f} img/s (batch 256)", flush=True)

        t0 = time.perf_counter()
        x = torch.randn(a.ddim_images, 1, 28, 28)
        ts = [round(i * 1000 / 50) for i in range(50)][::-1]
        for i, t in enumerate(ts):
            eps = model(x, torch.full((a.ddim_images,), t, dtype=torch.long))
            a_t = ab[t].item()
            a_p = ab[ts[i + 1]].item() if i + 1 < len(ts) else 1.0
            x0 = ((x - math.sqrt(1 - a_t) * eps) / math.sqrt(a_t)).clamp(-1, 1)
            x = math.sqrt(a_p) * x0 + math.sqrt(1 - a_p) * eps
        x.numpy()
        r["ddim50_seconds"] = time.perf_counter() - t0
        print(f"DDIM-50    {r['ddim50_seconds']:.1f} s for {a.ddim_images} images", flush=True)
    r["peak_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS   {r['peak_rss_kb'] // 1024} MB", flush=True)

    if a.attack_batches > 0:
        r["attack_batch"] = bs = 100
        n = (1 + a.attack_batches) * bs
        with torch.inference_mode():
            # PIA: eps0 = eps(x0, 0); x_t = sqrt(ab_t) x0 + sqrt(1 - ab_t) eps0; score = -sum |eps(x_t, t) - eps0|^4
            cand = torch.rand(n, 1, 28, 28)
            t, a_t = 200, ab[200].item()
            stamps = []
            for b in range(1 + a.attack_batches):
                if b >= 1:
                    stamps.append(time.perf_counter())
                x0 = cand[b * bs:(b + 1) * bs] * 2 - 1
                eps0 = model(x0, torch.zeros(bs, dtype=torch.long))
                xt = math.sqrt(a_t) * x0 + math.sqrt(1 - a_t) * eps0
                eps = model(xt, torch.full((bs,), t, dtype=torch.long))
                (-(eps - eps0).abs().pow(4).flatten(1).sum(1)).numpy()
            stamps.append(time.perf_counter())
            r["pia_queries_per_s"] = median_rate(stamps, bs)
            print(f"PIA        {r['pia_queries_per_s']:.1f} queries/s (batch {bs})", flush=True)

            # black-box reconstruction: strength 0.3 -> t = 300, 10 DDIM steps back (eta = 0), MSE and SSIM
            cand = torch.rand(n, 1, 28, 28)
            window = gaussian_window()
            t0 = 300
            ts = [round(t0 * (i + 1) / 10) for i in range(10)][::-1]
            stamps = []
            for b in range(1 + a.attack_batches):
                if b >= 1:
                    stamps.append(time.perf_counter())
                q = cand[b * bs:(b + 1) * bs]
                x = math.sqrt(ab[t0].item()) * (q * 2 - 1) + math.sqrt(1 - ab[t0].item()) * torch.randn_like(q)
                for i, t in enumerate(ts):
                    eps = model(x, torch.full((bs,), t, dtype=torch.long))
                    a_t = ab[t].item()
                    a_p = ab[ts[i + 1]].item() if i + 1 < len(ts) else 1.0
                    x0 = ((x - math.sqrt(1 - a_t) * eps) / math.sqrt(a_t)).clamp(-1, 1)
                    x = math.sqrt(a_p) * x0 + math.sqrt(1 - a_p) * eps
                out = (x.clamp(-1, 1) + 1) / 2
                mse = (out - q).pow(2).flatten(1).mean(1)
                torch.stack([-mse, ssim(q, out, window)], 1).numpy()
            stamps.append(time.perf_counter())
            r["recon_queries_per_s"] = median_rate(stamps, bs)
            print(f"recon      {r['recon_queries_per_s']:.1f} queries/s (black-box, strength 0.3, 10 DDIM steps, "
                  f"batch {bs})", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(r, f, indent=2)


if __name__ == "__main__":
    main()
