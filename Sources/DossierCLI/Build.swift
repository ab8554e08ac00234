import ArgumentParser
import Dossier
import Foundation

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the reports of a workspace: health check, incident postmortems and period report.",
        discussion: """
        Writes OUT/report/health-check.{md,html}, OUT/report/incidents/<id>.{md,html} and \
        OUT/report/period.{md,html} (and .pdf with --pdf), and the evidence pack OUT/evidence/ with \
        OUT/evidence-<engagement>.zip (signed with --sign-key). The workspace is checked first: on any error \
        nothing is written. The output is assembled in a temporary folder and moved into place at the \
        end, so a failed build never leaves a half-written OUT. Evidence quoted in reports is redacted.

        Rebuilds are incremental: OUT/.dossier-cache records what each output was made from, so a \
        rebuild after editing one finding renders again only the pages that depend on it (and the \
        whole-engagement reports, index and evidence pack) and writes only files whose bytes changed. \
        The result is byte-identical to a clean build. --clean ignores the cache.
        """
    )

    @Argument(help: "The workspace folder (holding engagement.yaml).", completion: .directory)
    var workspace: String = "."

    @Option(name: [.short, .customLong("output")], help: "The output folder (replaced if Dossier wrote it before).")
    var output: String = "out"

    @Flag(help: "Also print each report to PDF with headless Chromium.")
    var pdf = false

    @Option(help: "A folder of templates that override the built-in ones file by file (same relative paths).")
    var templates: String?

    @Option(help: "client (default) leaves out items marked audience: internal; internal includes them and marks every page INTERNAL.")
    var audience: BuildAudience = .client

    @Option(help: "Sign the evidence pack with this OpenSSH Ed25519 private key (from `dossier keygen` or `ssh-keygen -t ed25519 -N ''`).",
            completion: .file())
    var signKey: String?

    @Option(help: "The signer identity written to allowed_signers (default: the key's comment).")
    var signerIdentity: String?

    @Flag(help: "Print the wall time of each phase.")
    var timings = false

    @Flag(help: "Ignore the build cache in the output folder and render everything again.")
    var clean = false

    func run() throws {
        var options = BuildPipeline.Options(
            workspace: URL(fileURLWithPath: workspace), output: URL(fileURLWithPath: output), pdf: pdf,
            reports: ReportOptions(audience: audience, templates: templates.map { URL(fileURLWithPath: $0) }),
            signingKey: signKey.map { URL(fileURLWithPath: $0) }, signerIdentity: signerIdentity, clean: clean)
        // The command exits right after the build: its data is left to the end of the process.
        options.keepsDataUntilExit = true
        let outcome = BuildPipeline.run(options) { print($0) }
        for diagnostic in outcome.diagnostics {
            Terminal.printError(diagnostic.formatted(relativeTo: diagnostic.file.hasPrefix("/") || diagnostic.file.hasPrefix("(") ? "" : (workspace == "." ? "" : workspace)))
        }
        guard outcome.succeeded else {
            let errors = outcome.diagnostics.filter { $0.severity == .error }.count
            Terminal.printError("Build failed with \(errors) error\(errors == 1 ? "" : "s"); nothing was written to \(output).")
            throw ExitCode.failure
        }
        let reports = outcome.written.filter { $0.hasPrefix("report/") && ($0.hasSuffix(".html") || $0.hasSuffix(".pdf")) }.sorted()
        print("")
        print("Reports in \(output)/:")
        // A long list (a postmortem per incident) is summarised per folder after the first few.
        let shownPerFolder = 3
        var shown: [String: Int] = [:]
        for path in reports {
            let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
            let count = shown[folder, default: 0]
            shown[folder] = count + 1
            if count < shownPerFolder { print("  \(path)") }
        }
        for (folder, count) in shown.sorted(by: { $0.key < $1.key }) where count > shownPerFolder {
            print("  … and \(count - shownPerFolder) more in \(folder)/ (\(count) files)")
        }
        if let zip = outcome.written.first(where: { $0.hasSuffix(".zip") }) {
            print("Evidence pack: \(output)/evidence/ and \(output)/\(zip) — check it with `dossier verify \(output)/\(zip)`")
        }
        if outcome.redactions.total > 0 {
            let kinds = outcome.redactions.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("Redacted in quoted evidence: \(kinds).")
        }
        if let changed = outcome.changed {
            print("\(outcome.written.count) files; \(changed) written, the rest unchanged since the last build.")
        } else {
            print("\(outcome.written.count) files written.")
        }
        if timings {
            Terminal.printTimings(outcome.timings, total: outcome.seconds)
        }
    }
}

extension BuildAudience: ExpressibleByArgument {}
