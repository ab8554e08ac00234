/*
 * Dossier knowledge base, every page: highlights the words of ?hl=… (set by the search page) in
 * <main>, and makes "/" jump to the search field. Uses search-core.js when the page loads it, so
 * that highlighting follows the search tokenizer (Hangul pieces, their stems, identifiers).
 */
(function () {
  'use strict';

  // [start, end) ranges of the query's words in text.
  function matcher(query) {
    var Search = window.DossierSearch;
    if (Search && Search.highlightTerms && Search.findMatches) {
      var needles = Search.highlightTerms(query);
      return function (text) { return Search.findMatches(text, needles); };
    }
    // Without search-core.js: whitespace-separated words, case-insensitive.
    var words = query.split(/\s+/).filter(function (w) { return w.length >= 2; })
      .map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); })
      .sort(function (a, b) { return b.length - a.length; });
    if (!words.length) return function () { return []; };
    var re = new RegExp(words.join('|'), 'giu');
    return function (text) {
      var out = [], m;
      re.lastIndex = 0;
      while ((m = re.exec(text))) out.push([m.index, m.index + m[0].length]);
      return out;
    };
  }

  function highlight(query) {
    var main = document.querySelector('main');
    if (!main || !query.trim()) return;
    var find = matcher(query);
    var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentElement;
        return parent && !parent.closest('script, style, mark, noscript, textarea')
          ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    var first = null;
    nodes.forEach(function (node) {
      var ranges = find(node.data);
      // From the last range back, so that earlier offsets stay valid while splitting.
      for (var i = ranges.length - 1; i >= 0; i--) {
        node.splitText(ranges[i][1]);
        var hit = node.splitText(ranges[i][0]);
        var mark = document.createElement('mark');
        mark.className = 'hl';
        hit.parentNode.replaceChild(mark, hit);
        mark.appendChild(hit);
        if (i === 0 && !first) first = mark;
      }
    });
    if (first && first.scrollIntoView) first.scrollIntoView({ block: 'center' });
  }

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === 'input' || tag === 'textarea' || tag === 'select' || target.isContentEditable;
  }

  function onKey(e) {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || isTyping(e.target)) return;
    e.preventDefault();
    var input = document.getElementById('search-input');
    if (input) {
      input.focus();
      input.select();
      return;
    }
    var root = document.body.getAttribute('data-root') || '';
    // data-root is written by Dossier; still refuse anything that is not a relative path.
    if (/^[\s/\\]|:/.test(root)) root = '';
    window.location.href = root + 'search.html';
  }

  function start() {
    var hl = null;
    try { hl = new URLSearchParams(window.location.search).get('hl'); } catch (e) { /* no URLSearchParams */ }
    if (hl) highlight(hl);
    document.addEventListener('keydown', onKey);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
