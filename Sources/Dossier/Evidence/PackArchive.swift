import CDeflate
import Foundation
import Parallel
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

    /// Writes `files` under the folder `root/` in a new zip at `url`: directories first in path
    /// order, files deflated in parallel (stored when deflate does not help), names in UTF-8, the
    /// fixed time and fixed permissions.
    ///
    /// With `previous` (the bytes of the last build's zip) an entry whose file `unchanged` says is
    /// the same is copied from it still compressed — the bytes deflate would give again.
    /// With `ahead`, an entry deflated ahead from the same bytes is taken as it is. `contents`
    /// gives a file's bytes (those of a file whose reading was deferred, `OutputFile.deferredSize`):
    /// a deferred file copied from `previous` is not read at all — its digest is the last build's,
    /// and so is the zip, checked against the last build's record before it is passed in.
    @discardableResult
    public static func write(_ files: [OutputFile], root: String, to url: URL, previous: Data? = nil,
                             unchanged: (String) -> Bool = { _ in false }, ahead: DeflateAhead? = nil,
                             contents: @Sendable (OutputFile) throws -> Data = { $0.data }) throws(Failure) -> Data {
        let sorted = files.sorted { $0.path < $1.path }
        var entries: [ZipEntry] = []
        var folders: Set<String> = []
        for (index, file) in sorted.enumerated() {
            var folder = (file.path as NSString).deletingLastPathComponent
            var missing: [String] = []
            while !folder.isEmpty && !folders.contains(folder) {
                missing.append(folder)
                folder = (folder as NSString).deletingLastPathComponent
            }
            for directory in missing.reversed() {
                folders.insert(directory)
                entries.append(ZipEntry(name: root + "/" + directory + "/", isDirectory: true))
            }
            entries.append(ZipEntry(name: root + "/" + file.path, isDirectory: false, source: index))
        }
        guard entries.count < 65_535 else {
            throw Failure(description: "the evidence pack has \(entries.count) entries, more than a zip without ZIP64 holds — cite fewer evidence files")
        }

        let reusable = previous.flatMap(ZipDirectory.init)
        let compressed = ParallelSlots<CompressedEntry>(count: sorted.count)
        let same = reusable == nil ? [] : sorted.map { unchanged($0.path) }
        let failures = ParallelSlots<String>(count: sorted.count)
        DispatchQueue.concurrentPerform(iterations: sorted.count) { index in
            let file = sorted[index]
            let name = root + "/" + file.path
            if let reusable, same[index], let old = reusable.entry(named: name), old.uncompressedSize == file.size,
               file.deferredSize != nil || old.crc32 == ZipDirectory.crc32(file.data) {
                compressed[index] = old
                return
            }
            do {
                let bytes = try contents(file)
                compressed[index] = ahead?.entry(file.path, for: bytes) ?? CompressedEntry.make(bytes)
            } catch {
                failures[index] = "cannot read \(file.path): \(error.localizedDescription)"
            }
        }
        if let failure = failures.values.first { throw Failure(description: failure) }

        var output = Data()
        var central = Data()
        func little<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
            withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
        }
        let (time, date) = (UInt16(0), UInt16((2000 - 1980) << 9 | 1 << 5 | 1))
        for entry in entries {
            let nameBytes = Data(entry.name.utf8)
            let body = entry.source.map { compressed[$0]! } ?? CompressedEntry(method: 0, crc32: 0, uncompressedSize: 0, data: Data())
            guard output.count < Int(UInt32.max) - body.data.count - 1024 else {
                throw Failure(description: "the evidence pack is larger than 4 GiB, more than a zip without ZIP64 holds")
            }
            // The fields the local header and the central directory share: version needed (2.0),
            // flags (UTF-8 names), method, time, date, CRC-32, sizes, name length, no extra field.
            func shared(to data: inout Data) {
                little(UInt16(20), to: &data)
                little(UInt16(0x0800), to: &data)
                little(body.method, to: &data)
                little(time, to: &data)
                little(date, to: &data)
                little(body.crc32, to: &data)
                little(UInt32(body.data.count), to: &data)
                little(UInt32(body.uncompressedSize), to: &data)
                little(UInt16(nameBytes.count), to: &data)
                little(UInt16(0), to: &data)
            }
            let offset = UInt32(output.count)
            little(UInt32(0x0403_4b50), to: &output)
            shared(to: &output)
            output.append(nameBytes)
            output.append(body.data)

            little(UInt32(0x0201_4b50), to: &central)
            little(UInt16(3 << 8 | 20), to: &central)
            shared(to: &central)
            little(UInt16(0), to: &central)
            little(UInt16(0), to: &central)
            little(UInt16(0), to: &central)
            little(entry.isDirectory ? UInt32(0o040755) << 16 | 0x10 : UInt32(0o100644) << 16, to: &central)
            little(offset, to: &central)
            central.append(nameBytes)
        }
        let centralOffset = UInt32(output.count)
        output.append(central)
        little(UInt32(0x0605_4b50), to: &output)
        little(UInt16(0), to: &output)
        little(UInt16(0), to: &output)
        little(UInt16(entries.count), to: &output)
        little(UInt16(entries.count), to: &output)
        little(UInt32(central.count), to: &output)
        little(centralOffset, to: &output)
        little(UInt16(0), to: &output)
        do {
            try? FileManager.default.removeItem(at: url)
            try OutputFolder.writeFile(output, to: url.path)
        } catch {
            throw Failure(description: "cannot write \(url.path): \(error.localizedDescription)")
        }
        return output
    }

    struct ZipEntry {
        var name: String
        var isDirectory: Bool
        /// The index of the file, for file entries.
        var source: Int?
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

/// Large files of the pack deflated while the build does other work (the health check as soon as
/// it is rendered, the OSCAL documents as soon as they are made), so that the zip, written last,
/// has less left to compress. A file the last build wrote with the same bytes is left alone: its
/// entry is copied from the last zip.
public final class DeflateAhead: @unchecked Sendable {
    private enum State { case queued, running, done }
    private final class Job: @unchecked Sendable {
        let data: Data
        let sha256: String?
        let plan: DeflatePlan?
        var state = State.queued
        let done = Latch()
        var entry: CompressedEntry?
        /// With a plan: the entry's segments, deflated here or (the file unchanged) the last build's.
        var segments: DeflateSegments?
        init(data: Data, sha256: String?, plan: DeflatePlan?) {
            self.data = data
            self.sha256 = sha256
            self.plan = plan
        }
    }
    private let lock = NSLock()
    private var jobs: [String: Job] = [:]
    private let previousDigest: @Sendable (String) -> String?
    private let previousSegments: @Sendable (String) -> DeflateSegments?
    private let previousEntry: @Sendable (String) -> CompressedEntry?

    /// Files smaller than this are deflated with the rest when the zip is written.
    static let minimumSize = 1 << 20

    /// `previousDigest` gives the SHA-256 the last build recorded for a pack path, if any;
    /// `previousSegments` the segments of the last build's entry for it, when it was segmented
    /// (`DeflatePlan`), and `previousEntry` that entry, from the last build's zip when it is
    /// the one that build wrote.
    init(previousDigest: @escaping @Sendable (String) -> String?,
         previousSegments: @escaping @Sendable (String) -> DeflateSegments? = { _ in nil },
         previousEntry: @escaping @Sendable (String) -> CompressedEntry? = { _ in nil }) {
        self.previousDigest = previousDigest
        self.previousSegments = previousSegments
        self.previousEntry = previousEntry
    }

    /// The segments of the entries deflated in segments (or kept from the last build's zip as
    /// they were), by pack path: for the next build.
    var segmentTables: [String: DeflateSegments] {
        lock.withLock { jobs.compactMapValues { $0.state == .done ? $0.segments : nil } }
    }

    /// For the progress line: each entry deflated in segments of which some were copied from the
    /// last build's zip, with how many of its segments were deflated again.
    var segmentsReused: [(path: String, deflated: Int, total: Int)] {
        segmentTables.filter { $0.value.deflated > 0 && $0.value.deflated < $0.value.segments.count }
            .map { ($0.key, $0.value.deflated, $0.value.segments.count) }.sorted { $0.path < $1.path }
    }

    /// Jobs given before `release()`, which starts them.
    private var held: [(job: Job, path: String)]? = []

    /// Deflates `data`, the file at `path` in the pack (`sha256`: its digest, if known; `plan`:
    /// its segments, if it is deflated in segments): at once after `release()`, or then.
    func start(_ path: String, _ data: Data, sha256: String? = nil, plan: DeflatePlan? = nil) {
        let job = Job(data: data, sha256: sha256, plan: plan)
        guard let startNow = lock.withLock({ () -> Bool? in
            guard jobs[path] == nil else { return nil }
            jobs[path] = job
            guard held == nil else {
                held!.append((job, path))
                return false
            }
            return true
        }), startNow else { return }
        DispatchQueue.global(qos: .utility).async { [self] in run(job, path: path) }
    }

    /// Starts the jobs given so far and those given from now on. A build calls it when its report
    /// thread is done: its core is free then, while the knowledge base is finished on the other
    /// (before it the deflating took time from both threads; after both, the zip waited for it).
    func release() {
        let waiting = lock.withLock { () -> [(job: Job, path: String)] in
            defer { held = nil }
            return held ?? []
        }
        for (job, path) in waiting { DispatchQueue.global(qos: .utility).async { [self] in run(job, path: path) } }
    }

    /// Runs `job` unless another thread has taken it.
    private func run(_ job: Job, path: String) {
        guard lock.withLock({ () -> Bool in
            guard job.state == .queued else { return false }
            job.state = .running
            return true
        }) else { return }
        let previous = previousDigest(path)
        let digest = previous == nil && job.plan == nil ? nil : job.sha256 ?? Digest.sha256(job.data)
        var entry: CompressedEntry?, segments: DeflateSegments?
        if previous != nil && previous == digest {
            // The zip copies the last build's entry; its segments stay the same.
            segments = previousSegments(path).flatMap { $0.sha256 == digest ? $0 : nil }
        } else if let plan = job.plan, let digest {
            let last = plan.previous.flatMap { hint in
                previousSegments(path).flatMap { table in table.sha256 == hint.sha256 ? previousEntry(path).map { (table, $0) } : nil }
            }
            (entry, segments) = Self.deflate(job.data, sha256: digest, plan: plan, previous: last)
        } else {
            entry = CompressedEntry.make(job.data)
        }
        lock.withLock {
            job.entry = entry
            job.segments = segments
            job.state = .done
        }
        job.done.open()
    }

    /// `data` deflated in the plan's segments, or whole when zlib fails.
    private static func deflate(_ data: Data, sha256: String, plan: DeflatePlan,
                                previous: (segments: DeflateSegments, entry: CompressedEntry)?) -> (CompressedEntry, DeflateSegments?) {
        guard let made = SegmentedDeflate.make(data, sha256: sha256, plan: plan, previous: previous) else { return (CompressedEntry.make(data), nil) }
        return (made.entry, made.segments)
    }

    /// The entry deflated ahead for `path`, when it was made from these bytes. A job still queued
    /// is run here rather than waited for (the queue's threads may all be waiting here too); one
    /// running is waited for.
    ///
    /// A job left to the zip's copy of the last build's entry (the same bytes) is deflated here
    /// when that copy cannot be made, as it would have been: a file deflated in segments is
    /// always, so that the zip is the same whichever way it was made.
    func entry(_ path: String, for data: Data) -> CompressedEntry? {
        guard let job = lock.withLock({ jobs[path] }), job.data == data else { return nil }
        run(job, path: path)
        job.done.wait()
        if let entry = lock.withLock({ job.entry }) { return entry }
        guard let plan = job.plan else { return nil }
        let (entry, segments) = Self.deflate(data, sha256: job.sha256 ?? Digest.sha256(data), plan: DeflatePlan(ends: plan.ends), previous: nil)
        lock.withLock {
            job.entry = entry
            job.segments = segments
        }
        return entry
    }
}

/// One entry's stored bytes: deflated (method 8) or stored (method 0).
struct CompressedEntry: Sendable {
    var method: UInt16
    var crc32: UInt32
    var uncompressedSize: Int
    var data: Data

    /// Raw deflate (libdeflate, level 6: zlib's default); stored when that is not smaller.
    static func make(_ input: Data) -> CompressedEntry {
        let crc = ZipDirectory.crc32(input)
        guard input.count > 1, let compressor = libdeflate_alloc_compressor(6) else {
            return CompressedEntry(method: 0, crc32: crc, uncompressedSize: input.count, data: input)
        }
        defer { libdeflate_free_compressor(compressor) }
        // Only output smaller than the input is kept: a buffer one byte short of it is enough
        // (libdeflate returns 0 when the output does not fit).
        var output = Data(count: input.count - 1)
        let written = input.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
            output.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) in
                libdeflate_deflate_compress(compressor, source.baseAddress, source.count, target.baseAddress, target.count)
            }
        }
        guard written > 0, written < input.count else {
            return CompressedEntry(method: 0, crc32: crc, uncompressedSize: input.count, data: input)
        }
        // Copied out: the entry is kept until the zip is written, and a shortened Data keeps its
        // whole buffer (the input's size).
        let compressed = output.withUnsafeBytes { Data(bytes: $0.baseAddress!, count: written) }
        return CompressedEntry(method: 8, crc32: crc, uncompressedSize: input.count, data: compressed)
    }
}

