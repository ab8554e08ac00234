import Crypto
import DossierResources
import CDeflate
import Foundation
import Parallel

/// The incremental build cache, kept in the output folder (`OUT/.dossier-cache/state`).
///
/// Two things make a rebuild cheap:
/// - **Units** — a knowledge-base item page, an incident postmortem (its Markdown, HTML and chart) —
///   whose output is a pure function of what the unit's key hashes: the environment (this build of
///   the tool, every template, string and catalog file, the engagement and brand files, the build
///   options) and the unit's own sources (its item file, the evidence it quotes, the list lines of
///   the items it links to). A unit whose key equals the previous build's, and whose files are still
///   as that build left them, is neither rendered nor written.
/// - **Files**: every other output is rendered again, but written only when its bytes changed.
///
/// The state records each output file's SHA-256, size and modification time; a file changed or
/// removed by hand since is treated as missing, so the next build writes it again. `--clean`
/// ignores the cache. Output is byte-identical to a clean build (`BuildCacheTests`, end-to-end).
public final class BuildCache: @unchecked Sendable {
    static let folder = ".dossier-cache"
    static let stateFile = ".dossier-cache/state"
    /// 3: a state file may end in deltas (`encodeDelta`).
    static let format = 3

    struct FileRecord: Sendable, Equatable {
        var sha256: String
        var size: Int
        var modified: Double
    }

    struct Unit: Sendable, Equatable {
        var key: String
        var paths: [String]
    }

    struct State: Sendable, Equatable {
        var format: Int
        var environment: String
        /// A digest of every input of the build (see `inputs`): equal means nothing to do.
        var inputs: String?
        var units: [String: Unit]
        var files: [String: FileRecord]
    }

    /// This build's inputs digest, recorded in the state.
    var inputs: String?

    /// The previous build's files when it had this build's inputs and left every file intact: the
    /// output is already what this build would write. Nil otherwise.
    var upToDateFiles: [String: FileRecord]? {
        guard let inputs, let previous, previous.inputs == inputs, notIntact.isEmpty else { return nil }
        return previous.files
    }

    /// The digest of a build's inputs: the environment, every item file, every evidence file the
    /// items cite, the previous engagement's items (trends) and the signer.
    static func inputs(environment: String, workspace: Workspace, cited: Set<String>, previous: Workspace?, signer: [String]) -> String {
        var parts = [environment] + sourceParts(workspace, cited: cited)
        if let previous {
            parts.append("previous:" + previous.root.path)
            parts.append(Digest.sha256((try? Data(contentsOf: previous.root.appendingPathComponent(WorkspaceLoader.engagementFile))) ?? Data()))
            for (path, digest) in previous.sourceDigests.sorted(by: { $0.key < $1.key }) { parts += [path, digest] }
        }
        return key(parts + ["signer"] + signer)
    }

    /// The digest of a knowledge base's inputs (`dossier kb`): the environment, and each
    /// engagement's item files and the evidence files its items cite.
    static func inputs(environment: String, workspaces: [(workspace: Workspace, cited: Set<String>)]) -> String {
        var parts = [environment]
        for (workspace, cited) in workspaces { parts += ["workspace:" + workspace.root.path] + sourceParts(workspace, cited: cited) }
        return key(parts)
    }

    /// A workspace's item files and the evidence files in `cited`, each with its digest.
    private static func sourceParts(_ workspace: Workspace, cited: Set<String>) -> [String] {
        var parts: [String] = []
        for (path, digest) in workspace.sourceDigests.sorted(by: { $0.key < $1.key }) { parts += [path, digest] }
        for path in cited.sorted() {
            parts += ["evidence:" + path, Digest.sha256((try? Data(contentsOf: workspace.root.appendingPathComponent(path))) ?? Data())]
        }
        return parts
    }

    /// The hash of everything every unit depends on.
    let environment: String
    /// `environment`'s UTF-8 bytes, which keys hash as their first part: the threads making keys
    /// at once contended for the string's reference count; these bytes have none.
    let environmentBytes: UnsafeBufferPointer<UInt8>
    /// Whether the build's phases leave their large intermediate values to the end of the process
    /// (`BuildPipeline.Options.keepsDataUntilExit`) rather than free them as they end.
    var keepsDataUntilExit = false

    /// Keeps `values` to the end of the process when `keepsDataUntilExit` and the build is
    /// incremental: a phase that ends with millions of strings and arrays to free leaves them, as
    /// the command exits soon after. (A full build frees them: the writes and the evidence pack
    /// that follow use the memory again, which keeps the peak 100 MiB lower at 50,000 documents.)
    func keepUntilExit(_ values: [Any]) {
        if keepsDataUntilExit && isIncremental { ProcessLifetime.keep(values) }
    }

    /// The previous build's state when it can be reused (same format and environment).
    let previous: State?
    /// Paths of the previous build that are no longer on disk with the recorded size and time
    /// (edited or removed since): the others are intact. (Usually none: the 27,000 intact ones
    /// are not put into a table of their own.)
    private let notIntact: Set<String>
    private let lock = NSLock()
    private var units: [String: Unit] = [:]
    private var reused: [String] = []
    private var reusedUnits = 0

    /// Why the previous state was not used, for the progress line; nil when it was.
    public let coldReason: String?
    /// The previous state's file as read, when that state is reused.
    private(set) var previousStateFile: StateFile?
    /// The units this build recorded (rendered), in order.
    private var recordedUnits: [String] = []

    /// What the previous build left in `output`: its state (nil, with the reason, when there is
    /// none or it is of another version) and the recorded files still as it left them.
    struct Previous: Sendable {
        var state: State?
        var reason: String?
        /// The recorded files not intact.
        var notIntact: Set<String> = []
        /// The state file as read.
        var file: StateFile?
    }

    /// A state file as a build read it: which file it was, its length, and the length of its
    /// whole encoding before the deltas appended to it since.
    struct StateFile: Sendable {
        var identity: MemoTable.Identity
        var length: Int
        var baseLength: Int

        /// Whether the file `info` describes is this one, as it was read (its identity holds its size).
        func isFile(_ info: stat) -> Bool { MemoTable.Identity(info) == identity }
    }

