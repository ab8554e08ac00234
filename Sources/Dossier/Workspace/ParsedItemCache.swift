import CFileSystem
import Foundation

/// Items an earlier build parsed, by file: a rebuild reads an unchanged file's item from here
/// instead of parsing its YAML front matter again (`OUT/.dossier-cache/items`).
///
/// An entry is used only when the build's key is the same — this build of
/// the tool (executable, built-in catalogs), the workspace's place and its `engagement.yaml` (scope,
/// evidence limit), everything else an item's decoding reads — and the file is unchanged: its stamp
/// (below) or else its SHA-256 is the one kept. The one outside input, the evidence
/// files an item cites, is checked again on every build: an item whose evidence now has a problem is
/// parsed again, which reports it. Only items parsed without errors are kept, and never an item
/// for the internal audience or one that names an internal item (the cache is in the output
/// folder, which a client may be given: no trace of an internal item may be there).
///
/// Each entry also holds the file's stamp (`FileStamp`: size, times, inode) as it was before the
/// file was read. A file whose stamp is still that one is not read again: its item, body and
/// digest come from here — unless it had been modified less than two seconds before it was read,
/// since a second change within the same tick of a coarse clock would leave the same stamp (as git
/// treats a "racily clean" file), or when the workspace is on a network file system, whose times come
/// from another machine's clock. The body stored is the one published in the knowledge base.
public final class ParsedItemCache: @unchecked Sendable {
    static let file = ".dossier-cache/items"
    static let format = 2
    private static let magic = Array("dossier-items\n".utf8)

    struct Entry {
        var digest: String
        var payload: [UInt8]
        /// The file's stamp before it was read, when it can be trusted next time (see above).
        var stamp: FileStamp?
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
    /// Whether the workspace's files are looked at by their stamps (not on a network file system).
    let usesStamps: Bool
    /// Where in the output folder it is kept: `file` for a build's one workspace; a knowledge base
    /// of several engagements keeps one per workspace (`itemsFile(for:)`).
    let path: String
    private let previous: [String: Entry]
    private var kept: [String: Entry] = [:]
    private let lock = NSLock()
    private var reusedCount = 0
    private var unreadCount = 0
    private var stampsLearned = 0

    /// The cache of the build writing into `output`, kept at `path` in it (`file` when nil); `clean`
    /// starts it empty.
    public init(output: URL, workspace: URL, clean: Bool, path: String? = nil) {
        let engagement = (try? Data(contentsOf: workspace.appendingPathComponent(WorkspaceLoader.engagementFile))) ?? Data()
        let key = BuildCache.key(["items-\(Self.format)"] + BuildCache.tool + [workspace.standardizedFileURL.path, Digest.sha256(engagement)])
        self.key = key
        usesStamps = FileStamp.trusted(onFileSystemOf: workspace.path)
        self.path = path ?? Self.file
        let url = output.appendingPathComponent(self.path)
        // Mapped, not read into new memory: the entries' payloads are copied out of it once.
        previous = clean ? [:] : MappedFile.read(url.path, populate: true).flatMap { Self.decode($0.data, key: key) } ?? [:]
    }

    /// The file of one of several workspaces (`dossier kb`): named by a digest of the workspace's
    /// place, so that each engagement finds its own whatever the others are.
    public static func itemsFile(for workspace: URL) -> String {
        file + "-" + Digest.sha256(workspace.standardizedFileURL.path).prefix(16)
    }

    /// How many items came from the cache.
    public var reused: Int { lock.withLock { reusedCount } }
    /// How many of those came without reading their file (by its stamp).
    public var unread: Int { lock.withLock { unreadCount } }
    /// How many files this load found a trusted stamp for that the cache file does not hold (files
    /// changed shortly before the last build read them, unchanged since).
    public var learnedStamps: Int { lock.withLock { stampsLearned } }

