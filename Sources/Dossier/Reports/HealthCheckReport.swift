import Foundation
import Markdown
import Parallel

/// The health-check report's view and charts.
extension ReportContext {
    /// `charts` gets the report's own charts (severity, trend); each section holds its own
    /// (`FindingSectionView.charts`). `previousKeys` is asked, with the view before its sections
    /// are made (each category's `findings` empty), the number of sections of each category and
    /// the report's charts, for the sections' keys in the last build's health check when its files
    /// can be patched: then a section whose key is the one at its place and whose chart file is
    /// intact is left pending (`pending`), made only if they cannot be after all (`completeSections`).
    func healthCheckView(charts: inout [String: String], cache: BuildCache? = nil,
                         previousKeys: ((_ skeleton: HealthCheckView, _ sectionCounts: [Int], _ charts: [String: String]) -> [String]?)? = nil)
        -> HealthCheckView {
        // Every list of findings in the report is in risk order: sorted once, then filtered.
        // (Findings are large values: lists of them below are lists of their places in `byRisk`.)
        let byRisk = Self.byRisk(findings)
        let openRisks = byRisk.indices.filter { FindingStatistics.isOpenRisk(byRisk[$0]) }
        let severe = openRisks.filter { byRisk[$0].severity <= .high }.count
        let overall = openRisks.isEmpty
            ? format.text("overall_text_clean", ["total": "\(findings.count)", "score": "\(statistics.healthScore)", "grade": statistics.grade])
            : format.text("overall_text", ["total": "\(findings.count)", "open": "\(openRisks.count)", "severe": "\(severe)",
                                           "score": "\(statistics.healthScore)", "grade": statistics.grade])

        let severityBars = Finding.Severity.allCases.map { level in
            Charts.Bar(label: severity(level), value: Double(statistics.bySeverity[level] ?? 0),
                       color: Charts.severityColors[level] ?? "#666", valueLabel: "\(statistics.bySeverity[level] ?? 0)")
        }
        charts["charts/severity.svg"] = Charts.bars(severityBars, title: format.text("chart_severity"), id: "severity")

        // Each finding's row once: the findings table, the top risks and the roadmap share them.
        let rows = byRisk.map(findingRow)
        let topRisks = openRisks.prefix(5).map { rows[$0] }
        var trendView: TrendView?
        if let trend { trendView = self.trendView(trend, charts: &charts) }

        let groups = Finding.Category.allCases.map { category in byRisk.indices.filter { byRisk[$0].category == category } }.filter { !$0.isEmpty }
        let citations = Dictionary(grouping: findings.flatMap { finding in finding.evidence.map { ($0.file, finding.id) } }
            + incidents.flatMap { incident in incident.evidence.map { ($0.file, incident.id) } }, by: \.0)
        let evidenceIndex = citations.keys.sorted().map { path in
            EvidenceIndexRow(file: path, size: format.bytes(evidence.item(path).size),
                             citedBy: Array(Set(citations[path]!.map(\.1))).sorted().joined(separator: ", "))
        }
        let redaction = evidence.report(for: Set(citations.keys))
        let redactions = redaction.counts.sorted { $0.key < $1.key }.map {
            RedactionRow(kind: format.text("redaction_\($0.key)"), count: format.number(Double($0.value)))
        }

        let scopeSystems = engagement.scope.isEmpty ? Array(statistics.bySystem.keys).sorted() : engagement.scope
        var view = HealthCheckView(
            t: t, engagement: engagementView, document: documentView(number: "\(engagement.id)-HC"),
            purpose: format.text("purpose_text", ["client": engagement.client]),
            scopeRows: scopeSystems.map { ScopeRow(name: $0, count: "\(statistics.bySystem[$0] ?? 0)") },
            overall: overall, score: "\(statistics.healthScore)", grade: statistics.grade,
            severityChart: "charts/severity.svg",
            severityRows: Finding.Severity.allCases.map { CountRow(label: severity($0), count: "\(statistics.bySeverity[$0] ?? 0)") },
            topRisks: Array(topRisks), trend: trendView,
            findingsSummaryNumber: trendView == nil ? "2.3" : "2.4",
            findingRows: rows,
            categories: groups.enumerated().map { number, members in
                CategorySection(number: number + 1, label: self.category(byRisk[members[0]].category), findings: [])
            },
            roadmap: roadmap(byRisk, rows: rows),
            appendixNumber: "5", evidenceIndex: evidenceIndex,
            hasRedactions: !redactions.isEmpty, redactions: redactions,
            glossary: templates.glossary.map { GlossaryRow(term: $0.term, meaning: $0.meaning) },
            glossaryArticles: articles.filter { $0.kind == .glossary }.map {
                GlossaryArticleView(title: $0.title, body: MarkdownText.demoteHeadings(MarkdownText.closingOpenBlocks($0.body), by: 3))
            })

        // Sections (with their charts) are built in parallel: each depends on its finding only.
        let ordered = groups.flatMap { $0 }
        let categoryOf = groups.enumerated().flatMap { number, members in members.map { _ in number + 1 } }
        let built = ParallelSlots<FindingSectionView>(count: ordered.count)
        let needFields = sectionsNeedFields(cache: cache)
        let previousKeys = needFields ? nil : previousKeys?(view, groups.map(\.count), charts).flatMap { $0.count == ordered.count ? $0 : nil }
        DispatchQueue.concurrentPerform(iterations: ordered.count) { index in
            let finding = byRisk[ordered[index]]
            // A section the previous build rendered from the same sources comes from the build cache.
            let key = cache.flatMap { sectionKey(finding, category: categoryOf[index], cache: $0) }
            if let cache, let key, let previousKeys, previousKeys[index] == key {
                let chartPath = Self.sectionChartPath(finding)
                if chartPath.isEmpty || cache.intactRecord("report/" + chartPath) != nil {
                    var section = FindingSectionView(rendered: "", memoKey: key)
                    section.pending = PendingSection(finding: finding, category: categoryOf[index], chartPath: chartPath)
                    built[index] = section
                    return
                }
            }
            built[index] = makeSection(finding, category: categoryOf[index], key: key, cache: cache, needFields: needFields)
        }
        var sections = built.takeValues()[...]
        for (category, members) in groups.enumerated() {
            view.categories[category].findings = Array(sections.prefix(members.count))
            sections = sections.dropFirst(members.count)
        }
        return view
    }

