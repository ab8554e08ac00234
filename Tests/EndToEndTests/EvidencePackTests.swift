import Foundation
import Testing

/// Runs a standard tool and returns its status and output.
func tool(_ path: String, _ arguments: [String], input: Data? = nil, in directory: URL? = nil) throws -> (status: Int32, output: String) {
    _ = Dossier.ignoreBrokenPipes
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let output = Pipe(), stdin = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = stdin
    try process.run()
    if let input { try? stdin.fileHandleForWriting.write(contentsOf: input) }
    try? stdin.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite(.serialized) struct EvidencePackTests {
    static let sha256sum = "/usr/bin/sha256sum"
    static let sshKeygen = "/usr/bin/ssh-keygen"

    /// Builds the Korean example signed with a key from `dossier keygen`.
    static func signedPack() throws -> (copy: ExampleCopy, out: URL, pack: URL, zip: URL) {
        let copy = try ExampleCopy("acecommerce-2026-q4", withSiblings: true)
        let key = copy.root.appendingPathComponent("signing-key")
        let keygen = try Dossier.run(["keygen", "-f", key.path, "--identity", "evidence@hanbit.example"])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let out = copy.root.appendingPathComponent("out")
        let build = try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--sign-key", key.path])
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stdout.contains("[6/7] Assemble evidence pack"))
        return (copy, out, out.appendingPathComponent("evidence"), out.appendingPathComponent("evidence-HC-2026-Q4.zip"))
    }

    @Test func standardToolsAndVerifyAcceptThePack() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.sshKeygen), "ssh-keygen is missing: make test installs openssh-client")
        let (copy, _, pack, zip) = try Self.signedPack()
        defer { copy.remove() }
        let sums = try tool(Self.sha256sum, ["-c", "SHA256SUMS"], in: pack)
        #expect(sums.status == 0, "\(sums.output)")
        let sumsData = try Data(contentsOf: pack.appendingPathComponent("SHA256SUMS"))
        let verify = try tool(Self.sshKeygen, ["-Y", "verify", "-f", "allowed_signers", "-I", "evidence@hanbit.example", "-n", "dossier-evidence",
                                              "-s", "SHA256SUMS.sig"], input: sumsData, in: pack)
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains("Good \"dossier-evidence\" signature for evidence@hanbit.example"))
        let folder = try Dossier.run(["verify", pack.path, "--allowed-signers", copy.root.appendingPathComponent("signing-key.allowed_signers").path])
        #expect(folder.status == 0, "\(folder.stderr)")
        #expect(folder.stdout.contains("[PASS] signature: valid"))
        let archive = try Dossier.run(["verify", zip.path])
        #expect(archive.status == 0, "\(archive.stderr)")
        #expect(archive.stdout.contains("[PASS] zip entries"))

        let readme = try String(contentsOf: pack.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("## 한국어") && readme.contains("## English"))
        #expect(readme.contains("독립된 제3자"))
        #expect(readme.contains("ssh-keygen -Y verify -f allowed_signers -I evidence@hanbit.example -n dossier-evidence -s SHA256SUMS.sig < SHA256SUMS"))
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: pack.appendingPathComponent("manifest.json"))) as? [String: Any]
        let files = try #require(manifest?["files"] as? [[String: Any]])
        let awr = try #require(files.first { $0["path"] as? String == "evidence/awr-top-sql.txt" })
        #expect(awr["media-type"] as? String == "text/plain")
        #expect((awr["sha256"] as? String)?.count == 64)
        #expect((awr["source"] as? [String])?.isEmpty == false)
        #expect((awr["controls"] as? [String])?.contains("isms-p:2.9.2") == true)
        #expect((awr["collected-at"] as? String)?.hasSuffix("+09:00") == true)
        #expect(files.contains { $0["path"] as? String == "reports/health-check.html" })
        #expect(!files.contains { ($0["path"] as? String)?.contains("F-017") == true })
    }

    @Test func everyTamperingIsDetected() throws {
        let (copy, _, pack, _) = try Self.signedPack()
        defer { copy.remove() }
        let pristine = copy.root.appendingPathComponent("pristine")
        try FileManager.default.copyItem(at: pack, to: pristine)
        func reset() throws {
            try FileManager.default.removeItem(at: pack)
            try FileManager.default.copyItem(at: pristine, to: pack)
        }
        let targets = ["evidence/awr-top-sql.txt", "reports/health-check.html", "manifest.json", "oscal/poam.json", "coverage.csv", "README.md"]
        for target in targets {
            try reset()
            var data = try Data(contentsOf: pack.appendingPathComponent(target))
            data[data.count / 2] ^= 0x01
            try data.write(to: pack.appendingPathComponent(target))
            let result = try Dossier.run(["verify", pack.path])
            #expect(result.status == 1, "\(target)")
            #expect(result.stderr.contains(target), "\(target): \(result.stderr)")
            #expect(try tool(Self.sha256sum, ["-c", "--quiet", "SHA256SUMS"], in: pack).status != 0, "sha256sum misses \(target)")
        }

        try reset()
        try "extra".write(to: pack.appendingPathComponent("evidence/extra.txt"), atomically: true, encoding: .utf8)
        let added = try Dossier.run(["verify", pack.path])
        #expect(added.status == 1)
        #expect(added.stderr.contains("evidence/extra.txt: not in SHA256SUMS"))

        try reset()
        try FileManager.default.removeItem(at: pack.appendingPathComponent("evidence/gc.log"))
        try FileManager.default.createSymbolicLink(atPath: pack.appendingPathComponent("evidence/gc.log").path, withDestinationPath: "/dev/zero")
        let linked = try Dossier.run(["verify", pack.path])
        #expect(linked.status == 1)
        #expect(linked.stderr.contains("evidence/gc.log: symbolic link"), "a link is reported, never followed")
        try FileManager.default.removeItem(at: pack.appendingPathComponent("evidence/gc.log"))
        let deleted = try Dossier.run(["verify", pack.path])
        #expect(deleted.status == 1)
        #expect(deleted.stderr.contains("evidence/gc.log: missing"))
        #expect(try tool(Self.sha256sum, ["-c", "--quiet", "SHA256SUMS"], in: pack).status != 0)

        try reset()
        let other = copy.root.appendingPathComponent("other-key")
        _ = try Dossier.run(["keygen", "-f", other.path, "--identity", "mallory@example"])
        let sums = try Data(contentsOf: pack.appendingPathComponent("SHA256SUMS"))
        let forged = try tool(Self.sshKeygen, ["-Y", "sign", "-f", other.path, "-n", "dossier-evidence"], input: sums, in: copy.root)
        #expect(forged.status == 0, "\(forged.output)")
        try forged.output.write(to: pack.appendingPathComponent("SHA256SUMS.sig"), atomically: true, encoding: .utf8)
        let replaced = try Dossier.run(["verify", pack.path])
        #expect(replaced.status == 1)
        #expect(replaced.stderr.contains("SHA256SUMS.sig"))
        let standard = try tool(Self.sshKeygen, ["-Y", "verify", "-f", "allowed_signers", "-I", "evidence@hanbit.example", "-n", "dossier-evidence",
                                                "-s", "SHA256SUMS.sig"], input: sums, in: pack)
        #expect(standard.status != 0)
    }

    @Test func unsafeZipEntriesAreRefused() throws {
        let directory = try Dossier.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let zip = directory.appendingPathComponent("evil.zip")
        let script = "import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1],'w')\nz.writestr('pack/SHA256SUMS','')\nz.writestr('pack/../../escape.txt','x')\nz.writestr('/abs.txt','x')\nz.close()\n"
        let made = try tool("/usr/bin/env", ["python3", "-c", script, zip.path])
        #expect(made.status == 0, "\(made.output)")
        let result = try Dossier.run(["verify", zip.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("pack/../../escape.txt: leaves the folder through '..'"))
        #expect(result.stderr.contains("/abs.txt: absolute path"))
        #expect(!FileManager.default.fileExists(atPath: directory.deletingLastPathComponent().appendingPathComponent("escape.txt").path))
    }

    @Test func rebuildsAreByteIdentical() throws {
        let (copy, out, pack, zip) = try Self.signedPack()
        defer { copy.remove() }
        let first = (try Data(contentsOf: pack.appendingPathComponent("SHA256SUMS")), try Data(contentsOf: zip))
        let again = try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--sign-key", copy.root.appendingPathComponent("signing-key").path])
        #expect(again.status == 0)
        #expect(try Data(contentsOf: pack.appendingPathComponent("SHA256SUMS")) == first.0)
        #expect(try Data(contentsOf: pack.appendingPathComponent("SHA256SUMS.sig")).isEmpty == false)
        #expect(try Data(contentsOf: zip) == first.1)
    }

    @Test func oscalLoadsInComplianceTrestleAndCoverageListsControls() throws {
        let (copy, _, pack, _) = try Self.signedPack()
        defer { copy.remove() }
        let script = Dossier.packageRoot.appendingPathComponent("Tests/oscal/load_oscal.py").path
        let loaded = try tool("/usr/bin/env", ["python3", script, pack.path])
        #expect(loaded.status == 0, "compliance-trestle could not load the OSCAL files (make test installs it): \(loaded.output)")
        #expect(loaded.output.contains("assessment-results: "))

        let results = try String(contentsOf: pack.appendingPathComponent("oscal/assessment-results.json"), encoding: .utf8)
        #expect(results.contains("\"oscal-version\" : \"1.1.2\""))
        #expect(results.contains("\"control-id\" : \"ismsp-2.9.2\""))
        #expect(results.contains("\"href\" : \"../evidence/awr-top-sql.txt\""))
        let coverage = try String(contentsOf: pack.appendingPathComponent("coverage.csv"), encoding: .utf8)
        let lines = coverage.components(separatedBy: "\n")
        let c292 = try #require(lines.first { $0.hasPrefix("ISMS-P,2.9.2,") })
        #expect(c292.contains(",covered,") && c292.contains("F-001"))
        let c2115 = try #require(lines.first { $0.hasPrefix("ISMS-P,2.11.5,") })
        #expect(c2115.contains(",covered,") && c2115.contains("INC-2026-"))
        let c142 = try #require(lines.first { $0.hasPrefix("ISMS-P,1.4.2,") })
        #expect(c142.contains("독립된 제3자(한빛기술진단)"))
        #expect(lines.contains { $0.contains(",no evidence,") })
        #expect(lines.count - 2 == 101 + 93 + 61)
        let html = try String(contentsOf: pack.appendingPathComponent("coverage.html"), encoding: .utf8)
        #expect(html.contains("<h2>ISMS-P (") && !html.contains("<script"))
    }

    @Test func unsignedPackSaysSo() throws {
        let (copy, out, output) = try BuildTests.build("northwind-retainer-2026-10")
        defer { copy.remove() }
        #expect(output.status == 0)
        #expect(output.stdout.contains("unsigned"))
        let readme = try String(contentsOf: out.appendingPathComponent("evidence/README.md"), encoding: .utf8)
        #expect(readme.contains("This pack is **unsigned**"))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("evidence/SHA256SUMS.sig").path))
        let verify = try Dossier.run(["verify", out.appendingPathComponent("evidence-RT-2026-10.zip").path])
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("[WARN] signature: the pack is unsigned"))
        let strict = try Dossier.run(["verify", out.appendingPathComponent("evidence").path, "--allowed-signers", "/dev/null"])
        #expect(strict.status == 1)
    }

    @Test func keygenNeverOverwritesAndBadKeysAreClearErrors() throws {
        let directory = try Dossier.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("k")
        #expect(try Dossier.run(["keygen", "-f", key.path]).status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: key.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let before = try Data(contentsOf: key)
        let again = try Dossier.run(["keygen", "-f", key.path])
        #expect(again.status == 1 && again.stderr.contains("already exists"))
        #expect(try Data(contentsOf: key) == before)

        let copy = try ExampleCopy("northwind-retainer-2026-10")
        defer { copy.remove() }
        let bogus = directory.appendingPathComponent("bogus")
        try "hello".write(to: bogus, atomically: true, encoding: .utf8)
        let build = try Dossier.run(["build", copy.workspace.path, "-o", directory.appendingPathComponent("out").path, "--sign-key", bogus.path])
        #expect(build.status == 1)
        #expect(build.stderr.contains("not an OpenSSH private key"))
    }
}
