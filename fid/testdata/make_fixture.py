#!/usr/bin/env python3
"""Writes the parity fixtures of package fid with PyTorch, once.

Run from the repository root (Debian's python3-torch, python3-torchvision,
python3-scipy):

    /usr/bin/python3 fid/testdata/make_fixture.py

It builds the FID Inception-v3 exactly as pytorch-fid (v0.3) defines it,
with torchvision's Inception-v3 modules and pytorch-fid's patches
(FIDInceptionA/C/E_1/E_2: average pools without padding, a max pool in
Mixed_7c, 1008 classes), loads deterministic synthetic weights (the same
formula as syntheticWeights in fid/inception_test.go, so no 95 MB file is
needed), and runs pytorch-fid's preprocessing (bilinear resize to 299 with
align_corners=False, then 2x - 1) and forward pass on a few deterministic
images. It writes

  inception_fixture.json  the images' recipe, pool3 (2048), 768-, 192- and
                          64-d features, logits, and samples of the resized
                          input
  frechet_fixture.npz     mu1, sigma1, mu2, sigma2 of two deterministic
                          feature sets (np.mean and np.cov of float64
                          features) and the Frechet distance by
                          pytorch-fid's formula with scipy.linalg.sqrtm
  state_dict_legacy.pth,  a small state dict in torch's legacy and zip
  state_dict_zip.pth      formats: float32, float64, float16, int64 and a
                          transposed (non-contiguous) view
  stats_fixture.npz       the statistics of the first set as pytorch-fid's
                          --save-stats writes them: np.savez_compressed of
                          mu (float32, as np.mean of float32 features
                          gives) and sigma (float64)

Debian's python3 is /usr/bin/python3; another python3 first in PATH may
lack these packages.
"""

import json
import math
import os

import numpy as np
import scipy.linalg
import torch
import torch.nn.functional as F
from torchvision.models import inception as tvi

HERE = os.path.dirname(os.path.abspath(__file__))


class FIDInceptionA(tvi.InceptionA):
    def forward(self, x):
        b1 = self.branch1x1(x)
        b5 = self.branch5x5_2(self.branch5x5_1(x))
        bd = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        bp = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False))
        return torch.cat([b1, b5, bd, bp], 1)


class FIDInceptionC(tvi.InceptionC):
    def forward(self, x):
        b1 = self.branch1x1(x)
        b7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        bd = self.branch7x7dbl_1(x)
        bd = self.branch7x7dbl_5(self.branch7x7dbl_4(self.branch7x7dbl_3(self.branch7x7dbl_2(bd))))
        bp = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False))
        return torch.cat([b1, b7, bd, bp], 1)


class FIDInceptionE(tvi.InceptionE):
    def __init__(self, in_channels, max_pool):
        super().__init__(in_channels)
        self.max_pool = max_pool

    def forward(self, x):
        b1 = self.branch1x1(x)
        b3 = self.branch3x3_1(x)
        b3 = torch.cat([self.branch3x3_2a(b3), self.branch3x3_2b(b3)], 1)
        bd = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        bd = torch.cat([self.branch3x3dbl_3a(bd), self.branch3x3dbl_3b(bd)], 1)
        if self.max_pool:  # FIDInceptionE_2
            bp = F.max_pool2d(x, kernel_size=3, stride=1, padding=1)
        else:  # FIDInceptionE_1
            bp = F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False)
        return torch.cat([b1, b3, bd, self.branch_pool(bp)], 1)


def fid_inception():
    net = tvi.Inception3(num_classes=1008, aux_logits=False, init_weights=False)
    net.Mixed_5b = FIDInceptionA(192, pool_features=32)
    net.Mixed_5c = FIDInceptionA(256, pool_features=64)
    net.Mixed_5d = FIDInceptionA(288, pool_features=64)
    net.Mixed_6b = FIDInceptionC(768, channels_7x7=128)
    net.Mixed_6c = FIDInceptionC(768, channels_7x7=160)
    net.Mixed_6d = FIDInceptionC(768, channels_7x7=160)
    net.Mixed_6e = FIDInceptionC(768, channels_7x7=192)
    net.Mixed_7b = FIDInceptionE(1280, max_pool=False)
    net.Mixed_7c = FIDInceptionE(2048, max_pool=True)
    return net


