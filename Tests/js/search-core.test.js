// node --test Tests/js/ — the JavaScript search engine against the shared vectors of SPEC.md.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const repo = path.resolve(__dirname, '..', '..');
const Search = require(path.join(repo, 'Templates/kb/search-core.js'));
const vectors = JSON.parse(fs.readFileSync(path.join(repo, 'Tests/Fixtures/search-vectors.json'), 'utf8'));
const fixtureIndex = path.join(repo, 'Tests/Fixtures/search-index');

// Runs an index file as the browser would (a classic script) and returns what it registered.
function runIndexFile(file) {
  const registered = [];
  const context = { DossierSearchIndex: { register: (name, json) => registered.push({ name, json }) } };
  vm.runInNewContext(fs.readFileSync(file, 'utf8'), context, { filename: file });
  assert.equal(registered.length, 1, `${file} registers exactly once`);
  return registered[0];
}

// A postings string (SPEC.md §3) of the numbers gap, q, gap, q, …, written from the SPEC's text:
// ⌊n / 45⌋ in base 44 as continuing digits (45 + value), then n mod 45 as the final digit.
const DIGITS = "!#$%'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
function postings(numbers) {
  return numbers.map((n) => {
    let out = DIGITS[n % 45];
    for (let rest = Math.floor(n / 45); rest > 0; rest = Math.floor(rest / 44)) out = DIGITS[45 + (rest % 44)] + out;
    return out;
  }).join('');
}

// loadFile(name) over a folder of index files; records the names loaded.
function folderLoader(dir, loaded = []) {
  return async (name) => {
    loaded.push(name);
    const { name: registeredName, json } = runIndexFile(path.join(dir, name + '.js'));
    assert.equal(registeredName, name);
    return json;
  };
}

test('vectors describe schema 5', () => {
  assert.equal(vectors.schema, 5);
  assert.equal(Search.SCHEMA, 5);
  assert.ok(vectors.tokenizer.length >= 35);
  assert.ok(vectors.queries.length >= 15);
});

test('tokenizer vectors', () => {
  for (const v of vectors.tokenizer) {
    assert.deepEqual(Search.tokenize(v.input), v.tokens, `tokenize(${JSON.stringify(v.input)})`);
  }
});

test('hangulWords vectors', () => {
  for (const v of vectors.hangulWords) {
    assert.deepEqual(Search.hangulWords(v.input), v.words, `hangulWords(${JSON.stringify(v.input)})`);
  }
});

test('parseQuery: groups, typing prefix and Hangul thresholds', () => {
  const groups = Search.parseQuery('디스크를 커넥션풀이 풀 ora-01555 max_conn');
  assert.deepEqual(groups.map((g) => g.kind === 'term' ? [g.term, g.prefix] : [g.bigrams, g.need]), [
    [['디스', '스크', '크를'], 2],
    [['커넥', '넥션', '션풀', '풀이'], 2],
    ['풀', true],
    ['ora-01555', false],
    ['max_conn', true],
  ]);
  assert.equal(Search.parseQuery('max_conn ')[0].prefix, false, 'a trailing space ends typing');
  assert.equal(Search.parseQuery('max_conn\u3000')[0].prefix, false, 'ideographic space is whitespace');
  assert.equal(Search.parseQuery('cpu사용')[0].prefix, false, 'only the last group of the last word');
  assert.equal(Search.parseQuery('ab, cd').length, 2);
  assert.deepEqual(Search.parseQuery('!!! ...'), []);
  assert.deepEqual(Search.parseQuery(''), []);
  assert.deepEqual(Search.parseQuery('x'.repeat(41)), [], 'dropped tokens make no group');
});

