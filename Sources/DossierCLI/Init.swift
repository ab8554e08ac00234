import ArgumentParser
import Dossier
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a new workspace with one example of each kind of file.",
        discussion: "The new workspace passes `dossier check`. Existing files are never overwritten."
    )

    @Argument(help: "The folder to create (it may exist if it is empty of workspace files).", completion: .directory)
    var directory: String

    @Option(help: "Language of the example content and of generated reports: ko or en.")
    var locale: Engagement.Language = .en

    func run() throws {
        let written: [String]
        do {
            written = try WorkspaceStarter.create(at: URL(fileURLWithPath: directory), locale: locale)
        } catch {
            Terminal.printError("error: \(error.description)")
            throw ExitCode.failure
        }
        for path in written { print("  created \(directory)/\(path)") }
        print("New workspace in \(directory). Next: edit engagement.yaml, then run `dossier check \(directory)`.")
    }
}

extension Engagement.Language: ExpressibleByArgument {}
