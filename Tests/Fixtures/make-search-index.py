#!/usr/bin/env python3
"""Writes Tests/Fixtures/search-index/ from Tests/Fixtures/search-documents.json.

A third, independent implementation of Sources/Search/SPEC.md §1–3 (tokenizer, fields, index files),
written from the text, not from the Swift or JavaScript code: the Swift writer must reproduce its
files byte for byte (SearchTests), and both query engines run the shared vectors over them.

    python3 Tests/Fixtures/make-search-index.py            # rewrite the fixture index
    python3 Tests/Fixtures/make-search-index.py --check    # exit 1 when the files differ

Standard library only. Unicode tables are Python's; the fixture texts use nothing recent enough for
them to differ from Swift's or JavaScript's.
"""
import argparse
import json
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = 5
K1, B = 1.2, 0.75
BOOSTS = {"title": 3, "tags": 2, "headings": 2, "body": 1}
MAX_TOKEN = 40
SNIPPET = 800
# §3: base-89 digits of the facet codes and postings strings.
ALPHABET = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "\"&<>\\")
SEVERITY_ORDER = ["critical", "high", "medium", "low", "info", "sev1", "sev2", "sev3", "sev4"]


# ---------- §1 Tokenizer ----------

def normalize(text):
    # NFKC, then default lowercasing scalar by scalar (Python's lower() applies Final_Sigma; §1 does not).
    return unicodedata.normalize("NFKC", text).replace("\u03a3", "\u03c3").lower()


def char_class(c):
    if 0xAC00 <= ord(c) <= 0xD7A3:
        return "H"
    if c in "-_.":
        return "J"
    return "W" if unicodedata.category(c)[0] in "LN" else "S"


def analyse(text):
    """Pieces in token order: ("h", text) | ("w", text, in_identifier) | ("id", text)."""
    runs = []
    for c in normalize(text):
        k = char_class(c)
        if runs and runs[-1][0] == k:
            runs[-1][1] += c
        else:
            runs.append([k, c])
    items, chain, start = [], [], 0
    for i, (k, t) in enumerate(runs):
        if k == "H":
            items.append(["h", t])
        elif k == "W":
            piece = ["w", t, False]
            items.append(piece)
            if not chain:
                start = i
            chain.append(piece)
            joined = (i + 2 < len(runs) and runs[i + 1][0] == "J" and len(runs[i + 1][1]) == 1 and runs[i + 2][0] == "W")
            if not joined:
                if len(chain) >= 2:
                    for p in chain:
                        p[2] = True
                    items.append(["id", "".join(r[1] for r in runs[start:i + 1])])
                chain = []
    return items


def bigrams(piece):
    return [piece[i:i + 2] for i in range(len(piece) - 1)] if len(piece) >= 2 else [piece]


def tokenize(text):
    tokens = []
    for item in analyse(text):
        tokens += bigrams(item[1]) if item[0] == "h" else [item[1]]
    return [t for t in tokens if len(t) <= MAX_TOKEN]


def hangul_words(text):
    return [item[1] for item in analyse(text) if item[0] == "h" and 2 <= len(item[1]) <= MAX_TOKEN]


# ---------- §3 Script files ----------

def js_string(text):
    out = ['"']
    for c in text:
        o = ord(c)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif c in "<>&" or o in (0x2028, 0x2029) or o < 0x20:
            out.append("\\u%04x" % o)
        else:
            out.append(c)
    return "".join(out) + '"'


def js_strings(values):
    return "[" + ",".join(js_string(v) for v in values) + "]"


def script(name, json_text):
    return "DossierSearchIndex.register(%s, %s);\n" % (js_string(name), json_text)


def is_anchor(term, every):
    """§3: a term starts a segment when the FNV-1a 64-bit hash of its UTF-8 bytes is divisible by `every`."""
    h = 0xCBF29CE484222325
    for byte in term.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h % every == 0


def facet_code(index, width):
    digits = []
    for _ in range(width):
        digits.append(ALPHABET[index % len(ALPHABET)])
        index //= len(ALPHABET)
    assert index == 0
    return "".join(reversed(digits))


def posting_number(n):
    """§3: floor(n / 45) in base 44 as continuing digits (45 + value), then n mod 45 as the final digit."""
    assert n >= 0
    digits, rest = [], n // 45
    while rest:
        digits.append(ALPHABET[45 + rest % 44])
        rest //= 44
    return "".join(reversed(digits)) + ALPHABET[n % 45]


