import Foundation
import Testing
@testable import Dossier

@Suite struct ValuesTests {
    @Test func daysParseStrictly() {
        #expect(Day("2026-10-14")?.description == "2026-10-14")
        #expect(Day("2024-02-29") != nil)
        #expect(Day("2026-02-29") == nil)
        #expect(Day("2026-13-01") == nil)
        #expect(Day("2026-1-1") == nil)
        #expect(Day("14.10.2026") == nil)
        #expect(Day("2026-10-14")! < Day("2026-11-01")!)
    }

    @Test func timestampsNeedAnOffset() throws {
        let korean = try Timestamp.parse("2026-10-21T14:05:00+09:00").get()
        let utc = try Timestamp.parse("2026-10-21T05:05:00Z").get()
        #expect(korean.date == utc.date)
        #expect(korean.utcOffset == 9 * 3600)
        #expect(Timestamp.parse("2026-10-21T14:05:00") == .failure(.missingOffset))
        #expect(Timestamp.parse("2026-10-21 14:05+0900").map(\.utcOffset) == .success(32400))
        #expect(Timestamp.parse("2026-10-32T14:05:00+09:00") == .failure(.malformed))
        #expect(Timestamp.parse("yesterday") == .failure(.malformed))
    }

    @Test func timeSpans() {
        #expect(TimeSpan("2h")?.seconds == 7200)
        #expect(TimeSpan("90m")?.seconds == 5400)
        #expect(TimeSpan("1h30m")?.seconds == 5400)
        #expect(TimeSpan("PT2H")?.seconds == 7200)
        #expect(TimeSpan("2 hours") == nil)
        #expect(TimeSpan("30m1h") == nil)
        #expect(TimeSpan("0m") == nil)
        #expect(TimeSpan(seconds: 5400).description == "1h30m")
    }

    @Test func controlReferences() {
        #expect(ControlReference("isms-p:2.9.2") == ControlReference(framework: .ismsP, id: "2.9.2"))
        #expect(ControlReference("ISO27001:A.8.6")?.description == "iso27001:A.8.6")
        #expect(ControlReference("nist:AC-2") == nil)
        #expect(ControlReference("2.9.2") == nil)
        #expect(ControlReference("isms-p:2.10.1")! > ControlReference("isms-p:2.9.2")!)
    }

    @Test func suggestions() {
        #expect(Suggestions.closest(to: "severty", in: FindingDecoder.keys) == "severity")
        #expect(Suggestions.closest(to: "titel", in: FindingDecoder.keys) == "title")
        #expect(Suggestions.closest(to: "xyz", in: FindingDecoder.keys) == nil)
        #expect(Suggestions.editDistance("커넥션", "커넥션풀") == 1)
    }
}

@Suite struct CatalogTests {
    @Test func shippedCatalogsHaveEveryControl() throws {
        let catalogs = try ControlCatalogs.shipped.get()
        #expect(catalogs.controls[.ismsP]?.count == 101)
        #expect(catalogs.controls[.iso27001]?.count == 93)
        #expect(catalogs.controls[.soc2]?.count == 61)
        #expect(catalogs.contains(ControlReference("isms-p:2.9.2")!))
        #expect(catalogs.contains(ControlReference("soc2:CC7.4")!))
        #expect(!catalogs.contains(ControlReference("isms-p:9.9.9")!))
        let control = try #require(catalogs.control(ControlReference("isms-p:1.4.2")!))
        #expect(control.koreanTitle?.isEmpty == false)
        #expect(catalogs.control(ControlReference("soc2:CC1.3")!)?.title.contains(",") == true)
    }

    @Test func csvQuotedFields() {
        #expect(CSV.rows("a,\"b, c\",\"d \"\"e\"\"\"\n1,2,3\n") == [["a", "b, c", "d \"e\""], ["1", "2", "3"]])
    }
}

@Suite struct TextCodableTests {
    struct Holder: Codable, Equatable {
        var day: Day
        var at: Timestamp
        var span: TimeSpan
        var control: ControlReference
    }

