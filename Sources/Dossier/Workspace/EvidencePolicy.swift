import Foundation

/// Which evidence paths are acceptable: relative, inside the workspace (links included), existing,
/// regular files, no larger than the engagement's limit.
struct EvidencePolicy: Sendable {
    /// The workspace folder with symbolic links resolved.
    let root: URL
    let maxBytes: Int

    /// What the messages call the file ("evidence", "logo") and where its size limit is set.
    let subject: String
    let limitSetting: String

    init(root: URL, maxBytes: Int, subject: String = "evidence",
         limitSetting: String = "limits.evidence_max_bytes in engagement.yaml") {
        self.root = root.resolvingSymlinksInPath().standardizedFileURL
        self.maxBytes = maxBytes
        self.subject = subject
        self.limitSetting = limitSetting
    }

    /// What is wrong with `path`, as diagnostic messages; empty when the file is fine.
    func problems(with path: String) -> [String] {
        if path.hasPrefix("/") || path.hasPrefix("~") || path.hasPrefix("\\") || path.contains("://")
            || (path.count > 1 && path.dropFirst().hasPrefix(":")) {
            return ["\(subject) path '\(path)' is absolute — copy the file into the workspace's evidence/ folder and cite it as evidence/<name>"]
        }
        let components = path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        if components.contains("..") {
            return ["\(subject) path '\(path)' leaves the workspace through '..' — copy the file into evidence/ and cite it from there"]
        }
        if components.contains(".") || path.contains("//") || path.contains("\\") || path.hasSuffix("/") {
            return ["\(subject) path '\(path)' is not written plainly — write it as folder/name with single '/', e.g. evidence/awr-top-sql.txt"]
        }
        let url = root.appendingPathComponent(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) != nil {
                return ["\(subject) file '\(path)' is a link to a file that does not exist"]
            }
            return ["\(subject) file '\(path)' not found\(suggestion(for: path)) — check the name, or add the file"]
        }
        let resolved = url.resolvingSymlinksInPath().standardizedFileURL
        guard resolved.path.hasPrefix(root.path + "/") else {
            return ["\(subject) file '\(path)' is a link pointing outside the workspace (\(resolved.path)) — copy the file into evidence/ instead"]
        }
        if isDirectory.boolValue {
            return ["\(subject) path '\(path)' is a folder — cite the files in it one by one"]
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: resolved.path)[.size] as? Int) ?? 0
        if size > maxBytes {
            return ["\(subject) file '\(path)' is \(Self.byteCount(size)), over the limit of \(Self.byteCount(maxBytes)) (\(limitSetting)) — cite a relevant excerpt instead"]
        }
        return []
    }

    private func suggestion(for path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let directory = root.appendingPathComponent(folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path),
              let name = Suggestions.closest(to: (path as NSString).lastPathComponent, in: names) else { return "" }
        return " — did you mean '\(folder.isEmpty ? name : folder + "/" + name)'?"
    }

    static func byteCount(_ bytes: Int) -> String {
        if bytes >= 1024 * 1024 { return String(format: "%.1f MiB", Double(bytes) / 1024 / 1024) }
        if bytes >= 1024 { return String(format: "%.1f KiB", Double(bytes) / 1024) }
        return "\(bytes) bytes"
    }
}