test('query vectors over Tests/Fixtures/search-index', async () => {
  const engine = Search.createEngine(folderLoader(fixtureIndex));
  for (const v of vectors.queries) {
    const label = `search(${JSON.stringify(v.query)}${v.filters ? ', ' + JSON.stringify(v.filters) : ''})`;
    const res = await engine.search(v.query, { filters: v.filters || {} });
    assert.deepEqual(res.results.map((r) => r.doc.id), v.ids, label);
    assert.equal(res.total, v.total, label + ' total');
    if (v.scores) {
      res.results.forEach((r, i) => assert.ok(Math.abs(r.score - v.scores[i]) < 1e-6, `${label} score ${r.score} ≠ ${v.scores[i]}`));
    }
    if (v.facets) assert.deepEqual(res.facets, v.facets, label + ' facets');
  }
});

test('limit keeps the total and loads only the doc shards it needs', async () => {
  const loaded = [];
  const engine = Search.createEngine(folderLoader(fixtureIndex, loaded));
  const res = await engine.search('oracle', { limit: 1 });
  assert.equal(res.total, 2);
  assert.deepEqual(res.results.map((r) => r.doc.id), ['KB-001']);
  assert.ok(loaded.includes('docs-001') && !loaded.includes('docs-000'), loaded.join());
  const again = await engine.search('oracle', { limit: 1 });
  assert.equal(again.results[0].index, 5);
  assert.equal(loaded.filter((n) => n === 'meta').length, 1, 'files are cached');
});

test('an index of another schema is refused', async () => {
  for (const schema of [1, 2, 3, 4]) {
    const engine = Search.createEngine(async (name) => (name === 'meta' ? { schema, docCount: 0, termShards: 3, docs: '' } : {}));
    await assert.rejects(engine.search('disk'), (err) => {
      assert.equal(err.message, `This knowledge base index uses schema ${schema}; this page understands schema 5 — ` +
        'rebuild the knowledge base with the same Dossier version.');
      assert.equal(err.code, 'schema');
      return true;
    });
  }
  const none = Search.createEngine(async () => ({ docCount: 1 }));
  await assert.rejects(none.search('disk'), /uses schema undefined; this page understands schema 5/);
});

test('a failing index load rejects', async () => {
  const engine = Search.createEngine(async () => { throw new Error('missing file'); });
  await assert.rejects(engine.search('disk'), /missing file/);
});

test('"constructor" and other prototype names are ordinary terms', async () => {
  const engine = Search.createEngine(folderLoader(fixtureIndex));
  assert.equal((await engine.search('constructor ')).total, 0);
  assert.equal((await engine.search('tostring ')).total, 0);
  // Facet names are data too.
  const meta = { schema: 5, docCount: 1, k1: 1.2, b: 0.75, termShards: ['constructor'], docShardSize: 4, kinds: ['finding'],
    systems: ['__proto__', 'constructor'], severities: [], engagements: ['toString'], facetSets: [[0, -1, 0, [0, 1]]], facetWidth: 1, docs: '!',
    lengths: postings([3]) };
  const tiny = Search.createEngine(async (n) => (n === 'meta' ? meta : n === 'terms-000' ? { constructor: postings([0, 10000]) } : [{ id: 'X' }]));
  const res = await tiny.search('constructor');
  assert.deepEqual(res.results.map((r) => r.doc.id), ['X']);
  assert.deepEqual(Object.keys(res.facets.system), ['__proto__', 'constructor']);
  assert.equal(Object.getPrototypeOf(res.facets.system), Object.prototype);
  assert.deepEqual((await tiny.search('x', { filters: { system: ['__proto__'] } })).facets.engagement, {});
});

// The fixture's source: the documents and the byte budget make-search-index.py wrote it with.
const fixtureSource = JSON.parse(fs.readFileSync(path.join(repo, 'Tests/Fixtures/search-documents.json'), 'utf8'));

// The fixture index, every file run as a script: name -> registered JSON, and name -> source text.
function readFixture() {
  const byName = {}, sources = {};
  for (const f of fs.readdirSync(fixtureIndex).filter((f) => f.endsWith('.js'))) {
    sources[f.slice(0, -3)] = fs.readFileSync(path.join(fixtureIndex, f), 'utf8');
    // Plain objects of this realm (the script ran in another context), so deepEqual compares values.
    byName[f.slice(0, -3)] = JSON.parse(JSON.stringify(runIndexFile(path.join(fixtureIndex, f)).json));
  }
  return { byName, sources };
}

