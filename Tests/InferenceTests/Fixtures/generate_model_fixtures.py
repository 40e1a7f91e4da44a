#!/usr/bin/env python3
"""Generate tiny random masked-LM checkpoints and golden fill-mask outputs.

Run by hand from the repository root (not in CI):

    python3 Tests/InferenceTests/Fixtures/generate_model_fixtures.py

Optional, NOT committed (a ~330 MB distilroberta-base-shaped checkpoint):

    python3 Tests/InferenceTests/Fixtures/generate_model_fixtures.py --full-size /tmp/full-roberta

Requirements (not installed by this script): torch, transformers (5.x),
tokenizers, safetensors, numpy.

What it writes next to this script:

* ``sentences.json``: the input sentences, written with ``<mask>`` (RoBERTa)
  and with ``[MASK]`` (BERT).
* ``tiny-roberta/``: a random ``RobertaForMaskedLM`` saved in float16
  (``config.json``, ``model.safetensors``). The tokenizer is NOT copied: it is
  ``<repo parent>/shared/tokenizers/roberta/tokenizer.json`` (distilroberta-base).
* ``tiny-bert/``: a random ``BertForMaskedLM`` saved in bfloat16
  (``config.json``, ``model.safetensors``) and ``tokenizer.json`` copied byte for
  byte from ``Tests/TokenizersTests/Fixtures/bert-uncased/tokenizer.json``.
* in each model folder, ``expected.json`` (ids, mask positions, top-20 logits
  per mask, the ``pipeline("fill-mask", top_k=5)`` output) and
  ``expected_logits.safetensors`` (full F32 logits at the mask positions).

All references are computed in float32 from the *stored* (rounded) weights:
the saved folder is reloaded with ``from_pretrained(dir, dtype=torch.float32)``.

Weights are re-initialised with a larger spread than the Hugging Face default
(std 0.02 gives nearly uniform logits), so that the top-5 is well separated.
Seeds are fixed; if some mask has two of its six best logits closer than
``MIN_GAP``, the next seed is tried (the seed used is recorded).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

FIXTURES_DIR = Path(__file__).resolve().parent
REPO_ROOT = FIXTURES_DIR.parents[2]
ROBERTA_TOKENIZER = REPO_ROOT.parent / "shared" / "tokenizers" / "roberta" / "tokenizer.json"
BERT_TOKENIZER = REPO_ROOT / "Tests" / "TokenizersTests" / "Fixtures" / "bert-uncased" / "tokenizer.json"

TOP_N = 20               # logits stored per mask in expected.json
PIPELINE_TOP_K = 5
MIN_GAP = 1e-3           # required gap between consecutive logits among the 6 best of each mask
MAX_LOGITS_BYTES = 8 * 1024 * 1024
MAX_SEED_TRIES = 200

ROBERTA_SEED = 1000
BERT_SEED = 2000
FULL_SEED = 3000

LONG_SENTENCE = (
    "Once upon a time, in a small village nestled between rolling green hills and a quiet river, "
    "there lived an old baker who woke up every morning before sunrise to prepare fresh bread for "
    "his neighbours. One cold winter day, he discovered that his oven had stopped working, so he "
    "walked through the snow and decided to ask the <mask> for help before the market opened."
)

# Written with the RoBERTa mask token; for BERT "<mask>" becomes "[MASK]".
SENTENCES = [
    "He is not feeling <mask>",
    "I have watched this <mask> and it was awesome.",
    "The capital of France is <mask>.",
    "<mask> is a good idea.",
    "Hello, my name is <mask>.",
    "What a <mask>!",
    "Café <mask> naïve 😀",
    "The quick brown fox jumps over the lazy <mask>.",
    "Paris is the <mask> of France, and Berlin is the <mask> of Germany.",
    "The <mask> sat on the <mask>.",
    "The weather today is <mask>, but tomorrow it will be <mask>.",
    "My <mask> and I went to the <mask> to buy some <mask>.",
    "She said \"<mask>\" and left the room.",
    "In 2024, the company's revenue grew by 3.5% to $<mask> million.",
    "Contact me at <mask>@example.com if you have questions.",
    "Why would anyone <mask> that?",
    "I love <mask> so much!!!",
    "  Leading and trailing spaces <mask>  ",
    "The answer is <mask>",
    LONG_SENTENCE,
]


def to_bert(text: str) -> str:
    return text.replace("<mask>", "[MASK]")


# --------------------------------------------------------------------------- model configs

def roberta_config_kwargs(full_size: bool) -> dict:
    if full_size:
        shape = dict(hidden_size=768, num_hidden_layers=6, num_attention_heads=12, intermediate_size=3072)
    else:
        shape = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64)
    return dict(
        vocab_size=50265,
        max_position_embeddings=514,
        type_vocab_size=1,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        layer_norm_eps=1e-5,
        hidden_act="gelu",
        **shape,
    )


def bert_config_kwargs() -> dict:
    return dict(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=512,
        type_vocab_size=2,
        pad_token_id=0,
        layer_norm_eps=1e-12,
        hidden_act="gelu",
    )


# --------------------------------------------------------------------------- helpers

def load_roberta_tokenizer():
    from transformers import RobertaTokenizerFast

    tok = RobertaTokenizerFast(
        tokenizer_file=str(ROBERTA_TOKENIZER),
        bos_token="<s>", eos_token="</s>", unk_token="<unk>", sep_token="</s>",
        pad_token="<pad>", cls_token="<s>", mask_token="<mask>",
    )
    tok._tokenizer.no_truncation()
    tok._tokenizer.no_padding()
    return tok


def load_bert_tokenizer(path: Path):
    from transformers import BertTokenizerFast

    tok = BertTokenizerFast(
        tokenizer_file=str(path),
        unk_token="[UNK]", sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]",
    )
    # The file has truncation (128) and padding (Fixed 128) sections; turn both off.
    tok._tokenizer.no_truncation()
    tok._tokenizer.no_padding()
    return tok


def reinit_weights(model, weight_std: float, bias_std: float, ln_std: float, decoder_bias_std: float,
                   query_key_std: float = None):
    """Re-initialise every parameter in place (keeps tied parameters tied).

    Query and key weights may get a smaller std: large ones make every attention softmax
    nearly one-hot, a chaotic function that amplifies any rounding (trained models attend
    more smoothly), which would make the int8-vs-fp32 agreement a property of the noise."""
    import torch

    with torch.no_grad():
        # named_parameters() de-duplicates shared (tied) parameters.
        for name, p in model.named_parameters():
            is_ln = "LayerNorm" in name or "layer_norm" in name
            if is_ln and name.endswith(".weight"):
                p.copy_(1.0 + torch.randn_like(p) * ln_std)
            elif is_ln and name.endswith(".bias"):
                p.normal_(0.0, ln_std)
            elif name in ("lm_head.bias", "cls.predictions.bias"):
                p.normal_(0.0, decoder_bias_std)
            elif name.endswith(".bias"):
                p.normal_(0.0, bias_std)
            elif name.endswith(".weight") and query_key_std is not None and (".query." in name or ".key." in name):
                p.normal_(0.0, query_key_std)
            elif name.endswith(".weight"):
                p.normal_(0.0, weight_std)
            else:
                raise RuntimeError("unexpected parameter %s" % name)
        # Same convention as the HF initialiser: padding rows of embeddings are zero.
        for module in model.modules():
            if isinstance(module, torch.nn.Embedding) and module.padding_idx is not None:
                module.weight[module.padding_idx].zero_()


def check_ties(model, kind: str):
    if kind == "roberta":
        emb = model.roberta.embeddings.word_embeddings.weight
        dec, dec_b, b = model.lm_head.decoder.weight, model.lm_head.decoder.bias, model.lm_head.bias
    else:
        emb = model.bert.embeddings.word_embeddings.weight
        p = model.cls.predictions
        dec, dec_b, b = p.decoder.weight, p.decoder.bias, p.bias
    assert dec.data_ptr() == emb.data_ptr(), "decoder weight is not tied to the word embeddings"
    assert dec_b.data_ptr() == b.data_ptr(), "decoder bias is not tied to the head bias"
    assert float(b.detach().abs().max()) > 0, "decoder bias is zero"


def safetensors_listing(path: Path) -> list:
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    out = []
    for name in sorted(header):
        if name == "__metadata__":
            continue
        out.append({"name": name, "dtype": header[name]["dtype"], "shape": header[name]["shape"]})
    return out


def to_plain(obj):
    """numpy / torch scalars -> Python numbers, recursively (the pipeline returns numpy floats)."""
    import numpy as np

    if isinstance(obj, dict):
        return {k: to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def build_and_save(kind: str, seed: int, out_dir: Path, dtype, init: dict, full_size: bool):
    import torch
    from transformers import BertConfig, BertForMaskedLM, RobertaConfig, RobertaForMaskedLM

    torch.manual_seed(seed)
    if kind == "roberta":
        model = RobertaForMaskedLM(RobertaConfig(**roberta_config_kwargs(full_size)))
    else:
        model = BertForMaskedLM(BertConfig(**bert_config_kwargs()))
    model.eval()
    reinit_weights(model, **init)
    check_ties(model, kind)
    if dtype is not None:
        model = model.to(dtype)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("config.json", "model.safetensors"):
        if (out_dir / stale).exists():
            (out_dir / stale).unlink()
    model.save_pretrained(str(out_dir), safe_serialization=True)
    return sorted(p.name for p in out_dir.iterdir())


def compute_reference(kind: str, model_dir: Path, tok, texts: list):
    import numpy as np
    import torch
    from transformers import BertForMaskedLM, RobertaForMaskedLM, pipeline

    cls = RobertaForMaskedLM if kind == "roberta" else BertForMaskedLM
    model = cls.from_pretrained(str(model_dir), dtype=torch.float32)
    model.eval()
    check_ties(model, kind)
    assert next(model.parameters()).dtype == torch.float32

    fill = pipeline("fill-mask", model=model, tokenizer=tok, top_k=PIPELINE_TOP_K, device="cpu")
    cases, logits_by_case, worst = [], [], math.inf
    glob_min, glob_max = math.inf, -math.inf
    for text in texts:
        enc = tok(text, return_tensors="pt")
        ids = enc["input_ids"][0].tolist()
        mask_positions = [i for i, t in enumerate(ids) if t == tok.mask_token_id]
        assert mask_positions, text
        with torch.no_grad():
            logits = model(**enc).logits[0]            # [seq, vocab] float32
        at_mask = logits[mask_positions].contiguous()  # [num_masks, vocab]
        top = []
        for row in at_mask:
            vals, idx = torch.topk(row, TOP_N)
            top.append([{"id": int(i), "logit": float(v)} for v, i in zip(vals.tolist(), idx.tolist())])
            six = vals[:PIPELINE_TOP_K + 1].tolist()
            worst = min(worst, min(six[k] - six[k + 1] for k in range(PIPELINE_TOP_K)))
        out = to_plain(fill(text))
        # Sanity: pipeline top-5 ids agree with our logits.
        per_mask = [out] if len(mask_positions) == 1 else out
        for m, preds in enumerate(per_mask):
            assert [p["token"] for p in preds] == [t["id"] for t in top[m][:PIPELINE_TOP_K]], (text, m)
            probs = torch.softmax(at_mask[m].double(), -1)
            for p in preds:
                assert abs(p["score"] - float(probs[p["token"]])) < 1e-5, (text, p)
        lmin, lmax = float(logits.min()), float(logits.max())
        # logit_min/max over the mask rows (what the tests compare against)
        mmin, mmax = float(at_mask.min()), float(at_mask.max())
        glob_min, glob_max = min(glob_min, mmin), max(glob_max, mmax)
        cases.append({
            "text": text,
            "input_ids": ids,
            "mask_positions": mask_positions,
            "logit_min": mmin,
            "logit_max": mmax,
            "top": top,
            "pipeline": out,
        })
        logits_by_case.append(at_mask.numpy().astype(np.float32))
    return cases, logits_by_case, worst, (glob_min, glob_max)


def write_reference(kind, name, out_dir, tok, texts, cases, logits_by_case, seed, init, extra):
    import numpy as np
    import safetensors
    import torch
    import transformers
    from safetensors.numpy import save_file

    tensors, full, used = {}, [], 0
    for i, arr in enumerate(logits_by_case):
        if used + arr.nbytes > MAX_LOGITS_BYTES - 64 * 1024:
            break
        tensors["case%d" % i] = np.ascontiguousarray(arr)
        full.append(i)
        used += arr.nbytes
    save_file(tensors, str(out_dir / "expected_logits.safetensors"))

    doc = {
        "model": name,
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "safetensors_version": safetensors.__version__,
        "seed": seed,
        "init": init,
        "reference_dtype": "float32 (stored weights upcast)",
        "tokenizer_class": type(tok).__name__,
        "clean_up_tokenization_spaces": bool(tok.clean_up_tokenization_spaces),
        "mask_token": tok.mask_token,
        "mask_token_id": tok.mask_token_id,
        "pipeline_top_k": PIPELINE_TOP_K,
        "logit_min_max_note": "logit_min/logit_max are over the logits at the mask positions only",
        "full_logits_cases": full,
        **extra,
        "cases": cases,
    }
    with open(out_dir / "expected.json", "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return full


def generate(kind, name, out_dir, tok, texts, base_seed, dtype, init, full_size=False, extra=None):
    for attempt in range(MAX_SEED_TRIES):
        seed = base_seed + attempt
        t0 = time.time()
        files = build_and_save(kind, seed, out_dir, dtype, init, full_size)
        cases, logits, worst, rng = compute_reference(kind, out_dir, tok, texts)
        print("[%s] seed %d: smallest gap among top-%d = %.6g, mask logit range [%.4f, %.4f] (%.1fs)"
              % (name, seed, PIPELINE_TOP_K + 1, worst, rng[0], rng[1], time.time() - t0))
        if worst > MIN_GAP:
            full = write_reference(kind, name, out_dir, tok, texts, cases, logits, seed, init, extra or {})
            return seed, files, rng, full
    raise SystemExit("no seed in %d tries gives top-6 gaps > %g" % (MAX_SEED_TRIES, MIN_GAP))


def make_readable(out_dir: Path):
    # save_pretrained / safetensors write some files with mode 0600.
    for p in out_dir.iterdir():
        if p.is_file():
            p.chmod(0o644)


def describe(out_dir: Path):
    make_readable(out_dir)
    print("  files:")
    for p in sorted(out_dir.iterdir()):
        print("    %-30s %10d bytes" % (p.name, p.stat().st_size))
    print("  model.safetensors tensors:")
    for t in safetensors_listing(out_dir / "model.safetensors"):
        print("    %-60s %s %s" % (t["name"], t["dtype"], t["shape"]))


TINY_INIT = dict(weight_std=0.3, bias_std=0.1, ln_std=0.1, decoder_bias_std=0.5, query_key_std=0.1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full-size", metavar="OUTDIR",
                    help="instead of the tiny fixtures, write a full-size random distilroberta-base-shaped "
                         "fp32 checkpoint + tokenizer.json + references to OUTDIR (not committed)")
    args = ap.parse_args()

    import torch

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    if not ROBERTA_TOKENIZER.exists():
        raise SystemExit("missing %s" % ROBERTA_TOKENIZER)
    rob_tok = load_roberta_tokenizer()

    if args.full_size:
        out = Path(args.full_size).resolve()
        out.mkdir(parents=True, exist_ok=True)
        # Same scheme as the tiny models, with the weight std scaled by 1/sqrt(fan-in ratio)
        # (0.3 * sqrt(32 / 768) ~= 0.061) so activations and the logit spread stay comparable;
        # a plain std 0.3 at hidden 768 saturates every softmax.
        init = dict(weight_std=round(0.3 * math.sqrt(32 / 768), 4), bias_std=0.1, ln_std=0.1, decoder_bias_std=0.5,
                    query_key_std=round(0.1 * math.sqrt(32 / 768), 4))
        t0 = time.time()
        seed, files, rng, full = generate("roberta", "full-roberta", out, rob_tok, SENTENCES, FULL_SEED,
                                          None, init, full_size=True)
        shutil.copyfile(ROBERTA_TOKENIZER, out / "tokenizer.json")
        print("full-size done in %.1fs, seed %d, mask logit range [%.4f, %.4f]" % (time.time() - t0, seed, *rng))
        describe(out)
        return

    FIXTURES_DIR.mkdir(parents=True, exist_ok=True)
    with open(FIXTURES_DIR / "sentences.json", "w", encoding="utf-8") as f:
        json.dump({
            "note": "Each entry gives the text as written for RoBERTa (<mask>) and for BERT ([MASK]). "
                    "Case i of tiny-roberta/expected.json and tiny-bert/expected.json uses entry i.",
            "sentences": [{"roberta": s, "bert": to_bert(s)} for s in SENTENCES],
        }, f, ensure_ascii=False, indent=1)
        f.write("\n")

    rob_dir = FIXTURES_DIR / "tiny-roberta"
    seed_r, _, rng_r, full_r = generate("roberta", "tiny-roberta", rob_dir, rob_tok, SENTENCES, ROBERTA_SEED,
                                        torch.float16, TINY_INIT,
                                        extra={"stored_dtype": "float16",
                                               "tokenizer": "../shared/tokenizers/roberta/tokenizer.json (not copied)"})

    bert_dir = FIXTURES_DIR / "tiny-bert"
    bert_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(BERT_TOKENIZER, bert_dir / "tokenizer.json")
    bert_tok = load_bert_tokenizer(bert_dir / "tokenizer.json")
    seed_b, _, rng_b, full_b = generate("bert", "tiny-bert", bert_dir, bert_tok, [to_bert(s) for s in SENTENCES],
                                        BERT_SEED, torch.bfloat16, TINY_INIT,
                                        extra={"stored_dtype": "bfloat16",
                                               "tokenizer": "tokenizer.json (copy of TokenizersTests/Fixtures/bert-uncased; "
                                                            "truncation and padding turned off)"})

    for d in (rob_dir, bert_dir):
        print(d.name)
        describe(d)


if __name__ == "__main__":
    main()
