#!/usr/bin/env python3
"""Times the reference model refvae in PyTorch, for comparison with
`genmodel bench --model refvae`. Run it by hand, never from the tests:

    sudo apt-get install python3-torch libopenblas0-pthread
    /usr/bin/python3 bench/torch_refvae.py --json > torch.json
    go run ./cmd/genmodel bench --compare torch.json

It prints the same figures as genmodel bench: the median wall time of a
training step (forward, backward, Adam) and of a forward pass of the loss,
the peak RSS of the process, and SGEMM GFLOP/s of torch.mm at 256/512/1024.
The model runs on --threads intra-op threads with OPENBLAS_NUM_THREADS=1 (so
that OpenBLAS does not add threads of its own under torch's); SGEMM is timed
in a child process with OPENBLAS_NUM_THREADS=--threads, OpenBLAS's own
threading being what torch.mm uses.

refvae (fixed so that others can rebuild it exactly): input 1x28x28 binary;
conv 1->32 k3 s2 p1, ReLU; conv 32->64 k3 s2 p1, ReLU; flatten 3136; dense
3136->32 (mu) and 3136->32 (log-variance); z = mu + exp(lv/2)*eps; dense
32->3136, ReLU, reshape 64x7x7; nearest upsample x2; conv 64->32 k3 s1 p1,
ReLU; nearest upsample x2; conv 32->1 k3 s1 p1 -> logits; loss = (Bernoulli
NLL summed over pixels + analytic KL) averaged over the batch; Adam lr 1e-3;
batch 64; float32.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time


def gemm_gflops(threads):
    """SGEMM GFLOP/s of torch.mm at 256, 512 and 1024, in a child process
    whose OpenBLAS runs on `threads` threads."""
    code = r"""
import json, time, torch
torch.manual_seed(0)
out = {}
for n in (256, 512, 1024):
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        torch.mm(a, b)
    reps = max(5, int(4e9 / n**3))
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); torch.mm(a, b); ts.append(time.perf_counter() - t0)
    out[str(n)] = 2 * n**3 / sorted(ts)[len(ts) // 2] / 1e9
print(json.dumps(out))
"""
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=50, help="timed steps (after 5 warm-up steps)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)

    class RefVAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(1, 32, 3, 2, 1)
            self.c2 = nn.Conv2d(32, 64, 3, 2, 1)
            self.mu = nn.Linear(3136, 32)
            self.lv = nn.Linear(3136, 32)
            self.d = nn.Linear(32, 3136)
            self.c3 = nn.Conv2d(64, 32, 3, 1, 1)
            self.c4 = nn.Conv2d(32, 1, 3, 1, 1)

        def forward(self, x, eps):
            h = F.relu(self.c2(F.relu(self.c1(x)))).flatten(1)
            mu, lv = self.mu(h), self.lv(h)
            z = mu + torch.exp(lv / 2) * eps
            d = F.relu(self.d(z)).view(-1, 64, 7, 7)
            d = F.relu(self.c3(F.interpolate(d, scale_factor=2, mode="nearest")))
            logits = self.c4(F.interpolate(d, scale_factor=2, mode="nearest"))
            rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum((1, 2, 3))
            kl = 0.5 * (mu.pow(2) + lv.exp() - lv - 1).sum(1)
            return (rec + kl).mean()

    model = RefVAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = (torch.rand(args.batch, 1, 28, 28) < 0.13).float()

    def train_step():
        eps = torch.randn(args.batch, 32)
        opt.zero_grad(set_to_none=True)
        loss = model(x, eps)
        loss.backward()
        opt.step()

    def forward():
        with torch.no_grad():
            model(x, torch.randn(args.batch, 32))

    def median_ms(f):
        for _ in range(5):
            f()
        ts = []
        for _ in range(args.steps):
            t0 = time.perf_counter()
            f()
            ts.append(time.perf_counter() - t0)
        return 1000 * statistics.median(ts)

    res = {
        "impl": "pytorch " + torch.__version__,
        "model": "refvae",
        "batch": args.batch,
        "threads": torch.get_num_threads(),
        "train_step_ms": median_ms(train_step),
        "forward_ms": median_ms(forward),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "gemm_gflops": gemm_gflops(args.threads),
    }
    if args.json:
        print(json.dumps(res))
        return
    for k, v in res.items():
        print(f"{k:15} {v}")


if __name__ == "__main__":
    main()
