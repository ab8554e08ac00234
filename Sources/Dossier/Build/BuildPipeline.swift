import Foundation

/// `dossier build`: load and check, analyse, fill templates, render, print, write — as named steps
/// that report progress, with every problem collected as a diagnostic.
public enum BuildPipeline {
    public struct Options: Sendable {
        public var workspace: URL
        public var output: URL
        public var pdf: Bool
        public var reports: ReportOptions

        public init(workspace: URL, output: URL, pdf: Bool = false, reports: ReportOptions = ReportOptions()) {
            self.workspace = workspace
            self.output = output
            self.pdf = pdf
            self.reports = reports
        }
    }

    public struct Outcome: Sendable {
        public var diagnostics: [Diagnostic]
        /// Paths written, relative to the output folder; empty when the build failed.
        public var written: [String]
        public var redactions: Redactor.Report
        public var succeeded: Bool { !diagnostics.contains { $0.severity == .error } }
    }

    static let stepCount = 5

    /// Runs the build; `progress` receives lines such as `[2/5] Analyse (17 findings, 4 incidents)`.
    public static func run(_ options: Options, progress: (String) -> Void) -> Outcome {
        var log = DiagnosticLog()
        func step(_ number: Int, _ text: String) { progress("[\(number)/\(stepCount)] \(text)") }
        func fail() -> Outcome { Outcome(diagnostics: log.sorted, written: [], redactions: Redactor.Report()) }

        let loaded = WorkspaceLoader.load(options.workspace)
        step(1, "Load and check workspace (\(loaded.fileCount) files)")
        for diagnostic in loaded.diagnostics {
            if diagnostic.severity == .error { log.error(diagnostic.message, at: diagnostic.location) } else { log.warning(diagnostic.message, at: diagnostic.location) }
        }
        guard let workspace = loaded.workspace else { return fail() }

        var previous: Workspace?
        if let path = workspace.engagement.previous {
            let result = WorkspaceLoader.load(URL(fileURLWithPath: path, relativeTo: workspace.root).standardizedFileURL)
            previous = result.workspace
            if previous == nil, result.fileCount > 1 {
                log.warning("the previous engagement '\(path)' has \(result.errorCount) errors — trends are left out; run `dossier check \(path)`",
                            at: SourceLocation(file: WorkspaceLoader.engagementFile, line: 0, column: 0))
            }
        }
        step(2, "Analyse (\(workspace.findings.count) findings, \(workspace.incidents.count) incidents\(previous.map { ", trend since \($0.engagement.id)" } ?? ""))")

        guard let reports = ReportBuilder.build(workspace, previous: previous, options: options.reports, log: &log) else { return fail() }
        step(3, "Fill templates and render HTML (\(reports.reports.count) reports)")

        let folder: OutputFolder
        do {
            folder = try OutputFolder(destination: options.output)
        } catch {
            log.error(error.description, at: SourceLocation(file: options.output.path, line: 0, column: 0))
            return fail()
        }
        var written = reports.files.map(\.path)
        do {
            for file in reports.files { try folder.write(file) }
        } catch {
            folder.discard()
            log.error(error.description, at: SourceLocation(file: options.output.path, line: 0, column: 0))
            return fail()
        }

        if options.pdf {
            guard let browser = PDFPrinter.findBrowser() else {
                folder.discard()
                log.error(PDFPrinter.installHint, at: SourceLocation(file: "--pdf", line: 0, column: 0))
                return fail()
            }
            step(4, "Print PDF with \(browser.lastPathComponent) (\(reports.reports.count) files)")
            for report in reports.reports {
                do {
                    try PDFPrinter.print(folder.url(report.basePath + ".html"), to: folder.url(report.basePath + ".pdf"), browser: browser)
                    written.append(report.basePath + ".pdf")
                } catch {
                    folder.discard()
                    log.error(error.description, at: SourceLocation(file: report.basePath + ".html", line: 0, column: 0))
                    return fail()
                }
            }
        } else {
            step(4, "Print PDF (skipped: add --pdf)")
        }

        do {
            try folder.commit()
        } catch {
            folder.discard()
            log.error(error.description, at: SourceLocation(file: options.output.path, line: 0, column: 0))
            return fail()
        }
        step(5, "Write \(written.count) files to \(options.output.path)")
        return Outcome(diagnostics: log.sorted, written: written.sorted(), redactions: reports.redactions)
    }
}

extension Diagnostic {
    var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }
}
