import Foundation

/// Items an earlier build parsed, by file: a rebuild reads an unchanged file's item from here
/// instead of parsing its YAML front matter again (`OUT/.dossier-cache/items`).
///
/// An entry is used only when the file's SHA-256 is the same and the build's key is: this build of
/// the tool (executable, built-in catalogs), the workspace's place and its `engagement.yaml` (scope,
/// evidence limit), everything else an item's decoding reads. The one outside input, the evidence
/// files an item cites, is checked again on every build: an item whose evidence now has a problem is
/// parsed again, which reports it. Only items parsed without errors are kept, and never an item
/// for the internal audience or one that names an internal item (the cache is in the output
/// folder, which a client may be given: no trace of an internal item may be there). The body is
/// not stored; it is taken from the file, which is read anyway for its digest.
public final class ParsedItemCache: @unchecked Sendable {
    static let file = ".dossier-cache/items"
    static let format = 1
    private static let magic = Array("dossier-items\n".utf8)

    struct Entry {
        var digest: String
        var payload: [UInt8]
        /// The ids the item names (related items), which decide whether it may be written.
        var names: Set<String> = []
    }

    /// What is stored of a parsed file.
    struct Parsed {
        var item: WorkspaceLoader.DecodedItem?
        var identity: WorkspaceLoader.ItemIdentity?
        var diagnostics: [Diagnostic]

        /// The ids of other items this one names.
        var names: Set<String> { Set(item?.references.map(\.id) ?? []) }
    }

    let key: String
    /// Where in the output folder it is kept: `file` for a build's one workspace; a knowledge base
    /// of several engagements keeps one per workspace (`itemsFile(for:)`).
    let path: String
    private let previous: [String: Entry]
    private var kept: [String: Entry] = [:]
    private let lock = NSLock()
    private var reusedCount = 0

    /// The cache of the build writing into `output`, kept at `path` in it (`file` when nil); `clean`
    /// starts it empty.
    public init(output: URL, workspace: URL, clean: Bool, path: String? = nil) {
        let engagement = (try? Data(contentsOf: workspace.appendingPathComponent(WorkspaceLoader.engagementFile))) ?? Data()
        let key = BuildCache.key(["items-\(Self.format)"] + BuildCache.tool + [workspace.standardizedFileURL.path, Digest.sha256(engagement)])
        self.key = key
        self.path = path ?? Self.file
        let url = output.appendingPathComponent(self.path)
        previous = clean ? [:] : (try? Data(contentsOf: url)).flatMap { Self.decode($0, key: key) } ?? [:]
    }

    /// The file of one of several workspaces (`dossier kb`): named by a digest of the workspace's
    /// place, so that each engagement finds its own whatever the others are.
    public static func itemsFile(for workspace: URL) -> String {
        file + "-" + Digest.sha256(workspace.standardizedFileURL.path).prefix(16)
    }

    /// How many items came from the cache.
    public var reused: Int { lock.withLock { reusedCount } }

    /// The item parsed from `path` when its text had this digest, if this cache has it and
    /// `usable` accepts it (the caller's checks of what may have changed outside the file).
    func lookup(_ path: String, digest: String, usable: (Parsed) -> Bool) -> Parsed? {
        guard var entry = previous[path], entry.digest == digest,
              let parsed = try? ItemReader.decode(Parsed.self, from: entry.payload), usable(parsed) else { return nil }
        entry.names = parsed.names
        lock.withLock {
            kept[path] = entry
            reusedCount += 1
        }
        return parsed
    }

    /// Keeps what was parsed from `path` for the next build.
    func keep(_ parsed: Parsed, path: String, digest: String) {
        let payload = ItemWriter.encode(parsed)
        lock.withLock { kept[path] = Entry(digest: digest, payload: payload, names: parsed.names) }
    }

    /// Drops the items that name any of `ids` (internal items: not a trace of them may be in the
    /// output folder, not even an id in another item's related list).
    func forget(itemsNaming ids: Set<String>) {
        guard !ids.isEmpty else { return }
        lock.withLock { kept = kept.filter { $0.value.names.isDisjoint(with: ids) } }
    }

    /// Writes the entries this build used or made: the magic line, the key line, then per entry the
    /// path, the digest and the payload (`LengthPrefixedWriter`).
    func write(to path: String) throws {
        var writer = LengthPrefixedWriter()
        writer.append(raw: Self.magic + Array((key + "\n").utf8))
        let entries = lock.withLock { kept }
        for path in entries.keys.sorted() {
            let entry = entries[path]!
            writer.field(path)
            writer.field(entry.digest)
            writer.field(entry.payload)
        }
        try OutputFolder.writeFile(Data(writer.bytes), to: path)
    }

    static func decode(_ data: Data, key: String) -> [String: Entry]? {
        let header = magic + Array((key + "\n").utf8)
        guard data.count >= header.count, data.prefix(header.count).elementsEqual(header) else { return nil }
        return data.withUnsafeBytes { buffer -> [String: Entry]? in
            var reader = LengthPrefixedReader(buffer, from: header.count)
            var entries: [String: Entry] = [:]
            while !reader.isAtEnd {
                guard let path = reader.text(), let digest = reader.text(), let payload = reader.field() else { return nil }
                entries[path] = Entry(digest: digest, payload: Array(payload))
            }
            return entries
        }
    }
}