/// The entries of a zip this tool wrote (no ZIP64, no extra fields), read from its central
/// directory, to copy unchanged entries into the next zip without compressing them again.
struct ZipDirectory: Sendable {
    private let entries: [String: CompressedEntry]

    /// The entries of `zip` (a mapped file, usually): read in place, each entry's data a slice
    /// of `zip`, not a copy (the previous evidence zip is 9 MB for 10,000 findings).
    init?(_ zip: Data) {
        let parsed: [String: (method: Int, crc: Int, size: Int, data: Range<Int>)]? = zip.withUnsafeBytes { raw in
            let bytes = raw.assumingMemoryBound(to: UInt8.self)
            func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
            func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
            guard bytes.count >= 22 else { return nil }
            let end = bytes.count - 22
            guard u32(end) == 0x0605_4b50 else { return nil }
            let count = u16(end + 10)
            var position = u32(end + 16)
            var entries: [String: (method: Int, crc: Int, size: Int, data: Range<Int>)] = [:]
            entries.reserveCapacity(count)
            for _ in 0..<count {
                guard position + 46 <= bytes.count, u32(position) == 0x0201_4b50 else { return nil }
                let method = u16(position + 10), crc = u32(position + 16), compressedSize = u32(position + 20), size = u32(position + 24)
                let nameLength = u16(position + 28), extraLength = u16(position + 30), commentLength = u16(position + 32)
                let local = u32(position + 42)
                guard position + 46 + nameLength <= bytes.count else { return nil }
                let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[(position + 46)..<(position + 46 + nameLength)]), as: UTF8.self)
                guard local + 30 <= bytes.count, u32(local) == 0x0403_4b50 else { return nil }
                let dataStart = local + 30 + u16(local + 26) + u16(local + 28)
                guard dataStart + compressedSize <= bytes.count, method == 0 || method == 8 else { return nil }
                entries[name] = (method, crc, size, dataStart..<(dataStart + compressedSize))
                position += 46 + nameLength + extraLength + commentLength
            }
            return entries
        }
        guard let parsed else { return nil }
        let base = zip.startIndex
        entries = parsed.mapValues { entry in
            CompressedEntry(method: UInt16(entry.method), crc32: UInt32(entry.crc), uncompressedSize: entry.size,
                            data: zip[(base + entry.data.lowerBound)..<(base + entry.data.upperBound)])
        }
    }

    func entry(named name: String) -> CompressedEntry? { entries[name] }

    static func crc32(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> UInt32 in
            guard let base = buffer.bindMemory(to: UInt8.self).baseAddress else { return 0 }
            return libdeflate_crc32(0, base, buffer.count)
        }
    }
}
