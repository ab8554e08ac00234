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

// loadFile(name) over a folder of index files; records the names loaded.
function folderLoader(dir, loaded = []) {
  return async (name) => {
    loaded.push(name);
    const { name: registeredName, json } = runIndexFile(path.join(dir, name + '.js'));
    assert.equal(registeredName, name);
    return json;
  };
}

test('vectors describe schema 2', () => {
  assert.equal(vectors.schema, 2);
  assert.equal(Search.SCHEMA, 2);
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
  const engine = Search.createEngine(async (name) => (name === 'meta' ? { schema: 1, docCount: 0, docs: [] } : {}));
  await assert.rejects(engine.search('disk'), (err) => {
    assert.equal(err.message, 'This knowledge base index uses schema 1; this page understands schema 2 — ' +
      'rebuild the knowledge base with the same Dossier version.');
    return true;
  });
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
  const meta = { schema: 2, docCount: 1, avgdl: 3, k1: 1.2, b: 0.75, termShards: 1, docShardSize: 4, kinds: ['finding'],
    systems: ['__proto__', 'constructor'], severities: [], engagements: ['toString'], docs: '0,-1,0,0.1' };
  const tiny = Search.createEngine(async (n) => (n === 'meta' ? meta : n === 'terms-000' ? { constructor: [0, 1] } : [{ id: 'X' }]));
  const res = await tiny.search('constructor');
  assert.deepEqual(res.results.map((r) => r.doc.id), ['X']);
  assert.deepEqual(Object.keys(res.facets.system), ['__proto__', 'constructor']);
  assert.equal(Object.getPrototypeOf(res.facets.system), Object.prototype);
  assert.deepEqual((await tiny.search('x', { filters: { system: ['__proto__'] } })).facets.engagement, {});
});

test('index files: exact script form, escaped, and the hostile title stays text', () => {
  const files = fs.readdirSync(fixtureIndex).filter((f) => f.endsWith('.js')).sort();
  assert.deepEqual(files, ['docs-000.js', 'docs-001.js', 'meta.js', 'terms-000.js', 'terms-001.js', 'terms-002.js']);
  const byName = {};
  for (const f of files) {
    const source = fs.readFileSync(path.join(fixtureIndex, f), 'utf8');
    const name = f.slice(0, -3);
    assert.match(source, new RegExp(`^DossierSearchIndex\\.register\\("${name}", [\\s\\S]*\\);\\n$`));
    assert.doesNotMatch(source, /[<>&\u2028\u2029]/, `${f} escapes < > & U+2028 U+2029`);
    byName[name] = runIndexFile(path.join(fixtureIndex, f)).json;
  }
  const meta = byName.meta;
  const docs = byName['docs-000'].concat(byName['docs-001']);
  const hostile = docs.find((d) => d.id === 'KB-002');
  assert.equal(hostile.title, '</script><script>alert(1)</script>');
  assert.ok(hostile.text.includes('"><img src=x onerror=alert(2)>'));

  // Structure of §3.
  assert.equal(meta.docs.split(';').length, meta.docCount);
  assert.equal(byName['docs-000'].length, meta.docShardSize);
  for (let s = 0; s < meta.termShards; s++) {
    for (const [term, postings] of Object.entries(byName['terms-00' + s])) {
      // §3: the key is the first syllable (Hangul) or the first two code points, without a `~`.
      const cps = Array.from(term[0] === '~' ? term.slice(1) : term);
      const first = cps[0].codePointAt(0);
      const key = first >= 0xAC00 && first <= 0xD7A3 ? cps.slice(0, 1) : cps.slice(0, 2);
      let h = 0;
      for (const c of key) h = (Math.imul(h, 31) + c.codePointAt(0)) >>> 0;
      assert.equal(h % meta.termShards, s, `${term} is in shard ${s}`);
      for (let i = 2; i < postings.length; i += 2) assert.ok(postings[i] > postings[i - 2], `${term} postings in order`);
    }
  }
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