test('index files: exact script form, escaped, and the hostile title stays text', () => {
  const { byName, sources } = readFixture();
  const meta = byName.meta;
  const termFiles = meta.termShards.map((_, i) => 'terms-' + String(i).padStart(3, '0'));
  assert.ok(termFiles.length >= 5, 'the fixture has several term shards');
  assert.deepEqual(Object.keys(byName).sort(), ['docs-000', 'docs-001', 'meta', ...termFiles].sort());
  for (const [name, source] of Object.entries(sources)) {
    assert.match(source, new RegExp(`^DossierSearchIndex\\.register\\("${name}", [\\s\\S]*\\);\\n$`));
    assert.doesNotMatch(source, /[<>&\u2028\u2029]/, `${name} escapes < > & U+2028 U+2029`);
  }
  const docs = byName['docs-000'].concat(byName['docs-001']);
  const hostile = docs.find((d) => d.id === 'KB-002');
  assert.equal(hostile.title, '</script><script>alert(1)</script>');
  assert.ok(hostile.text.includes('"><img src=x onerror=alert(2)>'));
  assert.equal(meta.schema, 5);
  assert.deepEqual(Search.decodeNumbers(meta.lengths).length, meta.docCount, "one length per document");
  assert.equal(meta.docCount, fixtureSource.documents.length);
  assert.equal(byName['docs-000'].length, meta.docShardSize);
});

// The third implementation: make-search-index.py, run over search-documents.json, writes exactly
// these files (and swift test checks that IndexWriter does too).
const python = require('node:child_process').spawnSync('python3', ['--version']).status === 0;
test('the fixture index is what make-search-index.py writes', { skip: !python && 'python3 is missing' }, () => {
  const run = require('node:child_process').spawnSync('python3', [path.join(repo, 'Tests/Fixtures/make-search-index.py'), '--check'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr + run.stdout);
});

// SPEC.md §3: FNV-1a, 64 bits, of a term's UTF-8 bytes; an anchor's is divisible by 64.
function isAnchor(term) {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(term, 'utf8')) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h % 64n === 0n;
}

