import Foundation
import Markdown

extension ReportContext {
    func goldenTimeText(_ verdict: GoldenTimeVerdict?) -> String {
        guard let verdict else { return format.text("golden_time_unknown") }
        let values = ["limit": format.duration(verdict.limit), "margin": format.duration(abs(verdict.margin))]
        return format.text(verdict.met ? "golden_time_met" : "golden_time_breached", values)
    }

    func incidentView(_ incident: Incident, charts: inout [String: String]) -> IncidentReportView {
        let metrics = IncidentMetrics(incident, goldenTime: engagement.serviceLevel?.goldenTime)
        let offsets = Set(incident.timeline.map(\.at.utcOffset))
        var previousDay = ""
        let rows = incident.timeline.map { entry -> TimelineRow in
            let withDate = format.time(entry.at, withDate: true)
            let day = String(withDate.dropLast(6))
            defer { previousDay = day }
            return TimelineRow(time: day == previousDay ? format.time(entry.at) : withDate,
                               kind: format.label("timeline", entry.kind), text: entry.text, by: entry.by ?? "")
        }
        let zone = offsets.count == 1 ? LocaleFormatter.zoneName(offsets.first!) : offsets.sorted().map(LocaleFormatter.zoneName).joined(separator: ", ")
        let chartPath = "charts/\(Self.fileSafe(incident.id))-timeline.svg"
        let chartTitle = format.text("chart_timeline", ["id": incident.id])
        let breached = metrics.goldenTime.map { !$0.met } ?? false
        let window: (Date, Date, String, Bool)? = incident.firstEntry(.reported).flatMap { reported in
            engagement.serviceLevel.map { sla in
                (reported.at.date, reported.at.date.addingTimeInterval(TimeInterval(sla.goldenTime.seconds)),
                 format.text("golden_time") + " " + format.duration(sla.goldenTime), breached)
            }
        }
        charts[chartPath] = Charts.timeline(
            incident.timeline.map { Charts.TimelinePoint(at: $0.at.date, label: format.label("timeline", $0.kind), time: format.time($0.at),
                                                         highlight: $0.kind == .engaged && breached) },
            window: window, title: chartTitle, id: incident.id)
        let durations: [(String, TimeInterval?)] = [
            ("time_to_detect", metrics.timeToDetect), ("time_to_engage", metrics.timeToEngage),
            ("time_to_mitigate", metrics.timeToMitigate), ("time_to_resolve", metrics.timeToResolve),
        ]
        // A section titled 교훈 / lessons learned in the body becomes the postmortem's own section.
        let (analysis, lessons) = MarkdownText.extractSection(MarkdownText.closingOpenBlocks(incident.body)) { title in
            let lowered = title.lowercased()
            return lowered.contains("교훈") || lowered.hasPrefix("lessons") || lowered.contains("lessons learned")
        }
        let related = incident.related.compactMap { findingsByID[$0] }.map {
            RelatedFindingRow(id: $0.id, title: $0.title, severity: severity($0.severity), status: status($0.status))
        }
        let view = IncidentView(
            id: incident.id, title: incident.title, severity: severity(incident.severity),
            status: format.label("status", incident.status), systems: incident.systems.joined(separator: ", "),
            controls: incident.controls.isEmpty ? nil : controls(incident.controls),
            summary: incident.summary, impact: incident.impact, rootCause: incident.rootCause,
            zoneNote: format.text("times_in", ["zone": zone]), timeline: rows, chart: chartPath, chartTitle: chartTitle,
            durations: durations.map { LabelValue(label: format.text($0.0), value: $0.1.map { format.duration($0) } ?? "—") },
            verdict: goldenTimeText(metrics.goldenTime), body: MarkdownText.demoteHeadings(analysis, by: 1),
            lessons: lessons.map { MarkdownText.demoteHeadings($0, by: 1) },
            hasActions: !incident.actions.isEmpty,
            actions: incident.actions.map { ActionRow(text: $0.text, owner: $0.owner ?? "—", due: day($0.due), status: format.label("status", $0.status)) },
            hasRelated: !related.isEmpty, related: related)
        return IncidentReportView(t: t, engagement: engagementView, document: documentView(number: "\(engagement.id)-\(incident.id)"),
                                  incident: view)
    }

    func periodView(charts: inout [String: String]) -> PeriodReportView {
        let summary = PeriodSummary(engagement: engagement, findings: findings, incidents: incidents)
        let manMonths: String
        if let used = summary.usedManMonths, let contracted = summary.contractedManMonths, let usage = summary.manMonthUsage {
            manMonths = format.text("man_months_used", ["used": format.number(used), "contracted": format.number(contracted),
                                                        "percent": format.percent(usage)])
            charts["charts/man-months.svg"] = Charts.bars(
                [Charts.Bar(label: format.text("man_months"), value: used, color: brand.accentColor ?? "#1f6feb", valueLabel: format.number(used)),
                 Charts.Bar(label: "100%", value: contracted, color: "#ced4da", valueLabel: format.number(contracted))],
                title: format.text("chart_man_months"), id: "man-months")
        } else {
            manMonths = format.text("man_months_none")
            charts["charts/man-months.svg"] = Charts.bars([], title: format.text("chart_man_months"), id: "man-months")
        }
        let incidentRows = incidents.map { incident -> PeriodIncidentRow in
            let metrics = IncidentMetrics(incident, goldenTime: engagement.serviceLevel?.goldenTime)
            return PeriodIncidentRow(id: incident.id, title: incident.title, severity: severity(incident.severity),
                                     timeToEngage: metrics.timeToEngage.map { format.duration($0) } ?? "—",
                                     verdict: goldenTimeText(metrics.goldenTime))
        }
        // Counted in place (findings are large values, and filtering copies them).
        let progress = Finding.Severity.allCases.map { level -> ProgressRow in
            var opened = 0, resolved = 0, open = 0
            for index in findings.indices where findings[index].severity == level {
                if findings[index].detected.map({ $0 >= engagement.period.from && $0 <= engagement.period.to }) ?? false { opened += 1 }
                if findings[index].status == .resolved { resolved += 1 }
                if FindingStatistics.isOpenRisk(findings[index]) { open += 1 }
            }
            return ProgressRow(label: severity(level), opened: "\(opened)", resolved: "\(resolved)", open: "\(open)")
        }
        let improvements = findings.flatMap { finding in
            finding.metrics.map(MetricChange.init).filter { $0.metric.before != nil && $0.metric.after != nil }.map { change in
                let cells = format.cells(change)
                return ImprovementRow(id: finding.id, name: change.metric.name, before: cells.before, after: cells.after, change: cells.change)
            }
        }
        let view = PeriodView(
            attainment: summary.goldenTimeAttainment.map { format.percent($0) + " (\(summary.incidentsWithinGoldenTime)/\(summary.incidentsJudged))" } ?? "—",
            incidentCount: "\(incidents.count)", opened: "\(summary.findingsOpened)", resolved: "\(summary.findingsResolved)",
            open: "\(summary.findingsOpen)", manMonths: manMonths, manMonthChart: "charts/man-months.svg",
            hasIncidents: !incidentRows.isEmpty,
            incidentsBySeverity: Incident.Severity.allCases.map { CountRow(label: severity($0), count: "\(summary.incidentsBySeverity[$0] ?? 0)") },
            incidents: incidentRows, progress: progress,
            hasImprovements: !improvements.isEmpty, improvements: improvements)
        return PeriodReportView(t: t, engagement: engagementView, document: documentView(number: "\(engagement.id)-PR"), period: view)
    }
}
