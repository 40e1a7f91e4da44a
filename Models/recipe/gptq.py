#!/usr/bin/env python3
"""Re-rounds the int8 linear weights of a MaskFill int8 folder with GPTQ.

    python3 Models/recipe/gptq.py HF_FP32_DIR INT8_DIR --data /work/train-out/data-wn8

`maskfill quantize` rounds every weight to the nearest step of its row's scale (max|w| / 127).
GPTQ (Frantar et al., 2022) keeps those scales and that format but picks the codes column by
column, pushing each column's rounding error onto the columns not yet rounded, weighted by the
inverse Hessian of the layer's inputs, so that the layer's *outputs* on real text move least.
The format, the engine and the scales are unchanged; only the int8 codes of the encoder's and
the head's linear layers differ. The word embeddings (also the tied decoder) keep plain rounding:
measured on the BBC sample they cause about a seventh of the weight-rounding drift.

Calibration text is the training array (`tokens.u16`, never the BBC test split): `--windows`
windows of 128 tokens at seeded positions, 15% of tokens masked as in training. The head's dense
layer sees only masked positions, as it does in the engine.
"""
import argparse
import json
import os

import numpy as np
import torch


def calibration_batches(data_dir, windows, seq_len, seed, mask_id, cls_id, sep_id, batch=16):
    raw = np.memmap(os.path.join(data_dir, "tokens.u16"), dtype=np.uint16, mode="r")
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, len(raw) - seq_len, size=windows)
    for b in range(0, windows, batch):
        rows = []
        for s in starts[b:b + batch]:
            ids = (np.asarray(raw[s:s + seq_len - 2]) & 0x7FFF).astype(np.int64)
            rows.append(np.concatenate([[cls_id], ids, [sep_id]]))
        ids = torch.tensor(np.stack(rows))
        masked = torch.rand(ids.shape, generator=torch.Generator().manual_seed(seed + b)) < 0.15
        masked[:, 0] = masked[:, -1] = False
        ids[masked] = mask_id
        yield ids, masked


def collect_hessians(model, batches):
    """H = Σ xᵀx over every input row of each linear layer (the head's: masked rows only)."""
    layers = {name: module for name, module in model.named_modules()
              if isinstance(module, torch.nn.Linear) and not name.endswith("decoder")}
    hessians = {name: torch.zeros(m.in_features, m.in_features, dtype=torch.float64) for name, m in layers.items()}
    counts = dict.fromkeys(layers, 0)

    def hook(name):
        def record(_module, inputs, _output):
            x = inputs[0].reshape(-1, inputs[0].shape[-1])
            hessians[name] += (x.double().T @ x.double())
            counts[name] += x.shape[0]
        return record

    handles = [m.register_forward_hook(hook(name)) for name, m in layers.items()]
    with torch.no_grad():
        for ids, masked in batches:
            hidden = model.bert(input_ids=ids).last_hidden_state
            model.cls.predictions.transform(hidden[masked])
    for h in handles:
        h.remove()
    return {name: (hessians[name] / max(1, counts[name])).float() for name in layers}, layers


def gptq_codes(weight, hessian, scale, block=128, damp=0.01, act_order=True):
    """Int8 codes for `weight` (rows × columns) at the given per-row scales. With `act_order`
    the columns whose inputs carry the most energy are rounded first, while the most columns
    remain to absorb their error."""
    order = torch.argsort(torch.diag(hessian), descending=True) if act_order else torch.arange(weight.shape[1])
    w = weight[:, order].clone().float()
    h = hessian[order][:, order].clone()
    dead = torch.diag(h) == 0
    h[dead, dead] = 1.0
    w[:, dead] = 0.0
    h += damp * torch.mean(torch.diag(h)) * torch.eye(h.shape[0])
    hinv = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(h)), upper=True)
    codes = torch.zeros_like(w)
    s = scale[:, None]
    columns = w.shape[1]
    for i1 in range(0, columns, block):
        i2 = min(i1 + block, columns)
        w1 = w[:, i1:i2].clone()
        err1 = torch.zeros_like(w1)
        h1 = hinv[i1:i2, i1:i2]
        for i in range(i2 - i1):
            col = w1[:, i:i + 1]
            q = torch.clamp(torch.round(col / s), -127, 127)
            codes[:, i1 + i:i1 + i + 1] = q
            e = (col - q * s) / h1[i, i]
            w1[:, i:] -= e @ h1[i:i + 1, i:]
            err1[:, i:i + 1] = e
        w[:, i2:] -= err1 @ hinv[i1:i2, i2:]
    unordered = torch.empty_like(codes)
    unordered[:, order] = codes
    return unordered.to(torch.int8)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", help="the fp32 Hugging Face folder that was quantized")
    ap.add_argument("target", help="the MaskFill int8 folder written by `maskfill quantize` (rewritten in place)")
    ap.add_argument("--data", required=True, help="prepare_data.py output (tokens.u16)")
    ap.add_argument("--windows", type=int, default=256)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    from safetensors import safe_open
    from safetensors.torch import save_file
    from tokenizers import Tokenizer
    from transformers import BertForMaskedLM

    model = BertForMaskedLM.from_pretrained(args.source).eval()
    tok = Tokenizer.from_file(os.path.join(args.source, "tokenizer.json"))
    ids = {t: tok.token_to_id(t) for t in ("[MASK]", "[CLS]", "[SEP]")}
    batches = calibration_batches(args.data, args.windows, 128, args.seed, ids["[MASK]"], ids["[CLS]"], ids["[SEP]"])
    hessians, layers = collect_hessians(model, batches)

    path = os.path.join(args.target, "model.safetensors")
    with safe_open(path, "pt") as f:
        metadata = f.metadata()
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    changed = 0
    for name, layer in layers.items():
        key = name + ".weight"
        if key not in tensors or tensors[key].dtype != torch.int8:
            raise SystemExit(f"{path} has no int8 {key}")
        scale = tensors[key + "_scale"].float()
        weight = layer.weight.detach().float()
        hessian = hessians[name]
        smoothing = tensors.get(name + ".input_scale")
        if smoothing is not None:
            # a smoothed layer (`quantize --calibration`) stores W / m and rounds x · m: its
            # codes approximate the divided columns, weighted by the scaled inputs' statistics
            m = smoothing.float()
            weight = weight / m[None, :]
            hessian = hessian * m[:, None] * m[None, :]
        before = ((tensors[key].float() * scale[:, None] - weight) @ hessian *
                  (tensors[key].float() * scale[:, None] - weight)).sum().item()
        codes = gptq_codes(weight, hessian, scale)
        after = ((codes.float() * scale[:, None] - weight) @ hessian *
                 (codes.float() * scale[:, None] - weight)).sum().item()
        print(f"{name}: output error {before:.4g} -> {after:.4g}", flush=True)
        tensors[key] = codes
        changed += 1
    save_file(tensors, path + ".tmp", metadata=metadata)
    os.replace(path + ".tmp", path)
    config_path = os.path.join(args.target, "config.json")
    config = json.load(open(config_path))
    config.setdefault("quantization_config", {})["rounding"] = (
        f"GPTQ on {changed} linear layers ({args.windows} calibration windows of the training text, seed {args.seed})")
    with open(config_path + ".tmp", "w") as out:
        json.dump(config, out, indent=2)
    os.replace(config_path + ".tmp", config_path)
    print(f"rewrote {changed} matrices in {path}")


if __name__ == "__main__":
    main()
