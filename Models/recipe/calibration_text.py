#!/usr/bin/env python3
"""Calibration text for `maskfill quantize --calibration` (activation smoothing): one paragraph
per line, drawn with a fixed seed from the training sources (BBC train split, Wikipedia,
Gutenberg; never the BBC test split), cleaned as prepare_data.py cleans them.

    python3 Models/recipe/calibration_text.py --corpora ../shared/corpora --out /work/train-out/calibration.txt
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prepare_data import DEFAULT_CORPORA, bbc_docs, gutenberg_docs, wiki_docs  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", default=DEFAULT_CORPORA)
    ap.add_argument("--out", required=True)
    ap.add_argument("--lines", type=int, default=512)
    ap.add_argument("--min-words", type=int, default=8)
    ap.add_argument("--seed", type=int, default=17)
    args = ap.parse_args()

    # an equal share from each source, so that news, encyclopedia and fiction all set the ranges
    sources = [bbc_docs(args.corpora, "train"), wiki_docs(args.corpora), gutenberg_docs(args.corpora)]
    rng = random.Random(args.seed)
    chosen = []
    for index, docs in enumerate(sources):
        pool = [p for _, _, pars in docs for p in pars if len(p.split()) >= args.min_words]
        share = args.lines // len(sources) + (1 if index < args.lines % len(sources) else 0)
        chosen += rng.sample(pool, min(share, len(pool)))
    rng.shuffle(chosen)
    with open(args.out, "w", encoding="utf-8") as f:
        for line in chosen:
            f.write(" ".join(line.split()) + "\n")
    print(f"wrote {len(chosen)} lines to {args.out}")


if __name__ == "__main__":
    main()
