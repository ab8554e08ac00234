import Foundation

/// An enumeration whose raw values are the words allowed in the workspace format.
public protocol WorkspaceEnum: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == String {}

extension WorkspaceEnum {
    static var allowedValues: [String] { allCases.map(\.rawValue) }
}

/// A value written in the workspace as one string (`2026-10-14`, `2h`, `isms-p:2.9.2`), encoded and
/// decoded as that string.
public protocol TextCodable: Codable {
    /// The value `text` stands for, or nil when it is not valid.
    static func fromText(_ text: String) -> Self?
    /// The text that stands for the value.
    var text: String { get }
}

extension TextCodable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self.fromText(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a valid \(Self.self): \(text)"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// A calendar date written `YYYY-MM-DD`, without a time zone.
public struct Day: TextCodable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `2026-10-14`; nil for anything else, including impossible dates such as `2026-02-30`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var description: String { zeroPadded(year, 4) + "-" + zeroPadded(month, 2) + "-" + zeroPadded(day, 2) }
    public var text: String { description }
    public static func fromText(_ text: String) -> Day? { Day(text) }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

}

/// An instant written in ISO 8601 with its UTC offset (`2026-10-21T14:05:00+09:00`); the offset
/// is kept so that reports show times as the engineer wrote them.
public struct Timestamp: TextCodable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var date: Date
    /// Seconds east of UTC.
    public var utcOffset: Int
    public var text: String

    public enum ParseError: Error, Equatable {
        case malformed
        case missingOffset
    }

    nonisolated(unsafe) private static let timestampPattern = try? NSRegularExpression(
        pattern: #"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})?$"#)

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (the civil-from-days
    /// algorithm in reverse), without a Calendar per timestamp.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public static func parse(_ text: String) -> Result<Timestamp, ParseError> {
        guard let regex = timestampPattern, let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else {
            return .failure(.malformed)
        }
        func group(_ index: Int) -> String? {
            guard let range = Range(match.range(at: index), in: text) else { return nil }
            return String(text[range])
        }
        guard let year = group(1).flatMap(Int.init), let month = group(2).flatMap(Int.init), let dayNumber = group(3).flatMap(Int.init),
              let hour = group(4).flatMap(Int.init), let minute = group(5).flatMap(Int.init),
              Day(year: year, month: month, day: dayNumber) != nil, hour < 24, minute < 60 else { return .failure(.malformed) }
        let second = group(6).flatMap(Int.init) ?? 0
        guard second < 60 else { return .failure(.malformed) }
        let fraction = group(7).map { Double("0." + $0) ?? 0 } ?? 0
        guard let zone = group(8) else { return .failure(.missingOffset) }
        var offset = 0
        if zone != "Z" && zone != "z" {
            let digits = zone.dropFirst().replacingOccurrences(of: ":", with: "")
            guard let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)), hours <= 18, minutes < 60 else {
                return .failure(.malformed)
            }
            offset = (hours * 3600 + minutes * 60) * (zone.hasPrefix("-") ? -1 : 1)
        }
        let seconds = daysSinceEpoch(year: year, month: month, day: dayNumber) * 86_400 + hour * 3600 + minute * 60 + second
        let date = Date(timeIntervalSince1970: Double(seconds)).addingTimeInterval(fraction - Double(offset))
        return .success(Timestamp(date: date, utcOffset: offset, text: text))
    }

    public var description: String { text }
    public static func fromText(_ text: String) -> Timestamp? { try? parse(text).get() }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.date < rhs.date }

    public init(date: Date, utcOffset: Int, text: String) {
        self.date = date
        self.utcOffset = utcOffset
        self.text = text
    }

}

/// A length of time written `2h`, `90m`, `1h30m` or ISO 8601 `PT2H`.
public struct TimeSpan: TextCodable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var seconds: Int

    public init(seconds: Int) { self.seconds = seconds }

    public init?(_ text: String) {
        var rest = text.trimmingCharacters(in: .whitespaces).lowercased()
        if rest.hasPrefix("pt") { rest.removeFirst(2) }
        guard !rest.isEmpty else { return nil }
        var total = 0
        var number = ""
        var units: [Character] = []
        for character in rest {
            if character.isASCII && character.isNumber {
                number.append(character)
            } else if character == " " {
                continue
            } else {
                let scale: Int
                switch character {
                case "h": scale = 3600
                case "m": scale = 60
                case "s": scale = 1
                default: return nil
                }
                guard number.count <= 6, let value = Int(number), !units.contains(character) else { return nil }
                if let last = units.last, let lastScale = ["h": 3600, "m": 60, "s": 1][last], lastScale <= scale { return nil }
                total += value * scale
                units.append(character)
                number = ""
            }
        }
        guard number.isEmpty, !units.isEmpty, total > 0 else { return nil }
        seconds = total
    }

    public var description: String {
        let hours = seconds / 3600, minutes = seconds % 3600 / 60, secs = seconds % 60
        var text = ""
        if hours > 0 { text += "\(hours)h" }
        if minutes > 0 { text += "\(minutes)m" }
        if secs > 0 || text.isEmpty { text += "\(secs)s" }
        return text
    }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.seconds < rhs.seconds }
    public var text: String { description }
    public static func fromText(_ text: String) -> TimeSpan? { TimeSpan(text) }

}

/// Who may see an item: `internal` items never reach client deliverables.
public enum Audience: String, WorkspaceEnum {
    case client, `internal`
}

/// A control of a shipped catalog, written `isms-p:2.9.2`, `iso27001:A.8.6` or `soc2:CC7.4`.
public struct ControlReference: TextCodable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var framework: ControlFramework
    public var id: String

    public init(framework: ControlFramework, id: String) {
        self.framework = framework
        self.id = id
    }

    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let framework = ControlFramework(rawValue: String(parts[0]).lowercased()) else { return nil }
        self.init(framework: framework, id: String(parts[1]))
    }

    public var description: String { "\(framework.rawValue):\(id)" }
    public var text: String { description }
    public static func fromText(_ text: String) -> ControlReference? { ControlReference(text) }

    public static func < (lhs: ControlReference, rhs: ControlReference) -> Bool {
        if lhs.framework != rhs.framework { return lhs.framework.rawValue < rhs.framework.rawValue }
        return lhs.id.compare(rhs.id, options: .numeric) == .orderedAscending
    }

}

public enum ControlFramework: String, WorkspaceEnum {
    case ismsP = "isms-p"
    case iso27001 = "iso27001"
    case soc2 = "soc2"

    public var displayName: String {
        switch self {
        case .ismsP: return "ISMS-P"
        case .iso27001: return "ISO/IEC 27001:2022"
        case .soc2: return "SOC 2"
        }
    }
}

/// A file under `evidence/` cited by a finding or an incident.
public struct EvidenceReference: Codable, Sendable, Hashable {
    /// The path relative to the workspace, as written (`evidence/awr-top-sql.txt`).
    public var file: String
    public var caption: String?
    public var location: SourceLocation

    public init(file: String, caption: String?, location: SourceLocation) {
        self.file = file
        self.caption = caption
        self.location = location
    }
}

/// `value` in decimal, zero-padded to `width` digits: what `String(format: "%0<width>d")` writes,
/// without Foundation's formatter (dates and times are written for every item of a build).
func zeroPadded(_ value: Int, _ width: Int) -> String {
    guard value >= 0 else { return String(format: "%0*d", width, value) }
    let digits = String(value)
    return digits.utf8.count >= width ? digits : String(repeating: "0", count: width - digits.utf8.count) + digits
}
