import Foundation
import ZIPFoundation

/// The pack as one zip file: entries sorted, fixed timestamps and permissions, no links, so that
/// the same pack always gives the same bytes.
public enum PackArchive {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Limits when extracting a pack to verify it, against zip bombs.
    static let maximumEntryBytes: UInt64 = 1 << 30
    static let maximumTotalBytes: UInt64 = 4 << 30

    /// A fixed modification time, 2000-01-01 00:00 UTC (ZIPFoundation stores it as UTC), so the zip
    /// is the same whatever the builder's time zone.
    static let fixedDate = Date(timeIntervalSince1970: 946_684_800)

    /// Writes `files` under the folder `root/` in a new zip at `url`.
    public static func write(_ files: [OutputFile], root: String, to url: URL) throws(Failure) {
        try? FileManager.default.removeItem(at: url)
        do {
            let archive = try Archive(url: url, accessMode: .create)
            let date = fixedDate
            var folders: Set<String> = []
            for file in files.sorted(by: { $0.path < $1.path }) {
                var folder = (file.path as NSString).deletingLastPathComponent
                var missing: [String] = []
                while !folder.isEmpty && !folders.contains(folder) {
                    missing.append(folder)
                    folder = (folder as NSString).deletingLastPathComponent
                }
                for directory in missing.reversed() {
                    folders.insert(directory)
                    try archive.addEntry(with: root + "/" + directory + "/", type: .directory, uncompressedSize: Int64(0),
                                         modificationDate: date, permissions: 0o755, provider: { (_: Int64, _: Int) in Data() })
                }
                let data = file.data
                try archive.addEntry(with: root + "/" + file.path, type: .file, uncompressedSize: Int64(data.count),
                                     modificationDate: date, permissions: 0o644, compressionMethod: .deflate,
                                     provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
            }
        } catch {
            throw Failure(description: "cannot write \(url.path): \(error)")
        }
    }

    /// Problems with the entries of a zip: absolute paths, `..`, links, duplicates.
    public static func unsafeEntries(in url: URL) throws(Failure) -> [String] {
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw Failure(description: "\(url.lastPathComponent) is not a readable zip file")
        }
        var problems: [String] = []
        var seen: Set<String> = []
        var total: UInt64 = 0
        for entry in archive {
            total += entry.uncompressedSize
            if entry.uncompressedSize > maximumEntryBytes || total > maximumTotalBytes {
                problems.append("\(entry.path): unpacks to more than \(maximumTotalBytes / 1024 / 1024) MiB — not extracted")
                break
            }
            let path = entry.path
            if path.hasPrefix("/") || path.hasPrefix("\\") || (path.count > 1 && path.dropFirst().hasPrefix(":")) {
                problems.append("\(path): absolute path")
            }
            if path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains("..") {
                problems.append("\(path): leaves the folder through '..'")
            }
            if entry.type == .symlink { problems.append("\(path): symbolic link") }
            if !seen.insert(path).inserted { problems.append("\(path): duplicate entry") }
        }
        return problems
    }

    /// Extracts a zip (already checked by `unsafeEntries`) into `folder`.
    public static func extract(_ url: URL, to folder: URL) throws(Failure) {
        do {
            let archive = try Archive(url: url, accessMode: .read)
            for entry in archive where entry.type != .symlink {
                let target = folder.appendingPathComponent(entry.path)
                guard target.standardizedFileURL.path.hasPrefix(folder.standardizedFileURL.path + "/") else { continue }
                _ = try archive.extract(entry, to: target)
            }
        } catch {
            throw Failure(description: "cannot extract \(url.lastPathComponent): \(error)")
        }
    }
}
