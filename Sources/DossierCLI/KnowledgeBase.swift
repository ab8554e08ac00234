import ArgumentParser
import Dossier
import Foundation

struct KnowledgeBaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kb",
        abstract: "Build one knowledge base from several engagements of the same client.",
        discussion: """
        Each DIR is an engagement workspace or a folder holding several. Items keep their engagement (ids \
        that occur in more than one engagement are shown as ENGAGEMENT/ID), the site gets an engagement \
        facet and a page per engagement, and a finding that recurs across checks links its history. \
        Engagements of different clients are refused.

        Rebuilds are incremental: OUTPUT/.dossier-cache records what each page was made from, so a \
        rebuild after editing one finding reads the unchanged item files from the cache, renders again only \
        the pages that depend on the change (and the lists and the search index) and writes only files whose \
        bytes changed. The result is byte-identical to a clean build. --clean ignores the cache.
        """
    )

    @Argument(help: "Engagement workspaces, or folders holding several.", completion: .directory)
    var directories: [String]

    @Option(name: [.short, .customLong("output")], help: "The knowledge-base folder to write.")
    var output: String = "kb"

    @Option(help: "A folder of templates that override the built-in ones.")
    var templates: String?

    @Flag(help: "Print the wall time of each phase.")
    var timings = false

    @Flag(help: "Ignore the build cache in the output folder and render everything again.")
    var clean = false

    func validate() throws {
        guard !directories.isEmpty else { throw ValidationError("give at least one engagement folder") }
    }

    func run() throws {
        let outcome = KnowledgeBasePipeline.run(
            directories.map { URL(fileURLWithPath: $0) }, output: URL(fileURLWithPath: output),
            options: ReportOptions(audience: .client, templates: templates.map { URL(fileURLWithPath: $0) }), clean: clean) { print($0) }
        for diagnostic in outcome.diagnostics { Terminal.printError(diagnostic.formatted()) }
        guard outcome.succeeded else {
            Terminal.printError("Knowledge base not built; nothing was written to \(output).")
            throw ExitCode.failure
        }
        print("Knowledge base of \(outcome.engagements.joined(separator: ", ")): open \(output)/index.html (works from file:// and any web server).")
        if let changed = outcome.changed {
            print("\(outcome.written.count) files; \(changed) written, the rest unchanged since the last build.")
        }
        if timings {
            Terminal.printTimings(outcome.timings, total: outcome.seconds)
        }
    }
}
