// Search latency of the JavaScript client under node, over a built knowledge base.
// Usage: node Benchmarks/search-bench.js KB_DIR QUERY...   → JSON on stdout.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Search = require('../Templates/kb/search-core.js');

const kb = process.argv[2];
const queries = process.argv.slice(3);
const folder = path.join(kb, 'search');

// Loads index files as the browser does (the file is a script calling DossierSearchIndex.register),
// counting the bytes each query makes a browser load.
function loader(counter) {
  return (name) => new Promise((resolve, reject) => {
    const file = path.join(folder, name + '.js');
    let text;
    try { text = fs.readFileSync(file, 'utf8'); } catch (error) { reject(error); return; }
    counter.bytes += Buffer.byteLength(text);
    counter.files += 1;
    const sandbox = { DossierSearchIndex: { register: (n, data) => resolve(data) } };
    vm.runInNewContext(text, sandbox);
  });
}

(async () => {
  const perQuery = [];
  for (const query of queries) {
    const counter = { bytes: 0, files: 0 };
    const engine = Search.createEngine(loader(counter));
    const coldStart = process.hrtime.bigint();
    const first = await engine.search(query + ' ', { limit: 10 });
    const cold = Number(process.hrtime.bigint() - coldStart) / 1e6;
    const warm = [];
    for (let i = 0; i < 5; i++) {
      const start = process.hrtime.bigint();
      await engine.search(query + ' ', { limit: 10 });
      warm.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    warm.sort((a, b) => a - b);
    perQuery.push({ query, total: first.total, coldMs: cold, warmMs: warm[2], loadedBytes: counter.bytes, loadedFiles: counter.files });
  }
  const sorted = (key) => perQuery.map((q) => q[key]).sort((a, b) => a - b);
  const pick = (values, p) => values[Math.min(values.length - 1, Math.floor(p * values.length))];
  const cold = sorted('coldMs'), warm = sorted('warmMs'), bytes = sorted('loadedBytes');
  console.log(JSON.stringify({
    queries: perQuery,
    coldMedianMs: pick(cold, 0.5), coldP95Ms: pick(cold, 0.95),
    warmMedianMs: pick(warm, 0.5), warmP95Ms: pick(warm, 0.95),
    maxLoadedBytes: bytes[bytes.length - 1],
  }, null, 1));
})().catch((error) => { console.error(error); process.exit(1); });
