#!/usr/bin/env python3
"""Writes a deterministic synthetic workspace for benchmarks: Korean and English findings, incidents
and articles in the workspace format v1, with tables and code blocks in their bodies.

    python3 Benchmarks/generate-corpus.py --findings 1000 --incidents 100 --articles 100 --out /tmp/corpus
"""
import argparse
import os
import random

SYSTEMS = ["order-db", "order-api", "payment-api", "search-api", "was-cluster", "redis-cache", "batch", "cdn"]
SEVERITIES = ["critical", "high", "medium", "low", "info"]
CATEGORIES = ["performance", "availability", "architecture", "query", "capacity", "cost", "security", "operations"]
STATUSES = ["open", "in-progress", "resolved", "accepted", "recurring"]
CONTROLS = ["isms-p:2.9.2", "isms-p:2.11.5", "isms-p:2.9.1", "iso27001:A.8.6", "iso27001:A.8.16", "soc2:CC7.4", "soc2:A1.1"]
KO_TOPICS = ["커넥션 풀 고갈", "디스크 사용률 급증", "전체 테이블 스캔", "GC 일시 정지", "캐시 적중률 저하", "장애조치 지연", "배치 작업 지연"]
EN_TOPICS = ["connection pool exhaustion", "disk usage spike", "full table scan", "GC pause", "cache hit ratio drop",
             "failover delay", "batch job overrun"]

ENGAGEMENT = """id: BENCH-{n}
title: 벤치마크 코퍼스
client: 벤치마크상사
type: health-check
locale: ko
period: {{from: 2026-01-01, to: 2026-12-31}}
provider: {{name: 벤치기술진단, independent: true}}
scope: [{systems}]
sla: {{golden_time: 2h}}
"""


def finding(i, rng):
    korean = i % 2 == 0
    topic = rng.choice(KO_TOPICS if korean else EN_TOPICS)
    system = rng.choice(SYSTEMS)
    before = rng.randint(500, 9000)
    body = (f"## 현상\n\n{system}에서 {topic} 현상이 반복되었습니다. ORA-{rng.randint(1000, 9999):05d} 오류가 로그에 남았습니다.\n\n"
            if korean else
            f"## Symptoms\n\n{system} showed {topic} at peak. The log shows ORA-{rng.randint(1000, 9999):05d}.\n\n")
    body += "| 지표 | 개선 전 | 개선 후 |\n|:--|--:|--:|\n" + f"| p95 | {before} | {before // 7} |\n\n"
    body += "```sql\nSELECT * FROM orders WHERE customer_id = :1;\n```\n\nhttps://example.com/runbooks/" + str(i) + "\n"
    return f"""---
id: F-{i:05d}
title: "{topic} #{i}"
summary: "{topic} on {system}"
severity: {rng.choice(SEVERITIES)}
category: {rng.choice(CATEGORIES)}
status: {rng.choice(STATUSES)}
systems: [{system}]
tags: [{rng.choice(['oracle', 'mysql', 'jvm', 'redis'])}, bench]
detected: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}
owner: DBA팀
effort: {rng.choice(['S', 'M', 'L'])}
controls: [{rng.choice(CONTROLS)}]
metrics:
  - {{name: p95, unit: ms, before: {before}, after: {before // 7}, target: 500, better: lower}}
---

{body}"""


def incident(i, rng, findings):
    day = rng.randint(1, 28)
    hour = rng.randint(0, 18)
    related = f"F-{rng.randrange(findings):05d}" if findings else None
    lines = [f"""---
id: INC-{i:05d}
title: "장애 #{i}"
severity: sev{rng.randint(1, 4)}
systems: [{rng.choice(SYSTEMS)}]
status: resolved
summary: 주문 API 응답 지연
timeline:"""]
    minute = 0
    for kind in ["started", "detected", "reported", "engaged", "mitigated", "resolved"]:
        minute += rng.randint(3, 50)
        lines.append(f'  - {{at: "2026-05-{day:02d}T{hour + minute // 60:02d}:{minute % 60:02d}:00+09:00", kind: {kind}, text: {kind}}}')
    if related:
        lines.append(f"related: [{related}]")
    lines.append("---\n\n## 경과\n\n커넥션 풀이 고갈되어 응답이 지연되었습니다.\n")
    return "\n".join(lines)


def article(i, rng):
    return f"""---
id: KB-{i:05d}
title: "{rng.choice(KO_TOPICS)} 대응 절차 {i}"
kind: {rng.choice(['runbook', 'faq', 'workshop', 'note'])}
tags: [bench]
systems: [{rng.choice(SYSTEMS)}]
---

1. 지표를 확인합니다.
2. `SELECT 1 FROM dual;`
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--findings", type=int, default=1000)
    parser.add_argument("--incidents", type=int, default=100)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for folder in ["findings", "incidents", "articles", "evidence"]:
        os.makedirs(os.path.join(args.out, folder), exist_ok=True)
    with open(os.path.join(args.out, "engagement.yaml"), "w") as f:
        f.write(ENGAGEMENT.format(n=args.findings, systems=", ".join(SYSTEMS)))
    for i in range(args.findings):
        with open(os.path.join(args.out, "findings", f"F-{i:05d}.md"), "w") as f:
            f.write(finding(i, rng))
    for i in range(args.incidents):
        with open(os.path.join(args.out, "incidents", f"INC-{i:05d}.md"), "w") as f:
            f.write(incident(i, rng, args.findings))
    for i in range(args.articles):
        with open(os.path.join(args.out, "articles", f"KB-{i:05d}.md"), "w") as f:
            f.write(article(i, rng))
    print(f"wrote {args.findings} findings, {args.incidents} incidents, {args.articles} articles to {args.out}")


if __name__ == "__main__":
    main()
