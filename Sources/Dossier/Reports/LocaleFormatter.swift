import Foundation

/// Dates, times, durations, numbers and labels in the engagement's language
/// (`2026년 11월 2일 (월)`, `1시간 43분`, `3,800` — or `2 Nov 2026`, `1 h 43 min`).
public struct LocaleFormatter: Sendable {
    public var language: Engagement.Language
    /// The fixed text of the reports (`Templates/reports/strings/<language>.yaml`).
    public var strings: [String: String]

    public init(language: Engagement.Language, strings: [String: String]) {
        self.language = language
        self.strings = strings
    }

    /// The localised text for `key`, with `{name}` placeholders filled in; the key itself when missing.
    public func text(_ key: String, _ values: [String: String] = [:]) -> String {
        let template = strings[key] ?? key
        guard !values.isEmpty, template.utf8.contains(UInt8(ascii: "{")) else { return template }
        // One pass over the template, so a value that itself contains `{name}` stays as it is.
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            result += values[name] ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    public func label<E: RawRepresentable>(_ prefix: String, _ value: E) -> String where E.RawValue == String {
        text("\(prefix)_\(value.rawValue)")
    }

    private static let englishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let koreanWeekdays = ["일", "월", "화", "수", "목", "금", "토"]

    public func date(_ day: Day, weekday: Bool = true) -> String {
        switch language {
        case .ko:
            let base = "\(day.year)년 \(day.month)월 \(day.day)일"
            return weekday ? base + " (\(Self.koreanWeekdays[Self.weekday(day)]))" : base
        case .en:
            return "\(day.day) \(Self.englishMonths[day.month - 1]) \(day.year)"
        }
    }

    public func dateRange(_ from: Day, _ to: Day) -> String {
        "\(date(from, weekday: false)) – \(date(to, weekday: false))"
    }

    /// The wall-clock time as written in the timeline (`14:05`), with the date when asked.
    public func time(_ timestamp: Timestamp, withDate: Bool = false) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: timestamp.utcOffset) ?? TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: timestamp.date)
        let clock = zeroPadded(parts.hour ?? 0, 2) + ":" + zeroPadded(parts.minute ?? 0, 2)
        guard withDate, let year = parts.year, let month = parts.month, let dayNumber = parts.day,
              let day = Day(year: year, month: month, day: dayNumber) else { return clock }
        return "\(date(day, weekday: false)) \(clock)"
    }

    /// `UTC+09:00`.
    public static func zoneName(_ offset: Int) -> String {
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return "UTC" + sign + zeroPadded(minutes / 60, 2) + ":" + zeroPadded(minutes % 60, 2)
    }

    /// `1시간 43분` / `1 h 43 min`; days when longer than a day; seconds are dropped.
    public func duration(_ interval: TimeInterval) -> String {
        let totalMinutes = Int((abs(interval) / 60).rounded())
        let days = totalMinutes / 1440, hours = totalMinutes % 1440 / 60, minutes = totalMinutes % 60
        var parts: [String] = []
        switch language {
        case .ko:
            if days > 0 { parts.append("\(days)일") }
            if hours > 0 { parts.append("\(hours)시간") }
            if minutes > 0 || parts.isEmpty { parts.append("\(minutes)분") }
        case .en:
            if days > 0 { parts.append("\(days) d") }
            if hours > 0 { parts.append("\(hours) h") }
            if minutes > 0 || parts.isEmpty { parts.append("\(minutes) min") }
        }
        return parts.joined(separator: " ")
    }

    public func duration(_ span: TimeSpan) -> String { duration(TimeInterval(span.seconds)) }

    /// Thousands separators and at most `decimals` decimals, trailing zeros dropped: `3,800`, `1.25`.
    /// Korean and English write numbers alike; done by hand because NumberFormatter is slow to make
    /// and not safe to share between threads.
    public func number(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return String(format: "%.3g", value) }
        let scale = pow(10.0, Double(decimals))
        let rounded = (abs(value) * scale).rounded() / scale
        var integer = String(Int64(rounded.rounded(.down)))
        var grouped = ""
        while integer.count > 3 {
            grouped = "," + integer.suffix(3) + grouped
            integer.removeLast(3)
        }
        grouped = integer + grouped
        var fraction = ""
        if decimals > 0 {
            let digits = Int64(((rounded - rounded.rounded(.down)) * scale).rounded())
            if digits > 0 {
                fraction = String(repeating: "0", count: max(0, decimals - String(digits).count)) + String(digits)
                while fraction.hasSuffix("0") { fraction.removeLast() }
            }
        }
        let sign = value < 0 && rounded > 0 ? "-" : ""
        return sign + grouped + (fraction.isEmpty ? "" : "." + fraction)
    }

    public func percent(_ value: Double, decimals: Int = 1) -> String {
        number(value, decimals: decimals) + "%"
    }

    /// `+92.6%` for an improvement, `-12%` for a regression.
    public func signedPercent(_ value: Double) -> String {
        (value > 0 ? "+" : value < 0 ? "−" : "") + percent(abs(value))
    }

    public func bytes(_ count: Int) -> String {
        if count >= 1024 * 1024 { return number(Double(count) / 1024 / 1024, decimals: 1) + " MiB" }
        if count >= 1024 { return number(Double(count) / 1024, decimals: 1) + " KiB" }
        return number(Double(count)) + (language == .ko ? "바이트" : " bytes")
    }

    /// The cells of a measured figure as tables show it: before, after and target with the unit,
    /// the improvement, and whether the target is met.
    public func cells(_ change: MetricChange) -> (before: String, after: String, target: String, change: String, met: String) {
        let unit = change.metric.unit.map { " \($0)" } ?? ""
        return (change.metric.before.map { number($0) + unit } ?? "—",
                change.metric.after.map { number($0) + unit } ?? text("not_measured"),
                change.metric.target.map { number($0) + unit } ?? "—",
                change.improvementPercent.map { signedPercent($0) } ?? "—",
                change.targetMet.map { text($0 ? "yes" : "no") } ?? "—")
    }

    /// A Korean noun with its topic particle: `한빛기술진단은`, `에이스커머스는`; `은(는)` after a
    /// word that does not end in Hangul, whose pronunciation is unknown.
    public static func withTopicParticle(_ noun: String) -> String {
        guard let last = noun.unicodeScalars.last, (0xAC00...0xD7A3).contains(last.value) else { return noun + "은(는)" }
        return noun + ((last.value - 0xAC00) % 28 == 0 ? "는" : "은")
    }

    /// 0 = Sunday.
    static func weekday(_ day: Day) -> Int {
        // Zeller-style computation, independent of the machine's calendar settings.
        var year = day.year, month = day.month
        if month < 3 { month += 12; year -= 1 }
        let k = year % 100, j = year / 100
        let h = (day.day + (13 * (month + 1)) / 5 + k + k / 4 + j / 4 + 5 * j) % 7
        return (h + 6) % 7
    }
}
