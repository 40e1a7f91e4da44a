#!/usr/bin/env python3
"""Generate the character classes that Hugging Face `tokenizers` uses, and cases that test them.

Run by hand from the repository root (not in CI):

    python3 Tests/TokenizersTests/Fixtures/generate_character_tables.py

`tokenizers` decides what BERT's cleaning removes, what BertPreTokenizer splits off as
punctuation, and which marks accent stripping drops from Unicode tables compiled into it (the
`unicode_categories` crate for the first three, `unicode-normalization` for StripAccents). Those
tables are older than Swift's: a character added in a later Unicode version (U+061D, Arabic end
of text mark, is Po to Swift) is an ordinary character to `tokenizers`, and unassigned code
points are kept, not cleaned away. So the classes are read off `tokenizers` itself, by probing
every code point, and written as range tables:

* `Sources/Tokenizers/CharacterTables.swift`: the four classes as sorted (first, last) ranges,
  and the canonical combining classes its NFD sorts marks by (its tables know 813 of the 911
  non-starters of Unicode 14; the others are starters to it and never move);
* `code-point-cases.json` (next to this script): "a{c}b c" for every code point where a class
  differs from what Python's own Unicode tables say (unassigned code points count as ordinary
  characters there), plus a seeded sample of the others (400 assigned, 100 unassigned), encoded
  by the BERT uncased and cased tokenizers and by the uncased one with a
  Sequence[NFD, Lowercase, StripAccents] normalizer;
* `mark-order-cases.json`: seeded random strings of letters, precomposed letters and combining
  marks of many classes (and marks `tokenizers` does not know), where NFD has to reorder marks
  and its alignments follow positions, encoded by the same three tokenizers and by the uncased
  one with a lone NFD normalizer.
"""
import json
import random
import textwrap
import sys
import unicodedata
from pathlib import Path

import tokenizers
from tokenizers import Tokenizer, normalizers, pre_tokenizers

FIXTURES = Path(__file__).resolve().parent
ROOT = FIXTURES.parents[2]
SWIFT_OUT = ROOT / "Sources" / "Tokenizers" / "CharacterTables.swift"
CASES_OUT = FIXTURES / "code-point-cases.json"
MARK_CASES_OUT = FIXTURES / "mark-order-cases.json"
STRIP_SEQUENCE = {"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "Lowercase"}, {"type": "StripAccents"}]}
SAMPLE = 400
SEED = 20261127


def code_points():
    return [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]


def probe():
    split = pre_tokenizers.BertPreTokenizer()
    clean = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
    bert_strip = normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False)
    strip = normalizers.StripAccents()
    classes = {"cleaningRemoves": [], "punctuation": [], "bertAccent": [], "combiningMark": []}
    for cp in code_points():
        c = chr(cp)
        probe_text = "a" + c + "b"
        if clean.normalize_str(probe_text) == "ab":
            classes["cleaningRemoves"].append(cp)
        if not c.isspace() and len(split.pre_tokenize_str(probe_text)) == 3:
            classes["punctuation"].append(cp)
        # Accent stripping runs after NFD; probe only characters that NFD leaves alone.
        if unicodedata.normalize("NFD", c) == c:
            if bert_strip.normalize_str(probe_text) == "ab":
                classes["bertAccent"].append(cp)
            if strip.normalize_str(probe_text) == "ab":
                classes["combiningMark"].append(cp)
    return classes


def combining_classes():
    """{code point: class} for the non-starters `tokenizers`' NFD knows. Combining classes never
    change once assigned, so a mark it knows has unicodedata's class; one it does not know is a
    starter to it. A mark is known when NFD moves it before U+0345 (class 240) as it should."""
    nfd = normalizers.NFD()
    known = {}
    for cp in code_points():
        c = chr(cp)
        k = unicodedata.combining(c)
        if k == 0:
            continue
        probe_text = "a\u0345" + c if k < 240 else "a" + c
        if nfd.normalize_str(probe_text) == unicodedata.normalize("NFD", probe_text):
            known[cp] = k
    return known