test('term shards: sorted ranges starting at their listed first terms, at the anchors and by the byte budget', () => {
  const { byName, sources } = readFixture();
  const first = byName.meta.termShards;
  const budget = fixtureSource.shardBudget;
  for (let i = 1; i < first.length; i++) assert.ok(Search.compareCodePoints(first[i - 1], first[i]) < 0, 'first terms ascend');
  const entrySizes = [];
  first.forEach((start, i) => {
    const name = 'terms-' + String(i).padStart(3, '0');
    // Entries in the order written: the raw text, one `"term":"…"` per line.
    const body = sources[name].slice(sources[name].indexOf('{') + 1, sources[name].lastIndexOf('}'));
    const entries = body.split(',\n');
    const terms = entries.map((e) => JSON.parse(e.slice(0, e.indexOf('":"') + 1)));
    assert.deepEqual(terms.slice().sort(Search.compareCodePoints), terms, `${name} is in code point order`);
    assert.deepEqual(terms.slice().sort(), Object.keys(byName[name]).sort());
    assert.equal(terms[0], start, `${name} starts at termShards[${i}]`);
    for (const term of terms) {
      assert.equal(Search.shardOfTerm(term, first), i, `${term} is found in ${name}`);
      const text = byName[name][term];
      assert.equal(typeof text, 'string');
      assert.match(text, /^[!#-%'-;=?-[\]-~]+$/, `${term}: digits only`);
      const pairs = Search.decodePostings(text, byName.meta.docCount); // documents (running sums) and counts
      assert.ok(pairs.length >= 2 && pairs.length % 2 === 0);
      const numbers = pairs.map((n, j) => (j % 2 === 0 && j > 0 ? n - pairs[j - 2] : n));
      assert.equal(postings(numbers), text, `${term}: every character is read, each number in its shortest form`);
      for (let j = 2; j < numbers.length; j += 2) assert.ok(numbers[j] >= 1, `${term}: gaps are positive`);
      for (let j = 1; j < numbers.length; j += 2) assert.ok(numbers[j] > 0, `${term}: positive counts`);
      if (isAnchor(term) && term !== first[0]) assert.equal(term, start, `${term}: an anchor starts a shard`);
    }
    entrySizes.push(entries.map((e) => Buffer.byteLength(e) + 2));
  });
  let anchors = 0;
  entrySizes.forEach((sizes, i) => {
    const total = sizes.reduce((a, b) => a + b, 0);
    assert.ok(total <= budget || sizes.length === 1, `shard ${i} (${total} bytes) keeps to the budget ${budget}`);
    if (i + 1 < entrySizes.length && isAnchor(first[i + 1])) anchors++;
    else if (i + 1 < entrySizes.length) assert.ok(total + entrySizes[i + 1][0] > budget, `shard ${i} is cut only at an anchor or when the next entry does not fit`);
  });
  assert.ok(anchors >= 1, 'the fixture has a shard cut at an anchor');
  // What the vectors then cover: prefix queries over two shards.
  const holding = (prefix) => first.map((_, i) => i).filter((i) => Object.keys(byName['terms-' + String(i).padStart(3, '0')]).some((t) => t.startsWith(prefix)));
  assert.deepEqual(holding('풀').length, 2, '풀 and 풀이 lie in two shards');
  assert.deepEqual(holding('~디스크').length, 2, '~디스크 and ~디스크를 lie in two shards');
  assert.deepEqual(Search.shardsWithPrefix('풀', first), holding('풀'));
  assert.deepEqual(Search.shardsWithPrefix('~디스크', first), holding('~디스크'));
});

test('facet table: one code per document, decoded to the documents\' facet values', async () => {
  const { byName } = readFixture();
  const meta = byName.meta;
  assert.equal(meta.docs.length, meta.docCount * meta.facetWidth);
  const codes = Search.decodeFacetCodes(meta.docs, meta.facetWidth, meta.docCount);
  fixtureSource.documents.forEach((d, i) => {
    const [kind, severity, engagement, systems] = meta.facetSets[codes[i]];
    assert.equal(meta.kinds[kind], d.kind);
    assert.equal(severity < 0 ? null : meta.severities[severity], d.severity);
    assert.equal(meta.engagements[engagement], d.engagement);
    assert.deepEqual(systems.map((k) => meta.systems[k]), d.systems);
  });
  // Width 2: base 89, most significant digit first; malformed or missing codes decode to −1.
  const digits = "!#$%'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
  assert.equal(digits.length, 89);
  assert.deepEqual(Array.from(Search.decodeFacetCodes('!!!#~~#!', 2, 5)), [0, 1, 88 * 89 + 88, 89, -1]);
  assert.deepEqual(Array.from(Search.decodeFacetCodes('!"\\<é0', 1, 6)), [0, -1, -1, -1, -1, 13]);
  assert.deepEqual(Array.from(Search.decodeFacetCodes(undefined, 1, 2)), [-1, -1]);
  // A document whose code names no facet set counts in no facet, and a filter drops it.
  const index = {
    meta: { schema: 5, docCount: 3, k1: 1.2, b: 0.75, docShardSize: 10, termShards: ['x'], kinds: ['finding', 'incident'], systems: ['db', 'was'],
      severities: ['high'], engagements: ['e'], facetSets: [[0, 0, 0, [1, 0]], [1, -1, 0, []]], facetWidth: 2, docs: '!#!!~~', lengths: postings([5, 5, 5]) },
    'terms-000': { x: postings([0, 10000, 1, 10000, 1, 10000]) },
    'docs-000': [{ id: 'A' }, { id: 'B' }, { id: 'C' }],
  };
  const engine = Search.createEngine(async (n) => index[n]);
  const res = await engine.search('x ');
  assert.equal(res.total, 3);
  assert.deepEqual(res.facets, { kind: { finding: 1, incident: 1 }, system: { db: 1, was: 1 }, severity: { high: 1 }, engagement: { e: 2 } });
  assert.deepEqual((await engine.search('x ', { filters: { kind: ['incident'] } })).results.map((r) => r.doc.id), ['A']);
});

test('postings strings: the SPEC\'s examples, pairs summed into documents, malformed tails dropped', () => {
  // §3's examples: 0 → !, 1 → #, 44 → Q, 45 → S!, 1979 → ~Q, 1980 → SR!, 10000 → WT-.
  assert.equal(postings([0, 1, 44, 45, 1979, 1980, 10000]), '!#QS!~QSR!WT-');
  assert.deepEqual(Search.decodeNumbers('!#QS!~QSR!WT-'), [0, 1, 44, 45, 1979, 1980, 10000]);
  assert.deepEqual(Search.decodePostings('!#QS!~QSR!', 3000), [0, 1, 44, 45, 2023, 1980]);
  assert.deepEqual(Search.decodePostings('!#QS!~QSR!WT-', 3000), [0, 1, 44, 45, 2023, 1980], 'an odd number leaves an unfinished pair');
  assert.deepEqual(Search.decodePostings('!#QS!~QSR!', 2023), [0, 1, 44, 45], 'a document beyond docCount ends the list');
  for (const n of [0, 44, 45, 88, 1979, 1980, 87119, 87120, 3833279, 3833280, 123456789]) {
    assert.deepEqual(Search.decodePostings(postings([n, n]), Infinity), [n, n], String(n));
  }
  assert.deepEqual(Search.decodePostings('WT-', 10), [], 'an unfinished pair is dropped');
  assert.deepEqual(Search.decodePostings('#WT-#W', 10), [1, 10000], 'so is an unfinished number');
  assert.deepEqual(Search.decodePostings('#WT-"#WT-', 10), [1, 10000], 'reading stops at a character that is not a digit');
  assert.deepEqual(Search.decodePostings('#WT-é#WT-', 10), [1, 10000]);
  assert.deepEqual(Search.decodePostings('~'.repeat(40) + '!#WT-', 10), [], 'a number beyond 2^40 ends the list');
  // 2^40 itself is read; one more is not.
  assert.deepEqual(Search.decodePostings(postings([1, 1099511627776]), 10), [1, 1099511627776]);
  assert.deepEqual(Search.decodePostings(postings([1, 1099511627777, 1, 1]), 10), []);
  assert.deepEqual(Search.decodePostings([0, 10000], 10), [], 'schema 3 arrays are not postings strings');
});

test('length norms: (1 − b) + b·dl/avgdl, avgdl the mean of meta.js\'s lengths', () => {
  assert.deepEqual(Search.lengthNorms(postings([10, 30]), 2, 0.75), [0.25 + 0.75 * 10 / 20, 0.25 + 0.75 * 30 / 20]);
  assert.deepEqual(Search.lengthNorms(postings([10]), 2, 0.75), [0.25 + 0.75 * 10 / 5, 0.25], 'a missing length is 0');
  assert.deepEqual(Search.lengthNorms('', 2, 0.75), [0.25, 0.25], 'avgdl 1 when every length is 0');
  assert.deepEqual(Search.lengthNorms(postings([4, 4, 9]), 2, 0.75), [1, 1], 'lengths beyond docCount are ignored');
});

test('code point order: supplementary characters sort after U+FFFF, unlike JavaScript <', () => {
  const astral = '\u{20000}'; // CJK Extension B: a letter, so a word term
  assert.ok(astral < '\uFFFD', 'UTF-16 order puts it first');
  assert.ok(Search.compareCodePoints(astral, '\uFFFD') > 0);
  assert.ok(Search.compareCodePoints('\uFFFD', astral) < 0);
  assert.ok(Search.compareCodePoints('a' + astral, 'a\uE000') > 0);
  assert.ok(Search.compareCodePoints('\u{20000}', '\u{20001}') < 0);
  assert.ok(Search.compareCodePoints('ab', 'abc') < 0 && Search.compareCodePoints('abc', 'abc') === 0 && Search.compareCodePoints('b', 'abc') > 0);
  assert.deepEqual(['~가', '\u{20000}', 'z', '가', '\uFFFD', '0'].sort(Search.compareCodePoints), ['0', 'z', '~가', '가', '\uFFFD', '\u{20000}']);
  const first = ['a', '\uFFFD', astral];
  assert.equal(Search.shardOfTerm('\uFFFE', first), 1);
  assert.equal(Search.shardOfTerm('\u{20001}', first), 2);
});

test('range lookup: the last shard whose first term is ≤ the term, and the shards a prefix needs', () => {
  const first = ['0', 'db01', 'f-002', 'f-003x', 'g', '~디스크를', '풀이'];
  assert.equal(Search.shardOfTerm('', first), -1);
  assert.equal(Search.shardOfTerm('/', first), -1, 'sorts before every shard: no shard, nothing to load');
  assert.equal(Search.shardOfTerm('0', first), 0);
  assert.equal(Search.shardOfTerm('db0', first), 0, 'just before a boundary');
  assert.equal(Search.shardOfTerm('db01', first), 1, 'a first term is in its own shard');
  assert.equal(Search.shardOfTerm('f-001', first), 1);
  assert.equal(Search.shardOfTerm('f-0029', first), 2);
  assert.equal(Search.shardOfTerm('zzz', first), 4);
  assert.equal(Search.shardOfTerm('~디스크', first), 4);
  assert.equal(Search.shardOfTerm('풀', first), 5);
  assert.equal(Search.shardOfTerm('풀이다', first), 6);
  assert.deepEqual(Search.shardsWithPrefix('f-00', first), [1, 2, 3], 'a prefix over three shards');
  assert.deepEqual(Search.shardsWithPrefix('f-003', first), [2, 3]);
  assert.deepEqual(Search.shardsWithPrefix('f-003x', first), [3]);
  assert.deepEqual(Search.shardsWithPrefix('~디스크', first), [4, 5]);
  assert.deepEqual(Search.shardsWithPrefix('풀', first), [5, 6]);
  assert.deepEqual(Search.shardsWithPrefix('x', first), [4]);
  assert.deepEqual(Search.shardsWithPrefix('', first), [0, 1, 2, 3, 4, 5, 6], 'the empty prefix: every shard');
  assert.deepEqual(Search.shardsWithPrefix('!', ['!a', '!b', 'c']), [0, 1], 'no shard of the prefix itself, then the shards it starts');
  assert.deepEqual(Search.shardsWithPrefix('x', []), []);
  assert.equal(Search.shardOfTerm('x', []), -1);
});

// The fixture's shards merged into one: the same index as far as ranking goes.
function mergedFixture() {
  const { byName } = readFixture();
  const merged = {};
  byName.meta.termShards.forEach((_, i) => Object.assign(merged, byName['terms-' + String(i).padStart(3, '0')]));
  const files = { ...byName, meta: { ...byName.meta, termShards: [byName.meta.termShards[0]] }, 'terms-000': merged };
  return async (name) => files[name];
}

test('sharding changes no result: every vector over the fixture and over its shards merged into one', async () => {
  const loaded = [];
  const sharded = Search.createEngine(folderLoader(fixtureIndex, loaded));
  const single = Search.createEngine(mergedFixture());
  const queries = vectors.queries.map((v) => [v.query, v.filters || {}]).concat(
    ['풀', '풀이', '커넥', 'f', 'f-00', 'ora', 'set', 's', '~', '~디스크', '디스크', 'was0', 'z', '가득'].map((q) => [q, {}]));
  for (const [query, filters] of queries) {
    const a = await sharded.search(query, { filters }), b = await single.search(query, { filters });
    assert.deepEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)), JSON.stringify(query));
  }
  // Prefix queries load both shards of their range: 풀 and 풀이, ~디스크 and ~디스크를 (the bonus).
  const meta = await sharded.meta();
  for (const [query, prefix] of [['풀', '풀'], ['디스크가 ', '~디스크']]) {
    loaded.length = 0;
    const fresh = Search.createEngine(folderLoader(fixtureIndex, loaded));
    await fresh.search(query);
    const expected = Search.shardsWithPrefix(prefix, meta.termShards).map((i) => 'terms-' + String(i).padStart(3, '0'));
    assert.equal(expected.length, 2);
    for (const name of expected) assert.ok(loaded.includes(name), `${query} loads ${name}: ${loaded}`);
  }
});