    /// The item parsed from `path` and the digest of its text, without reading the file, when the
    /// file's `stamp` is the one this cache trusts for it and `usable` accepts the item (the
    /// caller's checks of what may have changed outside the file).
    func lookup(_ path: String, stamp: FileStamp, usable: (Parsed) -> Bool) -> (parsed: Parsed, digest: String)? {
        guard let entry = previous[path], entry.stamp == stamp,
              let parsed = reuse(entry, path: path, stamp: entry.stamp, usable: usable) else { return nil }
        lock.withLock { unreadCount += 1 }
        return (parsed, entry.digest)
    }

    /// The item parsed from `path` when its text had this digest, if this cache has it and
    /// `usable` accepts it; `stamp` is the file's before it was read.
    func lookup(_ path: String, digest: String, stamp: FileStamp?, usable: (Parsed) -> Bool) -> Parsed? {
        guard let entry = previous[path], entry.digest == digest else { return nil }
        return reuse(entry, path: path, stamp: stamp?.trusted, usable: usable)
    }

    private func reuse(_ entry: Entry, path: String, stamp: FileStamp?, usable: (Parsed) -> Bool) -> Parsed? {
        guard let parsed = try? ItemReader.decode(Parsed.self, from: entry.payload), usable(parsed) else { return nil }
        let learned = stamp != nil && entry.stamp != stamp
        var entry = entry
        entry.names = parsed.names
        entry.stamp = stamp
        lock.withLock {
            kept[path] = entry
            reusedCount += 1
            if learned { stampsLearned += 1 }
        }
        return parsed
    }

    /// Keeps what was parsed from `path` (its item with its body) for the next build; `stamp` is
    /// the file's before it was read.
    func keep(_ parsed: Parsed, path: String, digest: String, stamp: FileStamp?) {
        let payload = ItemWriter.encode(parsed)
        lock.withLock { kept[path] = Entry(digest: digest, payload: payload, stamp: stamp?.trusted, names: parsed.names) }
    }

    /// Drops the items that name any of `ids` (internal items: not a trace of them may be in the
    /// output folder, not even an id in another item's related list).
    func forget(itemsNaming ids: Set<String>) {
        guard !ids.isEmpty else { return }
        lock.withLock { kept = kept.filter { $0.value.names.isDisjoint(with: ids) } }
    }

    /// Writes the entries this build used or made: the magic line, the key line, then per entry the
    /// path, the digest, the payload and the stamp (empty when none; `FileStamp.encoded`)
    /// (`LengthPrefixedWriter`).
    /// Written in pieces of about a megabyte: the file is 8 MB for 10,000 findings, written on every
    /// build, and a buffer of all of it grown in steps took three times that in new memory.
    func write(to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputFolder.WriteError(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var writer = LengthPrefixedWriter(reserving: 1 << 20 + 1 << 16)
        writer.append(raw: Self.magic + Array((key + "\n").utf8))
        let entries = lock.withLock { kept }
        for path in entries.keys.sorted() {
            let entry = entries[path]!
            writer.field(path)
            writer.field(entry.digest)
            writer.field(entry.payload)
            writer.field(entry.stamp?.encoded ?? [])
            if writer.bytes.count >= 1 << 20 { try writer.drain { try OutputFolder.writeAll($0, to: descriptor) } }
        }
        try writer.drain { try OutputFolder.writeAll($0, to: descriptor) }
    }

    /// Writes the cache over its file in `output` (beside it, then renamed into place), for a build
    /// that finds everything up to date but has `learnedStamps` to keep: the next one then need not
    /// read those files.
    public func writeLearnedStamps(in output: URL) {
        let target = output.appendingPathComponent(path).path
        do {
            try write(to: target + ".partial")
            guard rename(target + ".partial", target) == 0 else { throw OutputFolder.WriteError(description: String(cString: strerror(errno))) }
        } catch {
            unlink(target + ".partial")
        }
    }

    static func decode(_ data: Data, key: String) -> [String: Entry]? {
        let header = magic + Array((key + "\n").utf8)
        guard data.count >= header.count, data.prefix(header.count).elementsEqual(header) else { return nil }
        return data.withUnsafeBytes { buffer -> [String: Entry]? in
            var reader = LengthPrefixedReader(buffer, from: header.count)
            var entries: [String: Entry] = [:]
            while !reader.isAtEnd {
                guard let path = reader.text(), let digest = reader.text(), let payload = reader.field(), let stamp = reader.field() else { return nil }
                entries[path] = Entry(digest: digest, payload: Array(payload), stamp: FileStamp(encoded: stamp))
            }
            return entries
        }
    }
}

/// What tells whether a file may have changed without reading it: its size, modification and
/// change times (to the nanosecond), inode and device, and when it was looked at.
struct FileStamp: Equatable, Sendable {
    var size: Int64, modified: timespec, changed: timespec, inode: UInt64, device: UInt64
    /// When the stamp was taken (before the file was read), in seconds since 1970.
    var taken: Double