def ranges(points):
    out = []
    for cp in points:
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def python_view(cp):
    """The same classes from Python's unicodedata, to find where `tokenizers` differs."""
    c = chr(cp)
    cat = unicodedata.category(c)
    ascii_symbol = 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126
    return (
        cp in (0, 0xFFFD) or (cat in ("Cc", "Cf", "Co") and c not in "\t\n\r"),
        not c.isspace() and (cat.startswith("P") or ascii_symbol),
        cat == "Mn",
        cat in ("Mn", "Mc", "Me"),
    )


DOC = {
    "cleaningRemoves": "What BERT's text cleaning removes (besides turning whitespace into spaces): NUL, U+FFFD and "
                       "the Cc, Cf and Co characters `tokenizers` knows of. Tab, newline and carriage return are whitespace.",
    "punctuation": "What BertPreTokenizer splits off as a token of its own: punctuation as `tokenizers` knows it, and "
                   "the ASCII symbols.",
    "bertAccent": "What BertNormalizer's accent stripping drops after NFD (`tokenizers`' Mn).",
    "combiningMark": "What the StripAccents normalizer drops (`tokenizers`' combining marks: Mn, Mc, Me).",
}


def class_ranges(known):
    out = []
    for cp in sorted(known):
        if out and out[-1][1] == cp - 1 and out[-1][2] == known[cp]:
            out[-1][1] = cp
        else:
            out.append([cp, cp, known[cp]])
    return out


def table_rows(items, per_row):
    return ["        " + ", ".join(items[i:i + per_row]) + "," for i in range(0, len(items), per_row)]


def write_swift(classes, known):
    lines = [
        "// Generated by Tests/TokenizersTests/Fixtures/generate_character_tables.py from tokenizers %s:" % tokenizers.__version__,
        "// the character classes it uses, read off it code point by code point. Do not edit by hand.",
        "",
        "/// Sorted, non-overlapping ranges of Unicode scalar values (first, last), inclusive.",
        "enum CharacterTables {",
    ]
    for name, points in classes.items():
        rs = ranges(points)
        lines.extend("    /// " + part for part in textwrap.wrap(DOC[name], 92))
        lines.append("    static let %s: [(UInt32, UInt32)] = [" % name)
        lines.extend(table_rows(["(0x%X, 0x%X)" % (a, b) for a, b in rs], 6))
        lines.append("    ]")
        lines.append("")
    lines.extend("    /// " + part for part in textwrap.wrap(
        "The canonical combining class of each non-starter `tokenizers`' NFD knows, as (first, last, "
        "class): runs of these are sorted by class. Every other scalar is a starter to it.", 92))
    lines.append("    static let combiningClasses: [(UInt32, UInt32, UInt8)] = [")
    lines.extend(table_rows(["(0x%X, 0x%X, %d)" % (a, b, k) for a, b, k in class_ranges(known)], 5))
    lines.append("    ]")
    lines.append("}")
    SWIFT_OUT.write_text("\n".join(lines) + "\n")
    counts = {name: len(ranges(points)) for name, points in classes.items()}
    counts["combiningClasses"] = len(class_ranges(known))
    return counts


def encode_all(encoders, texts):
    """{tokenizer name: [{"ids", "offsets"} per text]}, with no truncation or padding."""
    result = {}
    for name, tok in encoders.items():
        tok.no_truncation()
        tok.no_padding()
        result[name] = [{"ids": e.ids, "offsets": [list(o) for o in e.offsets]} for e in tok.encode_batch(texts)]
    return result