test('an exact query loads one term shard; a term before every shard loads none', async () => {
  const loaded = [];
  const engine = Search.createEngine(folderLoader(fixtureIndex, loaded));
  await engine.search('ORA-01555 ', { limit: 0 });
  assert.deepEqual(loaded.filter((n) => n.startsWith('terms-')).length, 1, loaded.join());
  loaded.length = 0;
  const res = await engine.search('/ ', { limit: 0 });
  assert.equal(res.total, 0);
  assert.deepEqual(loaded.filter((n) => n.startsWith('terms-')), []);
});

test('a term larger than any budget is a shard of its own, and file numbers grow past three digits', async () => {
  // 1,001 documents, one per doc shard: document 1000 lives in docs-1000 (not docs-000).
  const n = 1001;
  const big = [];
  for (let d = 0; d < n; d += 2) big.push(d === 0 ? 0 : 2, 1 + d / 2); // every other document; counts grow with it
  const files = {
    meta: { schema: 5, docCount: n, k1: 1.2, b: 0.75, docShardSize: 1, termShards: ['a', 'big', 'bigger'], kinds: ['finding'], systems: [],
      severities: [], engagements: [], facetSets: [[0, -1, -1, []]], facetWidth: 1, docs: '!'.repeat(n), lengths: postings(new Array(n).fill(100)) },
    'terms-000': { a: postings([5, 10000]) },
    'terms-001': { big: postings(big) },
    'terms-002': { bigger: postings([1000, 30000]), biggest: postings([3, 10000, 997, 20000]) },
  };
  for (let d = 0; d < n; d++) files['docs-' + String(d).padStart(3, '0')] = [{ id: 'D' + d }];
  const loaded = [];
  const engine = Search.createEngine(async (name) => { loaded.push(name); return files[name]; });
  const res = await engine.search('big ', { limit: 3 });
  assert.equal(res.total, (n + 1) / 2);
  assert.deepEqual(res.results.map((r) => r.doc.id), ['D1000', 'D998', 'D996'], 'counts grow with the document index (one length for all)');
  assert.deepEqual(loaded.filter((name) => name.startsWith('terms-')), ['terms-001']);
  assert.ok(loaded.includes('docs-1000') && loaded.includes('docs-998') && !loaded.includes('docs-000'), loaded.join());
  loaded.length = 0;
  const typing = await engine.search('bigg', { limit: 0 });
  assert.equal(typing.total, 2, 'the prefix bigg reaches bigger and biggest, in the shard after the big one');
  assert.deepEqual(loaded.filter((name) => name.startsWith('terms-')), ['terms-002']);
  const exact = await engine.search('biggest ');
  assert.deepEqual(exact.results.map((r) => [r.index, r.doc.id]), [[1000, 'D1000'], [3, 'D3']]);
});