    static func readPrevious(output: URL) -> Previous {
        guard let (data, info) = MappedFile.read(output.appendingPathComponent(stateFile).path, populate: true) else { return Previous(reason: "no previous build") }
        guard let (state, baseLength) = decodeState(data), state.format == format else { return Previous(reason: "the cache is of another version") }
        let file = StateFile(identity: MemoTable.Identity(info), length: data.count, baseLength: baseLength)
        // One stat per recorded file: a file edited or deleted since is not trusted. Each path is
        // looked up from the output folder (no joined path, no walk from the root), in stripes.
        let files = state.files, places = Array(files.indices)
        let folder = open(output.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { return Previous(state: state, notIntact: Set(files.keys), file: file) }
        defer { close(folder) }
        let stripes = min(places.count, 32)
        let changed = ParallelSlots<[String]>(count: stripes)
        DispatchQueue.concurrentPerform(iterations: stripes) { stripe in
            var found: [String] = []
            var info = stat()
            for place in stride(from: stripe, to: places.count, by: stripes) {
                let (path, record) = files[places[place]]
                if fstatat(folder, path, &info, 0) != 0 || Int(info.st_size) != record.size || modified(info) != record.modified {
                    found.append(path)
                }
            }
            changed[stripe] = found
        }
        return Previous(state: state, notIntact: Set(changed.takeValues().joined()), file: file)
    }

    /// The previous build read on a thread of its own from the start of a build, while the
    /// workspace loads: first its state, then its memo (70 MB for 10,000 findings), which a build
    /// that finds itself up to date never waits for.
    final class Prefetch: @unchecked Sendable {
        private var previous: Previous?
        private var memo: MemoTable?
        private let stateRead = Latch()
        private let memoRead = Latch()

        init(output: URL) {
            let thread = Thread { [self] in
                let read = BuildCache.readPrevious(output: output)
                previous = read
                stateRead.open()
                if read.state != nil {
                    memo = MemoTable(contentsOf: output.appendingPathComponent(BuildCache.memoFile).path,
                                     indexAt: output.appendingPathComponent(MemoIndex.file).path)
                }
                memoRead.open()
                // Then its pages are mapped, while this thread has nothing else to do and the
                // build's main thread works on alone (lookups need not wait for it).
                memo?.mapPages()
            }
            thread.start()
        }

        func state() -> Previous {
            stateRead.wait()
            return previous!
        }

        func memoTable() -> MemoTable {
            memoRead.wait()
            return memo ?? MemoTable(Data())
        }
    }

    /// Reads the previous state from `output` (or takes it from `prefetch`) unless `clean`.
    init(output: URL, environment: String, clean: Bool, prefetch: Prefetch? = nil) {
        self.environment = environment
        let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: environment.utf8.count)
        _ = bytes.initialize(from: environment.utf8)
        environmentBytes = UnsafeBufferPointer(bytes)
        guard !clean else {
            previous = nil
            notIntact = []
            coldReason = "--clean"
            return
        }
        let read = prefetch?.state() ?? Self.readPrevious(output: output)
        guard let state = read.state else {
            previous = nil
            notIntact = []
            coldReason = read.reason
            return
        }
        guard state.environment == environment else {
            previous = nil
            notIntact = []
            coldReason = "templates, settings, options or the tool changed"
            return
        }
        previous = state
        notIntact = read.notIntact
        previousStateFile = read.file
        coldReason = nil
        previousOutput = output
        self.prefetch = prefetch
    }

    /// The folder this build's output is assembled in (`OutputFolder` sets it), where `stage`
    /// writes files.
    var staging: URL?

    /// The segments of the evidence zip's entries deflated in segments, by pack path
    /// (`DeflatePlan`), written into `.dossier-cache/zip-segments` for the next build.
    var zipSegments: [String: DeflateSegments] {
        get { lock.withLock { madeZipSegments } }
        set { lock.withLock { madeZipSegments = newValue } }
    }
    private var madeZipSegments: [String: DeflateSegments] = [:]
    private var lastZipSegments: [String: DeflateSegments]?

    /// What the knowledge base's related items were made from (`RelatedItems.State`), written
    /// into `.dossier-cache/related` for the next build.
    var relatedState: Data? {
        get { lock.withLock { madeRelatedState } }
        set { lock.withLock { madeRelatedState = newValue } }
    }
    private var madeRelatedState: Data?
    static let relatedFile = ".dossier-cache/related"
    /// How many items' related lists this build made (the others it took from the last build's), and of how many.
    var relatedMade: (made: Int, total: Int)? {
        get { lock.withLock { madeRelatedCount } }
        set { lock.withLock { madeRelatedCount = newValue } }
    }
    private var madeRelatedCount: (made: Int, total: Int)?

    /// For a progress line: `, related lists of 12 items made again` when an update kept the others.
    var relatedNote: String {
        guard let (made, total) = relatedMade, made < total else { return "" }
        return ", related lists of \(made) of \(total) items made again"
    }

    /// The last build's `relatedState`, when it is reused.
    func previousRelatedState() -> Data? {
        guard let previousOutput else { return nil }
        return MappedFile.read(previousOutput.appendingPathComponent(Self.relatedFile).path, populate: true)?.data
    }

    /// The last build's segments of the entry for `path` in its zip, when it is reused.
    func previousZipSegments(_ path: String) -> DeflateSegments? {
        guard let previousOutput else { return nil }
        return lock.withLock {
            if lastZipSegments == nil {
                let data = (try? Data(contentsOf: previousOutput.appendingPathComponent(SegmentedDeflate.file))) ?? Data()
                lastZipSegments = SegmentedDeflate.decode(data)
            }
            return lastZipSegments?[path]
        }
    }

