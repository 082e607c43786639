"""Writes diffleak-torch's fused-ops TorchScript module (src/main/resources/org/diffleak/torch/nn/fused-ops.pt).

DJL's PyTorch engine binds no GroupNorm and no SiLU, so composed from its ops they cost several passes over each
activation and as many saved tensors for backward. libtorch has both as single kernels with fused backward
(aten::native_group_norm, aten::silu); this module exposes them as TorchScript methods that DJL runs through its
IValue API, under the caller's grad mode. DJL passes tensors only, so the group count comes as a 0-d int64
tensor. Run with Debian's python3-torch:
    /usr/bin/python3 scripts/make-fused-ops.py
"""
import os

import torch
import torch.nn.functional as F


class FusedOps(torch.nn.Module):

    @torch.jit.export
    def group_norm(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, groups: torch.Tensor) -> torch.Tensor:
        return F.group_norm(x, int(groups.item()), weight, bias, 1e-5)

    @torch.jit.export
    def group_norm_silu(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,
                        groups: torch.Tensor) -> torch.Tensor:
        return F.silu(F.group_norm(x, int(groups.item()), weight, bias, 1e-5))

    @torch.jit.export
    def silu(self, x: torch.Tensor) -> torch.Tensor:
        return F.silu(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "diffleak-torch", "src", "main", "resources", "org", "diffleak", "torch", "nn",
                   "fused-ops.pt")
os.makedirs(os.path.dirname(out), exist_ok=True)
torch.jit.script(FusedOps()).save(out)
print(out, os.path.getsize(out), "bytes, torch", torch.__version__)
