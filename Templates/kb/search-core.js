/*
 * Dossier knowledge-base search engine (schema 5): tokenizer, query parser, BM25 ranking over the
 * static index files, and snippets. Pure (no DOM except in scriptLoader), a classic script that
 * also loads in Node. The binding specification is Sources/Search/SPEC.md; the Swift engine
 * implements the same text, and Tests/Fixtures/search-vectors.json checks both.
 */
(function (root) {
  'use strict';

  var SCHEMA = 5;
  var MAX_TOKEN = 40; // code points (§1.7)
  var H = 1, W = 2, J = 3, S = 4;
  var LETTER_OR_NUMBER = /[\p{L}\p{N}]/u;
  // Unicode White_Space (what Swift's Character.isWhitespace uses), not JavaScript's \s.
  var WHITESPACE = /\p{White_Space}+/u;
  var TRAILING_WHITESPACE = /\p{White_Space}$/u;

  /* ---------- Tokenizer (§1) ---------- */

  // NFKC, then Unicode default lowercasing code point by code point. JavaScript's toLowerCase()
  // applies the contextual Final_Sigma rule (Σ → ς at the end of a word) while Swift's
  // lowercased() maps each scalar on its own (Σ → σ); mapping Σ first makes both agree.
  function normalize(text) {
    return String(text).normalize('NFKC').replace(/\u03A3/g, '\u03C3').toLowerCase();
  }

  function classOf(cp) {
    if (cp >= 0xAC00 && cp <= 0xD7A3) return H;
    if (cp === 0x2D || cp === 0x5F || cp === 0x2E) return J;
    return LETTER_OR_NUMBER.test(String.fromCodePoint(cp)) ? W : S;
  }

  function codePointLength(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 0xDC00 || c > 0xDFFF) n++; // count everything but trailing surrogates
    }
    return n;
  }

  // Splits normalized text into runs of one class: [{cls, text}].
  function runs(norm) {
    var out = [];
    for (var ch of norm) {
      var cls = classOf(ch.codePointAt(0));
      var last = out[out.length - 1];
      if (last && last.cls === cls) last.text += ch;
      else out.push({ cls: cls, text: ch });
    }
    return out;
  }

  // The pieces of a text in token order: {type: 'w' | 'h' | 'id', text, inIdentifier}.
  // An identifier item follows its last piece (§1.6); H pieces never join identifiers.
  function analyse(text) {
    var rs = runs(normalize(text));
    var items = [];
    var chain = []; // W pieces of the identifier being built
    var chainStart = 0; // index in rs of its first piece
    for (var i = 0; i < rs.length; i++) {
      var r = rs[i];
      if (r.cls === H) {
        items.push({ type: 'h', text: r.text });
      } else if (r.cls === W) {
        var piece = { type: 'w', text: r.text, inIdentifier: false };
        items.push(piece);
        if (!chain.length) chainStart = i;
        chain.push(piece);
        var next = rs[i + 1], after = rs[i + 2];
        var continues = next && next.cls === J && next.text.length === 1 && after && after.cls === W;
        if (!continues) {
          if (chain.length >= 2) {
            chain.forEach(function (p) { p.inIdentifier = true; });
            items.push({ type: 'id', text: rs.slice(chainStart, i + 1).map(function (x) { return x.text; }).join('') });
          }
          chain = [];
        }
      }
    }
    return items;
  }

  function bigrams(piece) {
    var out = [];
    for (var i = 0; i + 1 < piece.length; i++) out.push(piece.substr(i, 2));
    return out;
  }

  function tokenize(text) {
    var tokens = [];
    analyse(text).forEach(function (item) {
      if (item.type === 'h') {
        if (item.text.length === 1) tokens.push(item.text);
        else tokens.push.apply(tokens, bigrams(item.text));
      } else if (codePointLength(item.text) <= MAX_TOKEN) {
        tokens.push(item.text);
      }
    });
    return tokens;
  }

  // H pieces of two or more syllables, in order, duplicates kept (indexed as `~` + piece). Pieces
  // over 40 code points are dropped like tokens.
  function hangulWords(text) {
    return analyse(text)
      .filter(function (it) { return it.type === 'h' && it.text.length >= 2 && it.text.length <= MAX_TOKEN; })
      .map(function (it) { return it.text; });
  }

  /* ---------- Query (§4.1–4.3) ---------- */

  function splitWords(query) {
    return String(query).split(WHITESPACE).filter(function (w) { return w !== ''; });
  }

  // Groups, in order: {kind: 'term', term, prefix, word} or
  // {kind: 'hangul', piece, bigrams, need, word}. The last group of the last word gets
  // prefix = true while typing when it is a W piece or an identifier.
  function parseQuery(query) {
    query = String(query == null ? '' : query);
    var words = splitWords(query);
    var typing = query !== '' && !TRAILING_WHITESPACE.test(query);
    var groups = [];
    words.forEach(function (word, w) {
      var first = groups.length;
      analyse(word).forEach(function (item) {
        if (item.type === 'h') {
          if (item.text.length === 1) {
            groups.push({ kind: 'term', term: item.text, prefix: true, word: w });
          } else {
            var bg = bigrams(item.text);
            groups.push({ kind: 'hangul', piece: item.text, bigrams: bg, need: Math.ceil(bg.length / 2), word: w });
          }
        } else if ((item.type === 'id' || !item.inIdentifier) && codePointLength(item.text) <= MAX_TOKEN) {
          groups.push({ kind: 'term', term: item.text, prefix: false, word: w });
        }
      });
      // While typing, the last group of the last word matches as a prefix when it is a term group
      // (a W piece or an identifier; a single syllable already is a prefix group).
      var last = groups[groups.length - 1];
      if (typing && w === words.length - 1 && groups.length > first && last.kind === 'term') last.prefix = true;
    });
    return groups;
  }

  /* ---------- Engine (§3, §4.4, §4.5) ---------- */

  var FACETS = ['kind', 'system', 'severity', 'engagement'];

  // File numbers have at least three digits (§3): docs-007, docs-1099.
  function pad3(n) { var s = String(n); return s.length >= 3 ? s : ('00' + s).slice(-3); }

  // §3: terms are ordered by code point. JavaScript's < compares UTF-16 code units, which puts
  // U+E000…U+FFFF after the surrogates of U+10000 and above; this comparison does not.
  function compareCodePoints(a, b) {
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = a.charCodeAt(i), y = b.charCodeAt(i);
      if (x !== y) {
        if (x >= 0xD800 && y >= 0xD800) {
          x = x >= 0xE000 ? x - 0x800 : x + 0x2000;
          y = y >= 0xE000 ? y - 0x800 : y + 0x2000;
        }
        return x - y;
      }
    }
    return a.length - b.length;
  }

  // §3 term ranges: the shard of a term is the last shard whose first term is ≤ it; −1 when the term
  // sorts before every shard.
  function shardOfTerm(term, firstTerms) {
    var lo = 0, hi = firstTerms.length; // lo becomes the number of first terms ≤ term
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (compareCodePoints(term, firstTerms[mid]) < 0) hi = mid; else lo = mid + 1;
    }
    return lo - 1;
  }

  // The shards that can hold terms starting with prefix: the prefix's own shard and the shards right
  // after it whose first term starts with the prefix.
  function shardsWithPrefix(prefix, firstTerms) {
    var home = shardOfTerm(prefix, firstTerms), out = home >= 0 ? [home] : [];
    for (var i = home + 1; i < firstTerms.length && firstTerms[i].lastIndexOf(prefix, 0) === 0; i++) out.push(i);
    return out;
  }

  function termFile(i) { return 'terms-' + pad3(i); }

  // §3 facet table: the base-89 digits of the codes in meta.docs.
  var FACET_DIGITS = (function () {
    var out = '';
    for (var c = 0x21; c <= 0x7E; c++) if ('"&<>\\'.indexOf(String.fromCharCode(c)) < 0) out += String.fromCharCode(c);
    return out;
  })();

  // Each ASCII character's digit value, −1 for one that is not a digit.
  var DIGIT_VALUE = (function () {
    var value = new Int16Array(128).fill(-1);
    for (var k = 0; k < FACET_DIGITS.length; k++) value[FACET_DIGITS.charCodeAt(k)] = k;
    return value;
  })();

  // Per document, the index of its facet set in meta.facetSets (−1 when the code is malformed).
  function decodeFacetCodes(docs, width, count) {
    var value = DIGIT_VALUE, out = new Int32Array(count).fill(-1);
    docs = typeof docs === 'string' ? docs : '';
    if (!(width >= 1)) return out;
    for (var i = 0; i < count && (i + 1) * width <= docs.length; i++) {
      var code = 0;
      for (var j = i * width; j < (i + 1) * width; j++) {
        var c = docs.charCodeAt(j), v = c < 128 ? value[c] : -1;
        if (v < 0) { code = -1; break; }
        code = code * FACET_DIGITS.length + v;
      }
      out[i] = code;
    }
    return out;
  }

  // Each facet set by name: {kind: [...], severity: [...], system: [...], engagement: [...]}.
  function facetSetValues(meta, set) {
    function name(list, k) { return Array.isArray(list) && k >= 0 && k < list.length ? [list[k]] : []; }
    var systems = [];
    (Array.isArray(set[3]) ? set[3] : []).forEach(function (k) {
      name(meta.systems, k).forEach(function (n) { if (systems.indexOf(n) < 0) systems.push(n); });
    });
    return { kind: name(meta.kinds, set[0]), severity: name(meta.severities, set[1]), system: systems, engagement: name(meta.engagements, set[2]) };
  }

  // A one-code-point word prefix would load every shard of that letter (§4.3): it matches the term itself only.
  function narrowPrefix(term) {
    var cps = Array.from(term);
    if (cps.length !== 1) return false;
    var c = cps[0].codePointAt(0);
    return !(c >= 0xAC00 && c <= 0xD7A3);
  }

  function schemaError(found) {
    var err = new Error('This knowledge base index uses schema ' + found + '; this page understands schema ' +
      SCHEMA + ' — rebuild the knowledge base with the same Dossier version.');
    err.code = 'schema';
    return err;
  }

  // A terms shard with own-property lookups only (a term may be "constructor"), its terms sorted so
  // that all terms with a given prefix form one contiguous run; postings are decoded on first use.
  function prepareShard(obj) {
    var raw = new Map();
    Object.keys(obj).forEach(function (k) { raw.set(k, obj[k]); });
    return { raw: raw, decoded: new Map(), keys: Array.from(raw.keys()).sort() };
  }

  // §3: a string of numbers (postings, lengths). Digits 0 … 44 end a number, 45 … 88 continue it;
  // reading stops at the first character that is not a digit or the first digit that takes the
  // number above 2^40, and an unfinished number is dropped.
  function decodeNumbers(text) {
    var out = [], value = 0;
    if (typeof text !== 'string') return out;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i), v = c < 128 ? DIGIT_VALUE[c] : -1;
      if (v < 0) break;
      value = v >= 45 ? value * 44 + (v - 45) : value * 45 + v;
      if (value > 1099511627776) break;
      if (v >= 45) continue;
      out.push(value);
      value = 0;
    }
    return out;
  }

  // §3: a postings string of numbers gap, c, gap, c, … → [document, count, document, count, …],
  // up to the first document that is not below docCount; an unfinished pair is dropped.
  function decodePostings(text, docCount) {
    var numbers = decodeNumbers(text), out = [], d = 0;
    for (var i = 0; i + 1 < numbers.length; i += 2) {
      d += numbers[i];
      if (d >= docCount) break;
      out.push(d, numbers[i + 1]);
    }
    return out;
  }

  // §4: BM25's length normalisation (1 − b) + (b·dl)/avgdl of each document, avgdl the mean of the
  // lengths in meta.js (a missing one is 0; avgdl 1 when the mean is 0).
  function lengthNorms(text, count, b) {
    var lengths = decodeNumbers(text).slice(0, count), total = 0, i;
    while (lengths.length < count) lengths.push(0);
    for (i = 0; i < count; i++) total += lengths[i];
    var average = total > 0 ? total / count : 1, norms = new Array(count);
    for (i = 0; i < count; i++) norms[i] = (1 - b) + (b * lengths[i]) / average;
    return norms;
  }

  function withPrefix(shard, prefix) {
    var keys = shard.keys, lo = 0, hi = keys.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (keys[mid] < prefix) lo = mid + 1; else hi = mid;
    }
    var out = [];
    for (var i = lo; i < keys.length && keys[i].lastIndexOf(prefix, 0) === 0; i++) out.push(keys[i]);
    return out;
  }

  function createEngine(loadFile) {
    var cache = new Map(); // name -> Promise of the (prepared) file

    function load(name, prepare) {
      if (!cache.has(name)) {
        var p = Promise.resolve().then(function () { return loadFile(name); }).then(function (json) {
          return prepare ? prepare(json) : json;
        });
        p.catch(function () { cache.delete(name); }); // a failed load may be retried
        cache.set(name, p);
      }
      return cache.get(name);
    }

    function loadMeta() {
      return load('meta', function (meta) {
        if (!meta || meta.schema !== SCHEMA) throw schemaError(meta ? meta.schema : 'unknown');
        if (!Array.isArray(meta.termShards)) meta.termShards = [];
        // The facet table: distinct facet sets, one code per document (§3).
        meta.sets = (Array.isArray(meta.facetSets) ? meta.facetSets : []).map(function (set) {
          return facetSetValues(meta, Array.isArray(set) ? set : []);
        });
        meta.rows = decodeFacetCodes(meta.docs, meta.facetWidth, meta.docCount || 0);
        meta.norms = lengthNorms(meta.lengths, meta.docCount || 0, meta.b);
        return meta;
      });
    }

    function search(query, options) {
      options = options || {};
      var groups = parseQuery(query);
      return loadMeta().then(function (meta) {
        var empty = { total: 0, results: [], facets: emptyFacets() };
        if (!groups.length || !meta.docCount) return empty;
        var first = meta.termShards, needed = new Set();
        function add(i) { if (i >= 0) needed.add(i); }
        groups.forEach(function (g) {
          if (g.kind === 'term') {
            if (g.prefix && !narrowPrefix(g.term)) shardsWithPrefix(g.term, first).forEach(add);
            else add(shardOfTerm(g.term, first));
          } else {
            g.bigrams.forEach(function (t) { add(shardOfTerm(t, first)); });
            // The adjacency bonus reads the `~` terms starting with the piece without its last syllable
            // (which include those starting with the whole piece).
            if (g.piece.length >= 3) shardsWithPrefix('~' + g.piece.slice(0, -1), first).forEach(add);
          }
        });
        var list = Array.from(needed);
        return Promise.all(list.map(function (i) { return load(termFile(i), prepareShard); })).then(function (loaded) {
          var shards = new Map();
          list.forEach(function (i, k) { shards.set(i, loaded[k]); });
          return rank(meta, groups, shards, options);
        });
      });
    }

    function rank(meta, groups, shards, options) {
      var N = meta.docCount, k1 = meta.k1;
      function postings(term) {
        var shard = shards.get(shardOfTerm(term, meta.termShards));
        if (!shard || !shard.raw.has(term)) return [];
        if (!shard.decoded.has(term)) shard.decoded.set(term, decodePostings(shard.raw.get(term), N));
        return shard.decoded.get(term);
      }
      // BM25 (§4): w = c / norm(d), the count normalised by the document's length; idf · w(k1 + 1) / (w + k1).
      function bm25(p, j, idf) {
        var w = p[j + 1] / meta.norms[p[j]];
        return idf * w * (k1 + 1) / (w + k1);
      }
      function idfOf(p) {
        var df = p.length / 2;
        return Math.log(1 + (N - df + 0.5) / (df + 0.5));
      }
      function prefixTerms(prefix) {
        var out = [];
        shardsWithPrefix(prefix, meta.termShards).forEach(function (i) {
          var shard = shards.get(i);
          if (shard) out.push.apply(out, withPrefix(shard, prefix));
        });
        return out;
      }

      // Per group: Map document index -> group score, for the documents satisfying it.
      var scored = groups.map(function (g) {
        var out = new Map(), j, p, idf;
        if (g.kind === 'term') {
          var terms = g.prefix && !narrowPrefix(g.term) ? prefixTerms(g.term) : [g.term];
          terms.forEach(function (t) {
            p = postings(t); idf = idfOf(p);
            for (j = 0; j < p.length; j += 2) {
              var s = bm25(p, j, idf);
              if (!out.has(p[j]) || s > out.get(p[j])) out.set(p[j], s);
            }
          });
          return out;
        }
        var count = new Map(), sum = new Map();
        g.bigrams.forEach(function (t) { // duplicate bigrams count once per position
          p = postings(t); idf = idfOf(p);
          for (j = 0; j < p.length; j += 2) {
            count.set(p[j], (count.get(p[j]) || 0) + 1);
            sum.set(p[j], (sum.get(p[j]) || 0) + bm25(p, j, idf));
          }
        });
        var full = new Set(), stem = new Set();
        if (g.piece.length >= 3) {
          prefixTerms('~' + g.piece).forEach(function (t) { var q = postings(t); for (j = 0; j < q.length; j += 2) full.add(q[j]); });
          prefixTerms('~' + g.piece.slice(0, -1)).forEach(function (t) { var q = postings(t); for (j = 0; j < q.length; j += 2) stem.add(q[j]); });
        }
        count.forEach(function (c, d) {
          if (c >= g.need) out.set(d, sum.get(d) + (full.has(d) ? 2 : stem.has(d) ? 1 : 0));
        });
        return out;
      });

      // AND over groups; the score is the sum in group order, rounded to 6 decimals.
      var matches = [];
      scored[0].forEach(function (_, d) {
        var total = 0;
        for (var i = 0; i < scored.length; i++) {
          if (!scored[i].has(d)) return;
          total += scored[i].get(d);
        }
        matches.push({ index: d, score: Math.round(total * 1e6) / 1e6 });
      });

      var counts = {};
      FACETS.forEach(function (f) { counts[f] = new Map(); });
      matches.forEach(function (m) {
        var v = docValues(meta, m.index);
        FACETS.forEach(function (f) {
          v[f].forEach(function (name) { counts[f].set(name, (counts[f].get(name) || 0) + 1); });
        });
      });
      var facets = facetObjects(meta, counts);

      var filters = options.filters || {};
      var kept = matches.filter(function (m) {
        var v = docValues(meta, m.index);
        return FACETS.every(function (f) {
          var sel = filters[f];
          if (!Array.isArray(sel) || !sel.length) return true;
          return v[f].some(function (name) { return sel.indexOf(name) >= 0; });
        });
      });
      kept.sort(function (x, y) { return y.score - x.score || x.index - y.index; });

      var limit = options.limit == null ? kept.length : Math.max(0, options.limit);
      var page = kept.slice(0, limit);
      var D = meta.docShardSize;
      var shardNames = Array.from(new Set(page.map(function (m) { return 'docs-' + pad3(Math.floor(m.index / D)); })));
      return Promise.all(shardNames.map(function (n) { return load(n); })).then(function (loaded) {
        var byName = {};
        shardNames.forEach(function (n, i) { byName[n] = loaded[i]; });
        return {
          total: kept.length,
          results: page.map(function (m) {
            var docs = byName['docs-' + pad3(Math.floor(m.index / D))];
            return { index: m.index, score: m.score, doc: docs[m.index % D] };
          }),
          facets: facets
        };
      });
    }

    return { search: search, meta: loadMeta };
  }

  function emptyFacets() { return { kind: {}, system: {}, severity: {}, engagement: {} }; }

  // The facet values of document i, by name (§3 facet table); none for a missing or malformed code.
  var NO_FACETS = { kind: [], severity: [], system: [], engagement: [] };
  function docValues(meta, i) {
    var code = i >= 0 && i < meta.rows.length ? meta.rows[i] : -1;
    return code >= 0 && code < meta.sets.length ? meta.sets[code] : NO_FACETS;
  }

  // Facet objects {name: count}, values in the order of the meta lists. Names come from the index:
  // defineProperty keeps a name like "__proto__" an ordinary own property.
  function facetObjects(meta, counts) {
    var lists = { kind: meta.kinds, system: meta.systems, severity: meta.severities, engagement: meta.engagements };
    var out = emptyFacets();
    FACETS.forEach(function (f) {
      (lists[f] || []).forEach(function (name) {
        if (counts[f].has(name)) {
          Object.defineProperty(out[f], name, { value: counts[f].get(name), enumerable: true, writable: true, configurable: true });
        }
      });
    });
    return out;
  }

  /* ---------- Highlighting and snippets ---------- */

  // The strings to highlight for a query, normalized, longest first: each word (trimmed of
  // non-letters), its Hangul pieces and their stems (piece minus its last syllable when it has
  // three or more), and its W pieces outside identifiers and identifiers. Single ASCII letters or
  // digits are left out: they would mark half the page.
  function highlightTerms(query) {
    var seen = new Set();
    function add(s) {
      if (!s) return;
      if (codePointLength(s) < 2 && /^[\x00-\x7f]$/.test(s)) return;
      seen.add(s);
    }
    splitWords(query == null ? '' : query).forEach(function (word) {
      add(normalize(word).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''));
      analyse(word).forEach(function (item) {
        if (item.type === 'h') {
          // The piece and its prefixes down to two syllables, so that `커넥션풀이` still marks
          // `커넥션` where the text has it; matching prefers the longest.
          for (var k = item.text.length; k >= 2; k--) add(item.text.slice(0, k));
          if (item.text.length === 1) add(item.text);
        } else if (item.type === 'id' || !item.inIdentifier) {
          add(item.text);
        }
      });
    });
    return Array.from(seen).sort(function (a, b) { return b.length - a.length || (a < b ? -1 : 1); });
  }

  // A user-perceived unit that is normalized on its own: a conjoining-jamo syllable, a Hangul
  // syllable with a trailing jamo, or any code point, each with its combining marks.
  var CLUSTER = /(?:[\u1100-\u115F\uA960-\uA97C]+[\u1160-\u11A7\uD7B0-\uD7C6]*[\u11A8-\u11FF\uD7CB-\uD7FB]*|[\uAC00-\uD7A3][\u11A8-\u11FF\uD7CB-\uD7FB]*|[\s\S])\p{M}*/gu;

  // Ranges [start, end) of the original text where needles occur, compared after NFKC and
  // lowercasing; leftmost, then longest, non-overlapping, in order.
  function findMatches(text, needles) {
    text = String(text == null ? '' : text);
    if (!text || !needles || !needles.length) return [];
    var norm = '', from = [], to = [], m;
    CLUSTER.lastIndex = 0;
    while ((m = CLUSTER.exec(text))) {
      var n = normalize(m[0]);
      for (var i = 0; i < n.length; i++) { from.push(m.index); to.push(m.index + m[0].length); }
      norm += n;
    }
    var found = [];
    needles.forEach(function (needle, rank) {
      if (!needle) return;
      for (var at = norm.indexOf(needle); at >= 0; at = norm.indexOf(needle, at + 1)) {
        found.push({ start: at, end: at + needle.length, rank: rank });
      }
    });
    found.sort(function (x, y) { return x.start - y.start || (y.end - y.start) - (x.end - x.start) || x.rank - y.rank; });
    var out = [], reach = 0;
    found.forEach(function (f) {
      if (f.start < reach) return;
      reach = f.end;
      var s = from[f.start], e = to[f.end - 1], prev = out[out.length - 1];
      if (prev && s <= prev[1]) prev[1] = Math.max(prev[1], e); // clusters may overlap
      else out.push([s, e]);
    });
    return out;
  }

  function isLowSurrogate(text, i) {
    var c = text.charCodeAt(i);
    return c >= 0xDC00 && c <= 0xDFFF;
  }

  // An excerpt of at most maxLength characters (plus ellipses) around the first match, as
  // segments {text, mark}; the caller renders them as text, never as HTML.
  function snippet(text, query, maxLength) {
    text = String(text == null ? '' : text);
    maxLength = maxLength > 0 ? maxLength : 200;
    if (!text) return [];
    var matches = findMatches(text, highlightTerms(query));
    var start = 0, end = text.length;
    if (text.length > maxLength) {
      var anchor = matches[0];
      if (anchor) {
        end = Math.min(text.length, Math.max(0, anchor[0] - Math.floor(maxLength / 3)) + maxLength);
        start = Math.max(0, end - maxLength);
      } else {
        end = maxLength;
      }
      // Cut at whitespace when there is some near the edges, keeping the first match inside.
      if (start > 0) {
        var k = text.slice(start, anchor ? Math.min(anchor[0], start + 20) : start + 20).search(/\s/);
        if (k >= 0) start += k + 1;
      }
      if (end < text.length) {
        var lo = Math.max(anchor ? anchor[1] : 0, end - 20);
        var k2 = text.slice(lo, end).search(/\s\S*$/);
        if (k2 >= 0) end = lo + k2;
      }
      if (isLowSurrogate(text, start)) start++;
      if (isLowSurrogate(text, end)) end--;
    }
    var segments = [];
    function push(s, mark) {
      if (!s) return;
      var last = segments[segments.length - 1];
      if (last && last.mark === mark) last.text += s; else segments.push({ text: s, mark: mark });
    }
    if (start > 0) push('…', false);
    var at = start;
    matches.forEach(function (r) {
      var s = Math.max(r[0], start), e = Math.min(r[1], end);
      if (s >= e) return;
      push(text.slice(at, s), false);
      push(text.slice(s, e), true);
      at = e;
    });
    push(text.slice(at, end), false);
    if (end < text.length) push('…', false);
    return segments;
  }

  /* ---------- Browser loading of the index files ---------- */

  // The index files call DossierSearchIndex.register(name, json). Files registered before anyone
  // asked for them (a page may include them statically) are kept until asked for.
  var registered = new Map(), waiting = new Map();
  var registry = root.DossierSearchIndex || {};
  registry.register = function (name, json) {
    var w = waiting.get(name);
    if (w) { waiting.delete(name); w.resolve(json); } else registered.set(name, json);
  };
  root.DossierSearchIndex = registry;

  function scriptLoader(baseUrl) {
    var pending = new Map();
    return function loadFile(name) {
      if (pending.has(name)) return pending.get(name);
      var p = new Promise(function (resolve, reject) {
        if (registered.has(name)) { resolve(registered.get(name)); registered.delete(name); return; }
        var src = baseUrl + name + '.js';
        waiting.set(name, { resolve: resolve });
        var script = document.createElement('script');
        script.src = src;
        script.async = true;
        script.addEventListener('error', function () {
          waiting.delete(name);
          reject(new Error('Could not load the search index file ' + src + '.'));
        });
        // A classic script runs before its load event: still waiting means it did not register.
        script.addEventListener('load', function () {
          if (waiting.has(name)) {
            waiting.delete(name);
            reject(new Error('The search index file ' + src + ' did not register "' + name + '".'));
          }
        });
        (document.head || document.documentElement).appendChild(script);
      });
      pending.set(name, p);
      return p;
    };
  }

  var api = {
    SCHEMA: SCHEMA,
    MAX_TOKEN: MAX_TOKEN,
    normalize: normalize,
    tokenize: tokenize,
    hangulWords: hangulWords,
    splitWords: splitWords,
    parseQuery: parseQuery,
    compareCodePoints: compareCodePoints,
    shardOfTerm: shardOfTerm,
    shardsWithPrefix: shardsWithPrefix,
    decodeFacetCodes: decodeFacetCodes,
    decodePostings: decodePostings,
    decodeNumbers: decodeNumbers,
    lengthNorms: lengthNorms,
    createEngine: createEngine,
    highlightTerms: highlightTerms,
    findMatches: findMatches,
    snippet: snippet,
    scriptLoader: scriptLoader
  };
  root.DossierSearch = api;
  if (typeof module === 'object' && module.exports) module.exports = api;
})(typeof window !== 'undefined' ? window : globalThis);
