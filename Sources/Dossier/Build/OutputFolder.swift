import Foundation
import Search

/// Writes a build into a temporary folder beside the destination and moves it into place only when
/// everything succeeded, so a failed build never leaves a half-written output folder.
public struct OutputFolder: Sendable {
    public static let marker = ".dossier-output"

    public let destination: URL
    public let staging: URL

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Checks that `destination` may be replaced: it does not exist, is empty, or was written by Dossier.
    public init(destination: URL) throws(Failure) {
        self.destination = destination.standardizedFileURL
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
        let parent = self.destination.deletingLastPathComponent()
        staging = parent.appendingPathComponent(".\(self.destination.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            if fileManager.fileExists(atPath: staging.path) { try fileManager.removeItem(at: staging) }
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
            try Data("Written by Dossier \(DossierVersion.current). This folder is replaced by the next build.\n".utf8)
                .write(to: staging.appendingPathComponent(Self.marker))
        } catch {
            throw Failure(description: "cannot create \(staging.path): \(error.localizedDescription)")
        }
    }

    public func write(_ file: OutputFile) throws(Failure) {
        let url = staging.appendingPathComponent(file.path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try file.data.write(to: url)
        } catch {
            throw Failure(description: "cannot write \(file.path): \(error.localizedDescription)")
        }
    }

    /// Writes many files in parallel (directories first), each path prefixed with `prefix`.
    public func write(_ files: [OutputFile], under prefix: String = "") throws(Failure) {
        let directories = Set(files.map { (prefix + $0.path as NSString).deletingLastPathComponent })
        do {
            for directory in directories.sorted() {
                try FileManager.default.createDirectory(at: staging.appendingPathComponent(directory), withIntermediateDirectories: true)
            }
        } catch {
            throw Failure(description: "cannot create folders in \(staging.path): \(error.localizedDescription)")
        }
        let failures = ParallelSlots<String>(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let file = files[index]
            do {
                try file.data.write(to: staging.appendingPathComponent(prefix + file.path))
            } catch {
                failures[index] = "cannot write \(prefix + file.path): \(error.localizedDescription)"
            }
        }
        if let failure = failures.values.first { throw Failure(description: failure) }
    }

    public func url(_ path: String) -> URL { staging.appendingPathComponent(path) }

    /// Replaces the destination by the staged folder.
    public func commit() throws(Failure) {
        let fileManager = FileManager.default
        do {
            if fileManager.fileExists(atPath: destination.path) {
                let old = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
                try fileManager.moveItem(at: destination, to: old)
                try fileManager.moveItem(at: staging, to: destination)
                try? fileManager.removeItem(at: old)
            } else {
                try fileManager.moveItem(at: staging, to: destination)
            }
        } catch {
            throw Failure(description: "cannot move the output into \(destination.path): \(error.localizedDescription)")
        }
    }

    /// Removes the staged folder after a failure.
    public func discard() {
        try? FileManager.default.removeItem(at: staging)
    }
}
