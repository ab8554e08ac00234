import Foundation
import Markdown

/// Inline SVG charts drawn by Dossier itself: every label is escaped, every chart has a `<title>`
/// for screen readers, and nothing refers to outside resources.
public enum Charts {
    public struct Bar: Sendable {
        public var label: String
        public var value: Double
        public var color: String
        public var valueLabel: String
    }

    static let severityColors: [Finding.Severity: String] = [
        .critical: "#8b1a1a", .high: "#d9480f", .medium: "#e6a700", .low: "#2f7d32", .info: "#5c6b7a",
    ]

    static let incidentColors: [Incident.Severity: String] = [.sev1: "#8b1a1a", .sev2: "#d9480f", .sev3: "#e6a700", .sev4: "#2f7d32"]

    /// Horizontal bars, one row per value.
    public static func bars(_ bars: [Bar], title: String, id: String, width: Int = 560) -> String {
        let rowHeight = 26, labelWidth = 150, valueWidth = 70
        let height = max(1, bars.count) * rowHeight + 10
        let maximum = max(bars.map(\.value).max() ?? 0, 1)
        let plot = Double(width - labelWidth - valueWidth)
        var svg = open(width: width, height: height, title: title, id: id)
        for (index, bar) in bars.enumerated() {
            let y = 5 + index * rowHeight
            let length = bar.value <= 0 ? 0 : max(2, plot * bar.value / maximum)
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\" class=\"chart-label\">\(HTML.escape(bar.label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(format(length))\" height=\"\(rowHeight - 8)\" rx=\"3\" fill=\"\(HTML.escape(bar.color))\"/>"
            svg += "<text x=\"\(format(Double(labelWidth) + length + 6))\" y=\"\(y + 17)\" class=\"chart-value\">\(HTML.escape(bar.valueLabel))</text>"
        }
        return svg + "</svg>"
    }