test('snippet marks the matched words and returns text segments only', () => {
  const text = 'Backup failed because 디스크가 가득 찼다. ORA-01555 again and ora-01555.';
  const segs = Search.snippet(text, '디스크를 ora-01555');
  assert.equal(segs.map((s) => s.text).join(''), text);
  assert.deepEqual(segs.filter((s) => s.mark).map((s) => s.text), ['디스크', 'ORA-01555', 'ora-01555']);
  for (const s of segs) assert.deepEqual(Object.keys(s).sort(), ['mark', 'text']);

  const hostile = '"><img src=x onerror=alert(1)> </script><script>alert(1)</script> alert';
  const h = Search.snippet(hostile, 'alert');
  assert.equal(h.map((s) => s.text).join(''), hostile, 'no escaping, no markup: the caller sets textContent');
  assert.deepEqual(h.filter((s) => s.mark).map((s) => s.text), ['alert', 'alert', 'alert']);
});

test('snippet: excerpt around the first match, ellipses, no match, empty text', () => {
  const filler = 'lorem ipsum dolor sit amet '.repeat(20);
  const text = filler + 'the MAX_CONNECTIONS setting ' + filler;
  const segs = Search.snippet(text, 'max_conn', 120);
  const joined = segs.map((s) => s.text).join('');
  assert.ok(joined.startsWith('…') && joined.endsWith('…'));
  assert.ok(joined.length <= 122, String(joined.length));
  assert.deepEqual(segs.filter((s) => s.mark).map((s) => s.text), ['MAX_CONN']);
  const none = Search.snippet(text, 'xyzzy', 50);
  assert.ok(none.every((s) => !s.mark));
  assert.ok(none[0].text.startsWith('lorem'));
  assert.deepEqual(Search.snippet('', 'x'), []);
});

