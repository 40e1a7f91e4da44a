"""WordNet 3.0 (Debian's `wordnet-base`, /usr/share/wordnet) as plain English sentences.

The corpora are news, fiction and encyclopaedia prose; they rarely state what a word means
("Paris is the capital and largest city of France", "cold means having a low temperature"). WordNet's
117k glosses and their example sentences do, for every sense of every common word. Each synset
becomes one short paragraph, the same simple wording for all of them:

  noun       "Paris is the capital and largest city of France." (+ "It is also called City of Light.")
  verb       "To breathe is to draw air into, and expel out of, the lungs."
  adj / adv  "Cold means having a low or inadequate temperature."
  examples   each quoted example of the gloss as its own sentence ("I can breathe better when ...").

Nothing is chosen by topic: every synset of the four data files is used, in file order (which
groups synsets by lexicographer file, so a block of consecutive sentences stays on one subject).
Licence: WordNet 3.0 licence (Princeton; use, copy, modify and distribute with its notice).
"""
import os
import re

POS_FILES = (("noun", "data.noun"), ("verb", "data.verb"), ("adj", "data.adj"), ("adv", "data.adv"))
_MARKER = re.compile(r"\((?:a|p|ip)\)$")  # adjective position markers: used_to(p)
_QUOTED = re.compile(r'"([^"]+)"')
_DETERMINERS = {"a", "an", "the", "any", "one", "someone", "something", "either", "each", "two",
                "three", "several", "various", "some", "anything", "anyone", "that", "those"}


def _lemma(word):
    return _MARKER.sub("", word).replace("_", " ").strip()


def _sentence(text):
    text = " ".join(text.split()).strip(" ;,")
    if not text:
        return None
    text = text[0].upper() + text[1:]
    if text[-1] not in ".!?":
        text += "."
    return text


def parse_line(line):
    """(pos letter, [lemma, ...], definition, [example, ...]) of one data-file line, or None for
    the licence header."""
    if line.startswith("  ") or "|" not in line:
        return None
    fields, gloss = line.split("|", 1)
    parts = fields.split()
    ss_type = parts[2]
    count = int(parts[3], 16)
    lemmas = [_lemma(parts[4 + 2 * i]) for i in range(count)]
    examples = _QUOTED.findall(gloss)
    definition = gloss.split('"', 1)[0]
    definition = " ".join(definition.split()).strip(" ;")
    return ss_type, lemmas, definition, examples


def synset_sentences(ss_type, lemmas, definition, examples):
    head = lemmas[0]
    out = []
    if definition:
        main = definition.split("; ")[0]
        if ss_type == "n":
            first = main.split(" ", 1)[0].lower()
            out.append(f"{head} is {main}" if first in _DETERMINERS else f"{head}: {main}")
        elif ss_type == "v":
            out.append(f"To {head} is to {main}")
        else:
            out.append(f"{head} means {main}")
        others = [l for l in lemmas[1:4] if l.lower() != head.lower()]
        if others and ss_type == "n":
            names = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " or " + others[-1]
            out.append(f"It is also called {names}")
    for ex in examples:
        if len(ex.split()) >= 3:
            out.append(ex)
    return [s for s in (_sentence(x) for x in out) if s]


def wordnet_docs(folder):
    """Yields ("wordnet", doc_id, [sentence, ...]): one document per lexicographer file and part
    of speech, one sentence per element (like the one-sentence-per-line nltk sets)."""
    for pos, name in POS_FILES:
        path = os.path.join(folder, name)
        doc, sents = None, []
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                parsed = parse_line(line)
                if parsed is None:
                    continue
                lexfile = line.split(" ", 2)[1]
                if doc is not None and lexfile != doc and sents:
                    yield "wordnet", f"{pos}#{doc}", sents
                    sents = []
                doc = lexfile
                sents.extend(synset_sentences(*parsed))
        if sents:
            yield "wordnet", f"{pos}#{doc}", sents
