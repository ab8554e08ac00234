import Foundation
import Parallel

/// Writes a build into a temporary folder beside the destination and moves it into place only when
/// everything succeeded, so a failed build never leaves a half-written output folder.
///
/// With a build cache that reuses the previous build (incremental), the temporary folder holds only
/// the files whose bytes changed; committing moves each into place (every file whole), removes the
/// files the build no longer produces and then records the new state. The cache state is removed
/// before the first file moves, so a commit cut short leaves a folder the next build rebuilds from
/// scratch.
public struct OutputFolder: Sendable {
    public static let marker = ".dossier-output"

    public let destination: URL
    public let staging: URL
    /// `staging`'s path with a trailing slash, to which output paths are appended.
    private let stagingPath: String
    let cache: BuildCache?
    private let records = Records()
    private let cacheAhead = AheadOfCommit()

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Checks that `destination` may be replaced: it does not exist, is empty, or was written by Dossier.
    public init(destination: URL) throws(Failure) {
        try self.init(destination: destination, cache: nil)
    }

    init(destination: URL, cache: BuildCache?) throws(Failure) {
        self.destination = destination.standardizedFileURL
        self.cache = cache
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: self.destination.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw Failure(description: "\(destination.path) is a file — choose a folder for the output")
            }
            let contents = (try? fileManager.contentsOfDirectory(atPath: self.destination.path)) ?? []
            if !contents.isEmpty && !contents.contains(Self.marker) {
                throw Failure(description: "\(destination.path) is not empty and was not written by Dossier — choose a new or empty folder, so that nothing of yours is replaced")
            }
        }
        // About as many files as the last build's: their table is made at that size, not grown.
        records.reserve(cache?.previous?.files.count ?? 0)
        let parent = self.destination.deletingLastPathComponent()
        staging = parent.appendingPathComponent(".\(self.destination.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        stagingPath = staging.path + "/"
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            if fileManager.fileExists(atPath: staging.path) { try fileManager.removeItem(at: staging) }
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
            if cache?.isIncremental != true {
                try Data("Written by Dossier \(DossierVersion.current). This folder is replaced by the next build.\n".utf8)
                    .write(to: staging.appendingPathComponent(Self.marker))
            }
        } catch {
            throw Failure(description: "cannot create \(staging.path): \(error.localizedDescription)")
        }
        cache?.staging = staging
    }

    var isIncremental: Bool { cache?.isIncremental == true }

    /// How the commit went, for a progress line: ` (incremental: 3 changed, the rest kept)` or
    /// ` (full build: why)`.
    var commitSummary: String {
        if isIncremental { return " (incremental: \(changedCount) changed, the rest kept)" }
        return cache?.coldReason.map { " (full build: \($0))" } ?? ""
    }

    public func write(_ file: OutputFile) throws(Failure) {
        try write([file])
    }

    /// Writes many files in parallel (directories first), each path prefixed with `prefix`. In an
    /// incremental build a file whose bytes equal the previous build's intact file is not written.
    /// A staged file (`OutputFile.isStaged`) is in place already: it is only recorded (or removed
    /// again, when it is the same as before).
    public func write(_ files: [OutputFile], under prefix: String = "") throws(Failure) {
        let digests = ParallelSlots<String>(count: files.count)
        // The previous build's record of each file whose bytes are the same: those are not written.
        let unchanged = ParallelSlots<BuildCache.FileRecord>(count: files.count)
        if cache != nil {
            DispatchQueue.concurrentPerform(iterations: files.count) { index in
                let digest = files[index].sha256 ?? Digest.sha256(files[index].data)
                digests[index] = digest
                unchanged[index] = sameAsBefore(prefix + files[index].path, sha256: digest, size: files[index].size)
            }
        }
        for index in files.indices where files[index].isStaged && unchanged[index] != nil { unlink(stagingPath + prefix + files[index].path) }
        let toWrite = files.indices.filter { unchanged[$0] == nil && !files[$0].isStaged }
        // A folder is made until one call has made it (item pages arrive one at a time, 11,000 into
        // one folder); calls at the same time may each make it, which is harmless.
        let directories = Set(toWrite.map { Self.parent(of: prefix + files[$0].path) }).filter { !records.hasFolder($0) }
        do {
            for directory in directories.sorted() {
                try FileManager.default.createDirectory(at: staging.appendingPathComponent(directory), withIntermediateDirectories: true)
                records.addFolder(directory)
            }
        } catch {
            throw Failure(description: "cannot create folders in \(staging.path): \(error.localizedDescription)")
        }
        let failures = ParallelSlots<String>(count: toWrite.count)
        // Each file's modification time, read as it is written (the commit's record of the file
        // needs it; a stat of every file afterwards took 26,000 calls on one thread).
        let modified = ParallelSlots<Double>(count: files.count)
        DispatchQueue.concurrentPerform(iterations: toWrite.count) { position in
            let file = files[toWrite[position]]
            do {
                modified[toWrite[position]] = try writeOrLink(file, to: stagingPath + prefix + file.path)
            } catch {
                failures[position] = "cannot write \(prefix + file.path): \(error.localizedDescription)"
            }
        }
        if let failure = failures.values.first { throw Failure(description: failure) }
        if cache != nil {
            for index in files.indices {
                settle(prefix + files[index].path, sha256: digests[index] ?? "", size: files[index].size, previous: unchanged[index],
                       modified: modified[index] ?? 0)
            }
        }
    }

    /// Writes `file` at `path` (in the staging folder), or links it to the file of this build
    /// with the same bytes (`OutputFile.sameAs`) where the file system allows; returns its
    /// modification time, as `writeFile` does.
    private func writeOrLink(_ file: OutputFile, to path: String) throws -> Double {
        if let same = file.sameAs {
            let source = currentPath(same)
            if link(source, path) == 0 || (errno == EEXIST && unlink(path) == 0 && link(source, path) == 0) {
                var info = stat()
                return stat(path, &info) == 0 ? BuildCache.modified(info) : 0
            }
        }
        return try Self.writeFile(contents(file), to: path)
    }

    /// The bytes of a file of this build: `data`, or those of the file it defers to.
    func contents(_ file: OutputFile) throws -> Data {
        guard file.deferredSize != nil, let same = file.sameAs else { return file.data }
        let data = try Data(contentsOf: URL(fileURLWithPath: currentPath(same)))
        guard data.count == file.deferredSize else { throw WriteError(description: "\(same) changed while the build ran") }
        return data
    }

    /// Where the file of this build at `path` is now (as `location`, without URLs): staged, or kept
    /// in the destination.
    private func currentPath(_ path: String) -> String {
        isIncremental && !records.isStaged(path) && records.record(path) != nil ? destination.path + "/" + path : stagingPath + path
    }

    /// The previous build's record of `path` when the file is intact and the new bytes are the same.
    private func sameAsBefore(_ path: String, sha256: String, size: Int) -> BuildCache.FileRecord? {
        guard let old = cache?.intactRecord(path), old.sha256 == sha256, old.size == size else { return nil }
        return old
    }

    /// Records a produced file: as the previous build left it, or as new in the staging folder.
    private func settle(_ path: String, sha256: String, size: Int, previous: BuildCache.FileRecord?, modified: Double = 0) {
        records.set(path, previous ?? BuildCache.FileRecord(sha256: sha256, size: size, modified: modified), staged: previous == nil)
    }

    /// Takes in a file written straight into the staging folder (`url(path)`), such as the zip.
    func adopt(_ path: String, written: Data? = nil) throws(Failure) {
        guard cache != nil else { return }
        let url = staging.appendingPathComponent(path)
        // `written`: the bytes the caller just wrote there, which need not be read back.
        guard let data = written ?? (try? Data(contentsOf: url)) else { throw Failure(description: "cannot read \(url.path)") }
        let digest = Digest.sha256(data)
        let previous = sameAsBefore(path, sha256: digest, size: data.count)
        if previous != nil { try? FileManager.default.removeItem(at: url) }
        settle(path, sha256: digest, size: data.count, previous: previous)
    }

    /// Keeps the files of units the cache reused, as the previous build left them.
    func keep(_ paths: [String]) {
        guard let cache else { return }
        records.setKept(paths.compactMap { path in cache.intactRecord(path).map { (path, $0) } })
    }

    /// Keeps the files of the units the cache reused so far that are not kept yet: a thread that
    /// is done with its units calls it (the report thread, while the knowledge base is finished
    /// on the other: a rebuild keeps 27,000 files), and the build once more before it writes.
    ///
    /// `unlessBusy`: returns at once when another thread is keeping them (it keeps these too, or
    /// the build's last call does).
    func keepReused(unlessBusy: Bool = false) {
        guard let cache else { return }
        records.takeReused(unlessBusy: unlessBusy) { start in
            let paths = cache.keptPaths(from: start)
            keep(paths)
            return paths.count
        }
    }

    /// The SHA-256 of a file of this build, when the build cache recorded it.
    func digest(of path: String) -> String? { records.record(path)?.sha256 }

    /// The build cache's record of a file of this build (its digest and size), if it has one.
    func record(of path: String) -> BuildCache.FileRecord? { records.record(path) }

    /// A file of this build: the staged copy, or in an incremental build the kept one.
    func read(_ path: String) throws -> Data {
        try Data(contentsOf: location(path))
    }

    /// Where a file of this build is now: staged, or in an incremental build kept in the destination.
    func location(_ path: String) -> URL {
        let staged = staging.appendingPathComponent(path)
        if !isIncremental || FileManager.default.fileExists(atPath: staged.path) { return staged }
        return destination.appendingPathComponent(path)
    }

    /// Files written or changed by this build (in an incremental build, those moved into place).
    var changedCount: Int { records.stagedPaths.count }

    /// Every file this build produced, written or kept, in no particular order (with a build cache).
    var producedPaths: [String] { records.paths }

    /// How many of the files this build produced `include` counts (with a build cache).
    func producedCount(where include: (String) -> Bool) -> Int { records.paths.count(where: include) }

    /// Whether the file is the same as in the previous build (kept or unchanged).
    func isUnchanged(_ path: String) -> Bool { records.isUnchanged(path) }

    struct WriteError: LocalizedError {
        var description: String
        var errorDescription: String? { description }
    }

    /// Creates or truncates a file and writes `data` with plain POSIX calls: the staged folder is
    /// moved into place as a whole, so no per-file temporary copy or flush to disk is needed
    /// (Foundation's `Data.write` costs both for each of tens of thousands of files). Returns the
    /// file's modification time, read once the file is closed (some file systems — network shares,
    /// FUSE — set it then).
    @discardableResult
    static func writeFile(_ data: Data, to path: String) throws -> Double {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteError(description: String(cString: strerror(errno))) }
        do {
            try data.withUnsafeBytes { try writeAll($0, to: descriptor) }
        } catch {
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw WriteError(description: String(cString: strerror(errno))) }
        var info = stat()
        return stat(path, &info) == 0 ? BuildCache.modified(info) : 0
    }

    /// Writes every byte of `buffer` to an open file, retrying short and interrupted writes.
    static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        var offset = 0
        while offset < buffer.count {
            let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw WriteError(description: String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    public func url(_ path: String) -> URL { staging.appendingPathComponent(path) }

    /// Replaces the destination by the staged folder; in an incremental build, moves the changed
    /// files into the destination and removes the ones no longer produced.
    public func commit() throws(Failure) {
        if isIncremental {
            try commitIncrementally()
            return
        }
        let fileManager = FileManager.default
        do {
            if let cache {
                let final = records.finalRecords(in: staging)
                try writeCacheFiles(cache, in: staging)
                try Self.writeState(.whole(BuildCache.encode(cache.state(files: final))), in: staging)
            }
            if fileManager.fileExists(atPath: destination.path) {
                let old = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
                try fileManager.moveItem(at: destination, to: old)
                try fileManager.moveItem(at: staging, to: destination)
                Self.removeTree(old)
            } else {
                try fileManager.moveItem(at: staging, to: destination)
            }
        } catch {
            throw Failure(description: "cannot move the output into \(destination.path): \(error.localizedDescription)")
        }
    }

    private func commitIncrementally() throws(Failure) {
        guard let cache else { return }
        let fileManager = FileManager.default
        let statePath = destination.appendingPathComponent(BuildCache.stateFile).path
        do {
            // No state while the files move: a commit cut short leaves the next build a full one.
            // The last state is set aside, to append this build's changes to, when it is the file
            // this build read and has room to grow (`BuildCache.stateHasRoom`).
            let lastState = cache.previousStateFile.flatMap { file -> BuildCache.StateFile? in
                guard BuildCache.stateHasRoom(length: file.length, baseLength: file.baseLength, adding: 1),
                      Foundation.rename(statePath, statePath + Self.setAside) == 0 else { return nil }
                return file
            }
            if lastState == nil { unlink(statePath) }
            // The staged files' times are read where they are (a move keeps them).
            let final = records.finalRecords(in: staging)
            let staged = records.stagedPaths
            // The files are moved into place on a thread of their own while the cache's files are
            // written here, and the state encoded (whole, unless its changes are appended): a file
            // replaced has its pages freed then (the health check's 36 MB).
            let moves = AheadOfCommit()
            let removed = RemovedPaths()
            moves.start { [self] in removed.paths = try moveIntoPlace(staged, final: final, previous: cache.previous?.files ?? [:]) }
            do {
                try writeCacheFiles(cache, in: destination)
            } catch {
                // The moves end before the failure is told (the staging folder is then removed).
                _ = try? moves.wait()
                throw error
            }
            var state = StateWrite.whole(lastState == nil ? BuildCache.encode(cache.state(files: final)) : nil)
            _ = try moves.wait()
            if let lastState {
                // (A state changed by another hand since this build read it is written whole.)
                var info = stat()
                if let delta = cache.stateDelta(files: final, staged: staged, removed: removed.paths),
                   BuildCache.stateHasRoom(length: lastState.length, baseLength: lastState.baseLength, adding: delta.count),
                   stat(statePath + Self.setAside, &info) == 0, lastState.isFile(info) {
                    state = .append(delta, to: lastState)
                } else {
                    unlink(statePath + Self.setAside)
                    state = .whole(BuildCache.encode(cache.state(files: final)))
                }
            }
            try Self.writeState(state, in: destination)
            try? fileManager.removeItem(at: staging)
        } catch {
            throw Failure(description: "cannot move the changed files into \(destination.path): \(error.localizedDescription) — run the build again with --clean")
        }
    }

    /// The last state's name while the commit moves files (`state` followed by this).
    static let setAside = ".last"

    /// How the state is written: whole (nil when it cannot be encoded: the next build is then a
    /// full one), or as this build's changes appended to the last one's file, set aside.
    enum StateWrite {
        case whole(Data?)
        case append(Data, to: BuildCache.StateFile)
    }

    /// The paths the moves removed, handed from their thread.
    private final class RemovedPaths: @unchecked Sendable {
        var paths: [String] = []
    }

    /// Moves the staged files into the destination, and removes the previous build's files that
    /// this one did not produce (and the folders that leaves empty).
    /// Returns the removed paths.
    private func moveIntoPlace(_ staged: [String], final: [String: BuildCache.FileRecord], previous previousFiles: [String: BuildCache.FileRecord]) throws -> [String] {
        let fileManager = FileManager.default
        let directories = Set(staged.map(Self.parent(of:))).filter { !$0.isEmpty }
        for directory in directories.sorted() {
            try fileManager.createDirectory(at: destination.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        for path in staged {
            let target = destination.appendingPathComponent(path).path
            // A large file replaced is removed first: a rename that replaces a file frees its pages
            // (the health check's 36 MB) while it holds the file system's rename lock, which the
            // cache's files, written into place at the same time, wait for.
            if let old = previousFiles[path], old.size >= 1 << 20 { unlink(target) }
            guard rename(staging.appendingPathComponent(path).path, target) == 0 else {
                throw WriteError(description: "\(path): \(String(cString: strerror(errno)))")
            }
        }
        // Files of the previous build that this one did not produce. Every produced file that is
        // not new was the previous build's: when those are as many as the previous build's files,
        // none is missing, and the previous files need not be looked up one by one.
        let new = staged.count(where: { final[$0] != nil && previousFiles[$0] == nil })
        let removed = final.count - new == previousFiles.count ? [] : previousFiles.keys.filter { final[$0] == nil }
        var emptied: Set<String> = []
        for path in removed {
            let url = destination.appendingPathComponent(path)
            if fileManager.fileExists(atPath: url.path) {
                do {
                    try fileManager.removeItem(at: url)
                } catch {
                    throw WriteError(description: "cannot remove \(path), which this build no longer makes")
                }
            }
            emptied.insert(Self.parent(of: path))
        }
        // Folders left empty go too, deepest first, as a clean build would not have them.
        for folder in emptied.sorted(by: { $0.count > $1.count }) {
            var current = folder
            while !current.isEmpty, rmdir(destination.appendingPathComponent(current).path) == 0 {
                current = Self.parent(of: current)
            }
        }
        return removed
    }

    /// Starts writing the memo and the parsed items into the staging folder on a thread of their
    /// own, for a build that will not add to its memo again: they are 90 MB for 10,000 findings,
    /// written while the evidence pack is assembled. The commit waits for them and moves them into
    /// place (an incremental build's) or finds them there (a full build's).
    func writeCacheAhead() {
        guard let cache else { return }
        let folder = staging
        cacheAhead.start { try Self.writeMemoAndItems(cache, in: folder, suffix: "") }
    }

    /// The memo and the parsed items written at the same time into `folder`'s `.dossier-cache/`,
    /// each file's name followed by `suffix`.
    private static func writeMemoAndItems(_ cache: BuildCache, in folder: URL, suffix: String) throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(BuildCache.folder), withIntermediateDirectories: true)
        let files = cacheFiles(cache)
        let failures = ParallelSlots<any Error>(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { task in
            let path = folder.appendingPathComponent(files[task]).path + suffix
            do {
                if task == 0 { try cache.prepareMemo(wholeAt: path) } else { try cache.parsedItems[task - 1].write(to: path) }
            } catch {
                failures[task] = error
            }
        }
        if let failure = failures.values.first { throw failure }
    }

    /// The memo's path and each parsed-item cache's, in `.dossier-cache/`.
    private static func cacheFiles(_ cache: BuildCache) -> [String] {
        [BuildCache.memoFile] + cache.parsedItems.map(\.path)
    }

    /// Renames `from` to `to`, throwing what went wrong.
    private static func renameFile(_ from: String, _ to: String) throws {
        guard Foundation.rename(from, to) == 0 else { throw WriteError(description: String(cString: strerror(errno))) }
    }

    /// The file at `path` in `folder` replaced whole by `data` (written beside, renamed), or removed.
    private static func replace(_ path: String, in folder: URL, with data: Data?) throws {
        let target = folder.appendingPathComponent(path).path
        guard let data else {
            unlink(target)
            return
        }
        try writeFile(data, to: target + ".partial")
        try renameFile(target + ".partial", target)
    }

    /// Writes the build cache but its state into `folder`'s `.dossier-cache/`: the memo and the
    /// parsed items (or moves them there from the staging folder, when written ahead), and the
    /// files that go with them, each whole (written beside and renamed into place). The state,
    /// which says they are whole, goes last (`writeState`).
    private func writeCacheFiles(_ cache: BuildCache, in folder: URL) throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(BuildCache.folder), withIntermediateDirectories: true)
        let rename = Self.renameFile
        // Written beside (ahead, in the staging folder) and renamed into place, so that each is
        // whole; a memo that grows by appending gets its new entries at the end instead.
        let ahead = try cacheAhead.wait()
        if !ahead { try Self.writeMemoAndItems(cache, in: folder, suffix: ".partial") }
        let memo = folder.appendingPathComponent(BuildCache.memoFile).path
        let appended = cache.memoAppendix != nil
        if appended, try !cache.appendMemo(to: memo) {
            // The previous memo changed since it was read: written whole after all.
            try cache.writeMemo(to: memo + ".partial")
            try rename(memo + ".partial", memo)
        }
        if !ahead || folder != staging {
            for file in Self.cacheFiles(cache) where !(appended && file == BuildCache.memoFile) {
                let target = folder.appendingPathComponent(file).path
                try rename(ahead ? staging.appendingPathComponent(file).path : target + ".partial", target)
            }
        }
        // Parsed items of workspaces this build no longer has (a knowledge base's engagements).
        let name = { (path: String) in String(path.split(separator: "/").last ?? "") }
        let kept = Set(cache.parsedItems.map { name($0.path) })
        let cacheFolder = folder.appendingPathComponent(BuildCache.folder)
        let itemsName = name(ParsedItemCache.file)
        for file in (try? FileManager.default.contentsOfDirectory(atPath: cacheFolder.path)) ?? []
        where file.hasPrefix(itemsName) && !kept.contains(file) {
            try? FileManager.default.removeItem(at: cacheFolder.appendingPathComponent(file))
        }
        // Where the memo's entries are, for the memo now in place.
        try Self.replace(BuildCache.MemoIndex.file, in: folder, with: cache.memoIndex(memoAt: memo))
        // The segments of the zip's segmented entries, and what the related items were made from.
        try Self.replace(SegmentedDeflate.file, in: folder, with: cache.zipSegments.isEmpty ? nil : SegmentedDeflate.encode(cache.zipSegments))
        try Self.replace(BuildCache.relatedFile, in: folder, with: cache.relatedState)
    }

    /// Puts the state in place in `folder`'s `.dossier-cache/`, after every other file of the
    /// build and of its cache: whole (none when it could not be encoded, a path with a tab: the
    /// next build is then a full one), or appended to the last one's, set aside.
    private static func writeState(_ state: StateWrite, in folder: URL) throws {
        switch state {
        case .whole(let encoded):
            try replace(BuildCache.stateFile, in: folder, with: encoded)
        case .append(let delta, let last):
            let target = folder.appendingPathComponent(BuildCache.stateFile).path
            try append(delta, to: target + setAside, expecting: last)
            try renameFile(target + setAside, target)
        }
    }

    /// Appends `bytes` to the file at `path`, which must be `file` as read (else nothing is
    /// written, and the error says so).
    private static func append(_ bytes: Data, to path: String, expecting file: BuildCache.StateFile) throws {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw WriteError(description: "\(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, file.isFile(info) else {
            throw WriteError(description: "\(path) changed during the build")
        }
        guard lseek(descriptor, off_t(file.length), SEEK_SET) >= 0 else { throw WriteError(description: String(cString: strerror(errno))) }
        try bytes.withUnsafeBytes { try writeAll($0, to: descriptor) }
    }

    /// Work started ahead of the commit, which waits for it.
    final class AheadOfCommit: @unchecked Sendable {
        private let lock = NSLock()
        private var finished: Latch?
        private var failure: (any Error)?

        func start(_ work: @escaping @Sendable () throws -> Void) {
            let latch = Latch()
            lock.withLock { finished = latch }
            Thread { [self] in
                do { try work() } catch { lock.withLock { failure = error } }
                latch.open()
            }.start()
        }

        /// Waits for the work; false if none was started. Throws the work's error.
        func wait() throws -> Bool {
            guard let latch = lock.withLock({ finished }) else { return false }
            latch.wait()
            if let failure = lock.withLock({ failure }) { throw failure }
            return true
        }
    }

    /// `path` without its last component ("" for a bare name): what NSString's
    /// `deletingLastPathComponent` gives for the relative paths of the output, without bridging.
    static func parent(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(path[..<slash])
    }

    /// Removes a folder tree that this tool wrote (the previous output, moved aside) with
    /// `readdir`, `unlink` and `rmdir`, links not followed; FileManager for what that leaves.
    static func removeTree(_ url: URL) {
        func remove(_ path: String) -> Bool {
            guard let entries = FolderListing.entries(path) else { return false }
            var removed = true
            for entry in entries {
                let child = path + "/" + entry.name
                removed = (entry.type == UInt8(DT_DIR) ? remove(child) : unlink(child) == 0) && removed
            }
            return removed && rmdir(path) == 0
        }
        if !remove(url.path) { try? FileManager.default.removeItem(at: url) }
    }

    /// Removes the staged folder after a failure.
    public func discard() {
        _ = try? cacheAhead.wait()
        try? FileManager.default.removeItem(at: staging)
    }

    /// What each produced file is, and whether it waits in the staging folder.
    final class Records: @unchecked Sendable {
        private var records: [String: BuildCache.FileRecord] = [:]
        private var staged: Set<String> = []
        private var folders: Set<String> = []
        private let lock = NSLock()

        /// Whether a folder of the staging folder has been made.
        func hasFolder(_ folder: String) -> Bool { lock.withLock { folders.contains(folder) } }

        func reserve(_ count: Int) { lock.withLock { records.reserveCapacity(count) } }

        func addFolder(_ folder: String) { _ = lock.withLock { folders.insert(folder) } }

        func set(_ path: String, _ record: BuildCache.FileRecord, staged isStaged: Bool) {
            lock.withLock {
                records[path] = record
                if isStaged { staged.insert(path) } else { staged.remove(path) }
            }
        }

        /// `set(_:_:staged: false)` for many files: a few thousand at a time under the lock, so
        /// that the other thread's writes are not held up while 27,000 are recorded.
        func setKept(_ kept: [(path: String, record: BuildCache.FileRecord)]) {
            lock.withLock { records.reserveCapacity(records.count + kept.count) }
            for start in stride(from: 0, to: kept.count, by: 4096) {
                lock.withLock {
                    for (path, record) in kept[start..<min(start + 4096, kept.count)] {
                        records[path] = record
                        if !staged.isEmpty { staged.remove(path) }
                    }
                }
            }
        }

        /// How many of the build cache's reused paths were kept (`OutputFolder.keepReused`).
        private var reusedTaken = 0
        private let reusedLock = NSLock()

        /// Runs `keep` with the number of the cache's reused paths kept so far (it returns how
        /// many more it kept), one call at a time.
        func takeReused(unlessBusy: Bool, _ keep: (Int) -> Int) {
            if unlessBusy {
                guard reusedLock.try() else { return }
            } else {
                reusedLock.lock()
            }
            defer { reusedLock.unlock() }
            reusedTaken += keep(reusedTaken)
        }

        var stagedPaths: [String] { lock.withLock { staged.sorted() } }

        var paths: [String] { lock.withLock { Array(records.keys) } }

        func isUnchanged(_ path: String) -> Bool { lock.withLock { records[path] != nil && !staged.contains(path) } }

        func isStaged(_ path: String) -> Bool { lock.withLock { staged.contains(path) } }

        func record(_ path: String) -> BuildCache.FileRecord? { lock.withLock { records[path] } }

        /// The records with the modification times of the staged files, read from `folder`, filled
        /// in (in place: a copy of 27,000 records cost the commit a few milliseconds).
        func finalRecords(in folder: URL) -> [String: BuildCache.FileRecord] {
            lock.withLock {
                let base = folder.path + "/"
                for path in staged where records[path]?.modified ?? 0 == 0 {
                    var info = stat()
                    if stat(base + path, &info) == 0 {
                        records[path]?.modified = BuildCache.modified(info)
                    } else {
                        records[path] = nil
                    }
                }
                return records
            }
        }
    }
}
