import Crypto
import Foundation
import Testing
@testable import Dossier

@Suite struct EvidenceTests {
    @Test func stableUUIDsAreVersion5() {
        // The same value as Python's uuid.uuid5(namespace, name) for Dossier's namespace.
        #expect(StableUUID.make("dossier:HC-2026-Q4:risk:F-001") == "7d30c7f6-331a-59f9-a032-edf907ff1630")
        #expect(StableUUID.make("a") == StableUUID.make("a"))
        #expect(StableUUID.make("a") != StableUUID.make("b"))
    }

    @Test func oscalTokens() {
        #expect(OSCAL.token(ControlReference("isms-p:2.9.2")!) == "ismsp-2.9.2")
        #expect(OSCAL.token(ControlReference("iso27001:A.8.6")!) == "iso27001-a.8.6")
        #expect(OSCAL.token(ControlReference("soc2:CC7.4")!) == "soc2-cc7.4")
    }

    @Test func openSSHKeysRoundTrip() throws {
        let key = SSHSigningKey(comment: "evidence@example")
        let parsed = try SSHSigningKey.parse(openSSH: key.openSSHPrivateKey())
        #expect(parsed.publicKey.rawRepresentation == key.publicKey.rawRepresentation)
        #expect(parsed.comment == "evidence@example")
        #expect(key.publicKeyLine.hasPrefix("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"))
        #expect(SSHSigningKey.fingerprint(key.publicKey).hasPrefix("SHA256:"))
        #expect(throws: SSHSigningKey.Failure.self) { try SSHSigningKey.parse(openSSH: "not a key") }
    }

    @Test func signaturesVerifyAndDetectTampering() throws {
        let key = SSHSigningKey(comment: "x")
        let message = Data("abc  file.txt\n".utf8)
        let armored = try SSHSignature.sign(message, namespace: EvidencePack.namespace, key: key)
        #expect(armored.hasPrefix("-----BEGIN SSH SIGNATURE-----\n"))
        let good = try #require(SSHSignature.verify(armored, message: message))
        #expect(good.valid && good.namespace == EvidencePack.namespace)
        #expect(good.fingerprint == SSHSigningKey.fingerprint(key.publicKey))
        #expect(SSHSignature.verify(armored, message: Data("abd  file.txt\n".utf8))?.valid == false)
        #expect(try SSHSignature.sign(message, namespace: EvidencePack.namespace, key: key) == armored, "Ed25519 signatures are deterministic")
    }

    @Test func sumsParsing() {
        let sums = PackVerifier.parseSums(String(repeating: "a", count: 64) + "  reports/한글 파일.html\n" + String(repeating: "B", count: 64) + " *bin.pdf\n")
        #expect(sums == ["reports/한글 파일.html": String(repeating: "a", count: 64), "bin.pdf": String(repeating: "b", count: 64)])
    }
}

/// The pack's zip: deterministic bytes, and entries copied from the previous zip only when they are
/// the same file.
@Suite struct PackArchiveTests {
    static func files(_ extra: String) -> [OutputFile] {
        [OutputFile(path: "README.md", data: Data(("# 증적 팩\n" + String(repeating: "반복되는 줄\n", count: 200)).utf8)),
         OutputFile(path: "evidence/로그.txt", data: Data((extra + String(repeating: "ORA-01555 snapshot too old\n", count: 50)).utf8)),
         OutputFile(path: "reports/tiny.html", data: Data("x".utf8)),
         OutputFile(path: "reports/empty.txt", data: Data())]
    }

