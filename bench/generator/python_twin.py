#!/usr/bin/python3
"""The generator's DCGAN and VAE in Python PyTorch, layer for layer, as the benchmark's peer.

Run with Debian's interpreter (/usr/bin/python3 + python3-torch: the same libtorch_cpu as the C++
side). Prints one JSON line: {"impl": "python", "mode": ..., "rate": ..., "cpu_rate": ..., "peak_rss_mb": ...}
(rate per wall second and per CPU second of the process).

  python_twin.py train|sample dcgan|vae BATCH STEPS_OR_IMAGES
  python_twin.py export dcgan FILE.pt     the DCGAN generator as TorchScript, for the
                                          imported-vs-native sampling comparison (run.sh)
"""
import ctypes
import json
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SIZE, CHANNELS, CLASSES = 32, 1, 10


def tune_malloc():
    # The same glibc tuning the C++ trainer applies (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD, M_TOP_PAD).
    libc = ctypes.CDLL("libc.so.6")
    libc.mallopt(-3, 32 << 20)
    libc.mallopt(-1, 1 << 30)
    libc.mallopt(-2, 256 << 20)


class Generator(nn.Module):
    def __init__(self, latent=100, width=64):
        super().__init__()
        ch = width * 4
        layers = [nn.ConvTranspose2d(latent + CLASSES, ch, 4, bias=False), nn.BatchNorm2d(ch), nn.ReLU(True)]
        for _ in range(2):
            layers += [nn.ConvTranspose2d(ch, ch // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch // 2), nn.ReLU(True)]
            ch //= 2
        layers += [nn.ConvTranspose2d(ch, CHANNELS, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)

    def forward(self, z, y):
        x = torch.cat([z, F.one_hot(y, CLASSES).to(z.dtype)], 1)
        return self.main(x.view(x.size(0), -1, 1, 1))


def dcgan_init(module):
    """N(0, 0.02) conv/embedding weights, N(1, 0.02) batch-norm scales: as the C++ side does
    (it matters for timing too: untrained weights this small reach denormal values)."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)
    return module


class Discriminator(nn.Module):
    def __init__(self, width=64):
        super().__init__()
        ch = width
        layers = [nn.Conv2d(CHANNELS, ch, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True)]
        for _ in range(2):
            layers += [nn.Conv2d(ch, ch * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch * 2), nn.LeakyReLU(0.2, True)]
            ch *= 2
        self.features = nn.Sequential(*layers)
        self.head = nn.Conv2d(ch, 1, 4, bias=False)
        self.projection = nn.Embedding(CLASSES, ch)

    def forward(self, x, y):
        h = self.features(x)
        return self.head(h).view(-1) + (self.projection(y) * h.sum((2, 3))).sum(1)


class Vae(nn.Module):
    def __init__(self, latent=32, width=32):
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(CHANNELS, width, 4, 2, 1), nn.LeakyReLU(0.2),
                                     nn.Conv2d(width, width * 2, 4, 2, 1), nn.LeakyReLU(0.2))
        flat = width * 2 * 8 * 8
        self.top = width * 4
        self.mu = nn.Linear(flat + CLASSES, latent)
        self.logvar = nn.Linear(flat + CLASSES, latent)
        self.expand = nn.Linear(latent + CLASSES, self.top * 16)
        self.decoder = nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(self.top, self.top // 2, 4, 2, 1),
                                     nn.ReLU(), nn.ConvTranspose2d(self.top // 2, self.top // 4, 4, 2, 1),
                                     nn.ReLU(), nn.ConvTranspose2d(self.top // 4, CHANNELS, 4, 2, 1))

    def decode(self, z, y):
        h = self.expand(torch.cat([z, F.one_hot(y, CLASSES).to(z.dtype)], 1))
        return self.decoder(h.view(-1, self.top, 4, 4))

    def forward(self, x, y, eps):
        h = self.encoder(x).flatten(1)
        h = torch.cat([h, F.one_hot(y, CLASSES).to(h.dtype)], 1)
        mu, logvar = self.mu(h), self.logvar(h)
        return self.decode(mu + eps * torch.exp(0.5 * logvar), y), mu, logvar


def train(arch, batch, steps):
    torch.manual_seed(1)
    data = torch.randint(0, 256, (4096, CHANNELS, SIZE, SIZE), dtype=torch.uint8)
    labels = torch.randint(0, CLASSES, (4096,))
    if arch == "dcgan":
        g, d = dcgan_init(Generator()), dcgan_init(Discriminator())
        og = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
        od = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    else:
        v = Vae()
        ov = torch.optim.Adam(v.parameters(), 1e-3)
    start = cpu = None
    for step in range(steps):
        if step == 3:
            # The first steps warm up allocators and oneDNN.
            start, cpu = time.perf_counter(), time.process_time()
        idx = torch.randint(0, 4096, (batch,))
        x, y = data[idx].float(), labels[idx]
        if arch == "dcgan":
            x = x / 127.5 - 1
            fake = g(torch.randn(batch, 100), y)
            od.zero_grad()
            rl, fl = d(x, y), d(fake.detach(), y)
            ld = F.binary_cross_entropy_with_logits(rl, torch.ones_like(rl)) + \
                F.binary_cross_entropy_with_logits(fl, torch.zeros_like(fl))
            ld.backward()
            od.step()
            og.zero_grad()
            gl = d(fake, y)
            lg = F.binary_cross_entropy_with_logits(gl, torch.ones_like(gl))
            lg.backward()
            og.step()
            ld.item(), lg.item()
        else:
            x = x / 255
            ov.zero_grad()
            logits, mu, logvar = v(x, y, torch.randn(batch, 32))
            recon = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / batch
            kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / batch
            (recon + kl).backward()
            ov.step()
            recon.item(), kl.item()
    return (steps - 3) / (time.perf_counter() - start), (steps - 3) / (time.process_time() - cpu)


def sample(arch, batch, images):
    torch.manual_seed(1)
    model = dcgan_init(Generator()) if arch == "dcgan" else Vae()
    model.eval()
    latent = 100 if arch == "dcgan" else 32
    done, start, cpu = 0, None, None
    with torch.no_grad():
        for i in range(images // batch + 1):
            if i == 1:
                start, cpu = time.perf_counter(), time.process_time()
            y = torch.arange(batch) % CLASSES
            # Latents drawn per image from its own generator, as the C++ sampler does.
            z = torch.cat([torch.randn(1, latent, generator=torch.Generator().manual_seed(i * batch + k))
                           for k in range(batch)])
            out = model(z, y) if arch == "dcgan" else torch.sigmoid(model.decode(z, y))
            scale = (out + 1) * 127.5 if arch == "dcgan" else out * 255
            scale.round().clamp(0, 255).to(torch.uint8).contiguous()
            if i >= 1:
                done += batch
    return done / (time.perf_counter() - start), done / (time.process_time() - cpu)


def export(path):
    """The native DCGAN generator's exact architecture (and initialisation), scripted: what
    `hallmark model import` takes. forward(z[N, 100], labels[N]) -> [N, 1, 32, 32] in [-1, 1]."""
    torch.manual_seed(1)
    model = dcgan_init(Generator())
    model.eval()
    # Traced: forward reads the module-level CLASSES, which torch.jit.script cannot.
    example = (torch.randn(2, 100), torch.arange(2))
    torch.jit.trace(model, example).save(path)


def main():
    if sys.argv[1] == "export":
        export(sys.argv[3])
        return
    mode, arch, batch, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(1)
    tune_malloc()
    rate, cpu_rate = train(arch, batch, n) if mode == "train" else sample(arch, batch, n)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"impl": "python", "mode": mode, "arch": arch, "batch": batch,
                      "rate": rate, "cpu_rate": cpu_rate, "peak_rss_mb": rss, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
