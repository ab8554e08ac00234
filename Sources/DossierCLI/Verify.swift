import ArgumentParser
import Dossier
import Foundation

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify an evidence pack (folder or zip): hashes, files, manifest, signature, zip entries.",
        discussion: """
        Prints a verdict per check and exits with status 1 naming the file at fault on any mismatch. \
        Give the allowed_signers file you received from the issuer with --allowed-signers; without it the \
        pack's own allowed_signers is used, which proves integrity but not who issued the pack.
        """
    )

    @Argument(help: "The evidence pack folder or its zip.", completion: .file(extensions: ["zip"]))
    var pack: String

    @Option(help: "An allowed_signers file obtained from the issuer.", completion: .file())
    var allowedSigners: String?

    func run() throws {
        let report = PackVerifier.verify(URL(fileURLWithPath: pack), allowedSigners: allowedSigners.map { URL(fileURLWithPath: $0) })
        for check in report.checks {
            let line = "[\(check.verdict.rawValue)] \(check.name): \(check.summary)"
            if check.verdict == .fail { Terminal.printError(line) } else { print(line) }
            for problem in check.problems { Terminal.printError("       \(problem)") }
        }
        if report.passed {
            print("Verified: \(pack)")
        } else {
            Terminal.printError("Verification FAILED: \(pack)")
            throw ExitCode.failure
        }
    }
}