    @Test func reusedEntriesGiveTheSameBytes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("a.zip"), fresh = folder.appendingPathComponent("b.zip"), reused = folder.appendingPathComponent("c.zip")
        try PackArchive.write(Self.files(""), root: "pack", to: first)
        try PackArchive.write(Self.files("changed\n"), root: "pack", to: fresh)
        // Every file claimed unchanged: the changed one is still compressed again (its CRC differs).
        try PackArchive.write(Self.files("changed\n"), root: "pack", to: reused, previous: Data(contentsOf: first), unchanged: { _ in true })
        #expect(try Data(contentsOf: reused) == Data(contentsOf: fresh))
        try PackArchive.write(Self.files(""), root: "pack", to: reused, previous: Data(contentsOf: first), unchanged: { _ in true })
        #expect(try Data(contentsOf: reused) == Data(contentsOf: first))
        #expect(try PackArchive.unsafeEntries(in: first).isEmpty)
        let extracted = folder.appendingPathComponent("x")
        try PackArchive.extract(first, to: extracted)
        #expect(try Data(contentsOf: extracted.appendingPathComponent("pack/evidence/로그.txt")) == Self.files("")[1].data)
        #expect(try Data(contentsOf: extracted.appendingPathComponent("pack/reports/empty.txt")).isEmpty)
    }

    /// Entries deflated ahead are used only for the same bytes, and give the zip it would have had.
    @Test func entriesDeflatedAheadGiveTheSameBytes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let plain = folder.appendingPathComponent("a.zip"), early = folder.appendingPathComponent("b.zip")
        let files = Self.files("")
        try PackArchive.write(files, root: "pack", to: plain)
        let unchangedLog = Digest.sha256(files[1].data)
        let ahead = DeflateAhead(previousDigest: { $0 == "evidence/로그.txt" ? unchangedLog : nil })
        ahead.start("README.md", files[0].data)
        ahead.start("evidence/로그.txt", files[1].data)
        ahead.start("reports/tiny.html", Data("other bytes".utf8))
        #expect(ahead.entry("README.md", for: files[0].data) != nil)
        #expect(ahead.entry("README.md", for: Data("different".utf8)) == nil, "other bytes: deflated again")
        #expect(ahead.entry("evidence/로그.txt", for: files[1].data) == nil, "the last build's bytes: left to the last zip")
        #expect(ahead.entry("reports/empty.txt", for: Data()) == nil)
        try PackArchive.write(files, root: "pack", to: early, ahead: ahead)
        #expect(try Data(contentsOf: early) == Data(contentsOf: plain))

        // Jobs are held until `release()` (a build releases them when its two threads are done);
        // one taken before that is deflated by the thread that asks for it.
        let released = DeflateAhead(previousDigest: { _ in nil })
        released.start("README.md", files[0].data)
        released.release()
        released.start("evidence/로그.txt", files[1].data)
        let late = folder.appendingPathComponent("c.zip")
        try PackArchive.write(files, root: "pack", to: late, ahead: released)
        #expect(try Data(contentsOf: late) == Data(contentsOf: plain))
    }
}

/// `PrettyJSON` must write what Foundation's `JSONEncoder` writes with the options OSCAL used.
@Suite struct PrettyJSONTests {
    func foundation<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    struct Mixed: Encodable {
        var empty: [String] = []
        var emptyObject: [String: String] = [:]
        var absent: String? = nil
        var hostile = "q\"b\\s/n\nr\rt\tb\u{8}f\u{C}\u{0}\u{1}\u{1F}\u{7F}\u{2028}é한\u{1F600}</script>"
        var nested: [[String: [Int]]] = [["z": [1, -2, 0]], [:], ["a": []]]
        var flags = [true, false]
        var small: Int8 = -5
        var big: UInt64 = .max
        var keys = ["b": "1", "B": "2", "a-b": "3", "ab": "4", "a_b": "5", "a10": "6", "a9": "7", "": "8", "é": "9", "한": "10"]
    }

    @Test func matchesFoundation() throws {
        #expect(try PrettyJSON.encode(Mixed()) == foundation(Mixed()))
        #expect(try PrettyJSON.encode([String]()) == foundation([String]()))
        #expect(try PrettyJSON.encode("top") == foundation("top"))
        #expect(try PrettyJSON.encode(["x": [[String: String]()]]) == foundation(["x": [[String: String]()]]))
    }

