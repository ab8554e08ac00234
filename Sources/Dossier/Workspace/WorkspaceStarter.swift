import DossierResources
import Foundation

/// `dossier init`: copies the built-in starter workspace (one finding, incident and article, with
/// evidence) for a locale into a folder, never overwriting anything.
public enum WorkspaceStarter {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Creates the workspace and returns the paths written, relative to `folder`.
    @discardableResult
    public static func create(at folder: URL, locale: Engagement.Language) throws(Failure) -> [String] {
        let source = BuiltinResources.directory.appendingPathComponent("init").appendingPathComponent(locale.rawValue)
        let fileManager = FileManager.default
        guard let enumerator = fileManager.enumerator(at: source, includingPropertiesForKeys: [.isDirectoryKey]) else {
            throw Failure(description: "the starter workspace is missing from \(source.path) — reinstall Dossier")
        }
        var files: [String] = []
        let base = source.resolvingSymlinksInPath().path + "/"
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) != true {
            files.append(String(url.resolvingSymlinksInPath().path.dropFirst(base.count)))
        }
        files.sort()
        let existing = files.filter { fileManager.fileExists(atPath: folder.appendingPathComponent($0).path) }
        guard existing.isEmpty else {
            throw Failure(description: "\(folder.path) already holds \(existing.joined(separator: ", ")) — nothing was written; choose a new folder")
        }
        do {
            for path in files {
                let target = folder.appendingPathComponent(path)
                try fileManager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try fileManager.copyItem(at: source.appendingPathComponent(path), to: target)
            }
        } catch {
            throw Failure(description: "cannot write to \(folder.path): \(error.localizedDescription)")
        }
        return files
    }
}
