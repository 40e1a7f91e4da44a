#!/usr/bin/env python3
"""Widen a trained BertForMaskedLM's feed-forward layers without changing what it predicts.

  python3 Models/recipe/grow.py /work/train-out/hf-gpu-10.5min /work/train-out/hf-wide --ffn 3072
  python3 Models/recipe/grow.py Models/maskfill-mini Models/recipe/gpu/init-wide --ffn 3072

More feed-forward neurons give the small model more room for what it has to remember (facts
sit mostly in the feed-forward layers), while training goes on from where it stopped rather
than from scratch. Net2WiderNet: every new neuron copies an existing one's input weights
(plus a little noise, or Adam would move the twins together for ever) and the pair shares the
original's output weights half and half, so the widened model's outputs start equal to the
original's up to that noise. `--check` runs both on a few sentences and prints the difference.

The input folder is an fp32 Hugging Face folder or a MaskFill int8 folder (dequantized); the
output is an fp32 Hugging Face folder (config.json, model.safetensors, tokenizer files) that
train.py --init takes.
"""
import argparse
import json
import os
import shutil
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from acceptance import load_model  # noqa: E402
from train import load_init_state  # noqa: E402

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")


def widen_ffn(state, layers, new_width, noise, generator):
    """Grows every layer's intermediate size to `new_width` in place (Net2WiderNet)."""
    for layer in range(layers):
        prefix = f"bert.encoder.layer.{layer}."
        w_in = state[prefix + "intermediate.dense.weight"]    # [I, H]
        b_in = state[prefix + "intermediate.dense.bias"]      # [I]
        w_out = state[prefix + "output.dense.weight"]         # [H, I]
        width = w_in.shape[0]
        if new_width < width:
            raise SystemExit(f"--ffn {new_width} is smaller than the model's {width}")
        source = torch.arange(width, new_width) % width      # which neuron each new one copies
        copies = torch.bincount(torch.cat([torch.arange(width), source]), minlength=width).float()
        jitter = torch.randn(len(source), w_in.shape[1], generator=generator) * noise * w_in.std()
        state[prefix + "intermediate.dense.weight"] = torch.cat([w_in, w_in[source] + jitter])
        state[prefix + "intermediate.dense.bias"] = torch.cat([b_in, b_in[source]])
        shared = w_out / copies                               # each copy carries its share
        state[prefix + "output.dense.weight"] = torch.cat([shared, shared[:, source]], dim=1)


def check(before_dir, after_dir):
    """Largest difference of the masked-token probabilities between the two models."""
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(after_dir, "tokenizer.json"))
    sentences = ["I have watched this [MASK] and it was awesome.", "He is not feeling [MASK].",
                 "The [MASK] rose by two percent in the first quarter."]
    models = [load_model(before_dir), load_model(after_dir)]
    worst = 0.0
    with torch.no_grad():
        for s in sentences:
            enc = tok.encode(s)
            ids = torch.tensor([enc.ids])
            pos = enc.ids.index(tok.token_to_id("[MASK]"))
            p = [m(input_ids=ids).logits[0, pos].softmax(-1) for m in models]
            worst = max(worst, (p[0] - p[1]).abs().max().item())
    print(f"largest change of a masked-token probability: {worst:.2e}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", help="fp32 Hugging Face folder or MaskFill int8 folder (BertForMaskedLM)")
    ap.add_argument("out", help="new fp32 Hugging Face folder")
    ap.add_argument("--ffn", type=int, required=True, help="new intermediate size (e.g. 3072 for 1536)")
    ap.add_argument("--noise", type=float, default=0.01, help="copy jitter, times the weights' std")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    from safetensors.torch import save_file
    config = json.load(open(os.path.join(args.source, "config.json")))
    config.pop("quantization_config", None)
    state = {k: v.float() for k, v in load_init_state(args.source, config["type_vocab_size"]).items()}
    widen_ffn(state, config["num_hidden_layers"], args.ffn, args.noise, torch.Generator().manual_seed(args.seed))
    config["intermediate_size"] = args.ffn
    state.pop("cls.predictions.decoder.weight", None)  # tied to the word embeddings

    os.makedirs(args.out, exist_ok=True)
    save_file({k: v.contiguous() for k, v in state.items()}, os.path.join(args.out, "model.safetensors"),
              metadata={"format": "pt"})
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    for name in TOKENIZER_FILES:
        if os.path.exists(os.path.join(args.source, name)):
            shutil.copy(os.path.join(args.source, name), args.out)
    n = sum(v.numel() for v in state.values())
    print(f"{args.out}: intermediate size {args.ffn}, {n/1e6:.1f}M parameters")
    if args.check:
        check(args.source, args.out)


if __name__ == "__main__":
    main()