test('snippet: NFKC and case-insensitive, positions in the original text', () => {
  const text = 'ＤＩＳＫ full on ﬁle server; Ⅻ';
  const segs = Search.snippet(text, 'disk file xii');
  assert.equal(segs.map((s) => s.text).join(''), text);
  assert.deepEqual(segs.filter((s) => s.mark).map((s) => s.text), ['ＤＩＳＫ', 'ﬁle', 'Ⅻ']);
  // Decomposed Hangul (NFD) is still found, and marked whole.
  const nfd = '오류: \u1103\u1175\u1109\u1173\u110f\u1173\u1100\u1161 가득';
  const m = Search.snippet(nfd, '디스크').filter((s) => s.mark).map((s) => s.text);
  assert.deepEqual(m, ['\u1103\u1175\u1109\u1173\u110f\u1173']);
});

test('highlightTerms: pieces, their prefixes and identifiers', () => {
  assert.deepEqual(Search.highlightTerms('디스크를 ORA-01555').sort(), ['ora-01555', '디스', '디스크', '디스크를'].sort());
  assert.ok(Search.highlightTerms('커넥션풀이').includes('커넥션'), 'a compound query still marks the word the text has');
  assert.deepEqual(Search.highlightTerms('a 풀'), ['풀'], 'single ASCII characters are not highlighted');
});

// DOSSIER_KB=<the knowledge base built from Examples/acecommerce-2026-q4> (make test sets it): the
// same queries and results that swift test checks with `dossier search`.
test('example knowledge base (DOSSIER_KB)', { skip: !process.env.DOSSIER_KB && 'DOSSIER_KB not set: run through make test' }, async () => {
  const kb = path.resolve(process.env.DOSSIER_KB);
  const engine = Search.createEngine(folderLoader(path.join(kb, 'search')));
  const meta = await engine.meta();
  assert.equal(meta.schema, Search.SCHEMA);
  const kbVectors = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'Fixtures', 'example-kb-vectors.json'), 'utf8'));
  assert.ok(kbVectors.queries.length >= 10);
  for (const v of kbVectors.queries) {
    const res = await engine.search(v.query, { filters: v.filters || {}, limit: v.top.length || 3 });
    const label = `search(${JSON.stringify(v.query)})`;
    assert.deepEqual(res.results.map((r) => r.doc.id).slice(0, v.top.length), v.top, label);
    assert.equal(res.total, v.total, label + ' total');
  }
});
