#!/usr/bin/env python3
"""Dossier benchmark: generates a corpus, builds it with the release binary and prints, per phase,
wall time and documents per second, peak memory, CPU time (user + system, steadier than wall time on
a busy machine), incremental rebuilds (after changing one finding — the median of three, each
after its own edit, with the range —, checked byte-identical against a clean build, and with
nothing changed), the search index size per
document (raw and gzip) and search latency (Swift CLI and the JavaScript client under node), as text
and as JSON (--json FILE).

    python3 Benchmarks/run.py --findings 10000 --incidents 1000 [--json results.json]
"""
import argparse
import gzip
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "dossier")
# Rebuilds after one edit each that the reported one is the median of.
REBUILDS = 3
# The last query is the worst case for bytes loaded: four words found in nearly every document.
QUERIES = ["커넥션 풀", "디스크를", "장애조치", "GC 일시 정지", "ORA-01555", "full table scan", "cache hit ratio", "order-db", "배치 작업", "캐시",
           "select from where id"]


def same_tree(first, second):
    """Whether two output folders hold the same files with the same bytes (the build cache aside)."""
    def files(root):
        found = {}
        for folder, _, names in os.walk(root):
            for name in names:
                path = os.path.relpath(os.path.join(folder, name), root)
                if not path.startswith(".dossier-cache"):
                    found[path] = os.path.join(folder, name)
        return found
    a, b = files(first), files(second)
    if a.keys() != b.keys():
        print("files only in one of the folders:", sorted(set(a) ^ set(b))[:10], file=sys.stderr)
        return False
    for path in a:
        with open(a[path], "rb") as x, open(b[path], "rb") as y:
            if x.read() != y.read():
                print("differs:", path, file=sys.stderr)
                return False
    return True