    @Test func matchesFoundationOnOSCALDocuments() throws {
        let hostile = "F-1 \"<b>\" \\ 한글\n\t/slash"
        let metadata = OSCAL.Metadata(title: hostile, lastModified: "2026-11-27T00:00:00+09:00", version: "1.0",
                                      roles: [OSCAL.Role(id: "assessor", title: "Independent assessor")],
                                      parties: [OSCAL.Party(uuid: "u1", name: hostile)],
                                      responsibleParties: [OSCAL.ResponsibleParty(roleID: "assessor", partyUUIDs: ["u1"])])
        let observation = OSCAL.Observation(uuid: "o", title: hostile, description: hostile, props: [OSCAL.Property(name: "label", value: "F-1", ns: "https://x")],
                                            methods: ["EXAMINE"], types: [], collected: "2026", relevantEvidence: nil)
        let risk = OSCAL.Risk(uuid: "r", title: hostile, description: "d", statement: "s", props: [], status: "open", deadline: nil)
        let item = OSCAL.POAMItem(uuid: "i", title: hostile, description: "d", props: [],
                                  relatedObservations: [OSCAL.ObservationReference(observationUUID: "o")], relatedRisks: nil)
        func results(_ observations: [JSONPart<OSCAL.Observation>], _ risks: [JSONPart<OSCAL.Risk>]) -> OSCAL.AssessmentResults {
            OSCAL.AssessmentResults(
                uuid: "a", metadata: metadata, importAP: OSCAL.ImportAP(href: "../README.md"),
                results: [OSCAL.Result(uuid: "res", title: hostile, description: hostile, start: "s", end: "e",
                                       reviewedControls: OSCAL.ReviewedControls(controlSelections: [OSCAL.ControlSelection(includeControls: nil, includeAll: [:])]),
                                       observations: observations, risks: risks, findings: nil)])
        }
        func poam(_ risks: [JSONPart<OSCAL.Risk>], _ items: [JSONPart<OSCAL.POAMItem>]) -> OSCAL.POAM {
            OSCAL.POAM(uuid: "p", metadata: metadata, systemID: OSCAL.SystemID(id: "sys"), observations: nil, risks: risks, poamItems: items)
        }
        let plain = results([.value(observation), .value(observation)], [.value(risk)])
        let expected = try foundation(["assessment-results": plain]) + Data("\n".utf8)
        #expect(try OSCAL.encode(["assessment-results": plain]) == expected)
        // Entries from the build cache: written at the outermost level, placed at their depth.
        let fromCache = results([.encoded(try PrettyJSON.fragment(observation)), .value(observation)], [.encoded(try PrettyJSON.fragment(risk))])
        #expect(try OSCAL.encode(["assessment-results": fromCache]) == expected)
        let expectedPOAM = try foundation(["plan-of-action-and-milestones": poam([.value(risk)], [.value(item)])]) + Data("\n".utf8)
        #expect(try OSCAL.encode(["plan-of-action-and-milestones": poam([.value(risk)], [.value(item)])]) == expectedPOAM)
        #expect(try OSCAL.encode(["plan-of-action-and-milestones": poam([.encoded(try PrettyJSON.fragment(risk))],
                                                                        [.encoded(try PrettyJSON.fragment(item))])]) == expectedPOAM)
    }

    /// A fragment keeps empty containers, nested objects and hostile strings as a direct encoding
    /// would write them, at any depth; only PrettyJSON can write one.
    @Test func fragmentsWriteAsTheirValues() throws {
        let mixed = try PrettyJSON.fragment(Mixed())
        #expect(try PrettyJSON.encode(["a": ["b": [JSONPart<Mixed>.encoded(mixed)]]]) == foundation(["a": ["b": [Mixed()]]]))
        #expect(try PrettyJSON.encode([JSONPart<Mixed>.encoded(mixed)]) == foundation([Mixed()]))
        #expect(try PrettyJSON.encode(JSONPart<Mixed>.encoded(mixed)) == foundation(Mixed()))
        #expect(try PrettyJSON.encode(["x": JSONPart<[String]>.encoded(try PrettyJSON.fragment([String]()))]) == foundation(["x": [String]()]))
        #expect(throws: (any Error).self) { try self.foundation([JSONPart<Mixed>.encoded(mixed)]) }
        #expect(throws: (any Error).self) { try EncodedTree.encode([mixed], writer: "a writer without fragments") }
    }

    @Test func refusesFloatingPoint() {
        #expect(throws: (any Error).self) { try PrettyJSON.encode(["x": 1.5]) }
        #expect(throws: (any Error).self) { try PrettyJSON.encode([Date()]) }
    }
}
