import Foundation

/// A folder's entries read with `readdir`: names and the kinds the listing gives, so that walking
/// a workspace or an output folder of tens of thousands of files needs no `stat` per file.
enum FolderListing {
    /// The names in the folder at `path` and their kinds (`DT_REG`, `DT_DIR`, `DT_LNK`, or
    /// `DT_UNKNOWN` where the file system does not tell), without `.` and `..`, in the order the
    /// listing gives; nil when the folder cannot be read.
    static func entries(_ path: String) -> [(name: String, type: UInt8)]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            entries.append((name, entry.pointee.d_type))
        }
        return entries
    }
}
