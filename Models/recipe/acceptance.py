#!/usr/bin/env python3
"""The ten acceptance sentences, answered by Hugging Face transformers (the reference).

  python3 Models/recipe/acceptance.py /work/train-out/hf-latest          # an fp32 export
  python3 Models/recipe/acceptance.py Models/maskfill-mini                # the shipped int8 folder
  python3 Models/recipe/acceptance.py Models/maskfill-mini --write        # refresh the CI fixture

A MaskFill int8 folder (written by `maskfill quantize`) is loaded by dequantizing its weights
(int8 code × per-row scale) into a BertForMaskedLM, so transformers runs exactly the weights we
ship, in fp32; what is left between it and the Swift engine is activation quantization.

Candidates are the 5 best tokens at the mask, decoded one by one as the fill-mask pipeline does
(nothing filtered). A sentence passes when one of its answers is a candidate (ignoring case).
Also counted: the 5 best without punctuation-only candidates, which is what the editor lists.
--write stores each sentence's reference top 5 (ids, words, probabilities) and the pass count in
Tests/InferenceTests/Fixtures/default-model/reference.json, which DefaultModelAcceptanceTests
compares the Swift int8 engine against.
"""
import argparse
import json
import os

import torch

from int8_folder import dequantized_state, is_int8_folder

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests/InferenceTests/Fixtures/default-model")


def load_model(folder):
    """BertForMaskedLM from an fp32 Hugging Face folder or a MaskFill int8 folder."""
    from transformers import AutoConfig, AutoModelForMaskedLM
    if not is_int8_folder(folder):
        return AutoModelForMaskedLM.from_pretrained(folder).eval()
    config = AutoConfig.from_pretrained(folder)
    del config.quantization_config
    model = AutoModelForMaskedLM.from_config(config)
    state = dequantized_state(folder, config.type_vocab_size)
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith(("position_ids", "decoder.weight", "decoder.bias"))]
    assert not missing and not unexpected, (missing, unexpected)
    model.tie_weights()
    return model.eval()


@torch.no_grad()
def answer(folder, sentences, top_k=5):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    mask = "[MASK]" if tok.token_to_id("[MASK]") is not None else "<mask>"
    model = load_model(folder)
    rows = []
    for s in sentences:
        enc = tok.encode(s["text"].replace("<mask>", mask))
        ids = torch.tensor([enc.ids])
        logits = model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits[0]
        pos = enc.ids.index(tok.token_to_id(mask))
        probs = logits[pos].softmax(-1)
        top = probs.topk(top_k)
        words = [tok.decode([i]).strip() for i in top.indices.tolist()]
        # What the editor lists: the same ranking without punctuation-only candidates.
        shown = [w for w in (tok.decode([i]).strip() for i in probs.topk(50).indices.tolist())
                 if any(c.isalnum() for c in w)][:top_k]
        rows.append({
            "text": s["text"],
            "ids": top.indices.tolist(),
            "words": words,
            "scores": [round(p, 6) for p in top.values.tolist()],
            "passes": any(w.lower() in s["answers"] for w in words),
            "editor_words": shown,
            "passes_in_editor": any(w.lower() in s["answers"] for w in shown),
        })
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="a Hugging Face fp32 folder or a MaskFill int8 folder")
    ap.add_argument("--sentences", default=os.path.join(FIXTURES, "sentences.json"))
    ap.add_argument("--write", action="store_true", help="write the reference fixture for CI")
    args = ap.parse_args()
    torch.set_num_threads(1)
    sentences = json.load(open(args.sentences, encoding="utf-8"))["sentences"]
    rows = answer(args.model, sentences)
    for r in rows:
        print("pass" if r["passes"] else "FAIL", r["text"], r["words"], "| editor:", r["editor_words"])
    passes = sum(r["passes"] for r in rows)
    in_editor = sum(r["passes_in_editor"] for r in rows)
    print(f"{passes} of {len(rows)} pass ({in_editor} as the editor lists candidates)")
    if args.write:
        out = {
            "note": "Reference top 5 from Hugging Face transformers (fp32) on the dequantized weights of "
                    "Models/maskfill-mini; written by Models/recipe/acceptance.py --write.",
            "passes": passes,
            "passes_in_editor": in_editor,
            "sentences": rows,
        }
        path = os.path.join(FIXTURES, "reference.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print("wrote", path)


if __name__ == "__main__":
    main()