    /// Writes `pieces` one after another as the file at `path` (relative to the output folder) in
    /// this build's staging folder, and gives its bytes (mapped) and their SHA-256. A large file
    /// put together from pieces (a patched health check: 46 MB) is then not assembled in new
    /// memory first, and the output folder does not write it again (`OutputFile.isStaged`). Nil
    /// without a staging folder or when the file cannot be written (the caller assembles it then).
    func stage(_ path: String, pieces: [Data]) -> (data: Data, sha256: String)? {
        guard let staging else { return nil }
        let url = staging.appendingPathComponent(path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
        do {
            defer { close(descriptor) }
            for piece in pieces { try piece.withUnsafeBytes { try OutputFolder.writeAll($0, to: descriptor) } }
        } catch {
            unlink(url.path)
            return nil
        }
        guard let data = MappedFile.read(url.path, populate: true)?.data, data.count == pieces.reduce(0, { $0 + $1.count }) else {
            unlink(url.path)
            return nil
        }
        return (data, Digest.sha256(pieces: pieces))
    }

    // MARK: Memo

    /// Intermediate results of the previous build by key (a finding's section of the health
    /// check, …), and the ones this build used or made: only those are kept for the next build.
    static let memoFile = ".dossier-cache/memo"
    /// The items this build parsed or reused (one cache per workspace), written beside the memo
    /// for the next build.
    var parsedItems: [ParsedItemCache] = []
    /// The output folder, when its previous build is reused (its memo and files are read).
    private var previousOutput: URL?
    private var prefetch: Prefetch?
    private var memoIn: MemoTable?
    /// The previous memo's entries (where each starts in its file, and ends) that this build looked
    /// up: they are kept.
    private var memoUsed: [Int: Int] = [:]
    /// The bytes of those entries in the previous memo's file.
    private var memoUsedBytes = 0
    /// Entries this build made.
    private var memoMade: [String: [MemoField]] = [:]
    /// The entries to add to the previous memo's file, when `prepareMemo` chose to append.
    private(set) var memoAppendix: [UInt8]?
    /// Where the entries of the memo last written or prepared are (`MemoIndex.encodeEntries`),
    /// how many there are, and where they end.
    private var memoIndexEntries: (entries: Data, count: Int, validLength: Int)?

    /// The value stored under `key` by the previous build, if any. (The previous memo is read on
    /// first use; a value's strings are made when it is looked up, outside the lock.)
    func memo(_ key: String) -> [String]? {
        memoFields(key) { fields in fields.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// The first value stored under `key` by the previous build, as the bytes the memo file holds
    /// (no copy, no string made): for values that go into output files as they are.
    func memoBytes(_ key: String) -> Data? {
        let table = previousMemo()
        guard let (value, entry) = table.firstBytes(for: key) else { return nil }
        markUsed(CollectionOfOne(entry))
        return value
    }

    /// What `read` makes of the values stored under `key` by the previous build, given as the bytes
    /// the memo file holds (no copy, no strings made: for values of which a build needs a few, or
    /// needs parsed); nil when there is none or `read` gives nil. The bytes are valid during `read` only.
    func memoFields<T>(_ key: String, _ read: ([UnsafeRawBufferPointer]) -> T?) -> T? {
        let table = previousMemo()
        guard let (value, entry) = table.fields(for: key, read) else { return nil }
        markUsed(CollectionOfOne(entry))
        return value
    }

    /// Keeps the previous build's entries under `keys` for the next build without reading them (a
    /// result made from them was reused whole), where there are some: looked up in parallel,
    /// recorded under one lock (the health check keeps 30,000 entries of a rebuild, which one lock
    /// each made threads wait on one another). Found by their slots alone, the file's keys not
    /// compared: an entry kept for another key of the same slot is only an entry more in the next
    /// memo, whose lookups compare keys (and comparing them read a page of the memo per entry).
    func memoKeep(_ keys: [String]) {
        let table = previousMemo()
        let entries = ParallelSlots<MemoTable.Entry>(count: keys.count)
        DispatchQueue.concurrentPerform(iterations: (keys.count + 1023) / 1024) { stripe in
            for index in stripe * 1024..<min(keys.count, (stripe + 1) * 1024) { entries[index] = table.locate(keys[index], comparingKeys: false) }
        }
        markUsed(entries.takeValues())
    }

    /// Records that entries of the previous memo are in use.
    private func markUsed(_ entries: some Sequence<MemoTable.Entry>) {
        lock.withLock {
            for entry in entries where memoUsed.updateValue(entry.end, forKey: entry.start) == nil { memoUsedBytes += entry.end - entry.start }
        }
    }

    /// The bytes of the previous build's output file at `path` (relative to the output folder) when
    /// it is intact and was recorded with `sha256`; nil otherwise.
    func previousFile(_ path: String, sha256: String) -> Data? {
        // Mapped: a file reused whole (the OSCAL documents, 30 MB) is often not read at all.
        guard let record = intactRecord(path), record.sha256 == sha256, let previousOutput,
              let data = MappedFile.read(previousOutput.appendingPathComponent(path).path, populate: false)?.data,
              data.count == record.size else { return nil }
        return data
    }

    private func previousMemo() -> MemoTable {
        lock.withLock {
            if memoIn == nil {
                if let prefetch, previousOutput != nil {
                    memoIn = prefetch.memoTable()
                } else {
                    memoIn = previousOutput.flatMap {
                        MemoTable(contentsOf: $0.appendingPathComponent(Self.memoFile).path, indexAt: $0.appendingPathComponent(MemoIndex.file).path)
                    } ?? MemoTable(Data())
                }
                // This build uses about as many entries as the last one.
                memoUsed.reserveCapacity(memoIn!.count)
            }
            return memoIn!
        }
    }

    /// The previous build's memo when that build is reused; nil in a full build.
    private var reusedMemo: MemoTable? { previousOutput == nil ? nil : previousMemo() }

    func memoize(_ key: String, _ value: [String]) {
        memoize(key, fields: value.map(MemoField.text))
    }

    /// Keeps `fields` under `key`, some of them bytes, for values read back as bytes
    /// (`memoFields`): binary encodings, which a string could not hold.
    func memoize(_ key: String, fields: [MemoField]) {
        lock.withLock { memoMade[key] = fields }
    }

    /// A value of a memo entry: text, or bytes.
    enum MemoField {
        case text(String)
        case bytes([UInt8])

        func write(into writer: inout LengthPrefixedWriter) {
            switch self {
            case .text(let text): writer.field(text)
            case .bytes(let bytes): writer.field(bytes)
            }
        }

        func equals(_ field: UnsafeRawBufferPointer) -> Bool {
            switch self {
            case .text(let text): text.utf8.elementsEqual(field)
            case .bytes(let bytes): bytes.elementsEqual(field)
            }
        }
    }

    /// The previous memo file grows by appending while it stays below this multiple of the entries
    /// the build uses; past it, the memo is written again with only those.
    static let memoGrowth = 1.25

    /// Makes the memo ready for the commit: either the entries this build made, to append to the
    /// previous build's file (`memoAppendix`, when that file is as this build read it and would
    /// stay at most `memoGrowth` times the entries in use), or the whole memo written to `path`.
    /// A rebuild after a small change thus writes a few entries instead of 90 MB.
    func prepareMemo(wholeAt path: String) throws {
        let table = reusedMemo
        let (used, usedBytes, made) = lock.withLock { (memoUsed, memoUsedBytes, memoMade) }
        if let table, table.identity != nil {
            var appendix = LengthPrefixedWriter()
            // An entry is appended unless the last memo holds it as it is.
            for (key, values) in made where table.fields(for: key, { fields in
                values.count == fields.count && zip(values, fields).allSatisfy { $0.equals($1) } ? true : nil
            }) == nil {
                Self.encodeEntry(key, values, into: &appendix)
            }
            let live = usedBytes + appendix.bytes.count
            if Double(table.validLength + appendix.bytes.count) <= Double(live) * Self.memoGrowth {
                // The index of the memo once appended to: the last one's entries, then the new ones
                // (a key of both is found at its new entry, the later).
                var added = MemoTable.SlotTable(capacity: 16)
                let end = appendix.bytes.withUnsafeBytes { MemoTable.scan($0, from: 0, base: table.validLength, into: &added) }
                let last = table.indexEntries ?? (MemoIndex.encodeEntries(table.entries), table.count)
                let entries = last.entries + MemoIndex.encodeEntries(added)
                lock.withLock {
                    memoAppendix = appendix.bytes
                    memoIndexEntries = (entries, last.count + added.count, table.validLength + end)
                }
                return
            }
        }
        lock.withLock { memoAppendix = nil }
        try writeMemo(to: path, used: used, made: made, previous: table)
    }

    /// Writes the whole memo to `path`: the entries of the previous memo this build used, copied
    /// as they were, and the ones it made.
    func writeMemo(to path: String) throws {
        let (used, made) = lock.withLock { (memoUsed, memoMade) }
        try writeMemo(to: path, used: used, made: made, previous: reusedMemo)
    }

    /// Per entry the key, the number of values and each value (`LengthPrefixedWriter`), written in
    /// pieces, so the whole memo is never one more copy in memory.
    private func writeMemo(to path: String, used: [Int: Int], made: [String: [MemoField]], previous: MemoTable?) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputFolder.WriteError(description: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var writer = LengthPrefixedWriter(reserving: 1 << 20)
        // Where the writer's bytes start in the file, and where each entry is (for the index).
        var drained = 0
        var index = MemoTable.SlotTable(capacity: used.count + made.count)
        func drainIfFull() throws {
            if writer.bytes.count >= 1 << 20 {
                drained += writer.bytes.count
                try writer.drain { try OutputFolder.writeAll($0, to: descriptor) }
            }
        }
        // In the sets' order: entries are looked up by key, so sorting 50,000 keys buys nothing.
        if let previous {
            for (start, end) in used {
                guard let (key, slot) = previous.key(at: start), made[key] == nil else { continue }
                let at = drained + writer.bytes.count
                previous.copyEntry(start..<end, into: &writer)
                index.set(slot, MemoTable.Entry(start: at, values: at + 4 + slot.length, end: at + end - start))
                try drainIfFull()
            }
        }
        for (key, values) in made {
            let at = drained + writer.bytes.count
            Self.encodeEntry(key, values, into: &writer)
            var key = key
            let slot = key.withUTF8 { MemoTable.Slot(UnsafeRawBufferPointer($0)) }
            index.set(slot, MemoTable.Entry(start: at, values: at + 4 + slot.length, end: drained + writer.bytes.count))
            try drainIfFull()
        }
        let length = drained + writer.bytes.count
        try writer.drain { try OutputFolder.writeAll($0, to: descriptor) }
        let entries = MemoIndex.encodeEntries(index)
        lock.withLock { memoIndexEntries = (entries, index.count, length) }
    }

    /// The index file (`MemoIndex`) of the memo this build wrote or appended to, now at `path`;
    /// nil when there is none or the file is not as written.
    func memoIndex(memoAt path: String) -> Data? {
        guard let (entries, count, validLength) = lock.withLock({ memoIndexEntries }) else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, Int(info.st_size) == validLength else { return nil }
        return MemoIndex.encode(entries: entries, count: count, validLength: validLength, identity: MemoTable.Identity(info))
    }

    private static func encodeEntry(_ key: String, _ values: [MemoField], into writer: inout LengthPrefixedWriter) {
        writer.field(key)
        writer.number(values.count)
        for value in values { value.write(into: &writer) }
    }

    /// Appends `memoAppendix` to the previous memo at `path`, cut back first to the end of its last
    /// whole entry. False, with nothing written, when the file is no longer the one this build read
    /// (then the caller writes the whole memo).
    func appendMemo(to path: String) throws -> Bool {
        guard let appendix = lock.withLock({ memoAppendix }), let table = memoIn, let identity = table.identity else { return false }
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, MemoTable.Identity(info) == identity else { return false }
        if table.validLength < Int(info.st_size) {
            guard ftruncate(descriptor, off_t(table.validLength)) == 0 else { throw OutputFolder.WriteError(description: String(cString: strerror(errno))) }
        }
        guard lseek(descriptor, off_t(table.validLength), SEEK_SET) >= 0 else { throw OutputFolder.WriteError(description: String(cString: strerror(errno))) }
        try appendix.withUnsafeBytes { try OutputFolder.writeAll($0, to: descriptor) }
        return true
    }

    /// The previous build's memo as read from its file: an index of where each key's entry is,
    /// whose strings are made only when looked up (a rebuild uses most of the 90 MB, but from the
    /// threads that need them, not all on the thread that reads the file). A damaged file ends the
    /// table where the damage starts; a key written twice (appended again) has its last value.
    final class MemoTable: @unchecked Sendable {
        /// What tells one file from another: the memo is appended to only when it is still the one read.
        struct Identity: Equatable, Sendable {
            var device: UInt64, inode: UInt64, size: Int64, modified: Double
            init(device: UInt64, inode: UInt64, size: Int64, modified: Double) {
                (self.device, self.inode, self.size, self.modified) = (device, inode, size, modified)
            }

            init(_ info: stat) {
                device = UInt64(info.st_dev)
                inode = UInt64(info.st_ino)
                size = Int64(info.st_size)
                modified = BuildCache.modified(info)
            }
        }

        private let bytes: Data
        /// Where each entry starts in the file, where its value count is, and where it ends.
        struct Entry {
            var start: Int, values: Int, end: Int
        }
        /// The index's key for a memo key: its last 16 bytes and its length. (Memo keys end in hex
        /// digits of a SHA-256 — some start with a word, as `digest:` — which these tell apart
        /// without making each key a string and hashing all of it; a lookup then compares the whole
        /// key with the file's.)
        struct Slot: Equatable {
            var head: UInt64, tail: UInt64, length: Int

            init(head: UInt64, tail: UInt64, length: Int) {
                (self.head, self.tail, self.length) = (head, tail, length)
            }

            init(_ key: UnsafeRawBufferPointer) {
                length = key.count
                if key.count >= 16 {
                    head = key.loadUnaligned(fromByteOffset: key.count - 16, as: UInt64.self)
                    tail = key.loadUnaligned(fromByteOffset: key.count - 8, as: UInt64.self)
                } else {
                    var padded: (UInt64, UInt64) = (0, 0)
                    withUnsafeMutableBytes(of: &padded) { $0.copyMemory(from: key) }
                    (head, tail) = padded
                }
            }
        }
        /// An open-addressing table of slots and their entries, probed linearly. A slot's bytes are
        /// hex digits of a SHA-256 (mostly): multiplied and folded they place it, where a dictionary
        /// hashed each of the 65,000 slots of a large memo with SipHash as it was read, and each
        /// of 100,000 lookups again.
        struct SlotTable {
            private var slots: [Slot]
            /// `start` -1: an empty place.
            private var entries: [Entry]
            private var shift: Int
            private(set) var count = 0

            init(capacity: Int) {
                var size = 16
                while size < capacity * 2 { size *= 2 }
                slots = Array(repeating: Slot(head: 0, tail: 0, length: 0), count: size)
                entries = Array(repeating: Entry(start: -1, values: 0, end: 0), count: size)
                shift = 64 - size.trailingZeroBitCount
            }

            private func place(_ slot: Slot) -> Int {
                let mixed = (slot.head &* 0x9E37_79B9_7F4A_7C15) ^ (slot.tail &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(slot.length)
                // (Shifts bind tighter than multiplications in Swift: the product is parenthesized.)
                return Int(truncatingIfNeeded: ((mixed ^ (mixed >> 29)) &* 0xBF58_476D_1CE4_E5B9) >> UInt64(shift))
            }

            subscript(slot: Slot) -> Entry? {
                var at = place(slot)
                while entries[at].start >= 0 {
                    if slots[at] == slot { return entries[at] }
                    at = (at + 1) & (entries.count - 1)
                }
                return nil
            }

            /// Sets `slot`'s entry (a later one replaces an earlier).
            mutating func set(_ slot: Slot, _ entry: Entry) {
                if (count + 1) * 2 > entries.count { grow() }
                var at = place(slot)
                while entries[at].start >= 0 {
                    if slots[at] == slot {
                        entries[at] = entry
                        return
                    }
                    at = (at + 1) & (entries.count - 1)
                }
                slots[at] = slot
                entries[at] = entry
                count += 1
            }

            private mutating func grow() {
                var larger = SlotTable(capacity: entries.count)
                forEach { larger.set($0, $1) }
                self = larger
            }

            /// Each slot and its entry, in the table's order.
            func forEach(_ body: (Slot, Entry) -> Void) {
                for at in entries.indices where entries[at].start >= 0 { body(slots[at], entries[at]) }
            }
        }
        /// Each key's entry; when a key occurs more than once (an appended memo), its last one.
        private let index: SlotTable
        /// Where the last whole entry ends.
        let validLength: Int
        /// The file's identity when read from one.
        let identity: Identity?

        /// The memo file at `path`, nil when it cannot be read; its entries are found from the index
        /// file at `indexPath` when that was written for this very file (`MemoIndex`), and by
        /// reading the memo through otherwise.
        /// Mapped, not read: a rebuild uses most of its 90 MB, and copying them faulted in 23,000
        /// fresh pages. (Read into huge pages, asked for with `madvise`, the memo faulted in faster,
        /// but a build right after a full one spent 0.1 s more in the kernel.) With its index, the
        /// pages are mapped as entries are read: the ones of entries kept but not read never are.
        convenience init?(contentsOf path: String, indexAt indexPath: String? = nil) {
            let indexData = indexPath.flatMap { MappedFile.read($0, populate: true)?.data }
            guard let (data, info) = MappedFile.read(path, populate: indexData == nil) else { return nil }
            let identity = Identity(info)
            if let indexData, let (index, count, validLength) = MemoIndex.decode(indexData, identity: identity, fileLength: data.count) {
                self.init(data, identity: identity, index: index, validLength: validLength)
                indexEntries = (indexData[(indexData.startIndex + MemoIndex.headerSize)...], count)
            } else {
                self.init(data, identity: identity)
            }
        }

        init(_ data: Data, identity: Identity? = nil) {
            bytes = data
            self.identity = identity
            // About 1.6 KB an entry in a large build's memo (65,000 in 100 MB): spares growing the table as it fills.
            var index = SlotTable(capacity: data.count / 1024)
            validLength = data.withUnsafeBytes { Self.scan($0, from: 0, into: &index) }
            self.index = index
        }

        /// The entries of the index file the table was read from, as they are there, and how many
        /// there are (some keys may have two: the later counts); nil when the memo was read through.
        private(set) var indexEntries: (entries: Data, count: Int)?

        private init(_ data: Data, identity: Identity, index: SlotTable, validLength: Int) {
            bytes = data
            self.identity = identity
            self.index = index
            self.validLength = validLength
        }

        /// Sets in `index` each whole entry of `buffer` from `start` on, at its place in the buffer
        /// plus `base`; where the last whole entry ends (`start` when there is none).
        static func scan(_ buffer: UnsafeRawBufferPointer, from start: Int, base: Int = 0, into index: inout SlotTable) -> Int {
            var reader = LengthPrefixedReader(buffer, from: start)
            var valid = start
            while !reader.isAtEnd {
                let start = reader.offset
                guard let key = reader.field() else { break }
                let offset = reader.offset
                guard let count = reader.number(), count < 1 << 20 else { break }
                var whole = true
                for _ in 0..<count where reader.field() == nil { whole = false; break }
                guard whole else { break }
                index.set(Slot(key), Entry(start: base + start, values: base + offset, end: base + reader.offset))
                valid = reader.offset
            }
            return valid
        }

        /// Each key's entry (its last, where a key was appended again).
        var entries: SlotTable { index }

        /// Maps the pages of the file read through its index, which are mapped as entries are read
        /// otherwise (Linux's `MADV_POPULATE_READ`; nothing elsewhere, or on an older kernel).
        func mapPages() {
            #if os(Linux)
            guard indexEntries != nil, !bytes.isEmpty else { return }
            bytes.withUnsafeBytes { raw in
                let page = Int(sysconf(Int32(_SC_PAGESIZE)))
                let start = UInt(bitPattern: raw.baseAddress!) & ~UInt(page - 1)
                let length = Int(UInt(bitPattern: raw.baseAddress!) - start) + raw.count
                // MADV_POPULATE_READ (Linux 5.14; named here for older headers; an older kernel refuses it).
                _ = madvise(UnsafeMutableRawPointer(bitPattern: start), length, 22)
            }
            #endif
        }

        var count: Int { index.count }

        /// `key`'s entry, if the file has one; without `comparingKeys`, an entry of the same slot
        /// (its key's last 16 bytes and length), which may be another key's.
        func locate(_ key: String, comparingKeys: Bool = true) -> Entry? {
            var key = key
            return key.withUTF8 { key in
                let raw = UnsafeRawBufferPointer(key)
                guard let entry = index[Slot(raw)] else { return nil }
                guard comparingKeys else { return entry }
                // The whole key, as the file holds it after its length (which the slot's length is).
                let same = bytes.withUnsafeBytes { buffer in
                    raw.isEmpty || memcmp(buffer.baseAddress! + entry.start + 4, raw.baseAddress!, raw.count) == 0
                }
                return same ? entry : nil
            }
        }

        /// The key of the entry that starts at `start`, and its slot.
        func key(at start: Int) -> (key: String, slot: Slot)? {
            bytes.withUnsafeBytes { buffer in
                var reader = LengthPrefixedReader(buffer, from: start)
                return reader.field().map { (String(decoding: $0, as: UTF8.self), Slot($0)) }
            }
        }

        func values(for key: String) -> [String]? {
            fields(for: key) { fields in fields.map { String(decoding: $0, as: UTF8.self) } }?.value
        }

        /// What `read` makes of `key`'s values as bytes of the file, and its entry.
        func fields<T>(for key: String, _ read: ([UnsafeRawBufferPointer]) -> T?) -> (value: T, entry: Entry)? {
            guard let entry = locate(key) else { return nil }
            let value: T? = bytes.withUnsafeBytes { buffer in
                // Read within the entry: what an index says of the file is checked as it is read.
                var reader = LengthPrefixedReader(UnsafeRawBufferPointer(rebasing: buffer[..<entry.end]), from: entry.values)
                guard let count = reader.number(), count <= (entry.end - entry.values) / 4 else { return nil }
                var fields: [UnsafeRawBufferPointer] = []
                fields.reserveCapacity(count)
                for _ in 0..<count {
                    guard let field = reader.field() else { return nil }
                    fields.append(field)
                }
                return read(fields)
            }
            return value.map { ($0, entry) }
        }

        /// `key`'s first value as a slice of the file's bytes, and its entry.
        func firstBytes(for key: String) -> (value: Data, entry: Entry)? {
            guard let entry = locate(key) else { return nil }
            let range: Range<Int>? = bytes.withUnsafeBytes { buffer in
                var reader = LengthPrefixedReader(UnsafeRawBufferPointer(rebasing: buffer[..<entry.end]), from: entry.values)
                guard let count = reader.number(), count > 0, let length = reader.number(), length <= entry.end - reader.offset else { return nil }
                return reader.offset..<(reader.offset + length)
            }
            guard let range else { return nil }
            return (bytes[(bytes.startIndex + range.lowerBound)..<(bytes.startIndex + range.upperBound)], entry)
        }

        /// Copies the bytes of an entry (where it starts and ends in the file) as they are.
        func copyEntry(_ range: Range<Int>, into writer: inout LengthPrefixedWriter) {
            bytes.withUnsafeBytes { writer.append(raw: UnsafeRawBufferPointer(rebasing: $0[range])) }
        }
    }

    deinit { environmentBytes.deallocate() }

    /// Whether this build reuses a previous one.
    var isIncremental: Bool { previous != nil }

    /// True when the unit `id` had `key` in the previous build and all its files are intact: the
    /// caller skips it, and its files are kept.
    func reuse(_ id: String, key: String) -> Bool {
        guard let previous, let unit = previous.units[id], unit.key == key,
              unit.paths.allSatisfy({ previous.files.index(forKey: $0) != nil && (notIntact.isEmpty || !notIntact.contains($0)) }) else { return false }
        lock.withLock {
            units[id] = unit
            reused += unit.paths
            reusedUnits += 1
        }
        return true
    }

    /// Records a unit rendered by this build.
    func record(_ id: String, key: String, paths: [String]) {
        lock.withLock {
            units[id] = Unit(key: key, paths: paths)
            recordedUnits.append(id)
        }
    }

    /// The previous build's record of `path` when the file is intact.
    func intactRecord(_ path: String) -> FileRecord? {
        guard notIntact.isEmpty || !notIntact.contains(path) else { return nil }
        return previous?.files[path]
    }

    /// Files of reused units, kept as they are.
    var keptPaths: [String] { lock.withLock { reused } }

    /// `keptPaths` from the `start`th on (those reused since the first `start` were taken).
    func keptPaths(from start: Int) -> [String] { lock.withLock { start < reused.count ? Array(reused[start...]) : [] } }

    /// Keeps files of the previous build that this one found intact and needs as they are (not
    /// as a unit: the charts of the health check's sections it did not render again).
    func keepFiles(_ paths: [String]) {
        guard !paths.isEmpty else { return }
        lock.withLock { reused += paths }
    }

    /// Units reused and units in all, so far.
    var unitCount: (reused: Int, total: Int) { lock.withLock { (reusedUnits, units.count) } }

    func state(files: [String: FileRecord]) -> State {
        lock.withLock { State(format: Self.format, environment: environment, inputs: inputs, units: units, files: files) }
    }

    /// The state as lines of tab-separated fields (tens of thousands of files: JSON was slow to
    /// write and read):
    ///
    ///     dossier-cache  FORMAT
    ///     environment    KEY
    ///     inputs         KEY (or -)
    ///     unit           ID  KEY  PATH…
    ///     file           PATH  SHA-256  SIZE  MODIFIED
    ///
    /// and after it, the deltas of later builds (`encodeDelta`). Nil when a path holds a tab or a
    /// line break (the next build is then a full one).
    static func encode(_ state: State) -> Data? {
        var writer = StateWriter()
        writer.bytes.reserveCapacity(state.files.count * 180 + state.units.count * 160)
        writer.line(["dossier-cache", String(state.format)])
        writer.line(["environment", state.environment])
        writer.line(["inputs", state.inputs ?? "-"])
        // In the dictionaries' order: the state is read back into dictionaries, so sorting 26,000
        // paths (a third of the encoding's time, at the end of the build) buys nothing.
        for (id, unit) in state.units { writer.unit(id, unit) }
        for (path, record) in state.files { writer.file(path, record) }
        return writer.valid ? Data(writer.bytes) : nil
    }

    /// What changed since a state, as lines to append to its file (a rebuild after one edit
    /// changes a few dozen of 27,000 files: appending those spares encoding and writing the
    /// whole 4.6 MB at the end of the build). A line `delta`, then this build's inputs, then
    ///
    ///     gone-unit      ID                      (a unit this build has not)
    ///     unit           ID  KEY  PATH…          (a unit made again, or new)
    ///     gone           PATH                    (a file this build did not produce)
    ///     file           PATH  SHA-256  SIZE  MODIFIED
    ///
    ///     end            BYTES                   (the delta's length before this line)
    ///
    /// read in order over the state before them: a later line of a unit or file replaces an earlier.
    /// A delta without its `end` (cut short by a crash) makes the whole state unreadable, so the
    /// next build is a full one: a unit line cut after one of its paths must not be trusted.
    static func encodeDelta(inputs: String?, units: [(id: String, unit: Unit)], goneUnits: [String],
                            files: [(path: String, record: FileRecord)], goneFiles: [String]) -> Data? {
        var writer = StateWriter()
        writer.line(["delta"])
        writer.line(["inputs", inputs ?? "-"])
        for id in goneUnits { writer.line(["gone-unit", id]) }
        for (id, unit) in units { writer.unit(id, unit) }
        for path in goneFiles { writer.line(["gone", path]) }
        for (path, record) in files { writer.file(path, record) }
        writer.line(["end", String(writer.bytes.count)])
        return writer.valid ? Data(writer.bytes) : nil
    }

    /// Writes the state's lines into one byte buffer, field by field: the encoding runs at the end
    /// of every build. (A writer of its own: a buffer captured by a local function was checked for
    /// exclusive access at every field.)
    private struct StateWriter {
        var bytes: [UInt8] = []
        /// False once a field held a tab or a line break (the state cannot hold it).
        var valid = true

        mutating func field(_ text: String, first: Bool = false) {
            if !first { bytes.append(UInt8(ascii: "\t")) }
            var text = text
            text.withUTF8 { utf8 in
                for byte in utf8 where byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { valid = false }
                bytes.append(contentsOf: utf8)
            }
        }

        mutating func endLine() { bytes.append(UInt8(ascii: "\n")) }

        mutating func line(_ fields: [String]) {
            for (index, field) in fields.enumerated() { self.field(field, first: index == 0) }
            endLine()
        }

        mutating func unit(_ id: String, _ unit: Unit) {
            field("unit", first: true)
            field(id)
            field(unit.key)
            for path in unit.paths { field(path) }
            endLine()
        }

        mutating func file(_ path: String, _ record: FileRecord) {
            field("file", first: true)
            field(path)
            field(record.sha256)
            field(String(record.size))
            field(record.modified.description)
            endLine()
        }
    }

    /// The changes since the previous build's state (`encodeDelta`): the units this build made,
    /// the files it staged (`final` holds their records), the files it removed. Every other unit
    /// and file is the previous build's, reused as that build left it. Nil without a previous state.
    func stateDelta(files final: [String: FileRecord], staged: [String], removed: [String]) -> Data? {
        guard let previous else { return nil }
        let units: [String: Unit] = lock.withLock { self.units }
        let recorded: [String] = lock.withLock { recordedUnits }
        var seen: Set<String> = []
        var made: [(id: String, unit: Unit)] = []
        for id in recorded where seen.insert(id).inserted {
            if let unit = units[id] { made.append((id, unit)) }
        }
        // Every unit is reused or made: when the count says none is missing, none is looked up.
        let added = made.count(where: { previous.units[$0.id] == nil })
        let goneUnits = units.count == previous.units.count + added ? [] : previous.units.keys.filter { units[$0] == nil }
        return Self.encodeDelta(inputs: inputs, units: made, goneUnits: goneUnits,
                                files: staged.compactMap { path in final[path].map { (path: path, record: $0) } }, goneFiles: removed)
    }

    /// Whether a state file of `length` bytes, `baseLength` of them its whole encoding, stays small
    /// enough with `adding` more bytes of deltas: at most a quarter larger than its whole encoding
    /// (every build reads the deltas too), or 256 KB larger for a small one.
    static func stateHasRoom(length: Int, baseLength: Int, adding: Int) -> Bool {
        length + adding <= max(baseLength + baseLength / 4, baseLength + (256 << 10))
    }

    static func decode(_ data: Data) -> State? { decodeState(data)?.state }

    /// The state, and the length of its whole encoding before the deltas after it.
    static func decodeState(_ data: Data) -> (state: State, baseLength: Int)? {
        var state = State(format: -1, environment: "", inputs: nil, units: [:], files: [:])
        var valid = true
        var baseLength: Int?
        // Where the delta being read started, until its `end`.
        var openDelta: Int?
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            let bytes = buffer.bindMemory(to: UInt8.self)
            state.files.reserveCapacity(bytes.count / 120)
            var lineStart = 0
            var fields: [String] = []
            while lineStart < bytes.count, valid {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                fields.removeAll(keepingCapacity: true)
                var fieldStart = lineStart
                for position in lineStart...lineEnd where position == lineEnd || bytes[position] == UInt8(ascii: "\t") {
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<position]), as: UTF8.self))
                    fieldStart = position + 1
                }
                let thisLine = lineStart
                lineStart = lineEnd + 1
                guard fields.count > 1 || !(fields.first ?? "").isEmpty else { continue }
                switch fields[0] {
                case "dossier-cache":
                    guard fields.count == 2, let format = Int(fields[1]) else { valid = false; return }
                    state.format = format
                case "environment":
                    guard fields.count == 2 else { valid = false; return }
                    state.environment = fields[1]
                case "inputs":
                    guard fields.count == 2 else { valid = false; return }
                    state.inputs = fields[1] == "-" ? nil : fields[1]
                case "unit":
                    guard fields.count >= 3 else { valid = false; return }
                    state.units[fields[1]] = Unit(key: fields[2], paths: Array(fields.dropFirst(3)))
                case "file":
                    guard fields.count == 5, let size = Int(fields[3]), let modified = Double(fields[4]) else { valid = false; return }
                    state.files[fields[1]] = FileRecord(sha256: fields[2], size: size, modified: modified)
                case "delta":
                    guard fields.count == 1, state.format >= 0, openDelta == nil else { valid = false; return }
                    if baseLength == nil { baseLength = thisLine }
                    openDelta = thisLine
                case "end":
                    guard fields.count == 2, let start = openDelta, Int(fields[1]) == thisLine - start else { valid = false; return }
                    openDelta = nil
                case "gone":
                    guard fields.count == 2, openDelta != nil else { valid = false; return }
                    state.files[fields[1]] = nil
                case "gone-unit":
                    guard fields.count == 2, openDelta != nil else { valid = false; return }
                    state.units[fields[1]] = nil
                default:
                    valid = false
                    return
                }
            }
        }
        // Every line ends in a line break: a file cut short ends without one.
        guard valid, state.format >= 0, openDelta == nil, data.last == UInt8(ascii: "\n") else { return nil }
        return (state, baseLength ?? data.count)
    }

    // MARK: Hashing

    /// A key over several parts; each part is length-prefixed, so no two lists of parts collide.
    static func key(_ parts: [String]) -> String {
        key { hasher in for part in parts { hasher.add(part) } }
    }

    /// `key(parts)` of the parts `add` gives the hasher, without an array of them.
    static func key(_ add: (inout KeyHasher) -> Void) -> String {
        var hasher = KeyHasher()
        add(&hasher)
        return hasher.finalize()
    }

    static func modified(_ info: stat) -> Double { FileStamp.seconds(info.st_mtim) }

    /// The environment of a build: this executable (its size and time stand for its code), the
    /// built-in templates, strings and catalogs, the `--templates` folder, the workspace's
    /// `engagement.yaml`, `dossier.yaml` beside it or above it and the brand logo, and the options.
    static func environment(workspace: Workspace, options: [String], templates: URL?, logo: URL?) -> String {
        environment(workspaces: [workspace], options: options, templates: templates, logo: logo)
    }

    /// The environment of a build of several workspaces (`dossier kb`): each one's files as above.
    static func environment(workspaces: [Workspace], options: [String], templates: URL?, logo: URL?) -> String {
        // The libdeflate loaded too: the zip's deflated bytes come from the system library.
        var parts = ["dossier-cache-\(format)"] + deflateLibrary + options + tool
        if let templates { parts += folderParts(templates) }
        let files = workspaces.flatMap { workspace in
            [workspace.root.appendingPathComponent(WorkspaceLoader.engagementFile),
             workspace.root.appendingPathComponent("dossier.yaml"),
             workspace.root.deletingLastPathComponent().appendingPathComponent("dossier.yaml")]
        }
        for url in files + [logo].compactMap({ $0 }) {
            parts.append(url.path)
            parts.append(Digest.sha256((try? Data(contentsOf: url)) ?? Data()))
        }
        return key(parts)
    }

    /// This build of the tool: its version, the executable (its size and time stand for its code)
    /// and the built-in templates, strings and catalogs.
    static let tool: [String] = {
        var parts = [DossierVersion.current]
        let proc = URL(fileURLWithPath: "/proc/self/exe")
        let executable = (FileManager.default.fileExists(atPath: proc.path) ? proc : Bundle.main.executableURL ?? proc).resolvingSymlinksInPath()
        // Without a way to tell this build of the tool from another, nothing is reused.
        parts.append(fileStamp(executable.path) ?? UUID().uuidString)
        return parts + folderParts(BuiltinResources.directory)
    }()

    /// A file as the cache tells one build of a program from another: its path, size and
    /// modification time; nil when it cannot be read.
    static func fileStamp(_ path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return "\(path) \(status.st_size) \(modified(status))"
    }

    /// The libdeflate this process runs with: the version it was built against, and the library
    /// file mapped into the process (its size and time: an upgraded library may deflate differently
    /// without a new build of the tool). Linux lists the mapped files in /proc/self/maps.
    static let deflateLibrary: [String] = {
        let parts = ["libdeflate " + LIBDEFLATE_VERSION_STRING]
        // Read to the end: /proc reports its files' size as 0.
        guard let maps = FileHandle(forReadingAtPath: "/proc/self/maps").map({ String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) }),
              let line = maps.split(separator: "\n").first(where: { $0.contains("/libdeflate") }),
              let slash = line.firstIndex(of: "/") else { return parts }
        return parts + [fileStamp(String(line[slash...]))].compactMap { $0 }
    }()

    /// A folder's files, each with its digest.
    private static func folderParts(_ folder: URL) -> [String] {
        var parts = ["folder:" + folder.path]
        for path in filesBelow(folder) {
            parts.append(path)
            parts.append(Digest.sha256((try? Data(contentsOf: folder.appendingPathComponent(path))) ?? Data()))
        }
        return parts
    }

    private static func filesBelow(_ folder: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }
}