def synthetic(key, shape):
    """Value i of key, as synthetic in fid/inception_test.go."""
    h = (sum(key.encode()) % 997) / 997
    n = int(np.prod(shape)) if len(shape) else 1
    i = np.arange(n, dtype=np.float64)
    u = np.sin(0.7 * i + 6.283 * h)
    if key.endswith("conv.weight"):
        x = u * math.sqrt(1 / (n // shape[0]))
    elif key.endswith("bn.weight"):
        x = 1 + 0.2 * u
    elif key.endswith("running_var"):
        x = 1 + 0.5 * np.abs(u)
    elif key == "fc.weight":
        x = u * math.sqrt(3 / 2048)
    else:
        x = 0.1 * u
    return torch.from_numpy(x.astype(np.float32).reshape(shape))


def image(i, c, h, w):
    """Deterministic image i with intensities k/255, as fixtureImage in the Go tests."""
    y, x = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    out = np.empty((c, h, w), dtype=np.float64)
    for ch in range(c):
        v = 0.5 + 0.5 * np.sin(0.31 * x + 0.17 * y * (ch + 1) + 1.3 * i)
        out[ch] = np.floor(v * 255 + 0.5) / 255
    return out.astype(np.float32)


def features(i, n, d):
    """Deterministic feature set i (n x d), as fixtureFeatures in the Go tests."""
    r = np.arange(n, dtype=np.float64)[:, None]
    j = np.arange(d, dtype=np.float64)[None, :]
    f = np.abs(np.sin(0.37 * r * (j + 1) + 0.11 * j + 0.5 * i)) + 0.05 * (i + 1) * np.cos(1.7 * r + j)
    return f.astype(np.float32)


def pytorch_fid_frechet(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """pytorch-fid's calculate_frechet_distance."""
    diff = mu1 - mu2
    covmean, _ = scipy.linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = scipy.linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))


def small_state_dict():
    """The tensors that LoadStateDict's test expects."""
    from collections import OrderedDict
    return OrderedDict([
        ("layer.conv.weight", torch.arange(6, dtype=torch.float32).reshape(2, 3) / 7),
        ("layer.bn.running_var", torch.sin(torch.arange(4, dtype=torch.float64))),
        ("layer.bn.num_batches_tracked", torch.tensor(5, dtype=torch.int64)),
        ("half", torch.tensor([0.5, -1.25], dtype=torch.float16)),
        ("transposed", (torch.arange(6, dtype=torch.float32).reshape(2, 3) * 0.5).t()),
    ])


def main():
    torch.set_num_threads(2)
    sd = small_state_dict()
    torch.save(sd, os.path.join(HERE, "state_dict_legacy.pth"), _use_new_zipfile_serialization=False)
    torch.save(sd, os.path.join(HERE, "state_dict_zip.pth"))
    net = fid_inception().eval()
    sd = net.state_dict()
    for k in sd:
        if k.endswith("num_batches_tracked"):
            continue
        sd[k] = synthetic(k, tuple(sd[k].shape))
    net.load_state_dict(sd)

    blocks = [
        [net.Conv2d_1a_3x3, net.Conv2d_2a_3x3, net.Conv2d_2b_3x3, torch.nn.MaxPool2d(kernel_size=3, stride=2)],
        [net.Conv2d_3b_1x1, net.Conv2d_4a_3x3, torch.nn.MaxPool2d(kernel_size=3, stride=2)],
        [net.Mixed_5b, net.Mixed_5c, net.Mixed_5d, net.Mixed_6a, net.Mixed_6b, net.Mixed_6c, net.Mixed_6d, net.Mixed_6e],
        [net.Mixed_7a, net.Mixed_7b, net.Mixed_7c, torch.nn.AdaptiveAvgPool2d(output_size=(1, 1))],
    ]
    cases = [{"c": 1, "h": 28, "w": 28, "ids": [0, 1]}, {"c": 3, "h": 32, "w": 24, "ids": [2]}]
    out = {"cases": []}
    with torch.no_grad():
        for case in cases:
            imgs = np.stack([image(i, case["c"], case["h"], case["w"]) for i in case["ids"]])
            x = torch.from_numpy(imgs)
            if case["c"] == 1:  # PIL's convert('RGB') repeats the gray channel
                x = x.repeat(1, 3, 1, 1)
            x = F.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False)
            resized = x.numpy().reshape(len(case["ids"]), -1)[:, ::997]
            x = 2 * x - 1
            feats = {}
            for b, dims in zip(blocks, [64, 192, 768, 2048]):
                for layer in b:
                    x = layer(x)
                feats[str(dims)] = F.adaptive_avg_pool2d(x, (1, 1)).reshape(x.shape[0], -1).numpy().tolist()
            logits = net.fc(torch.from_numpy(np.array(feats["2048"], dtype=np.float32))).numpy().tolist()
            out["cases"].append(dict(case, resized_every_997=resized.tolist(), features=feats, logits=logits))
    with open(os.path.join(HERE, "inception_fixture.json"), "w") as f:
        json.dump(out, f)

    stats = {}
    for i in (1, 2):
        f = features(i, 300, 16).astype(np.float64)
        stats[f"mu{i}"] = np.mean(f, axis=0)
        stats[f"sigma{i}"] = np.cov(f, rowvar=False)
    stats["fid"] = np.array(pytorch_fid_frechet(stats["mu1"], stats["sigma1"], stats["mu2"], stats["sigma2"]))
    np.savez(os.path.join(HERE, "frechet_fixture.npz"), **stats)
    f = features(1, 300, 16)
    np.savez_compressed(os.path.join(HERE, "stats_fixture.npz"), mu=np.mean(f, axis=0), sigma=np.cov(f, rowvar=False))


if __name__ == "__main__":
    main()
