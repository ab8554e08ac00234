import Foundation

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

    public static let installHint = "headless Chromium is needed for --pdf: install it with `sudo apt-get install chromium fonts-noto-cjk` (or set DOSSIER_CHROMIUM to a Chromium or Chrome binary)"
}
