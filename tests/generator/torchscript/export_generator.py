#!/usr/bin/env python3
"""Exports small TorchScript generators for the `hallmark model import` tests.

    export_generator.py OUT_DIR

writes, with fixed-seed weights:
  conditional.pt     forward(z[N, 16], labels[N] int64) -> [N, 1, 32, 32] in [-1, 1] (tanh)
  unconditional.pt   forward(z[N, 16]) -> [N, 3, 32, 32] in [-1, 1]
  bad_shape.pt       returns [N, 32, 32] (3-D)
  nan_output.pt      returns NaN everywhere
  out_of_range.pt    returns pixel values in [0, 255] instead of [-1, 1]
  int_output.pt      returns an int64 tensor
  state_dict.pt      torch.save of a state dict: a zip archive, but not TorchScript
and the manifests conditional.json, noncommercial.json (the same, with CC-BY-NC-4.0 weights) and
unconditional.json (DATASET is the dataset's name).
"""
import json
import os
import sys

import torch
from torch import nn

LATENT = 16
# The class folders of generator/data/fashion-mnist-1k, in its label order (classes.txt).
CLASSES = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle_boot"]
DATASET = "fashion-mnist-1k"


class Generator(nn.Module):
    """A DCGAN-style generator: [z, onehot(y)] as a 1x1 input, four transposed convolutions."""

    def __init__(self, latent: int, classes: int, channels: int, width: int = 8):
        super().__init__()
        self.classes = classes
        self.net = nn.Sequential(
            nn.ConvTranspose2d(latent + classes, width * 4, 4, 1, 0, bias=False),  # 4x4
            nn.BatchNorm2d(width * 4), nn.ReLU(True),
            nn.ConvTranspose2d(width * 4, width * 2, 4, 2, 1, bias=False),  # 8x8
            nn.BatchNorm2d(width * 2), nn.ReLU(True),
            nn.ConvTranspose2d(width * 2, width, 4, 2, 1, bias=False),  # 16x16
            nn.BatchNorm2d(width), nn.ReLU(True),
            nn.ConvTranspose2d(width, channels, 4, 2, 1, bias=False),  # 32x32
        )

    def features(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        onehot = nn.functional.one_hot(labels, self.classes).to(z.dtype)
        x = torch.cat([z, onehot], dim=1)
        return self.net(x.view(x.size(0), x.size(1), 1, 1))

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.features(z, labels))


class Unconditional(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = Generator(LATENT, 1, 3)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        labels = torch.zeros([z.size(0)], dtype=torch.long)
        return torch.tanh(self.inner.features(z, labels))


class BadShape(Generator):
    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        x = torch.tanh(self.features(z, labels))
        return x.view(x.size(0), 32, 32)


class NanOutput(Generator):
    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.features(z, labels)) * float("nan")


class OutOfRange(Generator):
    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        # A common slip: pixel values [0, 255] instead of [-1, 1].
        return (torch.tanh(self.features(z, labels)) + 1.0) * 127.5


class IntOutput(Generator):
    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return (torch.tanh(self.features(z, labels)) * 100).to(torch.long)


def save(module: nn.Module, path: str) -> None:
    module.eval()
    torch.jit.script(module).save(path)


def main() -> None:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    variants = {"conditional": Generator, "bad_shape": BadShape, "nan_output": NanOutput,
                "out_of_range": OutOfRange, "int_output": IntOutput}
    for name, cls in variants.items():
        torch.manual_seed(7)  # the same fixed-seed weights for every variant
        save(cls(LATENT, len(CLASSES), 1), os.path.join(out, name + ".pt"))
    torch.manual_seed(8)
    save(Unconditional(), os.path.join(out, "unconditional.pt"))
    torch.save(Generator(LATENT, len(CLASSES), 1).state_dict(), os.path.join(out, "state_dict.pt"))

    manifest = {"classes": CLASSES, "latent_dim": LATENT, "weights_licence": "MIT",
                "weights_attribution": "Test generator, Hallmark tests, MIT",
                "datasets": [DATASET], "conditional": True,
                "description": "test generator exported by export_generator.py"}
    with open(os.path.join(out, "conditional.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    # The same weights under a non-commercial licence: a commercial purpose must be refused.
    with open(os.path.join(out, "noncommercial.json"), "w") as f:
        json.dump(dict(manifest, weights_licence="CC-BY-NC-4.0"), f, indent=2)
    with open(os.path.join(out, "unconditional.json"), "w") as f:
        json.dump({"latent_dim": LATENT, "weights_licence": "CC0-1.0", "datasets": [DATASET],
                   "conditional": False}, f, indent=2)
    print("exported to", out)


if __name__ == "__main__":
    main()