    /// Whether the report's template reads a section's fields besides `rendered` (then a section
    /// from the build cache is made whole, and none is left pending).
    func sectionsNeedFields(cache: BuildCache?) -> Bool {
        guard cache != nil, let read = templates.namesRead(in: "health-check", within: ["categories", "findings"]) else { return true }
        return !read.isDisjoint(with: FindingSectionView.fieldsBesidesRendered)
    }

    /// A finding's section: its text and chart from the build cache when it has them under `key`
    /// (the view is whole unless the report's template reads `rendered` alone), else its whole
    /// view, to be rendered by the report builder.
    private func makeSection(_ finding: Finding, category: Int, key: String?, cache: BuildCache?, needFields: Bool) -> FindingSectionView {
        var sectionCharts: [String: String] = [:]
        let chartPath = Self.sectionChartPath(finding)
        let hit = key.flatMap { key in cache?.memo(key) }.flatMap { $0.count == 3 && $0[1] == chartPath ? $0 : nil }
        if let hit, !chartPath.isEmpty { sectionCharts[chartPath] = hit[2] }
        // (An empty section is rendered again by the builder, from the whole view.)
        if let hit, !needFields, !hit[0].isEmpty {
            var section = FindingSectionView(rendered: hit[0], memoKey: key)
            section.charts = sectionCharts
            return section
        }
        var section = findingSection(finding, charts: &sectionCharts, drawChart: hit == nil)
        section.memoKey = key
        if let hit { section.rendered = hit[0] }
        section.charts = sectionCharts
        return section
    }

    /// Makes the sections `healthCheckView` left pending, as it makes the others.
    func completeSections(_ view: inout HealthCheckView, cache: BuildCache?) {
        let places = view.sectionPlaces { $0.pending != nil }
        guard !places.isEmpty else { return }
        let needFields = sectionsNeedFields(cache: cache)
        let made = ParallelSlots<FindingSectionView>(count: places.count)
        let pendingView = view
        DispatchQueue.concurrentPerform(iterations: places.count) { index in
            let (category, finding) = places[index]
            let section = pendingView.categories[category].findings[finding]
            made[index] = makeSection(section.pending!.finding, category: section.pending!.category, key: section.memoKey, cache: cache, needFields: needFields)
        }
        for (index, (category, finding)) in places.enumerated() { view.categories[category].findings[finding] = made[index]! }
    }

