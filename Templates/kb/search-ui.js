/*
 * Dossier knowledge-base search page. Loaded after assets/strings.js and search-core.js. Every
 * value from the index is hostile: the page is built with createElement/textContent/setAttribute
 * only, never from HTML strings.
 */
(function (root) {
  'use strict';

  var FACETS = ['kind', 'system', 'severity', 'engagement'];
  var PAGE = 50; // results shown, and added by "more"
  var DEBOUNCE_MS = 120;
  var hasOwn = Object.prototype.hasOwnProperty;

  var FALLBACK = {
    results_count: '{count} results',
    no_results: 'No results.',
    loading: 'Loading the search index…',
    index_error: 'The search index could not be loaded.',
    facet_kind: 'Type', facet_system: 'System', facet_severity: 'Severity', facet_engagement: 'Engagement',
    kind_finding: 'Finding', kind_incident: 'Incident', kind_article: 'Article',
    severity_critical: 'Critical', severity_high: 'High', severity_medium: 'Medium', severity_low: 'Low',
    severity_info: 'Info', severity_sev1: 'SEV1', severity_sev2: 'SEV2', severity_sev3: 'SEV3', severity_sev4: 'SEV4',
    clear_filters: 'Clear filters',
    more_results: 'Show more results'
  };

  function t(key, vars) {
    var strings = root.DossierKBStrings;
    var text = strings && hasOwn.call(strings, key) && typeof strings[key] === 'string' ? strings[key]
      : hasOwn.call(FALLBACK, key) ? FALLBACK[key] : key;
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return vars && hasOwn.call(vars, name) ? String(vars[name]) : m;
    });
  }

  // A localised label for a facet value, or the value itself (systems, engagements, unknown ones).
  function label(facet, value) {
    if (facet !== 'kind' && facet !== 'severity') return value;
    var key = facet + '_' + value, strings = root.DossierKBStrings;
    return (strings && hasOwn.call(strings, key)) || hasOwn.call(FALLBACK, key) ? t(key) : value;
  }

  // The url if it is a harmless relative path, else null: no scheme (no ':' before the first '/'),
  // not absolute or protocol-relative, no control characters or backslashes (browsers strip the
  // former and read the latter as '/').
  function safeRelativeUrl(url) {
    if (typeof url !== 'string' || url === '') return null;
    if (/^[\s/]|[\u0000-\u001f\u007f\\]/.test(url)) return null;
    var slash = url.indexOf('/');
    if ((slash < 0 ? url : url.slice(0, slash)).indexOf(':') >= 0) return null;
    return url;
  }

  // {root}{url}?hl={query}, keeping any fragment of url last.
  function resultHref(rootPath, url, query) {
    var safe = safeRelativeUrl(url);
    if (safe == null) return null;
    var hash = '', i = safe.indexOf('#');
    if (i >= 0) { hash = safe.slice(i); safe = safe.slice(0, i); }
    var q = String(query || '').trim();
    var hl = q ? (safe.indexOf('?') >= 0 ? '&' : '?') + 'hl=' + encodeURIComponent(q) : '';
    return rootPath + safe + hl + hash;
  }

  function emptyFilters() { return { kind: [], system: [], severity: [], engagement: [] }; }

  function parseParams(search) {
    var params = new URLSearchParams(search || '');
    var filters = emptyFilters();
    FACETS.forEach(function (f) {
      params.getAll(f).forEach(function (v) { if (v && filters[f].indexOf(v) < 0) filters[f].push(v); });
    });
    return { q: params.get('q') || '', filters: filters };
  }

  function buildSearch(q, filters) {
    var params = new URLSearchParams();
    if (q) params.append('q', q);
    FACETS.forEach(function (f) { (filters[f] || []).forEach(function (v) { params.append(f, v); }); });
    var s = params.toString();
    return s ? '?' + s : '';
  }

  function text(v) { return v == null ? '' : String(v); }

  function el(tag, className, content) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (content != null) e.textContent = content;
    return e;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function start() {
    var Search = root.DossierSearch;
    var body = document.body;
    var form = document.getElementById('search-form');
    var input = document.getElementById('search-input');
    var status = document.getElementById('search-status');
    var facetsEl = document.getElementById('search-facets');
    var resultsEl = document.getElementById('search-results');
    if (!Search || !input || !status || !resultsEl) return;

    var rootPath = safeRelativeUrl(body.getAttribute('data-root') || '') || '';
    // data-index is the folder of the index files relative to this page (a script src).
    var indexBase = body.getAttribute('data-index') || 'search/';
    var engine = Search.createEngine(Search.scriptLoader(indexBase));
    var initial = parseParams(root.location.search);
    var state = { filters: initial.filters, limit: PAGE };
    var sequence = 0, debounce = null;

    function setStatus(s) { status.textContent = s; }

    function updateUrl() {
      if (!root.history || typeof root.history.replaceState !== 'function') return;
      try {
        root.history.replaceState(null, '', buildSearch(input.value.trim(), state.filters) || root.location.pathname);
      } catch (e) { /* some file:// setups refuse it: the URL just does not follow */ }
    }

    function run() {
      var query = input.value; // untrimmed: a trailing space ends typing (prefix rule)
      var seq = ++sequence;
      updateUrl();
      if (!query.trim()) {
        setStatus(''); clear(resultsEl); if (facetsEl) clear(facetsEl);
        return;
      }
      // Announce loading only when it takes a while, so that typing does not chatter.
      var slow = setTimeout(function () { if (seq === sequence) setStatus(t('loading')); }, 250);
      engine.search(query, { filters: state.filters, limit: state.limit }).then(function (res) {
        clearTimeout(slow);
        if (seq === sequence) render(res, query);
      }, function (err) {
        clearTimeout(slow);
        if (seq !== sequence) return;
        clear(resultsEl); if (facetsEl) clear(facetsEl);
        setStatus(t('index_error') + (err && err.message ? ' ' + err.message : ''));
      });
    }

    function schedule() {
      clearTimeout(debounce);
      state.limit = PAGE;
      debounce = setTimeout(run, DEBOUNCE_MS);
    }

    function render(res, query) {
      setStatus(res.total ? t('results_count', { count: res.total }) : t('no_results'));
      clear(resultsEl);
      res.results.forEach(function (r) { resultsEl.appendChild(renderResult(r.doc || {}, query)); });
      if (res.results.length < res.total) {
        var li = el('li', 'more');
        var more = el('button', null, t('more_results'));
        more.type = 'button';
        more.addEventListener('click', function () { state.limit += PAGE; run(); });
        li.appendChild(more);
        resultsEl.appendChild(li);
      }
      if (facetsEl) renderFacets(res.facets);
    }

    function renderResult(doc, query) {
      var li = el('li', 'result');
      li.setAttribute('data-id', text(doc.id));
      var title = text(doc.title) || text(doc.id);
      var href = resultHref(rootPath, doc.url, query);
      var link = el(href ? 'a' : 'span', 'result-title', title);
      if (href) link.setAttribute('href', href);
      li.appendChild(link);

      var meta = el('div', 'result-meta');
      meta.appendChild(el('span', 'result-kind', label('kind', text(doc.kind))));
      if (doc.id) meta.appendChild(el('span', 'result-id', text(doc.id)));
      var systems = Array.isArray(doc.systems) ? doc.systems.map(text).filter(Boolean) : [];
      if (systems.length) meta.appendChild(el('span', 'result-systems', systems.join(', ')));
      if (doc.severity) {
        var sev = el('span', 'result-severity', label('severity', text(doc.severity)));
        sev.setAttribute('data-severity', text(doc.severity));
        meta.appendChild(sev);
      }
      li.appendChild(meta);

      var p = el('p', 'snippet');
      Search.snippet(text(doc.text) || text(doc.summary), query, 200).forEach(function (seg) {
        p.appendChild(seg.mark ? el('mark', null, seg.text) : document.createTextNode(seg.text));
      });
      li.appendChild(p);
      return li;
    }

    function renderFacets(facets) {
      // Rebuilding the checkboxes would drop the keyboard focus: remember it and put it back.
      var active = document.activeElement, focusKey = null;
      if (active && facetsEl.contains(active) && active.type === 'checkbox') focusKey = active.name + '\u0000' + active.value;
      clear(facetsEl);
      var any = false, focusTarget = null;
      FACETS.forEach(function (f) {
        var counts = (facets && facets[f]) || {};
        var values = Object.keys(counts);
        state.filters[f].forEach(function (v) { if (values.indexOf(v) < 0) values.push(v); }); // selected, now 0
        if (!values.length) return;
        var fieldset = el('fieldset', 'facet');
        fieldset.setAttribute('data-facet', f);
        fieldset.appendChild(el('legend', null, t('facet_' + f)));
        values.forEach(function (v, i) {
          var id = 'facet-' + f + '-' + i;
          var box = document.createElement('input');
          box.type = 'checkbox';
          box.id = id;
          box.name = f;
          box.value = v;
          box.checked = state.filters[f].indexOf(v) >= 0;
          if (box.checked) any = true;
          box.addEventListener('change', function () {
            var sel = state.filters[f], k = sel.indexOf(v);
            if (box.checked && k < 0) sel.push(v);
            if (!box.checked && k >= 0) sel.splice(k, 1);
            state.limit = PAGE;
            run();
          });
          var lab = el('label', null);
          lab.setAttribute('for', id);
          lab.appendChild(box);
          lab.appendChild(document.createTextNode(' ' + label(f, v) + ' (' + (hasOwn.call(counts, v) ? counts[v] : 0) + ')'));
          fieldset.appendChild(lab);
          if (focusKey === f + '\u0000' + v) focusTarget = box;
        });
        facetsEl.appendChild(fieldset);
      });
      if (any) {
        var reset = el('button', 'clear-filters', t('clear_filters'));
        reset.type = 'button';
        reset.addEventListener('click', function () {
          state.filters = emptyFilters();
          state.limit = PAGE;
          run();
          input.focus();
        });
        facetsEl.appendChild(reset);
      }
      if (focusTarget) focusTarget.focus();
    }

    input.value = initial.q;
    input.addEventListener('input', schedule);
    if (form) {
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        clearTimeout(debounce);
        state.limit = PAGE;
        run();
      });
    }
    if (initial.q.trim()) run();
  }

  var ui = { safeRelativeUrl: safeRelativeUrl, resultHref: resultHref, parseParams: parseParams, buildSearch: buildSearch, t: t };
  root.DossierSearchUI = ui;
  if (typeof module === 'object' && module.exports) module.exports = ui;
  if (typeof document !== 'undefined') {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }
})(typeof window !== 'undefined' ? window : globalThis);
