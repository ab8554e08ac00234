import ArgumentParser
import Dossier
import Foundation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a workspace and report every problem at once.",
        discussion: """
        Prints each problem as `path:line:column: error|warning: message`, sorted by file and line, \
        then a one-line summary. Exits with status 1 if there is any error (warnings alone exit 0).
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The workspace folder (holding engagement.yaml).", completion: .directory)
    var workspace: String = "."

    @Option(help: "Output format: text for people, json for CI systems.")
    var format: Format = .text

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    func run() throws {
        let result = WorkspaceLoader.load(URL(fileURLWithPath: workspace))
        let failed = result.errorCount > 0 || (strict && result.warningCount > 0)
        switch format {
        case .text:
            for diagnostic in result.diagnostics {
                Terminal.printError(diagnostic.formatted(relativeTo: workspace == "." ? "" : workspace))
            }
            let summary = diagnosticSummary(errors: result.errorCount, warnings: result.warningCount, files: result.fileCount)
            if failed { Terminal.printError(summary) } else { print(summary) }
        case .json:
            let report = CheckReport(workspace: workspace, files: result.fileCount, errors: result.errorCount,
                                     warnings: result.warningCount, diagnostics: result.diagnostics)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
        if failed { throw ExitCode.failure }
    }
}

struct CheckReport: Encodable {
    var workspace: String
    var files: Int
    var errors: Int
    var warnings: Int
    var diagnostics: [Diagnostic]
}