    /// Before and after (and the target) of each metric of a finding, each metric on its own scale.
    public static func beforeAfter(_ metrics: [MetricChange], labels: (before: String, after: String, target: String),
                                   format value: (Double) -> String, title: String, id: String, accent: String = "#1f6feb", width: Int = 560) -> String {
        let groupHeight = 64, labelWidth = 170, valueWidth = 90
        let shown = metrics.filter { $0.metric.before != nil || $0.metric.after != nil }
        let height = max(1, shown.count) * groupHeight + 24
        var svg = open(width: width, height: height, title: title, id: id)
        let plot = Double(width - labelWidth - valueWidth)
        svg += "<g class=\"chart-legend\"><rect x=\"\(labelWidth)\" y=\"4\" width=\"10\" height=\"10\" fill=\"#9aa5b1\"/>"
        svg += "<text x=\"\(labelWidth + 14)\" y=\"13\" class=\"chart-value\">\(HTML.escape(labels.before))</text>"
        svg += "<rect x=\"\(labelWidth + 90)\" y=\"4\" width=\"10\" height=\"10\" fill=\"\(HTML.escape(accent))\"/>"
        svg += "<text x=\"\(labelWidth + 104)\" y=\"13\" class=\"chart-value\">\(HTML.escape(labels.after))</text>"
        svg += "<line x1=\"\(labelWidth + 180)\" y1=\"9\" x2=\"\(labelWidth + 195)\" y2=\"9\" stroke=\"#c92a2a\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/>"
        svg += "<text x=\"\(labelWidth + 199)\" y=\"13\" class=\"chart-value\">\(HTML.escape(labels.target))</text></g>"
        for (index, change) in shown.enumerated() {
            let metric = change.metric
            let y = 24 + index * groupHeight
            let maximum = max([metric.before, metric.after, metric.target].compactMap { $0 }.map(abs).max() ?? 1, 1e-9)
            let unit = metric.unit.map { " " + $0 } ?? ""
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 26)\" text-anchor=\"end\" class=\"chart-label\">\(HTML.escape(truncate(metric.name, 22)))</text>"
            for (row, pair) in [(metric.before, "#9aa5b1"), (metric.after, accent)].enumerated() {
                let top = y + 6 + row * 24
                guard let number = pair.0 else { continue }
                let length = max(2, plot * abs(number) / maximum)
                svg += "<rect x=\"\(labelWidth)\" y=\"\(top)\" width=\"\(format(length))\" height=\"18\" rx=\"3\" fill=\"\(pair.1)\"/>"
                svg += "<text x=\"\(format(Double(labelWidth) + length + 6))\" y=\"\(top + 14)\" class=\"chart-value\">\(HTML.escape(value(number) + unit))</text>"
            }
            if let target = metric.target {
                let x = Double(labelWidth) + plot * abs(target) / maximum
                svg += "<line x1=\"\(format(x))\" y1=\"\(y + 2)\" x2=\"\(format(x))\" y2=\"\(y + 56)\" stroke=\"#c92a2a\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>"
            }
        }
        return svg + "</svg>"
    }

    public struct TimelinePoint: Sendable {
        public var at: Date
        public var label: String
        public var time: String
        public var highlight: Bool
    }

    /// The incident's entries on a time axis, with the golden-time window after the report shaded.
    public static func timeline(_ points: [TimelinePoint], window: (start: Date, end: Date, label: String, breached: Bool)?,
                                title: String, id: String, width: Int = 640) -> String {
        guard let first = points.map(\.at).min(), let last = points.map(\.at).max() else { return "" }
        let end = max(last, window?.end ?? last)
        let span = max(end.timeIntervalSince(first), 60)
        let left = 20.0, right = Double(width) - 20
        let height = 70 + points.count * 18
        func x(_ date: Date) -> Double { left + (right - left) * date.timeIntervalSince(first) / span }
        var svg = open(width: width, height: height, title: title, id: id)
        if let window {
            let color = window.breached ? "#ffe3e3" : "#d3f9d8"
            let stroke = window.breached ? "#c92a2a" : "#2b8a3e"
            svg += "<rect x=\"\(format(x(window.start)))\" y=\"10\" width=\"\(format(max(2, x(window.end) - x(window.start))))\" height=\"\(height - 20)\" fill=\"\(color)\" stroke=\"\(stroke)\" stroke-dasharray=\"4 3\"/>"
            svg += "<text x=\"\(format(x(window.start) + 4))\" y=\"24\" class=\"chart-value\">\(HTML.escape(window.label))</text>"
        }
        svg += "<line x1=\"\(format(left))\" y1=\"40\" x2=\"\(format(right))\" y2=\"40\" stroke=\"#495057\" stroke-width=\"2\"/>"
        for (index, point) in points.enumerated() {
            let px = x(point.at)
            let y = 62 + index * 18
            let color = point.highlight ? "#c92a2a" : "#1f6feb"
            svg += "<circle cx=\"\(format(px))\" cy=\"40\" r=\"5\" fill=\"\(color)\"/>"
            svg += "<line x1=\"\(format(px))\" y1=\"45\" x2=\"\(format(px))\" y2=\"\(y - 4)\" stroke=\"#ced4da\"/>"
            let anchor = px > Double(width) * 0.6 ? "end" : "start"
            let textX = anchor == "end" ? px - 4 : px + 4
            svg += "<text x=\"\(format(textX))\" y=\"\(y)\" text-anchor=\"\(anchor)\" class=\"chart-value\">\(HTML.escape(point.time + " " + point.label))</text>"
        }
        return svg + "</svg>"
    }

    private static func open(width: Int, height: Int, title: String, id: String) -> String {
        let titleID = "chart-" + id.filter { $0.isLetter || $0.isNumber || $0 == "-" } + "-title"
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-labelledby=\"\(HTML.escape(titleID))\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\">"
            + "<title id=\"\(HTML.escape(titleID))\">\(HTML.escape(title))</title>"
            + "<style>.chart-label{font:13px sans-serif;fill:#212529}.chart-value{font:12px sans-serif;fill:#343a40}</style>"
    }

    private static func truncate(_ text: String, _ length: Int) -> String {
        text.count > length ? String(text.prefix(length - 1)) + "…" : text
    }

    /// One decimal, as `String(format: "%.1f")` writes it — through C's `vsnprintf`, the same
    /// rounding, without Foundation's formatter (charts write a number for every bar and label).
    static func format(_ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let written = withVaList([value]) { vsnprintf(buffer.baseAddress!, 64, "%.1f", $0) }
            guard written > 0, written < 64 else { return String(format: "%.1f", value) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(written)), as: UTF8.self)
        }
    }
}