    /// The stamp of the regular file at `path` (symbolic links followed, as reading it does); nil
    /// when there is none.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        size = Int64(info.st_size)
        modified = info.st_mtim
        changed = info.st_ctim
        inode = UInt64(info.st_ino)
        device = UInt64(info.st_dev)
        taken = Self.seconds(now)
    }

    /// Whether stamps of files under `path` can be trusted: not on a network file system (NFS,
    /// SMB/CIFS, 9p, FUSE such as sshfs, …), where a file's times come from the server's clock and
    /// `taken` from this machine's, so "two seconds before" cannot be told.
    static func trusted(onFileSystemOf path: String) -> Bool {
        #if os(Linux)
        var info = statfs()
        guard statfs(path, &info) == 0 else { return false }
        let network: Set<UInt64> = [
            0x6969,        // NFS
            0x517B,        // SMB
            0xFF53_4D42,   // CIFS
            0xFE53_4D42,   // SMB2
            0x0102_1997,   // 9p (virtual machines' and WSL's shared folders)
            0x6573_5546,   // FUSE (sshfs, …)
            0x5346_414F,   // AFS
            0x7375_7245,   // Coda
            0x00C3_6400,   // Ceph
            0x786F_4256,   // VirtualBox shared folders
        ]
        return !network.contains(UInt64(truncatingIfNeeded: info.f_type) & 0xFFFF_FFFF)
        #else
        return true
        #endif
    }

    /// The stamp when a later one equal to it shows the file unchanged: nil when the file was
    /// modified or changed less than two seconds before the stamp was taken (a change within the
    /// same tick of a clock as coarse as a second would keep the times).
    var trusted: FileStamp? {
        max(Self.seconds(modified), Self.seconds(changed)) + 2 <= taken ? self : nil
    }

    /// Equal when the file looks the same; when each stamp was taken does not count.
    static func == (a: FileStamp, b: FileStamp) -> Bool {
        a.size == b.size && a.inode == b.inode && a.device == b.device
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
            && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
    }

    static func seconds(_ time: timespec) -> Double { Double(time.tv_sec) + Double(time.tv_nsec) / 1e9 }

    /// Eight little-endian 8-byte numbers: size, modified (seconds, nanoseconds), changed (the
    /// same), inode, device, and the time taken as a Double's bits.
    var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for value in [UInt64(bitPattern: size), UInt64(bitPattern: Int64(modified.tv_sec)), UInt64(bitPattern: Int64(modified.tv_nsec)),
                      UInt64(bitPattern: Int64(changed.tv_sec)), UInt64(bitPattern: Int64(changed.tv_nsec)), inode, device, taken.bitPattern] {
            withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
        }
        return bytes
    }

    init?(encoded bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 64 else { return nil }
        func value(_ index: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) }
        size = Int64(bitPattern: value(0))
        modified = timespec(tv_sec: Int(Int64(bitPattern: value(1))), tv_nsec: Int(Int64(bitPattern: value(2))))
        changed = timespec(tv_sec: Int(Int64(bitPattern: value(3))), tv_nsec: Int(Int64(bitPattern: value(4))))
        inode = value(5)
        device = value(6)
        taken = Double(bitPattern: value(7))
    }
}
