import Foundation
import Testing

/// A copy of an example workspace in a temporary folder, to break on purpose.
struct ExampleCopy {
    let root: URL
    let workspace: URL

    static let examples = Dossier.packageRoot.appendingPathComponent("Examples")

    /// Copies `name` (and, for trends, its sibling examples) into a new temporary folder.
    init(_ name: String, withSiblings: Bool = false) throws {
        root = try Dossier.temporaryDirectory()
        let names = withSiblings ? try FileManager.default.contentsOfDirectory(atPath: Self.examples.path) : [name]
        for sibling in names {
            try FileManager.default.copyItem(at: Self.examples.appendingPathComponent(sibling), to: root.appendingPathComponent(sibling))
        }
        workspace = root.appendingPathComponent(name)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    func path(_ relative: String) -> URL { workspace.appendingPathComponent(relative) }

    func read(_ relative: String) throws -> String { try String(contentsOf: path(relative), encoding: .utf8) }

    func write(_ relative: String, _ text: String) throws {
        try FileManager.default.createDirectory(at: path(relative).deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: path(relative), atomically: true, encoding: .utf8)
    }

    /// The first file of a folder, relative to the workspace.
    func first(_ folder: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: path(folder).path).filter { $0.hasSuffix(".md") }.sorted()
        return folder + "/" + names[0]
    }

    /// Replaces the first line starting with `prefix` and returns its 1-based line number.
    @discardableResult
    func replaceLine(in file: String, startingWith prefix: String, with replacement: String) throws -> Int {
        var lines = try read(file).components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "\(prefix) not in \(file)"])
        }
        lines[index] = replacement
        try write(file, lines.joined(separator: "\n"))
        return index + 1
    }
}

/// Every file under a folder, as (relative path, contents).
func allFiles(under folder: URL) -> [(path: String, data: Data)] {
    guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
    var files: [(String, Data)] = []
    for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
        files.append((String(url.path.dropFirst(folder.path.count + 1)), (try? Data(contentsOf: url)) ?? Data()))
    }
    return files.sorted { $0.0 < $1.0 }
}

/// The planted fake secrets and personal data of the examples.
let plantedSecrets: [String] = {
    let url = Dossier.packageRoot.appendingPathComponent("Tests/Fixtures/planted-secrets.txt")
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    return text.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
}()
