// node --test Tests/js/ — the pure parts of the search page and kb.js, and their DOM hygiene.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const repo = path.resolve(__dirname, '..', '..');
const UI = require(path.join(repo, 'Templates/kb/search-ui.js'));

test('safeRelativeUrl refuses schemes, absolute and protocol-relative urls', () => {
  for (const ok of ['findings/F-001.html', 'a/b:c.html', './x.html', '../y.html', 'incidents/INC-1.html#t', 'x.html?a=b']) {
    assert.equal(UI.safeRelativeUrl(ok), ok, ok);
  }
  for (const bad of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,x', 'http://evil.example/',
    '//evil.example/x', '/etc/passwd', '\\\\evil.example\\x', '\t//evil.example', ' javascript:alert(1)',
    'java\nscript:alert(1)', 'a\\b', '', null, undefined, 42]) {
    assert.equal(UI.safeRelativeUrl(bad), null, JSON.stringify(bad));
  }
});

test('resultHref appends hl before any fragment', () => {
  assert.equal(UI.resultHref('./', 'findings/F-001.html', '디스크 가득'), './findings/F-001.html?hl=%EB%94%94%EC%8A%A4%ED%81%AC%20%EA%B0%80%EB%93%9D');
  assert.equal(UI.resultHref('../', 'a.html#sec', 'x&y'), '../a.html?hl=x%26y#sec');
  assert.equal(UI.resultHref('', 'a.html?v=1', 'q'), 'a.html?v=1&hl=q');
  assert.equal(UI.resultHref('./', 'a.html', '  '), './a.html');
  assert.equal(UI.resultHref('./', 'javascript:alert(1)', 'q'), null);
});

test('URL parameters round-trip, facets repeated', () => {
  const p = UI.parseParams('?q=%EB%94%94%EC%8A%A4%ED%81%AC&kind=finding&kind=incident&system=db01&severity=high&x=1');
  assert.deepEqual(p, { q: '디스크', filters: { kind: ['finding', 'incident'], system: ['db01'], severity: ['high'], engagement: [] } });
  assert.deepEqual(UI.parseParams(UI.buildSearch(p.q, p.filters)), p);
  assert.equal(UI.buildSearch('', { kind: [], system: [], severity: [], engagement: [] }), '');
});

test('strings: localised text, fallbacks, {count}', () => {
  globalThis.DossierKBStrings = { results_count: '검색 결과 {count}건' };
  try {
    assert.equal(UI.t('results_count', { count: 3 }), '검색 결과 3건');
    assert.equal(UI.t('no_results'), 'No results.');
  } finally {
    delete globalThis.DossierKBStrings;
  }
});

test('the page scripts never build HTML from strings', () => {
  for (const f of ['search-core.js', 'search-ui.js', 'kb.js']) {
    const source = fs.readFileSync(path.join(repo, 'Templates/kb', f), 'utf8');
    assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|import\s*\(|\bfetch\(/, f);
  }
});
