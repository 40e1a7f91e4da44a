#!/usr/bin/env python3
"""Move a training run to the lent GPU machine and back, within its transfer limits.

The working tree that travels is capped at 64 MiB (the repo's tracked files included: ~40 MiB
with the shipped model) and at most 8 files of <= 16 MiB each come back. The fp32 model is
87 MiB, so:

  pack    (here)   Models/recipe/gpu/  (git-ignored; name it in `carry`)
                     init/  only with --init DIR (an fp32 folder): config + tokenizer files +
                            model.safetensors with every matrix as int8 rows and an fp32 scale
                            per row, named as `maskfill quantize` names them (~22 MiB). By default the run starts from the shipped int8
                            model, Models/maskfill-mini, which travels with the tree anyway (a
                            warm start only: the rounding is far below what training changes)
                     data/  a prefix of tokens.u16 (or a slice from --start, wrapping round),
                            xz-compressed, + eval.jsonl, meta.json,
                            unigram.npy, sized so tree + bundle stay under the cap
  ship    (there)  hf-latest of the run -> $OUT: model.fp16.safetensors.partN (<= 15 MiB each),
                   config.json, training_state.json, metrics.jsonl
  unpack  (here)   the fetched files -> a normal fp32 Hugging Face BertForMaskedLM folder

  python3 Models/recipe/gpu.py pack [--init /work/train-out/hf-latest] [--start TOKENS]   # default: start from Models/maskfill-mini
  python3 Models/recipe/gpu.py ship /tmp/mf "$OUT"                   # inside gpu_run.sh
  python3 Models/recipe/gpu.py unpack FILES_AT /work/train-out/hf-gpu
"""
import argparse
import glob
import json
import lzma
import os
import shutil
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PART = 15 * 2**20


def dir_size(d):
    return sum(os.path.getsize(p) for p in glob.glob(os.path.join(d, "**"), recursive=True) if os.path.isfile(p))


def tracked_bytes():
    """What the working tree weighs when it travels: the repo's tracked files."""
    root = os.path.normpath(os.path.join(HERE, "..", ".."))
    names = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout.split(b"\0")
    return sum(os.path.getsize(os.path.join(root, n.decode())) for n in names if n and os.path.isfile(os.path.join(root, n.decode())))


def pack(args):
    out = args.out
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "data"))
    if args.max_mib is None:
        args.max_mib = 63.0 - tracked_bytes() / 2**20 - 1.0
    if args.init:
        pack_init(args.init, os.path.join(out, "init"))
    pack_data(args, out)


def pack_init(init, dest):
    """An fp32 folder as int8 rows with fp32 row scales, named as `maskfill quantize` names them
    (X and X_scale, quantization_config in config.json), so train.py reads it as it reads the
    shipped model."""
    import torch
    from safetensors.torch import load_file, save_file
    os.makedirs(dest)
    q = {}
    for k, v in load_file(os.path.join(init, "model.safetensors")).items():
        if k.endswith("position_ids") or k.startswith("pooler."):
            continue
        v = v.float()
        if v.dim() == 2:
            sc = v.abs().amax(1).clamp_min(1e-12) / 127.0
            q[k] = torch.round(v / sc[:, None]).clamp(-127, 127).to(torch.int8).contiguous()
            q[k + "_scale"] = sc.contiguous()
        else:
            q[k] = v.contiguous()
    save_file(q, os.path.join(dest, "model.safetensors"))
    config = json.load(open(os.path.join(init, "config.json")))
    config["quantization_config"] = {"quant_method": "maskfill-int8", "note": "gpu.py pack: every matrix per row"}
    json.dump(config, open(os.path.join(dest, "config.json"), "w"), indent=1)
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        if os.path.exists(os.path.join(init, name)):
            shutil.copy(os.path.join(init, name), os.path.join(dest, name))


def pack_data(args, out):
    """Eval sample, meta, and as many tokens as fit, xz-compressed."""
    for name in ("eval.jsonl", "meta.json"):
        shutil.copy(os.path.join(args.data, name), os.path.join(out, "data", name))
    arr = np.fromfile(os.path.join(args.data, "tokens.u16"), dtype=np.uint16)
    budget = int(args.max_mib * 2**20) - dir_size(out) - 130_000  # unigram.npy
    if budget < 4 * 2**20:
        raise SystemExit(f"gpu.py pack: {budget / 2**20:.1f} MiB left for training data under --max-mib "
                         f"{args.max_mib:.1f} (the repo's tracked files travel too); pack without --init to "
                         "start from the shipped model, or lower what travels")
    arr = rotate_to(arr, args.start)
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
    meta.update({"tokens": int(n), "gpu_bundle_of": os.path.abspath(args.data), "gpu_bundle_start": int(args.start),
                 "tokens_sha256": meta.get("tokens_sha256") + (f"/from:{args.start}" if args.start else "") + f"/prefix:{n}"})
    json.dump(meta, open(os.path.join(out, "data", "meta.json"), "w"), indent=1)
    print(json.dumps({"out": out, "init": args.init or "Models/maskfill-mini (in the tree)", "tokens": int(n), "xz_mib": round(len(blob) / 2**20, 1),
                      "total_mib": round(dir_size(out) / 2**20, 1)}))


def rotate_to(arr, start):
    """The array read from the first sentence start at or after token `start`, wrapping round to
    its beginning (one [SEP] between, as between any two blocks): a later GPU session can pack the
    tokens an earlier one did not carry, since the bundle only holds part of the array."""
    if not start:
        return arr
    flags = np.flatnonzero(arr[start:] & 0x8000)
    if len(flags) == 0:
        raise SystemExit(f"gpu.py pack: no sentence starts after token {start:,} (the array has {len(arr):,})")
    s = start + int(flags[0])
    sep = np.array([] if arr[-1] & 0x7FFF == 102 else [102], dtype=np.uint16)  # the array ends with one
    return np.concatenate([arr[s:], sep, arr[:s]])


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
    p.add_argument("--init", default=None, help="an fp32 BertForMaskedLM folder to start from, e.g. /work/train-out/hf-latest "
                                                "(default: none packed; the run starts from Models/maskfill-mini)")
    p.add_argument("--data", default="/work/train-out/data")
    p.add_argument("--out", default=os.path.join(HERE, "gpu"))
    p.add_argument("--start", type=int, default=0,
                   help="take the tokens from here on, wrapping round (e.g. 20592945 after a session that packed the first 20.6M)")
    p.add_argument("--max-mib", type=float, default=None,
                   help="whole bundle (default: 63 MiB less the repo's tracked files, which also travel, less 1)")
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
