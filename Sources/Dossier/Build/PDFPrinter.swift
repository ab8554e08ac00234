import Foundation
import Parallel

/// Prints HTML pages to PDF with headless Chromium (Debian's `chromium`).
public enum PDFPrinter {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    static let candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    /// The browser to print with: `$DOSSIER_CHROMIUM`, or the first of the usual names on `PATH`.
    public static func findBrowser() -> URL? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["DOSSIER_CHROMIUM"], FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in candidates {
            for directory in directories {
                let path = directory + "/" + name
                if FileManager.default.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
            }
        }
        return nil
    }

    /// What tells this browser's build from another, for the build cache of a `--pdf` build (a new
    /// Chromium may print the same page differently): the first line of its `--version` and the file
    /// its path resolves to, with that file's size and modification time.
    public static func identity(of browser: URL) -> String {
        var parts = [browser.path]
        if let stamp = BuildCache.fileStamp(browser.resolvingSymlinksInPath().path) { parts.append(stamp) }
        parts.append(versionLine(of: browser) ?? "(no --version)")
        return parts.joined(separator: " | ")
    }

    /// The first line `browser --version` prints, read as it comes; nil when it cannot be started
    /// or does not finish within ten seconds (it is then killed).
    static func versionLine(of browser: URL) -> String? {
        let process = Process()
        process.executableURL = browser
        process.arguments = ["--version"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        guard (try? process.run()) != nil else { return nil }
        let reader = output.fileHandleForReading
        let text = ParallelSlots<Data>(count: 1)
        let read = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            text[0] = reader.readDataToEndOfFile()
            read.signal()
        }
        if exited.wait(timeout: .now() + 10) == .timedOut {
            process.terminate()
            if exited.wait(timeout: .now() + 1) == .timedOut { kill(process.processIdentifier, SIGKILL) }
            return nil
        }
        // The output is whole once the pipe is closed (a child it started may still hold it open:
        // then the reading thread is left to end with the process, and so is the pipe).
        guard read.wait(timeout: .now() + 1) == .success, let data = text[0] else { return nil }
        try? reader.close()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init)
    }

    /// Prints `html` to `pdf`; A4 and page numbers come from the page's print stylesheet.
    public static func print(_ html: URL, to pdf: URL, browser: URL) throws(Failure) {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = browser
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--user-data-dir=\(profile.path)", "--no-pdf-header-footer",
            "--print-to-pdf=\(pdf.path)", html.absoluteString,
        ]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot start \(browser.path): \(error.localizedDescription)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: pdf.path) else {
            let detail = String(decoding: message, as: UTF8.self).split(separator: "\n").suffix(3).joined(separator: " ")
            throw Failure(description: "Chromium could not print \(html.lastPathComponent) (exit \(process.terminationStatus)): \(detail)")
        }
    }

    /// Replaces Chromium's creation and modification times with `day` (same byte length, so the
    /// cross-reference offsets stay valid): printing the same page twice then gives the same file.
    public static func fixDates(in pdf: URL, to day: Day) throws {
        var data = try Data(contentsOf: pdf)
        let stamp = Array(String(format: "%04d%02d%02d000000+00'00'", day.year, day.month, day.day).utf8)
        for key in ["/CreationDate (D:", "/ModDate (D:"] {
            let marker = Data(key.utf8)
            var searchStart = data.startIndex
            while let range = data.range(of: marker, in: searchStart..<data.endIndex) {
                let start = range.upperBound
                guard start + stamp.count <= data.endIndex else { break }
                let existing = data[start..<(start + stamp.count)]
                // Only rewrite the usual form: 14 digits, a zone sign, hours, quote, minutes, quote.
                if existing.prefix(14).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) && existing.last == UInt8(ascii: "'") {
                    data.replaceSubrange(start..<(start + stamp.count), with: stamp)
                }
                searchStart = start
            }
        }
        try data.write(to: pdf)
    }

    public static let installHint = "headless Chromium is needed for --pdf: install it with `sudo apt-get install chromium fonts-noto-cjk` (or set DOSSIER_CHROMIUM to a Chromium or Chrome binary)"
}