    /// The findings most severe first, then by the earliest due date, then by id (numeric-aware),
    /// comparing precomputed keys (findings are large values).
    static func byRisk(_ list: [Finding]) -> [Finding] {
        let far = Day(year: 9999, month: 12, day: 31)!
        let keys = list.map { (severity: $0.severity, due: $0.due ?? far) }
        let numbered = list.map { NumberedID($0.id) }
        return list.indices.sorted { i, j in
            if keys[i].severity != keys[j].severity { return keys[i].severity < keys[j].severity }
            if keys[i].due != keys[j].due { return keys[i].due < keys[j].due }
            if let order = NumberedID.precedes(numbered[i], numbered[j]) { return order }
            return list[i].id.compare(list[j].id, options: .numeric) == .orderedAscending
        }.map { list[$0] }
    }

    /// An id as text followed by a number (`F-0012`: `F-` and 12), for the common case of the
    /// numeric-aware order of ids: ids with the same text and different numbers are in the order
    /// of their numbers, as `compare(_:options: .numeric)` has them, without asking Foundation
    /// (10,000 findings, most of them tied on severity and date, took 0.012 s that way).
    struct NumberedID {
        var text: Substring
        var number: UInt64

        init?(_ id: String) {
            let digits = id.utf8.reversed().prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            guard digits > 0, digits <= 18 else { return nil }
            let start = id.utf8.index(id.utf8.endIndex, offsetBy: -digits)
            text = id[..<start]
            number = id.utf8[start...].reduce(0) { $0 * 10 + UInt64($1 - UInt8(ascii: "0")) }
        }

        /// Whether `a` comes before `b`, when these tell (the same text, other numbers); nil otherwise.
        static func precedes(_ a: NumberedID?, _ b: NumberedID?) -> Bool? {
            guard let a, let b, a.number != b.number, a.text == b.text else { return nil }
            return a.number < b.number
        }
    }

    /// The cache key of a finding's section: the environment, the finding's file, the evidence it
    /// quotes (as redacted) and its category's number and name. (The section template sees the
    /// finding, its category and the report's `t`, `engagement` and `document`, all covered.)
    private func sectionKey(_ finding: Finding, category: Int, cache: BuildCache) -> String? {
        guard let digest = workspace.sourceDigests[finding.location.file] else { return nil }
        return BuildCache.key { parts in
            parts.add(cache.environmentBytes)
            parts.add("health-check-section")
            parts.add(finding.id)
            parts.add(digest)
            parts.add("\(category)")
            parts.add(self.category(finding.category))
            for reference in finding.evidence {
                parts.add(reference.file)
                parts.add(evidence.item(reference.file).digest)
            }
        }
    }

    static func metricsChartPath(_ finding: Finding) -> String { "charts/\(fileSafe(finding.id))-metrics.svg" }

    /// The chart a finding's section embeds: its metrics chart, or "" when it has no metrics.
    static func sectionChartPath(_ finding: Finding) -> String { finding.metrics.isEmpty ? "" : metricsChartPath(finding) }

    private func findingSection(_ finding: Finding, charts: inout [String: String], drawChart: Bool = true) -> FindingSectionView {
        let changes = finding.metrics.map(MetricChange.init)
        let chartPath = Self.metricsChartPath(finding)
        let chartTitle = format.text("chart_metric", ["name": "\(finding.id) \(finding.title)"])
        if drawChart, !changes.isEmpty {
            charts[chartPath] = Charts.beforeAfter(
                changes, labels: (format.text("before"), format.text("after"), format.text("target")),
                format: { format.number($0) }, title: chartTitle, id: finding.id, accent: brand.accentColor ?? "#1f6feb")
        }
        let metrics = changes.map { change in
            let cells = format.cells(change)
            return MetricRow(name: change.metric.name, before: cells.before, after: cells.after, target: cells.target,
                             change: cells.change, met: cells.met)
        }
        let excerpts = finding.evidence.map { reference -> EvidenceExcerptView in
            let excerpt = evidence.excerpt(reference.file)
            return EvidenceExcerptView(
                file: reference.file, caption: reference.caption ?? reference.file,
                hasExcerpt: excerpt != nil, excerpt: excerpt?.text ?? "", fence: codeFence(for: excerpt?.text ?? ""),
                truncated: excerpt?.truncated ?? false, truncatedNote: format.text("evidence_excerpt_truncated", ["lines": "30"]))
        }
        return FindingSectionView(
            id: finding.id, title: finding.title, severity: severity(finding.severity), category: category(finding.category),
            status: status(finding.status), systems: finding.systems.joined(separator: ", "), owner: finding.owner ?? "—",
            due: day(finding.due), effort: finding.effort?.rawValue ?? "—", detected: day(finding.detected),
            controls: controls(finding.controls), summary: finding.summary,
            sourceBody: finding.body,
            hasMetrics: !changes.isEmpty, metrics: metrics, chart: chartPath, chartTitle: chartTitle,
            hasEvidence: !excerpts.isEmpty, evidence: excerpts)
    }

