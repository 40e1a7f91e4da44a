#!/usr/bin/env python3
"""Build the cased-form table shipped with an uncased model (cased_forms.json).

An uncased model answers "paris"; people write "Paris". For every whole word in the model's
vocabulary, count how the corpora spell it where case is a choice (not at the start of a
sentence) and keep the spelling that dominates when it is not all-lowercase:
"paris" -> "Paris", "nasa" -> "NASA", "iphone" -> "iPhone". Words that are mostly lowercase
("may", "bill", "china" as in plates) stay out. Uses the same sources as prepare_data.py,
never the BBC test split.

    python3 Models/recipe/cased_forms.py --model Models/maskfill-mini --out Models/maskfill-mini/cased_forms.json
"""
import argparse
import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import prepare_data as data  # noqa: E402

WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z]")


def vocabulary_words(model_dir):
    tok = json.load(open(os.path.join(model_dir, "tokenizer.json"), encoding="utf-8"))
    vocab = tok["model"]["vocab"]
    return {w for w in vocab if w.isalpha() and w.islower()}


def paragraphs(root):
    for docs in (data.bbc_docs(root, "train"), data.wiki_docs(root), data.gutenberg_docs(root), data.nltk_docs(root)):
        for _source, _path, pars in docs:
            yield from pars


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="model folder whose tokenizer.json gives the vocabulary")
    ap.add_argument("--corpora", default=data.DEFAULT_CORPORA)
    ap.add_argument("--out", required=True)
    ap.add_argument("--min-count", type=int, default=5, help="occurrences (not sentence-initial) a word needs")
    ap.add_argument("--min-share", type=float, default=0.6, help="share the cased spelling must have")
    args = ap.parse_args()

    words = vocabulary_words(args.model)
    counts = collections.defaultdict(collections.Counter)
    for paragraph in paragraphs(args.corpora):
            for sentence in data.split_sentences(paragraph):
                for index, match in enumerate(WORD.finditer(sentence)):
                    if index == 0:
                        continue  # sentence-initial capitals say nothing about the word
                    form = match.group(0)
                    lower = form.lower()
                    if lower in words:
                        counts[lower][form] += 1
    forms = {}
    for lower, spellings in counts.items():
        total = sum(spellings.values())
        best, best_count = spellings.most_common(1)[0]
        if total >= args.min_count and best != lower and best_count / total >= args.min_share:
            forms[lower] = best
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"format": 1, "source": "MaskFill Models/recipe/cased_forms.py over ../shared/corpora (BBC test split excluded)",
                   "min_count": args.min_count, "min_share": args.min_share,
                   "forms": dict(sorted(forms.items()))}, f, ensure_ascii=False, indent=0)
        f.write("\n")
    print("%d cased forms of %d vocabulary words seen" % (len(forms), len(counts)))
    for w in ["paris", "france", "nasa", "london", "monday", "december", "english", "may", "bill", "apple", "i"]:
        print("  %s -> %s" % (w, forms.get(w, "(lowercase)")))


if __name__ == "__main__":
    main()