def run_build(corpus, out, extra=(), command="build"):
    """Wall seconds, phases, peak RSS (KiB) and CPU seconds (user + system) of one build (`dossier build`, or `kb`)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.monotonic()
    result = subprocess.run([BIN, command, corpus, "-o", out, "--timings", *extra], capture_output=True, text=True)
    wall = time.monotonic() - start
    if result.returncode != 0:
        sys.exit("build failed:\n" + result.stderr[-3000:])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    phases = []
    for line in result.stdout.splitlines():
        match = re.match(r"^  (\S.*?)\s+([0-9.]+) s$", line)
        if match and match.group(1) != "total":
            phases.append((match.group(1), float(match.group(2))))
    return wall, phases, max(peak, before), cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--findings", type=int, default=10000)
    parser.add_argument("--incidents", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=0)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--work", help="folder for the corpus and output (default: a temporary folder; /dev/shm/… puts it on tmpfs)")
    args = parser.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} is missing: run `make bench` (it builds the release binary)")
    work = args.work or tempfile.mkdtemp(prefix="dossier-bench-")
    corpus, out = os.path.join(work, "corpus"), os.path.join(work, "out")
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "generate-corpus.py"), "--findings", str(args.findings),
                    "--incidents", str(args.incidents), "--articles", str(args.articles), "--out", corpus], check=True, capture_output=True)
    documents = args.findings + args.incidents + args.articles

    wall, phases, peak, cpu = run_build(corpus, out)
    # Rebuilds reuse OUT/.dossier-cache: once with nothing changed, then three times, each after
    # editing one finding (a sentence added), of which the median is reported with the range: one
    # sample of a half-second build moves by a tenth with this machine's spells.
    unchanged_wall, _, _, _ = run_build(corpus, out)
    finding = os.path.join(corpus, "findings", "F-00000.md")
    rebuilds = []
    for edit in range(REBUILDS):
        with open(finding, "a", encoding="utf-8") as handle:
            handle.write("\n추가된 문장 (benchmark edit" + (f" {edit + 1}" if edit else "") + ").\n")
        rebuild = run_build(corpus, out)
        rebuilds.append((rebuild[0], rebuild[1], rebuild[3]))
    rebuild_wall, rebuild_phases, rebuild_cpu = sorted(rebuilds, key=lambda sample: sample[0])[len(rebuilds) // 2]
    rebuild_samples = [round(sample[0], 3) for sample in rebuilds]
    # The incremental output must be byte-identical to a clean build of the same input.
    clean = os.path.join(work, "clean")
    shutil.rmtree(clean, ignore_errors=True)
    run_build(corpus, clean, ["--clean"])
    identical = same_tree(out, clean)
    shutil.rmtree(clean, ignore_errors=True)
    if not identical:
        sys.exit("the incremental rebuild differs from a clean build — see above")

    # The knowledge base alone (`dossier kb`, its own build cache): built, then rebuilt after one edit.
    kb_out, kb_clean = os.path.join(work, "kb"), os.path.join(work, "kb-clean")
    shutil.rmtree(kb_out, ignore_errors=True)
    kb_wall, _, _, kb_cpu = run_build(corpus, kb_out, command="kb")
    with open(os.path.join(corpus, "findings", "F-00001.md"), "a", encoding="utf-8") as handle:
        handle.write("\n지식 베이스 편집 (benchmark edit).\n")
    kb_rebuild_wall, _, _, kb_rebuild_cpu = run_build(corpus, kb_out, command="kb")
    shutil.rmtree(kb_clean, ignore_errors=True)
    run_build(corpus, kb_clean, ["--clean"], command="kb")
    kb_identical = same_tree(kb_out, kb_clean)
    shutil.rmtree(kb_clean, ignore_errors=True)
    shutil.rmtree(kb_out, ignore_errors=True)
    if not kb_identical:
        sys.exit("the incremental knowledge-base rebuild differs from a clean one — see above")

    search = os.path.join(out, "kb", "search")
    raw = sum(os.path.getsize(os.path.join(search, name)) for name in os.listdir(search))
    zipped = sum(len(gzip.compress(open(os.path.join(search, name), "rb").read(), 6)) for name in os.listdir(search))

    swift_ms = []
    for query in QUERIES:
        start = time.monotonic()
        subprocess.run([BIN, "search", os.path.join(out, "kb"), query, "--format", "json"], capture_output=True, check=True)
        swift_ms.append((time.monotonic() - start) * 1000)
    swift_ms.sort()
    node = subprocess.run(["node", os.path.join(ROOT, "Benchmarks", "search-bench.js"), os.path.join(out, "kb")] + QUERIES,
                          capture_output=True, text=True, check=True)
    js = json.loads(node.stdout)

    results = {
        "date": time.strftime("%Y-%m-%d"), "machine": f"{os.cpu_count()} cores, {os.uname().machine}",
        "documents": documents, "full_build_seconds": round(wall, 3), "full_build_cpu_seconds": round(cpu, 2), "documents_per_second": round(documents / wall, 1),
        "phases": [{"phase": p, "seconds": s, "documents_per_second": round(documents / s, 1) if s > 0 else None} for p, s in phases],
        "peak_memory_mib": round(peak / 1024, 1), "rebuild_after_one_change_seconds": round(rebuild_wall, 3),
        "rebuild_after_one_change_cpu_seconds": round(rebuild_cpu, 2), "rebuild_after_one_change_samples_seconds": rebuild_samples,
        "rebuild_phases": [{"phase": p, "seconds": s} for p, s in rebuild_phases],
        "rebuild_nothing_changed_seconds": round(unchanged_wall, 3), "rebuild_identical_to_clean_build": identical,
        "kb_full_build_seconds": round(kb_wall, 3), "kb_full_build_cpu_seconds": round(kb_cpu, 2),
        "kb_rebuild_after_one_change_seconds": round(kb_rebuild_wall, 3), "kb_rebuild_after_one_change_cpu_seconds": round(kb_rebuild_cpu, 2),
        "index_bytes_per_document": round(raw / documents, 1), "index_gzip_bytes_per_document": round(zipped / documents, 1),
        "search_swift_cli_ms": {"median": round(statistics.median(swift_ms), 1), "p95": round(swift_ms[int(0.95 * (len(swift_ms) - 1))], 1),
                                "note": "whole dossier search process: start, index load, query"},
        "search_js_ms": {"cold_median": round(js["coldMedianMs"], 2), "cold_p95": round(js["coldP95Ms"], 2),
                         "warm_median": round(js["warmMedianMs"], 2), "warm_p95": round(js["warmP95Ms"], 2)},
        "search_max_bytes_loaded_per_query": js["maxLoadedBytes"],
    }
    print(f"Dossier benchmark — {documents:,} documents ({args.findings:,} findings, {args.incidents:,} incidents), {results['machine']}")
    print(f"  full build            {wall:8.2f} s   {documents / wall:8.0f} docs/s   peak {results['peak_memory_mib']:.0f} MiB   CPU {cpu:.1f} s")
    for phase, seconds in phases:
        rate = f"{documents / seconds:8.0f} docs/s" if seconds > 0 else ""
        print(f"    {phase:<26}{seconds:8.3f} s   {rate}")
    print("    (‖ phases run on a thread of their own beside the knowledge-base phases)")
    print(f"  rebuild, one change   {rebuild_wall:8.2f} s   CPU {rebuild_cpu:.1f} s   (median of {len(rebuild_samples)}: "
          f"{min(rebuild_samples):.2f}–{max(rebuild_samples):.2f} s; byte-identical to a clean build: {'yes' if identical else 'NO'})")
    for phase, seconds in rebuild_phases:
        print(f"    {phase:<26}{seconds:8.3f} s")
    print(f"  rebuild, no change    {unchanged_wall:8.2f} s")
    print(f"  dossier kb            {kb_wall:8.2f} s   CPU {kb_cpu:.1f} s   (the knowledge base alone)")
    print(f"  kb rebuild, one change{kb_rebuild_wall:8.2f} s   CPU {kb_rebuild_cpu:.1f} s   (byte-identical to a clean build: {'yes' if kb_identical else 'NO'})")
    print(f"  search index          {raw / documents:8.0f} B/doc raw, {zipped / documents:.0f} B/doc gzip")
    print(f"  search (Swift CLI)    median {results['search_swift_cli_ms']['median']} ms, p95 {results['search_swift_cli_ms']['p95']} ms (whole process)")
    print(f"  search (JS, node)     cold median {js['coldMedianMs']:.2f} ms, p95 {js['coldP95Ms']:.2f} ms; warm median {js['warmMedianMs']:.2f} ms")
    print(f"  files a query loads   at most {js['maxLoadedBytes']:,} bytes")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, ensure_ascii=False, indent=1)
        print(f"  JSON: {args.json}")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