    /// Unresolved findings by when they are due from the report date: within a month, within three
    /// months, later (or no due date).
    /// `rows` holds the row of each finding of `byRisk`, at the same index.
    private func roadmap(_ byRisk: [Finding], rows: [FindingRow]) -> [RoadmapTerm] {
        let reportDate = engagement.period.to
        func months(_ count: Int) -> Day {
            var month = reportDate.month + count, year = reportDate.year
            while month > 12 { month -= 12; year += 1 }
            return Day(year: year, month: month, day: min(reportDate.day, Day.daysIn(month: month, year: year)))!
        }
        let pending = byRisk.indices.filter { byRisk[$0].status != .resolved }
        let oneMonth = months(1), threeMonths = months(3)
        let short = pending.filter { byRisk[$0].due.map { $0 <= oneMonth } ?? false }
        let mid = pending.filter { byRisk[$0].due.map { $0 > oneMonth && $0 <= threeMonths } ?? false }
        let long = pending.filter { byRisk[$0].due.map { $0 > threeMonths } ?? true }
        let noDue = format.text("no_due")
        return [("short_term", short), ("mid_term", mid), ("long_term", long)].map { key, items in
            RoadmapTerm(label: format.text(key), hasItems: !items.isEmpty, items: items.map { index in
                rows[index].due == nil ? rows[index].with(due: noDue) : rows[index]
            })
        }
    }

    private func trendView(_ trend: Trend, charts: inout [String: String]) -> TrendView {
        let groups = Trend.Change.allCases.map { change -> TrendGroup in
            let entries = trend.entries(change)
            return TrendGroup(label: format.text("trend_\(change.rawValue)"), count: "\(entries.count)",
                              items: entries.isEmpty ? "—" : entries.map(\.id).joined(separator: ", "))
        }
        let colors: [Trend.Change: String] = [.new: "#1f6feb", .persisting: "#e6a700", .recurring: "#c92a2a", .resolved: "#2f7d32"]
        var bars = [Charts.Bar(label: format.text("health_score") + " (\(trend.previousEngagement.id))", value: Double(trend.previousScore),
                               color: "#9aa5b1", valueLabel: "\(trend.previousScore)"),
                    Charts.Bar(label: format.text("health_score") + " (\(engagement.id))", value: Double(trend.currentScore),
                               color: brand.accentColor ?? "#1f6feb", valueLabel: "\(trend.currentScore)")]
        bars += Trend.Change.allCases.map { change in
            let count = trend.entries(change).count
            return Charts.Bar(label: format.text("trend_\(change.rawValue)"), value: Double(count), color: colors[change] ?? "#666",
                              valueLabel: "\(count)")
        }
        charts["charts/trend.svg"] = Charts.bars(bars, title: format.text("chart_trend"), id: "trend")
        return TrendView(
            trendSince: format.text("trend_since", ["previous": "\(trend.previousEngagement.id) \(trend.previousEngagement.title)"]),
            scoreChange: format.text("trend_score", ["before": "\(trend.previousScore)", "after": "\(trend.currentScore)"]),
            chart: "charts/trend.svg", groups: groups, hasChronic: !trend.chronic.isEmpty,
            chronic: trend.chronic.map {
                TrendEntryView(id: $0.id, title: $0.title, severity: severity($0.severity), change: format.text("trend_\($0.change.rawValue)"))
            })
    }

    /// An id usable in a file name.
    static func fileSafe(_ id: String) -> String {
        // Printable ASCII (every id the workspace format allows) on its bytes: each is a character.
        if id.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return String(decoding: id.utf8.map { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): byte
                default: UInt8(ascii: "-")
                }
            }, as: UTF8.self)
        }
        return String(id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "-" })
    }
}
