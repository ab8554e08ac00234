@testable import Dossier
import Foundation
import Testing

/// The OSCAL entries' trees (`JSONTreeConvertible`) against their `Encodable` conformances: the
/// same JSON, byte for byte, with every optional field set and left out, and strings that need
/// escaping.
@Suite struct OSCALTreeTests {
    static let texts = ["plain", "점검 \"따옴표\" \\ / \t\n줄바꿈", "\u{1}\u{1F}\u{7F}", "", "é\u{301} 🇰🇷"]

    static func check<T: Encodable & JSONTreeConvertible>(_ value: T) throws {
        #expect(Array(PrettyJSON.fragment(tree: value).text.utf8) == Array(try PrettyJSON.fragment(value).text.utf8), "\(value)")
    }

    @Test func treesMatchCodable() throws {
        for (index, text) in Self.texts.enumerated() {
            let other = Self.texts[(index + 1) % Self.texts.count]
            let props = [OSCAL.Property(name: text, value: other), OSCAL.Property(name: other, value: text, ns: text)]
            let evidence = [OSCAL.RelevantEvidence(href: text, description: other)]
            for optional in [true, false] {
                try Self.check(OSCAL.Observation(uuid: text, title: other, description: text, props: index == 0 ? [] : props, methods: [text, other],
                                                 types: index == 1 ? [] : [other], collected: text, relevantEvidence: optional ? evidence : nil))
                try Self.check(OSCAL.Risk(uuid: text, title: other, description: text, statement: other, props: props, status: text,
                                          deadline: optional ? other : nil))
                try Self.check(OSCAL.POAMItem(uuid: text, title: other, description: text, props: props,
                                              relatedObservations: optional ? [.init(observationUUID: text)] : nil,
                                              relatedRisks: optional ? [.init(riskUUID: other), .init(riskUUID: text)] : nil))
                try Self.check(OSCAL.FindingEntry(uuid: text, title: other, description: text,
                                                  target: OSCAL.Target(targetID: other, status: .init(state: text)),
                                                  relatedObservations: index == 2 ? [] : [.init(observationUUID: text)],
                                                  relatedRisks: optional ? [.init(riskUUID: other)] : nil))
            }
        }
    }
}