    @Test func valuesRoundTripAsTheirText() throws {
        let json = #"{"at":"2026-10-21T14:05:00+09:00","control":"isms-p:2.9.2","day":"2026-10-14","span":"1h30m"}"#
        let holder = try JSONDecoder().decode(Holder.self, from: Data(json.utf8))
        #expect(holder.span.seconds == 5400 && holder.at.utcOffset == 32400)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(holder), as: UTF8.self) == json)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Holder.self, from: Data(json.replacingOccurrences(of: "2026-10-14", with: "2026-13-14").utf8)) }
    }
}

@Suite struct TimestampDateTests {
    @Test(arguments: [(1970, 1, 1), (2026, 11, 27), (2024, 2, 29), (2000, 3, 1), (1900, 2, 28), (1969, 12, 31), (2100, 12, 31), (1601, 1, 1)])
    func daysMatchTheGregorianCalendar(_ date: (Int, Int, Int)) throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let expected = try #require(calendar.date(from: DateComponents(year: date.0, month: date.1, day: date.2)))
        #expect(Double(Timestamp.daysSinceEpoch(year: date.0, month: date.1, day: date.2) * 86_400) == expected.timeIntervalSince1970)
    }

    @Test func parsedInstantsKeepTheirOffset() throws {
        let parsed = try Timestamp.parse("2026-10-14T09:30:15.25+09:00").get()
        #expect(parsed.date.timeIntervalSince1970 == 1_791_937_815.25, "2026-10-14T00:30:15.25Z")
        #expect(parsed.utcOffset == 9 * 3600)
    }
}

/// Severity ranks follow the order of the cases: most severe first.
@Suite struct SeverityRankTests {
    @Test func ranksAreTheCaseOrder() {
        #expect(Finding.Severity.allCases.map(\.rank) == Array(0..<Finding.Severity.allCases.count))
        #expect(Incident.Severity.allCases.map(\.rank) == Array(0..<Incident.Severity.allCases.count))
        #expect(Finding.Severity.critical < .info && !(Finding.Severity.low < .high))
        #expect(Incident.Severity.sev1 < .sev4)
    }
}

/// The formatters that replace `String(format:)` write what it writes.
@Suite struct NumberTextTests {
    @Test func zeroPaddingMatchesPrintf() {
        for value in [0, 1, 9, 10, 59, 99, 100, 999, 2026, 12345] {
            for width in [2, 4] { #expect(zeroPadded(value, width) == String(format: "%0*d", width, value)) }
        }
        #expect(zeroPadded(-5, 2) == String(format: "%02d", -5))
        #expect(Day(year: 2026, month: 3, day: 7)!.description == "2026-03-07")
    }

    @Test func chartNumbersMatchPrintf() {
        let values: [Double] = [0, -0.0, 0.05, 0.15, 0.25, 0.35, 0.45, 1.25, 2.5, -1.25, -0.04, 99.95, 123456.789, 1e20, -3.75, 0.1 + 0.2]
        for value in values + (0..<500).map({ Double($0) * 0.37 - 40 }) {
            #expect(Charts.format(value) == String(format: "%.1f", value), "\(value)")
        }
    }
}

/// The health check's order of findings tied on severity and date: by id, numbers by their value,
/// with a fast path for ids of the same text and other numbers that must agree with Foundation's.
struct NumberedIDTests {
    @Test func theFastPathAgreesWithFoundation() {
        let ids = ["F-1", "F-2", "F-9", "F-10", "F-010", "F-0012", "F-12", "F-99999", "F-100000", "INC-3", "KB-1", "F2-9", "F2-10",
                   "가-1", "가-10", "가-9", "F-", "F", "12", "012", "7", "F-1a", "F-18446744073709551615", "F-123456789012345678"]
        var told = 0
        for a in ids {
            for b in ids {
                let foundation = a.compare(b, options: .numeric) == .orderedAscending
                if let order = ReportContext.NumberedID.precedes(ReportContext.NumberedID(a), ReportContext.NumberedID(b)) {
                    told += 1
                    #expect(order == foundation, "\(a) \(b)")
                }
            }
        }
        #expect(told > 60, "the fast path tells most pairs of the same text")
        #expect(ReportContext.NumberedID("F-1a") == nil && ReportContext.NumberedID("F-") == nil)
        #expect(ReportContext.NumberedID("F-18446744073709551615") == nil, "over 18 digits: Foundation decides")
    }
}