/// `BuildCache.key` made a part at a time: each part's length in decimal and a colon, then its
/// bytes, gathered in a buffer and hashed a buffer at a time (a build makes some 60,000 keys, over
/// 50 MB of text; a view's digest is 500,000 short parts).
struct KeyHasher {
    private var hasher = SHA256()
    private var buffer: [UInt8] = []
    private static let flushAt = 1 << 15

    /// The buffer is made at a size that holds most keys whole (an item page's key is about
    /// 1.5 KB): grown from empty, it was allocated again several times for each of 100,000 keys.
    init() { buffer.reserveCapacity(4096) }

    mutating func add(_ part: String) {
        var part = part
        part.withUTF8 { add($0) }
    }

    /// Adds a part given as its UTF-8 bytes.
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        let count = bytes.count
        if buffer.count + count + 21 > Self.flushAt { flush() }
        // The length's decimal digits, most significant first.
        var power = 1
        while power <= count / 10 { power *= 10 }
        var rest = count
        while power > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(rest / power))
            rest %= power
            power /= 10
        }
        buffer.append(UInt8(ascii: ":"))
        if count > Self.flushAt {
            flush()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes))
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    private mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        buffer.removeAll(keepingCapacity: true)
    }

    consuming func finalize() -> String {
        flush()
        return Digest.hex(hasher.finalize())
    }
}
