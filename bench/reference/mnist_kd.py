#!/usr/bin/env python3
"""PyTorch reference for the default experiment (examples/mnist-kd.distill.yaml).

Same models (layers from the exported normalised config), same train/test split (exported by
bench/reference/export-split.ts), same epochs, batch size, Adam (eps 1e-7, as tfjs), learning-rate
schedule (set per step from the fractional epoch), temperature and loss weights. The
distillation loop is the textbook one: the frozen teacher runs forward on every batch.
Each stage validates on the test split after every epoch, as ours does with evaluation.every 1.

Usage: python3 bench/reference/mnist_kd.py SPLIT_DIR --threads N
Prints one JSON object: per-phase seconds, training examples/s, accuracies.
"""
import argparse
import json
import math
import os
import sys
import time

T_PROCESS = time.time()

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def build(layers, input_shape, num_classes):
    """nn.Sequential from our layer configs (channels-first: the data is transposed once)."""
    h, w, c = input_shape
    mods = []
    shape = (c, h, w)
    for layer in layers:
        kind = layer["type"]
        if kind == "conv2d":
            if layer.get("padding", "valid") != "valid":
                raise SystemExit("reference: only 'valid' padding is supported")
            k, s = layer["kernel"], layer.get("stride", 1)
            mods.append(nn.Conv2d(shape[0], layer["filters"], k, stride=s))
            shape = (layer["filters"], (shape[1] - k) // s + 1, (shape[2] - k) // s + 1)
        elif kind == "maxpool2d":
            p = layer["pool"]
            mods.append(nn.MaxPool2d(p))
            shape = (shape[0], shape[1] // p, shape[2] // p)
            continue
        elif kind == "flatten":
            mods.append(nn.Flatten())
            shape = (int(np.prod(shape)),)
            continue
        elif kind == "dense":
            mods.append(nn.Linear(shape[0], layer["units"], bias=layer.get("use_bias", True)))
            shape = (layer["units"],)
        else:
            raise SystemExit(f"reference: layer type {kind} is not supported")
        # Glorot-uniform kernels and zero biases, as our layers are initialised.
        nn.init.xavier_uniform_(mods[-1].weight)
        if mods[-1].bias is not None:
            nn.init.zeros_(mods[-1].bias)
        act = layer.get("activation", "linear")
        if act == "relu":
            mods.append(nn.ReLU())
        elif act not in ("linear", None):
            raise SystemExit(f"reference: activation {act} is not supported")
    if shape != (num_classes,):
        raise SystemExit(f"reference: model ends in {shape}, expected ({num_classes},)")
    return nn.Sequential(*mods)


def lr_at(schedule, base, progress, total_epochs):
    warm = schedule.get("warmup_epochs", 0) or 0
    if warm > 0 and progress < warm:
        return base * max(progress, 1e-3 * warm) / warm
    t = progress - warm
    name = schedule["name"]
    if name == "constant":
        return base
    if name == "step":
        return base * schedule["gamma"] ** math.floor(t / max(schedule["step_epochs"], 1e-9))
    if name == "cosine":
        span = max(total_epochs - warm, 1e-9)
        frac = min(max(t / span, 0), 1)
        return schedule["min_lr"] + (base - schedule["min_lr"]) * 0.5 * (1 + math.cos(math.pi * frac))
    raise SystemExit(f"reference: lr schedule {name} is not supported")


@torch.no_grad()
def accuracy(model, x, y, batch=256):
    model.eval()
    correct = 0
    for i in range(0, len(x), batch):
        correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    model.train()
    return correct / len(x)


def train(model, x, y, xt, yt, cfg, loss_fn, seed):
    """One stage; returns (seconds in training steps, seconds validating, final test accuracy)."""
    opt_cfg = cfg["optimizer"]
    if opt_cfg["name"] != "adam":
        raise SystemExit("reference: only adam is supported")
    opt = torch.optim.Adam(model.parameters(), lr=opt_cfg["learning_rate"], eps=1e-7)
    epochs, bs, n = cfg["epochs"], cfg["batch_size"], len(x)
    spe = math.ceil(n / bs)
    g = torch.Generator().manual_seed(seed)
    step_s = val_s = 0.0
    acc = 0.0
    for epoch in range(epochs):
        t0 = time.perf_counter()
        order = torch.randperm(n, generator=g)
        for s in range(spe):
            lr = lr_at(cfg["lr_schedule"], opt_cfg["learning_rate"], epoch + s / spe, epochs)
            for group in opt.param_groups:
                group["lr"] = lr
            idx = order[s * bs:(s + 1) * bs]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), xb, yb)
            loss.backward()
            opt.step()
        t1 = time.perf_counter()
        acc = accuracy(model, xt, yt)
        step_s += t1 - t0
        val_s += time.perf_counter() - t1
    return step_s, val_s, acc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("split_dir")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    d = args.split_dir
    exp = json.load(open(os.path.join(d, "experiment.json")))
    t_data = time.perf_counter()
    # NHWC on disk (ours), NCHW for torch.
    x = torch.from_numpy(np.load(os.path.join(d, "x_train.npy"))).permute(0, 3, 1, 2).contiguous()
    y = torch.from_numpy(np.load(os.path.join(d, "y_train.npy")).astype(np.int64))
    xt = torch.from_numpy(np.load(os.path.join(d, "x_test.npy"))).permute(0, 3, 1, 2).contiguous()
    yt = torch.from_numpy(np.load(os.path.join(d, "y_test.npy")).astype(np.int64))
    data_s = time.perf_counter() - t_data
    torch.manual_seed(exp["seed"])
    shape, k = exp["input_shape"], exp["num_classes"]

    losses = exp["distillation"]["losses"]
    weights = {l["kind"]: l["weight"]["value"] for l in losses}
    if set(weights) != {"cross_entropy", "soft_kd"} or any(l["weight"]["kind"] != "constant" for l in losses):
        raise SystemExit("reference: only constant-weight cross_entropy + soft_kd is supported")
    temp = next(l["temperature"] for l in losses if l["kind"] == "soft_kd")

    ce = lambda out, xb, yb: F.cross_entropy(out, yb)  # noqa: E731
    teacher = build(exp["teacher"]["layers"], shape, k)
    t_teach, v_teach, acc_teacher = train(teacher, x, y, xt, yt, exp["teacher"]["train"], ce, exp["seed"])

    student_init = build(exp["student"]["layers"], shape, k)
    baseline = build(exp["student"]["layers"], shape, k)
    baseline.load_state_dict(student_init.state_dict())
    t_base, v_base, acc_baseline = train(baseline, x, y, xt, yt, exp["training"], ce, exp["seed"] + 1)

    teacher.eval()
    for p in teacher.parameters():
        p.requires_grad_(False)

    def kd(out, xb, yb):
        # Textbook KD: the teacher runs forward on every batch.
        with torch.no_grad():
            tl = teacher(xb)
        soft = F.kl_div(F.log_softmax(out / temp, 1), F.softmax(tl / temp, 1), reduction="batchmean") * temp * temp
        return weights["cross_entropy"] * F.cross_entropy(out, yb) + weights["soft_kd"] * soft

    student = build(exp["student"]["layers"], shape, k)
    student.load_state_dict(student_init.state_dict())
    t_dist, v_dist, acc_student = train(student, x, y, xt, yt, exp["training"], kd, exp["seed"] + 2)

    t0 = time.perf_counter()
    final = {name: accuracy(m, xt, yt) for name, m in (("teacher", teacher), ("baseline", baseline), ("student", student))}
    t_eval = time.perf_counter() - t0

    n = len(x)
    out = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": os.path.realpath("/etc/alternatives/libblas.so.3-x86_64-linux-gnu"),
        "train_examples": n,
        "test_examples": len(xt),
        "seconds": {
            "data": data_s,
            "teacher": t_teach + v_teach, "teacher_steps": t_teach,
            "baseline": t_base + v_base, "baseline_steps": t_base,
            "distill": t_dist + v_dist, "distill_steps": t_dist,
            "evaluate": t_eval,
            "process": time.time() - T_PROCESS,
        },
        "examples_per_sec": {
            "teacher": n * exp["teacher"]["train"]["epochs"] / t_teach,
            "baseline": n * exp["training"]["epochs"] / t_base,
            "distill": n * exp["training"]["epochs"] / t_dist,
        },
        "accuracy": final,
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