def write_cases(classes):
    sets = {name: set(points) for name, points in classes.items()}
    names = list(classes)
    differing = [cp for cp in code_points()
                 if tuple(cp in sets[n] for n in names) != python_view(cp)]
    rng = random.Random(SEED)
    differing_set = set(differing)
    # Most code points are unassigned: sample assigned and unassigned ones apart.
    rest = [cp for cp in code_points() if cp not in differing_set]
    others = (rng.sample([cp for cp in rest if unicodedata.category(chr(cp)) != "Cn"], SAMPLE)
              + rng.sample([cp for cp in rest if unicodedata.category(chr(cp)) == "Cn"], SAMPLE // 4))
    points = sorted(set(differing) | set(others))
    texts = ["a" + chr(cp) + "b c" for cp in points]
    bert = json.loads((FIXTURES / "bert-uncased" / "tokenizer.json").read_text())
    variants = {
        "bert-uncased": FIXTURES / "bert-uncased" / "tokenizer.json",
        "bert-cased": FIXTURES / "bert-cased" / "tokenizer.json",
    }
    out = {"tokenizers_version": tokenizers.__version__,
           "note": "a{c}b c for code points where tokenizers' character classes differ from Python's unicodedata, "
                   "and a seeded sample of others; bert-strip-accents is bert-uncased with the normalizer "
                   + json.dumps(STRIP_SEQUENCE),
           "strip_accents_normalizer": STRIP_SEQUENCE,
           "code_points": points, "tokenizers": {}}
    encoders = {name: Tokenizer.from_file(str(path)) for name, path in variants.items()}
    bert["normalizer"] = STRIP_SEQUENCE
    encoders["bert-strip-accents"] = Tokenizer.from_str(json.dumps(bert))
    out["tokenizers"] = encode_all(encoders, texts)
    CASES_OUT.write_text(json.dumps(out, ensure_ascii=True, separators=(",", ":")) + "\n")
    return len(differing), len(points)


MARK_PIECES = ["a", "e", "o", "x", "k", " ", ".", "\u00e9", "\u1ec7", "\u1ee3", "\u01d8", "\u00c5", "\u212b", "\u00fc",
               "\u03a9", "\ud55c", "\u0301", "\u0300", "\u0308", "\u0316", "\u0323", "\u031b", "\u0345", "\u0334",
               "\u093c", "\u05b0", "\u0f73", "\u0344", "\u302e", "\u1ac1", "\u0898", "\u0903"]
MARK_CASES = 1500


def write_mark_cases():
    rng = random.Random(SEED)
    texts = ["".join(rng.choice(MARK_PIECES) for _ in range(rng.randint(1, 12))) for _ in range(MARK_CASES)]
    base = json.loads((FIXTURES / "bert-uncased" / "tokenizer.json").read_text())
    encoders = {
        "bert-uncased": Tokenizer.from_file(str(FIXTURES / "bert-uncased" / "tokenizer.json")),
        "bert-cased": Tokenizer.from_file(str(FIXTURES / "bert-cased" / "tokenizer.json")),
    }
    for name, normalizer in (("bert-strip-accents", STRIP_SEQUENCE), ("bert-nfd", {"type": "NFD"})):
        variant = dict(base, normalizer=normalizer)
        encoders[name] = Tokenizer.from_str(json.dumps(variant))
    out = {"tokenizers_version": tokenizers.__version__,
           "note": "random strings of letters and combining marks (seed %d); bert-strip-accents and bert-nfd are "
                   "bert-uncased with the normalizers given" % SEED,
           "normalizers": {"bert-strip-accents": STRIP_SEQUENCE, "bert-nfd": {"type": "NFD"}},
           "texts": texts, "tokenizers": {}}
    out["tokenizers"] = encode_all(encoders, texts)
    MARK_CASES_OUT.write_text(json.dumps(out, ensure_ascii=True, separators=(",", ":")) + "\n")
    return len(texts)


def main():
    classes = probe()
    known = combining_classes()
    counts = write_swift(classes, known)
    differing, total = write_cases(classes)
    marks = write_mark_cases()
    print("wrote %s: %d strings" % (MARK_CASES_OUT.relative_to(ROOT), marks))
    print("wrote %s: %s ranges" % (SWIFT_OUT.relative_to(ROOT), counts))
    print("wrote %s: %d code points (%d where tokenizers differs from unicodedata %s)"
          % (CASES_OUT.relative_to(ROOT), total, differing, unicodedata.unidata_version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
