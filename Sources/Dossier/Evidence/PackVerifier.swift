import Foundation

/// `dossier verify`: the checks an auditor's `sha256sum -c` and `ssh-keygen -Y verify` make, and more
/// (files added or missing, the manifest, the zip's entries), each with a verdict.
public enum PackVerifier {
    public struct Check: Sendable {
        public enum Verdict: String, Sendable { case pass = "PASS", fail = "FAIL", warn = "WARN" }
        public var name: String
        public var verdict: Verdict
        public var summary: String
        /// The files or entries at fault.
        public var problems: [String]
    }

    public struct Report: Sendable {
        public var checks: [Check]
        public var passed: Bool { !checks.contains { $0.verdict == .fail } }
    }

    public static func verify(_ url: URL, allowedSigners: URL?) -> Report {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            return Report(checks: [Check(name: "pack", verdict: .fail, summary: "\(url.path) does not exist", problems: [])])
        }
        if isDirectory.boolValue { return Report(checks: verifyFolder(url, allowedSigners: allowedSigners)) }

        var checks: [Check] = []
        let problems: [String]
        do {
            problems = try PackArchive.unsafeEntries(in: url)
        } catch {
            return Report(checks: [Check(name: "zip entries", verdict: .fail, summary: error.description, problems: [])])
        }
        checks.append(problems.isEmpty
            ? Check(name: "zip entries", verdict: .pass, summary: "no absolute paths, no '..', no links, no duplicates", problems: [])
            : Check(name: "zip entries", verdict: .fail, summary: "\(problems.count) unsafe entries", problems: problems))
        guard problems.isEmpty else { return Report(checks: checks) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-verify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try PackArchive.extract(url, to: folder)
        } catch {
            checks.append(Check(name: "zip entries", verdict: .fail, summary: "\(error)", problems: []))
            return Report(checks: checks)
        }
        let top = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let root = top.count == 1 ? folder.appendingPathComponent(top[0]) : folder
        return Report(checks: checks + verifyFolder(root, allowedSigners: allowedSigners))
    }

    static func verifyFolder(_ root: URL, allowedSigners: URL?) -> [Check] {
        var checks: [Check] = []
        // Links are never followed: one could point at /dev/zero or at files outside the pack.
        let (allFiles, links) = contents(of: root)
        if !links.isEmpty {
            checks.append(Check(name: "links", verdict: .fail, summary: "\(links.count) symbolic links in the pack — a pack holds plain files only",
                                problems: links.map { "\($0): symbolic link" }))
        }
        let files = Set(allFiles)
        guard let sumsData = try? Data(contentsOf: root.appendingPathComponent(EvidencePack.sumsFile)) else {
            return [Check(name: "SHA256SUMS", verdict: .fail, summary: "SHA256SUMS is missing — this is not an evidence pack, or it was damaged", problems: [EvidencePack.sumsFile])]
        }
        let listed = parseSums(String(decoding: sumsData, as: UTF8.self))
        var mismatched: [String] = [], missing: [String] = []
        for (path, expected) in listed.sorted(by: { $0.key < $1.key }) {
            guard files.contains(path), let data = try? Data(contentsOf: root.appendingPathComponent(path)) else {
                missing.append(path)
                continue
            }
            if Digest.sha256(data) != expected { mismatched.append(path) }
        }
        checks.append(mismatched.isEmpty
            ? Check(name: "hashes", verdict: .pass, summary: "\(listed.count - missing.count) files match SHA256SUMS", problems: [])
            : Check(name: "hashes", verdict: .fail, summary: "\(mismatched.count) files differ from SHA256SUMS", problems: mismatched))
        let unlisted = files.subtracting(listed.keys).subtracting([EvidencePack.sumsFile, EvidencePack.signatureFile]).sorted()
        checks.append(missing.isEmpty && unlisted.isEmpty
            ? Check(name: "files", verdict: .pass, summary: "no file missing, none added", problems: [])
            : Check(name: "files", verdict: .fail, summary: "\(missing.count) missing, \(unlisted.count) added",
                    problems: missing.map { "\($0): missing" } + unlisted.map { "\($0): not in SHA256SUMS" }))
        checks.append(verifyManifest(root, files: files))
        checks.append(verifySignature(root, sums: sumsData, allowedSigners: allowedSigners))
        return checks
    }

    static func verifyManifest(_ root: URL, files: Set<String>) -> Check {
        guard let data = try? Data(contentsOf: root.appendingPathComponent(EvidencePack.manifestFile)),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let entries = json["files"] as? [[String: Any]] else {
            return Check(name: "manifest", verdict: .fail, summary: "manifest.json is missing or unreadable", problems: [EvidencePack.manifestFile])
        }
        var problems: [String] = []
        var described: Set<String> = []
        for entry in entries {
            guard let path = entry["path"] as? String, let sha256 = entry["sha256"] as? String else { continue }
            described.insert(path)
            guard files.contains(path), let content = try? Data(contentsOf: root.appendingPathComponent(path)) else {
                problems.append("\(path): in manifest.json but missing")
                continue
            }
            if Digest.sha256(content) != sha256 { problems.append("\(path): sha256 differs from manifest.json") }
            if let size = entry["size"] as? Int, size != content.count { problems.append("\(path): size differs from manifest.json") }
        }
        let exempt: Set<String> = [EvidencePack.manifestFile, EvidencePack.sumsFile, EvidencePack.signatureFile]
        for path in files.subtracting(described).subtracting(exempt).sorted() { problems.append("\(path): not in manifest.json") }
        return problems.isEmpty
            ? Check(name: "manifest", verdict: .pass, summary: "\(entries.count) entries match the files", problems: [])
            : Check(name: "manifest", verdict: .fail, summary: "\(problems.count) problems", problems: problems)
    }

    static func verifySignature(_ root: URL, sums: Data, allowedSigners: URL?) -> Check {
        guard let armored = try? String(contentsOf: root.appendingPathComponent(EvidencePack.signatureFile), encoding: .utf8) else {
            if allowedSigners != nil {
                return Check(name: "signature", verdict: .fail, summary: "SHA256SUMS.sig is missing, but a signer was expected", problems: [EvidencePack.signatureFile])
            }
            return Check(name: "signature", verdict: .warn, summary: "the pack is unsigned: its files are intact, but nothing proves who issued it", problems: [])
        }
        guard let parsed = SSHSignature.verify(armored, message: sums) else {
            return Check(name: "signature", verdict: .fail, summary: "SHA256SUMS.sig is not a readable SSH signature", problems: [EvidencePack.signatureFile])
        }
        guard parsed.valid else {
            return Check(name: "signature", verdict: .fail, summary: "SHA256SUMS.sig does not match SHA256SUMS", problems: [EvidencePack.signatureFile])
        }
        guard parsed.namespace == EvidencePack.namespace else {
            return Check(name: "signature", verdict: .fail, summary: "signed for namespace '\(parsed.namespace)', not '\(EvidencePack.namespace)'", problems: [EvidencePack.signatureFile])
        }
        let signersURL = allowedSigners ?? root.appendingPathComponent(EvidencePack.allowedSignersFile)
        let signers = (try? String(contentsOf: signersURL, encoding: .utf8)) ?? ""
        let trusted = signers.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            guard let keyIndex = fields.firstIndex(of: "ssh-ed25519"), keyIndex + 1 < fields.count else { return false }
            let namespaceOK = !line.contains("namespaces=") || line.contains(EvidencePack.namespace)
            return String(fields[keyIndex + 1]) == parsed.publicKeyBase64 && namespaceOK
        }
        guard trusted else {
            return Check(name: "signature", verdict: .fail, summary: "signed by \(parsed.fingerprint), which \(allowedSigners == nil ? "the pack's allowed_signers" : signersURL.lastPathComponent) does not list",
                         problems: [EvidencePack.signatureFile])
        }
        if allowedSigners == nil {
            // Anyone who rewrites a pack can re-sign it and ship their own allowed_signers: the
            // signature proves who issued the pack only against a file obtained from the issuer.
            return Check(name: "signature", verdict: .warn, summary: "valid, by \(parsed.fingerprint), but only the pack's own allowed_signers vouches for that key — confirm the fingerprint with the issuer, or pass --allowed-signers", problems: [])
        }
        return Check(name: "signature", verdict: .pass, summary: "valid, by \(parsed.fingerprint), a key listed in \(signersURL.lastPathComponent)", problems: [])
    }

    static func parseSums(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.unicodeScalars.split(separator: "\n").map({ String(String.UnicodeScalarView($0)).trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }) {
            guard line.count > 66 else { continue }
            let hash = String(line.prefix(64))
            var path = line.dropFirst(64)
            if path.hasPrefix("  ") || path.hasPrefix(" *") { path = path.dropFirst(2) }
            result[String(path)] = hash.lowercased()
        }
        return result
    }

    /// The pack's regular files and, separately, its symbolic links (relative paths).
    static func contents(of root: URL) -> (files: [String], links: [String]) {
        let keys: [URLResourceKey] = [.isDirectoryKey, .isSymbolicLinkKey]
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys) else { return ([], []) }
        let base = root.standardizedFileURL.path + "/"
        var files: [String] = [], links: [String] = []
        for case let url as URL in enumerator {
            let values = try? url.resourceValues(forKeys: Set(keys))
            let path = url.standardizedFileURL.path
            let relative = path.hasPrefix(base) ? String(path.dropFirst(base.count)) : url.lastPathComponent
            if values?.isSymbolicLink == true {
                links.append(relative)
            } else if values?.isDirectory != true {
                files.append(relative)
            }
        }
        return (files, links)
    }
}
