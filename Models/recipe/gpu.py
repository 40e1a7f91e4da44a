#!/usr/bin/env python3
"""Move a training run to the lent GPU machine and back, within its transfer limits.

The working tree that travels is capped at 64 MiB (the repo's tracked files included, ~16 MiB
today) and at most 8 files of <= 16 MiB each come back. The fp32 model is 87 MiB, so:

  pack    (here)   Models/recipe/gpu/  (git-ignored; name it in `carry`)
                     init/  config + tokenizer files + model.q8.safetensors: every matrix as int8
                            rows with an fp32 scale per row (~22 MiB; a warm start only, the
                            rounding is far below what fine-tuning changes)
                     data/  a prefix of tokens.u16, xz-compressed, + eval.jsonl, meta.json,
                            unigram.npy, sized so the whole folder is <= --max-mib
  ship    (there)  hf-latest of the run -> $OUT: model.fp16.safetensors.partN (<= 15 MiB each),
                   config.json, training_state.json, metrics.jsonl
  unpack  (here)   the fetched files -> a normal fp32 Hugging Face BertForMaskedLM folder

  python3 Models/recipe/gpu.py pack [--init /work/train-out/hf-latest]
  python3 Models/recipe/gpu.py ship /tmp/mf "$OUT"                   # inside gpu_run.sh
  python3 Models/recipe/gpu.py unpack FILES_AT /work/train-out/hf-gpu
"""
import argparse
import glob
import json
import lzma
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PART = 15 * 2**20


def dir_size(d):
    return sum(os.path.getsize(p) for p in glob.glob(os.path.join(d, "**"), recursive=True) if os.path.isfile(p))


def pack(args):
    import torch
    from safetensors.torch import load_file, save_file
    sys.path.insert(0, HERE)
    from train import minilm_dir
    init = args.init or minilm_dir()
    out = args.out
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "init"))
    os.makedirs(os.path.join(out, "data"))
    # weights -> int8 rows + scales
    src = os.path.join(init, "model.safetensors")
    sd = load_file(src)
    q = {}
    for k, v in sd.items():
        if k.endswith("position_ids") or k.startswith("pooler."):
            continue
        v = v.float()
        if v.dim() == 2:
            sc = v.abs().amax(1).clamp_min(1e-12) / 127.0
            q[k] = torch.round(v / sc[:, None]).clamp(-127, 127).to(torch.int8).contiguous()
            q[k + ".__scale"] = sc.contiguous()
        else:
            q[k] = v.contiguous()
    save_file(q, os.path.join(out, "init", "model.q8.safetensors"))
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        if os.path.exists(os.path.join(init, name)):
            shutil.copy(os.path.join(init, name), os.path.join(out, "init", name))
    # data: eval sample, meta, and as many tokens as fit, xz-compressed
    for name in ("eval.jsonl", "meta.json"):
        shutil.copy(os.path.join(args.data, name), os.path.join(out, "data", name))
    arr = np.fromfile(os.path.join(args.data, "tokens.u16"), dtype=np.uint16)
    budget = int(args.max_mib * 2**20) - dir_size(out) - 130_000  # unigram.npy
    n = min(len(arr), int(budget / 2 / 0.56))
    while True:
        blob = lzma.compress(arr[:n].tobytes(), preset=6)
        if len(blob) <= budget or n < 1_000_000:
            break
        n = int(n * 0.95 * budget / len(blob))
    with open(os.path.join(out, "data", "tokens.u16.xz"), "wb") as f:
        f.write(blob)
    np.save(os.path.join(out, "data", "unigram.npy"),
            np.bincount(arr[:n] & 0x7FFF, minlength=30522).astype(np.float32))
    meta = json.load(open(os.path.join(out, "data", "meta.json")))
    meta.update({"tokens": int(n), "gpu_bundle_prefix_of": os.path.abspath(args.data),
                 "tokens_sha256": meta.get("tokens_sha256") + f"/prefix:{n}"})
    json.dump(meta, open(os.path.join(out, "data", "meta.json"), "w"), indent=1)
    print(json.dumps({"out": out, "init": init, "tokens": int(n), "xz_mib": round(len(blob) / 2**20, 1),
                      "total_mib": round(dir_size(out) / 2**20, 1)}))


def ship(args):
    import torch
    from safetensors.torch import load_file, save_file
    hf = os.path.join(args.run_out, "hf-latest")
    sd = load_file(os.path.join(hf, "model.safetensors"))
    sd = {k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in sd.items()}
    tmp = os.path.join(args.run_out, "model.fp16.safetensors")
    save_file(sd, tmp, metadata={"format": "pt"})
    blob = open(tmp, "rb").read()
    os.makedirs(args.dest, exist_ok=True)
    for i in range(0, len(blob), PART):
        with open(os.path.join(args.dest, f"model.fp16.safetensors.part{i // PART}"), "wb") as f:
            f.write(blob[i:i + PART])
    for name in ("config.json", "training_state.json"):
        shutil.copy(os.path.join(hf, name), args.dest)
    m = os.path.join(args.run_out, "metrics.jsonl")
    if os.path.exists(m):
        shutil.copy(m, args.dest)
    print("shipped", sorted(os.listdir(args.dest)))


def unpack(args):
    import torch
    import transformers
    from safetensors.torch import load
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    sys.path.insert(0, HERE)
    from train import build_model, export_hf, minilm_dir
    parts = sorted(glob.glob(os.path.join(args.files_at, "model.fp16.safetensors.part*")),
                   key=lambda p: int(p.rsplit("part", 1)[1]))
    if not parts:
        raise SystemExit(f"no model.fp16.safetensors.part* in {args.files_at}")
    sd = {k: v.float() for k, v in load(b"".join(open(p, "rb").read() for p in parts)).items()}
    from transformers import BertConfig, BertForMaskedLM
    cfg = BertConfig.from_pretrained(args.files_at)
    model = BertForMaskedLM(cfg)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [k for k in missing if not k.endswith(("position_ids", "decoder.weight", "decoder.bias"))]
    assert not missing and not unexpected, (missing, unexpected)
    model.tie_weights()
    st = json.load(open(os.path.join(args.files_at, "training_state.json")))
    st["unpacked_from"] = "gpu fp16 transfer"
    export_hf(model, args.dest, minilm_dir(), st)
    print("wrote", args.dest)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack")
    p.add_argument("--init", default=None, help="MiniLM package (default) or a BertForMaskedLM folder, e.g. /work/train-out/hf-latest")
    p.add_argument("--data", default="/work/train-out/data")
    p.add_argument("--out", default=os.path.join(HERE, "gpu"))
    p.add_argument("--max-mib", type=float, default=44.0, help="whole bundle; the repo's tracked files also travel")
    p = sub.add_parser("ship")
    p.add_argument("run_out")
    p.add_argument("dest")
    p = sub.add_parser("unpack")
    p.add_argument("files_at")
    p.add_argument("dest")
    args = ap.parse_args()
    {"pack": pack, "ship": ship, "unpack": unpack}[args.cmd](args)


if __name__ == "__main__":
    main()