def build(spec):
    documents = spec["documents"]
    budget = spec["shardBudget"]
    anchor_every = spec.get("anchorEvery", 64)
    doc_shard_size = spec["docShardSize"]

    # §2: per-document term frequencies (boosted) and lengths.
    postings = {}
    lengths = []
    for index, d in enumerate(documents):
        tf = {}
        length = 0
        fields = [(d["title"], "title"), (" ".join(d["tags"]), "tags"), ("\n".join(d["headings"]), "headings"),
                  (d["summary"] + "\n" + d["body"], "body")]
        for text, field in fields:
            tokens = tokenize(text)
            length += len(tokens) * BOOSTS[field]
            for t in tokens:
                tf[t] = tf.get(t, 0) + BOOSTS[field]
        everything = "\n".join([d["title"], " ".join(d["tags"]), "\n".join(d["headings"]), d["summary"], d["body"]])
        for word in hangul_words(everything):
            tf["~" + word] = tf.get("~" + word, 0) + 1
        lengths.append(length)
        for term, count in tf.items():
            postings.setdefault(term, []).append((index, count))

    def entry(term):
        numbers, previous = [], 0
        for doc, count in postings[term]:
            numbers.append(doc - previous)
            previous = doc
            numbers.append(count)
        return js_string(term) + ':"' + "".join(posting_number(n) for n in numbers) + '"'

    # §3 term ranges: code point order (Python's str order), in segments that start at the anchors,
    # each segment cut by the byte budget.
    shards, current, size = [], [], 0
    for term in sorted(postings):
        text = entry(term)
        cost = len(text.encode("utf-8")) + 2
        if current and (is_anchor(term, anchor_every) or size + cost > budget):
            shards.append(current)
            current, size = [], 0
        current.append((term, text))
        size += cost
    if current:
        shards.append(current)

    files = {}
    for number, shard in enumerate(shards):
        name = "terms-%03d" % number
        files[name] = script(name, "{" + ",\n".join(text for _, text in shard) + "}")

    for start in range(0, len(documents), doc_shard_size):
        rows = []
        for d in documents[start:start + doc_shard_size]:
            text = d["body"] if d["summary"] == "" else d["summary"] + "\n" + d["body"]
            text = text[:SNIPPET]  # code points; the fixture's texts are far shorter
            rows.append("{" + ",".join([
                '"id":' + js_string(d["id"]), '"kind":' + js_string(d["kind"]), '"title":' + js_string(d["title"]),
                '"url":' + js_string(d["url"]), '"summary":' + js_string(d["summary"]), '"systems":' + js_strings(d["systems"]),
                '"severity":' + (js_string(d["severity"]) if d["severity"] is not None else "null"),
                '"engagement":' + js_string(d["engagement"]), '"text":' + js_string(text)]) + "}")
        name = "docs-%03d" % (start // doc_shard_size)
        files[name] = script(name, "[" + ",\n".join(rows) + "]")

    kinds = ["finding", "incident", "article"]
    systems = sorted({s for d in documents for s in d["systems"]})
    severities = sorted({d["severity"] for d in documents if d["severity"] is not None},
                        key=lambda s: (SEVERITY_ORDER.index(s) if s in SEVERITY_ORDER else 99, s))
    engagements = []
    for d in documents:
        if d["engagement"] not in engagements:
            engagements.append(d["engagement"])
    sets, codes = [], []
    for d in documents:
        row = [kinds.index(d["kind"]) if d["kind"] in kinds else -1,
               severities.index(d["severity"]) if d["severity"] is not None else -1,
               engagements.index(d["engagement"]), [systems.index(s) for s in d["systems"]]]
        if row not in sets:
            sets.append(row)
        codes.append(sets.index(row))
    width = 1
    while len(ALPHABET) ** width < len(sets):
        width += 1
    facet_sets = "[" + ",".join("[%d,%d,%d,[%s]]" % (k, s, e, ",".join(map(str, sy))) for k, s, e, sy in sets) + "]"
    meta = ("{" + '"schema":%d,"generator":%s,"docCount":%d,"k1":%s,"b":%s,"docShardSize":%d,'
            % (SCHEMA, js_string(spec["generator"]), len(documents), K1, B, doc_shard_size)
            + '"termShards":' + js_strings([shard[0][0] for shard in shards])
            + ',"kinds":' + js_strings(kinds) + ',"systems":' + js_strings(systems)
            + ',"severities":' + js_strings(severities) + ',"engagements":' + js_strings(engagements)
            + ',"facetSets":' + facet_sets + ',"facetWidth":%d' % width
            + ',"docs":' + js_string("".join(facet_code(c, width) for c in codes))
            + ',"lengths":' + js_string("".join(posting_number(n) for n in lengths)) + "}")
    files["meta"] = script("meta", meta)
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", default=os.path.join(HERE, "search-documents.json"))
    parser.add_argument("--out", default=os.path.join(HERE, "search-index"))
    parser.add_argument("--check", action="store_true", help="compare with the files in --out instead of writing")
    args = parser.parse_args()
    with open(args.documents, encoding="utf-8") as handle:
        spec = json.load(handle)
    files = build(spec)
    existing = sorted(f[:-3] for f in os.listdir(args.out) if f.endswith(".js")) if os.path.isdir(args.out) else []
    if args.check:
        differ = [n for n in sorted(set(files) | set(existing))
                  if n not in files or n not in existing or open(os.path.join(args.out, n + ".js"), encoding="utf-8").read() != files[n]]
        if differ:
            sys.exit("differs from " + args.out + ": " + ", ".join(differ))
        print("%s matches %s (%d files)" % (args.out, os.path.basename(args.documents), len(files)))
        return
    os.makedirs(args.out, exist_ok=True)
    for name in existing:
        if name not in files:
            os.remove(os.path.join(args.out, name + ".js"))
    for name, text in files.items():
        with open(os.path.join(args.out, name + ".js"), "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    print("wrote %d files to %s" % (len(files), args.out))


if __name__ == "__main__":
    main()
