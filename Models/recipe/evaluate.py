#!/usr/bin/env python3
"""Masked-word accuracy of a Hugging Face masked-LM folder on the BBC-test sample (PyTorch, fp32).

  python3 Models/recipe/evaluate.py /work/train-out/hf-latest
  python3 Models/recipe/evaluate.py DIR --eval /work/train-out/data/eval.jsonl --limit 500

Each line of the eval JSONL is {"text": "... [MASK] ...", "answer": word}. The model's top 5
tokens at the [MASK] position are the candidates (decoded one by one, as the fill-mask pipeline
does, nothing filtered); a hit is a candidate equal to the answer ignoring case. Prints one JSON
object: {"top1", "top5", "n", "seed", ...}. "top1_words"/"top5_words" are the same measure when
candidates that are not whole words (subword "##…" pieces, punctuation, digits) are skipped
before taking the first 1/5, as a server that only offers words would do.
"""
import argparse
import json
import os
import sys
import time

import torch

DEFAULT_EVAL = "/work/train-out/data/eval.jsonl"


def load_eval(path, limit=None):
    rows = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    if limit:
        rows = rows[:limit]
    seed = None
    meta = os.path.join(os.path.dirname(os.path.abspath(path)), "meta.json")
    if os.path.exists(meta):
        seed = json.load(open(meta)).get("eval", {}).get("seed")
    return rows, seed


def load_tokenizer(model_dir):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    mask = None
    for name in ("[MASK]", "<mask>"):
        if tok.token_to_id(name) is not None:
            mask = name
            break
    if mask is None:
        raise SystemExit("tokenizer has no [MASK] or <mask> token")
    return tok, mask


@torch.no_grad()
def evaluate_model(model, tok, mask_token, rows, batch_size=64, device="cpu", pad_id=0, max_len=512):
    """Returns dict with top1/top5 (raw candidates) and top1_words/top5_words (word candidates)."""
    model.eval()
    mask_id = tok.token_to_id(mask_token)
    texts = [r["text"].replace("[MASK]", mask_token) for r in rows]
    encs = tok.encode_batch(texts)
    items = []
    for i, e in enumerate(encs):
        ids = e.ids[:max_len]
        pos = [j for j, t in enumerate(ids) if t == mask_id]
        items.append((i, ids, pos[0] if pos else None))
    order = sorted(range(len(items)), key=lambda k: len(items[k][1]))
    vocab = tok.get_vocab_size()
    # Decode every vocab entry once (as the fill-mask pipeline shows a single token).
    strings = [None] * vocab
    is_word = torch.zeros(vocab, dtype=torch.bool)
    for t, idx in tok.get_vocab().items():
        s = tok.decode([idx]).strip() if not t.startswith("##") else t
        strings[idx] = s
        is_word[idx] = s.isalpha() and not t.startswith("##")
    h1 = h5 = w1 = w5 = 0
    for b in range(0, len(order), batch_size):
        chunk = [items[k] for k in order[b:b + batch_size]]
        L = max(len(c[1]) for c in chunk)
        ids = torch.full((len(chunk), L), pad_id, dtype=torch.long)
        att = torch.zeros((len(chunk), L), dtype=torch.long)
        for r, (_, x, _) in enumerate(chunk):
            ids[r, :len(x)] = torch.tensor(x)
            att[r, :len(x)] = 1
        rows_idx = [r for r, c in enumerate(chunk) if c[2] is not None]
        if not rows_idx:
            continue
        ids, att = ids.to(device), att.to(device)
        base = getattr(model, model.base_model_prefix)
        hid = base(input_ids=ids, attention_mask=att).last_hidden_state
        ri = torch.tensor(rows_idx, device=device)
        pi = torch.tensor([chunk[r][2] for r in rows_idx], device=device)
        sel = hid[ri, pi]
        head = model.cls if hasattr(model, "cls") else model.lm_head
        logits = head(sel).float().cpu()
        top = logits.topk(50, dim=-1).indices
        for r, k in zip(rows_idx, range(len(rows_idx))):
            ans = rows[chunk[r][0]]["answer"].lower()
            cands = top[k].tolist()
            c5 = [strings[c].lower() for c in cands[:5]]
            h1 += c5[0] == ans
            h5 += ans in c5
            words = [strings[c].lower() for c in cands if is_word[c]][:5]
            w1 += bool(words) and words[0] == ans
            w5 += ans in words
    n = len(rows)
    return {"top1": round(h1 / n, 4), "top5": round(h5 / n, 4),
            "top1_words": round(w1 / n, 4), "top5_words": round(w5 / n, 4), "n": n}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir")
    ap.add_argument("--eval", default=DEFAULT_EVAL)
    ap.add_argument("--limit", type=int, default=None, help="use only the first N sentences")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    from transformers import AutoModelForMaskedLM
    t0 = time.time()
    model = AutoModelForMaskedLM.from_pretrained(args.model_dir, dtype=torch.float32).to(args.device)
    tok, mask = load_tokenizer(args.model_dir)
    rows, seed = load_eval(args.eval, args.limit)
    res = evaluate_model(model, tok, mask, rows, args.batch, args.device,
                         pad_id=model.config.pad_token_id or 0,
                         max_len=model.config.max_position_embeddings)
    res["seed"] = seed
    res["eval_file"] = os.path.abspath(args.eval)
    res["model"] = os.path.abspath(args.model_dir)
    res["seconds"] = round(time.time() - t0, 1)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
