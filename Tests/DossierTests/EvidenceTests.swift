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
        try PackArchive.write(Self.files("changed\n"), root: "pack", to: reused, previous: first, unchanged: { _ in true })
        #expect(try Data(contentsOf: reused) == Data(contentsOf: fresh))
        try PackArchive.write(Self.files(""), root: "pack", to: reused, previous: first, unchanged: { _ in true })
        #expect(try Data(contentsOf: reused) == Data(contentsOf: first))
        #expect(try PackArchive.unsafeEntries(in: first).isEmpty)
        let extracted = folder.appendingPathComponent("x")
        try PackArchive.extract(first, to: extracted)
        #expect(try Data(contentsOf: extracted.appendingPathComponent("pack/evidence/로그.txt")) == Self.files("")[1].data)
        #expect(try Data(contentsOf: extracted.appendingPathComponent("pack/reports/empty.txt")).isEmpty)
    }
}
