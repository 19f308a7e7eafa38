#!/usr/bin/env python3
"""Times pytorch-fid's FID Inception and Frechet distance, for comparison
with `genmodel bench --model fid`. Run it by hand, never from the tests:

    sudo apt-get install python3-torch python3-torchvision python3-scipy
    /usr/bin/python3 bench/torch_fid.py --json > torch_fid.json
    go run ./cmd/genmodel bench --model fid --compare torch_fid.json

It prints the same figures: the Inception's forward pass to pool3 in images
per second (median of --reps batches of --batch random 299x299 images after
one warm-up, random weights, --threads intra-op threads, no_grad, eval
mode), and the time of pytorch-fid's calculate_frechet_distance
(scipy.linalg.sqrtm of sigma1.dot(sigma2)) on the two 2048-d Gaussians that
benchCovariances in cmd/genmodel/bench_fid.go builds.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fid", "testdata"))
from make_fixture import fid_inception, pytorch_fid_frechet  # noqa: E402


def covariances():
    d, m = 2048, 4096
    out = []
    for j in range(2):
        k = np.arange(d, dtype=np.float64)[:, None]
        l = np.arange(m, dtype=np.float64)[None, :]
        a = np.sin(0.37 * (k + 1) * (j + 1) + 0.11 * l)
        sigma = a @ a.T / m + 0.01 * np.eye(d)
        mu = np.sin(np.arange(d, dtype=np.float64) + j)
        out.append((mu, sigma))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    net = fid_inception().eval()
    blocks = torch.nn.Sequential(
        net.Conv2d_1a_3x3, net.Conv2d_2a_3x3, net.Conv2d_2b_3x3, torch.nn.MaxPool2d(3, 2),
        net.Conv2d_3b_1x1, net.Conv2d_4a_3x3, torch.nn.MaxPool2d(3, 2),
        net.Mixed_5b, net.Mixed_5c, net.Mixed_5d, net.Mixed_6a, net.Mixed_6b, net.Mixed_6c, net.Mixed_6d, net.Mixed_6e,
        net.Mixed_7a, net.Mixed_7b, net.Mixed_7c, torch.nn.AdaptiveAvgPool2d((1, 1)),
    ).eval()
    x = torch.rand(args.batch, 3, 299, 299) * 2 - 1
    ts = []
    with torch.no_grad():
        for _ in range(args.reps + 1):
            t0 = time.perf_counter()
            blocks(x)
            ts.append(time.perf_counter() - t0)
    (mu1, s1), (mu2, s2) = covariances()
    t0 = time.perf_counter()
    fd = pytorch_fid_frechet(mu1, s1, mu2, s2)
    fd_s = time.perf_counter() - t0
    res = {
        "impl": f"pytorch {torch.__version__}", "model": "fid", "batch": args.batch, "threads": args.threads,
        "inception_images_per_s": args.batch / statistics.median(ts[1:]),
        "frechet_2048_s": fd_s, "frechet_2048_value": fd,
    }
    if args.json:
        print(json.dumps(res))
    else:
        for k, v in res.items():
            print(f"{k}: {v}")


if __name__ == "__main__":
    main()
