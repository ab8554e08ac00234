import Foundation
import Parallel

/// `dossier build`: load and check, analyse, fill templates, render, print, write — as named steps
/// that report progress, with every problem collected as a diagnostic.
public enum BuildPipeline {
    public struct Options: Sendable {
        public var workspace: URL
        public var output: URL
        public var pdf: Bool
        public var reports: ReportOptions
        /// The OpenSSH Ed25519 private key that signs the evidence pack; unsigned without one.
        public var signingKey: URL?
        /// The signer's identity in `allowed_signers`; the key's comment when nil.
        public var signerIdentity: String?
        /// Ignore the build cache of the previous build and render everything.
        public var clean: Bool
        /// Leave the build's data (items, the cache's memo, the rendered files, and the large
        /// intermediate values of the knowledge base and the health check) to the end of the process
        /// instead of freeing it when `run` or a phase returns: for a command that exits right after,
        /// which then skips 0.1–0.15 s of freeing on 11,000 documents (`ProcessLifetime`).
        public var keepsDataUntilExit = false

        public init(workspace: URL, output: URL, pdf: Bool = false, reports: ReportOptions = ReportOptions(),
                    signingKey: URL? = nil, signerIdentity: String? = nil, clean: Bool = false) {
            self.clean = clean
            self.workspace = workspace
            self.output = output
            self.pdf = pdf
            self.reports = reports
            self.signingKey = signingKey
            self.signerIdentity = signerIdentity
        }
    }

    public struct Outcome: Sendable {
        public var diagnostics: [Diagnostic]
        /// Wall time per phase, in order: (phase, seconds). Phases of the report thread, which runs
        /// beside the knowledge base, start with "‖ " and are not part of the sum.
        public var timings: [(phase: String, seconds: Double)] = []
        /// Wall time of the whole build.
        public var seconds: Double = 0
        /// Files whose bytes this build wrote (the others were already in place); nil for a build
        /// without a previous one to compare with.
        public var changed: Int?
        /// Paths written, relative to the output folder, in no particular order (a build's 27,000
        /// paths are not sorted for the few a command shows); empty when the build failed.
        public var written: [String]
        public var redactions: Redactor.Report
        public var succeeded: Bool { !diagnostics.contains { $0.severity == .error } }
    }

    static let stepCount = 7

    /// Runs the build; `progress` receives lines such as `[2/5] Analyse (17 findings, 4 incidents)`.
    public static func run(_ options: Options, progress: (String) -> Void) -> Outcome {
        var log = DiagnosticLog()
        var timings = PhaseTimer()
        let started = ContinuousClock.now
        func step(_ number: Int, _ text: String) { progress("[\(number)/\(stepCount)] \(text)") }
        func fail() -> Outcome { Outcome(diagnostics: log.sorted, written: [], redactions: Redactor.Report()) }

        let prefetch = options.clean ? nil : BuildCache.Prefetch(output: options.output.standardizedFileURL)
        let parsedItems = ParsedItemCache(output: options.output.standardizedFileURL, workspace: options.workspace, clean: options.clean)
        let loaded = WorkspaceLoader.load(options.workspace, parsed: parsedItems)
        timings.lap("load")
        let reusedItems = parsedItems.reused
        step(1, "Load and check workspace (\(loaded.fileCount) files" + (reusedItems > 0 ? "; \(reusedItems) unchanged since the last build)" : ")"))
        for diagnostic in loaded.diagnostics {
            if diagnostic.severity == .error { log.error(diagnostic.message, at: diagnostic.location) } else { log.warning(diagnostic.message, at: diagnostic.location) }
        }
        guard let workspace = loaded.workspace else { return fail() }

        var previous: Workspace?
        if let path = workspace.engagement.previous {
            let result = WorkspaceLoader.load(URL(fileURLWithPath: path, relativeTo: workspace.root).standardizedFileURL)
            previous = result.workspace
            if let earlier = previous, earlier.engagement.client != workspace.engagement.client {
                log.warning("the previous engagement '\(path)' is of another client (\(earlier.engagement.client)) — trends are left out; point 'previous' at this client's earlier check",
                            at: SourceLocation(file: WorkspaceLoader.engagementFile, line: 0, column: 0))
                previous = nil
            }
            if previous == nil, result.fileCount > 1, result.workspace == nil {
                log.warning("the previous engagement '\(path)' has \(result.errorCount) errors — trends are left out; run `dossier check \(path)`",
                            at: SourceLocation(file: WorkspaceLoader.engagementFile, line: 0, column: 0))
            }
        }
        step(2, "Analyse (\(workspace.findings.count) findings, \(workspace.incidents.count) incidents\(previous.map { ", trend since \($0.engagement.id)" } ?? ""))")

        var signer: EvidencePack.Signer?
        if let keyURL = options.signingKey {
            do {
                let text = try String(contentsOf: keyURL, encoding: .utf8)
                let key = try SSHSigningKey.parse(openSSH: text)
                let identity = options.signerIdentity ?? (key.comment.isEmpty ? "dossier" : key.comment)
                guard EvidencePack.isValidIdentity(identity) else {
                    log.error("the signer identity '\(identity)' may hold only letters, digits and . _ @ + - — give one with --signer-identity, e.g. evidence@consultancy.example",
                              at: SourceLocation(file: keyURL.path, line: 0, column: 0))
                    return fail()
                }
                signer = EvidencePack.Signer(key: key, identity: identity)
            } catch let error as SSHSigningKey.Failure {
                log.error(error.description, at: SourceLocation(file: keyURL.path, line: 0, column: 0))
                return fail()
            } catch {
                log.error("cannot read the signing key — check the path and its permissions", at: SourceLocation(file: keyURL.path, line: 0, column: 0))
                return fail()
            }
        }

        guard let context = ReportBuilder.makeContext(workspace, previous: previous, options: options.reports, log: &log) else { return fail() }
        timings.lap("analyse")
        let environment = BuildCache.environment(
            workspace: workspace, options: ["audience=\(options.reports.audience.rawValue)", "pdf=\(options.pdf)"],
            templates: options.reports.templates, logo: context.brand.logo)
        // A --pdf build's PDFs depend on the browser too (a new Chromium may print the same page
        // differently): it is an input, and the PDFs are kept only when it is the last build's.
        let browser = options.pdf ? PDFPrinter.findBrowser() : nil
        let browserIdentity = browser.map(PDFPrinter.identity)
        let cache = BuildCache(output: options.output.standardizedFileURL, environment: environment, clean: options.clean, prefetch: prefetch)
        cache.keepsDataUntilExit = options.keepsDataUntilExit
        cache.parsedItems = [parsedItems]
        let signerParts = signer.map { [$0.identity, $0.key.publicKeyLine] } ?? []
        cache.inputs = BuildCache.inputs(environment: environment, workspace: workspace, cited: context.citedEvidence,
                                        previous: previous, signer: signerParts + (browserIdentity.map { ["browser", $0] } ?? []))
        timings.lap("cache check")
        if let files = cache.upToDateFiles {
            // Same inputs, same tool, every file as the last build left it: nothing to write.
            step(7, "Up to date: nothing changed since the last build in \(options.output.path) (\(files.count) files; --clean rebuilds everything)")
            var outcome = Outcome(diagnostics: log.sorted, written: Array(files.keys), redactions: context.evidence.report(for: context.citedEvidence))
            outcome.timings = timings.laps
            outcome.changed = 0
            outcome.seconds = (ContinuousClock.now - started).seconds
            if parsedItems.learnedStamps > 0 { parsedItems.writeLearnedStamps(in: options.output.standardizedFileURL) }
            if options.keepsDataUntilExit { ProcessLifetime.keep([loaded, parsedItems, prefetch as Any, context, cache]) }
            return outcome
        }
        let folder: OutputFolder
        do {
            folder = try OutputFolder(destination: options.output, cache: cache)
        } catch {
            log.error(error.description, at: SourceLocation(file: options.output.path, line: 0, column: 0))
            return fail()
        }

        // The reports and the knowledge base depend only on the context: the reports are built on a
        // thread of their own while the knowledge base is built here, so that the serial parts of
        // each (the health check's Markdown, the search index) overlap.
        let reportBranch = ReportBranch()
        // The pack's OSCAL and coverage files need the context only: made by whichever thread is
        // done first (in a rebuild the knowledge base is, while the health check is still assembled).
        // The pack's largest files (the health check) are deflated for its zip on a thread of their
        // own once the report thread is done, while the knowledge base is finished.
        let isPacked = options.reports.audience == .client
        let zipName = "evidence-\(ReportContext.fileSafe(workspace.engagement.id)).zip"
        let zipRoot = "evidence-\(ReportContext.fileSafe(workspace.engagement.id))"
        // The last build's zip, when it is exactly the one that build wrote: its entries are copied
        // into the new one (the health check's unchanged segments by the thread that deflates it,
        // the unchanged files by the zip).
        let trustedZip = SharedTask<Data?> {
            guard cache.isIncremental, let record = cache.intactRecord(zipName) else { return nil }
            return MappedFile.read(options.output.standardizedFileURL.appendingPathComponent(zipName).path, populate: true)
                .flatMap { Digest.sha256($0.data) == record.sha256 ? $0.data : nil }
        }
        let deflateAhead = DeflateAhead(
            previousDigest: { cache.intactRecord(EvidencePack.outputFolder + $0)?.sha256 },
            previousSegments: { cache.previousZipSegments($0) },
            previousEntry: { path in
                trustedZip.runOrWait().flatMap(ZipDirectory.init)?.entry(named: zipRoot + "/" + path)
            })
        let evidenceFiles = SharedTask<Result<[OutputFile], any Error>> {
            guard isPacked else { return .success([]) }
            // Hashed here too, while the other thread works: the manifest and the output folder use the digest.
            let files = Result { try EvidencePack.generatedFiles(context, cache: cache).map { OutputFile(path: $0.path, data: $0.data, sha256: $0.sha256 ?? Digest.sha256($0.data)) } }
            for file in (try? files.get()) ?? [] where file.data.count >= DeflateAhead.minimumSize {
                deflateAhead.start(file.path, file.data, sha256: file.sha256)
            }
            return files
        }
        let packAssembler = PackAssembler(context: context, cache: cache, folder: folder, signer: signer, pdf: options.pdf,
                                          generated: evidenceFiles, deflateAhead: deflateAhead, trustedZip: trustedZip,
                                          zipName: zipName, zipRoot: zipRoot)
        let reportThread = Thread {
            var branchLog = DiagnosticLog()
            var branchTimings = PhaseTimer()
            let result = ReportBuilder.build(context, cache: cache, log: &branchLog, timings: &branchTimings) { report, html, digest in
                guard isPacked, html.count >= DeflateAhead.minimumSize else { return }
                deflateAhead.start("reports/" + report.basePath.dropFirst("report/".count) + ".html", html, sha256: digest, plan: report.deflatePlan)
            }
            if evidenceFiles.runIfUnclaimed() { branchTimings.lap("evidence OSCAL, coverage") }
            // Nothing this thread does from here on adds to the memo or looks in it.
            reportBranch.memoIsComplete()
            // This thread's work is done: its core deflates the health check while the knowledge
            // base is finished on the other (the zip waited for it at the end of the build), and
            // records the files of the units reused so far as kept.
            deflateAhead.release()
            folder.keepReused()
            branchTimings.lap("keep reused files")
            // Without PDFs (printed from the written reports, and put into the pack), this thread
            // writes the reports and assembles the evidence pack too, while the knowledge base is
            // finished on the other.
            var evidence: EvidenceOutcome?
            if isPacked && !options.pdf, let result, !branchLog.hasErrors {
                evidence = packAssembler.assemble(result, writesReports: true, timings: &branchTimings)
            }
            reportBranch.finish(result, branchLog, branchTimings, evidence: evidence)
        }
        reportThread.stackSize = 16 << 20
        reportThread.start()
        // Item pages go to the output folder as soon as each is rendered.
        let knowledgeBase = KnowledgeBaseBuilder.files([context], cache: cache, sink: { try folder.write([$0], under: "kb/") },
                                                       log: &log, timings: &timings)
        if evidenceFiles.runIfUnclaimed() { timings.lap("evidence OSCAL, coverage") }
        // The knowledge base is done: this thread records the reused files as kept unless the
        // report thread is at it (whichever is done first does most of it).
        folder.keepReused(unlessBusy: true)
        timings.lap("keep reused files")
        if !options.pdf {
            // Without PDFs (the memo records the browser that printed them), nothing is added to
            // the memo once both threads are past it: it and the parsed items are written while
            // the report thread assembles the evidence pack, on the core the knowledge base is done with.
            reportBranch.waitForCompleteMemo()
            folder.writeCacheAhead()
        }
        let (builtReports, reportLog, reportTimings, besideEvidence) = reportBranch.wait()
        let generatedEvidence = evidenceFiles.value()
        log.append(contentsOf: reportLog)
        timings.lap("wait for reports")
        timings.merge(reportTimings, prefix: "‖ ")
        guard let reports = builtReports, !log.hasErrors else {
            folder.discard()
            return fail()
        }
        let keptReports = reports.reports.filter(\.isKept).count
        let patchNote = reports.healthCheckPatched.map { "; health check: \($0.changed) of \($0.total) sections rendered again, the rest kept" } ?? ""
        step(3, "Fill templates and render HTML (\(reports.reports.count) reports"
                + (cache.isIncremental ? ", \(keptReports) unchanged since the last build\(patchNote))" : ")"))
        do {
            // Written already by the report thread when it assembled the pack.
            if besideEvidence == nil { try folder.write(reports.files) }
        } catch {
            folder.discard()
            log.error(error.description, at: SourceLocation(file: options.output.path, line: 0, column: 0))
            return fail()
        }

        // The units the cache reused (postmortems, item pages) keep their files; recorded before the
        // PDFs, which are kept too when their report's HTML is unchanged.
        folder.keepReused()
        if options.pdf {
            guard let browser, let browserIdentity else {
                folder.discard()
                log.error(PDFPrinter.installHint, at: SourceLocation(file: "--pdf", line: 0, column: 0))
                return fail()
            }
            // The memo remembers which browser printed the last build's PDFs.
            let browserKey = BuildCache.key([cache.environment, "pdf-browser", browserIdentity])
            let sameBrowser = cache.memo(browserKey) != nil
            cache.memoize(browserKey, ["printed"])
            step(4, "Print PDF with \(browser.lastPathComponent) (\(reports.reports.count) files"
                    + (cache.isIncremental && !sameBrowser ? "; another browser than the last build's: every PDF printed again)" : ")"))
            for report in reports.reports {
                let pdf = report.basePath + ".pdf"
                // The same HTML printed by the same browser gives the same PDF: an unchanged report keeps its PDF.
                if sameBrowser, folder.isUnchanged(report.basePath + ".html"), cache.intactRecord(pdf) != nil {
                    folder.keep([pdf])
                    continue
                }
                do {
                    // Chromium does not create folders; in an incremental build none may be staged yet.
                    try FileManager.default.createDirectory(at: folder.url(pdf).deletingLastPathComponent(), withIntermediateDirectories: true)
                    try PDFPrinter.print(folder.location(report.basePath + ".html"), to: folder.url(pdf), browser: browser)
                    try? PDFPrinter.fixDates(in: folder.url(pdf), to: workspace.engagement.period.to)
                    try folder.adopt(pdf)
                } catch {
                    folder.discard()
                    log.error("\(error)", at: SourceLocation(file: report.basePath + ".html", line: 0, column: 0))
                    return fail()
                }
            }
        } else {
            step(4, "Print PDF (skipped: add --pdf)")
        }
        timings.lap("write reports, pdf")

        do {
            try folder.write(knowledgeBase, under: "kb/")
        } catch {
            folder.discard()
            log.error(error.description, at: SourceLocation(file: options.output.path, line: 0, column: 0))
            return fail()
        }
        timings.lap("kb write")
        // Nothing is added to the memo from here on: it and the parsed items are written while the
        // evidence pack is assembled.
        if options.pdf { folder.writeCacheAhead() }
        let pages = folder.producedCount { $0.hasPrefix("kb/") && $0.hasSuffix(".html") }
        let keptPages = cache.keptPaths.filter { $0.hasPrefix("kb/") }.count
        step(5, "Build knowledge base (\(pages) pages" + (cache.isIncremental ? ", \(keptPages) unchanged" : "")
                + ", search index of \(context.findings.count + context.incidents.count + context.articles.count) items\(cache.relatedNote))")

        var evidence = besideEvidence
        if evidence == nil, isPacked {
            evidence = packAssembler.assemble(reports, writesReports: false, timings: &timings)
        }
        if let evidence {
            if let failure = evidence.failure {
                folder.discard()
                log.error(failure, at: SourceLocation(file: options.output.path, line: 0, column: 0))
                return fail()
            }
            step(6, "Assemble evidence pack (\(evidence.files) files, \(signer.map { "signed by \($0.identity)" } ?? "unsigned")\(evidence.note))")
        } else {
            step(6, "Assemble evidence pack (skipped: the pack is a client deliverable; build without --audience internal)")
        }

        let written = folder.producedPaths
        do {
            try folder.commit()
        } catch {
            folder.discard()
            log.error(error.description, at: SourceLocation(file: options.output.path, line: 0, column: 0))
            return fail()
        }
        timings.lap("commit")
        step(7, "Write \(written.count) files to \(options.output.path)"
                + folder.commitSummary)
        var outcome = Outcome(diagnostics: log.sorted, written: written, redactions: reports.redactions)
        outcome.timings = timings.laps
        if folder.isIncremental { outcome.changed = folder.changedCount }
        outcome.seconds = (ContinuousClock.now - started).seconds
        if options.keepsDataUntilExit {
            ProcessLifetime.keep([loaded, parsedItems, prefetch as Any, previous as Any, context, cache, folder, knowledgeBase, reports, generatedEvidence])
        }
        return outcome
    }
}

extension Diagnostic {
    var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }
}

extension BuildPipeline {
    /// How assembling the evidence pack went: its number of files and a note for the progress
    /// line, or what failed.
    struct EvidenceOutcome: Sendable {
        var files = 0
        var note = ""
        var failure: String?
    }

    /// Writes the evidence pack into `evidence/` and its zip beside it.
    struct PackAssembler: Sendable {
        let context: ReportContext
        let cache: BuildCache
        let folder: OutputFolder
        let signer: EvidencePack.Signer?
        let pdf: Bool
        let generated: SharedTask<Result<[OutputFile], any Error>>
        let deflateAhead: DeflateAhead
        let trustedZip: SharedTask<Data?>
        let zipName: String
        let zipRoot: String

        /// The pack of `reports` (written first when `writesReports`: on the report thread, which
        /// assembles the pack while the knowledge base is finished).
        func assemble(_ reports: ReportBuilder.Result, writesReports: Bool, timings: inout PhaseTimer) -> EvidenceOutcome {
            if writesReports {
                do {
                    try folder.write(reports.files)
                } catch {
                    return EvidenceOutcome(failure: error.description)
                }
                timings.lap("write reports")
            }
            do {
                var reportFiles: [OutputFile] = []
                // The bytes of the reports this build rendered are at hand. A kept report's are read
                // only if the pack needs them (its copy or zip entry changed); PDFs are read back.
                // Each copy is a hard link to its report where the file system allows.
                let renderedBytes = Dictionary(reports.files.map { ($0.path, $0.data) }, uniquingKeysWith: { first, _ in first })
                for report in reports.reports {
                    for suffix in [".html"] + (pdf ? [".pdf"] : []) {
                        let path = report.basePath + suffix
                        let packPath = String(path.dropFirst("report/".count))
                        if let bytes = renderedBytes[path] {
                            reportFiles.append(OutputFile(path: packPath, sameAs: path, data: bytes, sha256: folder.digest(of: path)))
                        } else if folder.isIncremental, folder.isUnchanged(path), let record = folder.record(of: path) {
                            reportFiles.append(OutputFile(path: packPath, sameAs: path, data: Data(), sha256: record.sha256, deferredSize: record.size))
                        } else {
                            reportFiles.append(OutputFile(path: packPath, sameAs: path, data: try folder.read(path), sha256: folder.digest(of: path)))
                        }
                    }
                }
                let pack = try EvidencePack.files(context: context, reports: reportFiles, signer: signer, generated: generated.value().get())
                timings.lap("evidence pack")
                try folder.write(pack, under: EvidencePack.outputFolder)
                // Entries unchanged since the last build are copied from its zip, still compressed —
                // only when that zip is exactly the one the last build wrote.
                let zip = try PackArchive.write(pack, root: zipRoot, to: folder.url(zipName), previous: trustedZip.runOrWait(),
                                                unchanged: { folder.isUnchanged(EvidencePack.outputFolder + $0) }, ahead: deflateAhead,
                                                contents: folder.contents)
                try folder.adopt(zipName, written: zip)
                cache.zipSegments = deflateAhead.segmentTables
                timings.lap("evidence write, zip")
                let note = deflateAhead.segmentsReused.map { "; \($0.path): \($0.deflated) of \($0.total) zip segments deflated again, the rest kept" }.joined()
                return EvidenceOutcome(files: pack.count, note: note)
            } catch {
                return EvidenceOutcome(failure: "cannot assemble the evidence pack: \(error)")
            }
        }
    }
}

/// The report build's result, handed from its thread to the pipeline.
final class ReportBranch: @unchecked Sendable {
    typealias Outcome = (ReportBuilder.Result?, DiagnosticLog, PhaseTimer, BuildPipeline.EvidenceOutcome?)
    private var result: Outcome = (nil, DiagnosticLog(), PhaseTimer(), nil)
    private let done = DispatchSemaphore(value: 0)
    private let memoComplete = Latch()

    /// The report thread has made and looked up all it will in the memo (said once).
    func memoIsComplete() { memoComplete.open() }

    /// Waits until the report thread has made and looked up all it will in the memo.
    func waitForCompleteMemo() { memoComplete.wait() }

    /// `evidence`: how the pack went, when the report thread assembled it.
    func finish(_ reports: ReportBuilder.Result?, _ log: DiagnosticLog, _ timings: PhaseTimer, evidence: BuildPipeline.EvidenceOutcome?) {
        result = (reports, log, timings, evidence)
        done.signal()
    }

    func wait() -> Outcome {
        done.wait()
        return result
    }
}

/// Wall time of consecutive phases.
struct PhaseTimer {
    private(set) var laps: [(phase: String, seconds: Double)] = []
    private var last = ContinuousClock.now

    /// Adds the laps of a timer that ran at the same time (they are not part of this timer's sum).
    mutating func merge(_ other: PhaseTimer, prefix: String) {
        laps += other.laps.map { (prefix + $0.phase, $0.seconds) }
    }

    mutating func lap(_ phase: String) {
        let now = ContinuousClock.now
        laps.append((phase, (now - last).seconds))
        last = now
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Values kept until the process ends: a command that exits after its work need not free what the
/// work built (the operating system takes the memory back at once), as compilers skip freeing
/// their trees at exit.
enum ProcessLifetime {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var kept: [Any] = []

    static func keep(_ values: [Any]) {
        lock.withLock { kept += values }
    }
}

/// Work that either of two threads may do: the first to ask runs it, and `value` waits for it.
final class SharedTask<Value>: @unchecked Sendable {
    private let work: () -> Value
    private let lock = NSLock()
    private var claimed = false
    private var result: Value?
    private let done = Latch()

    init(_ work: @escaping () -> Value) { self.work = work }

    /// Runs the work if no thread has yet; true if this call ran it.
    func runIfUnclaimed() -> Bool {
        guard lock.withLock({ () -> Bool in
            if claimed { return false }
            claimed = true
            return true
        }) else { return false }
        let value = work()
        lock.withLock { result = value }
        done.open()
        return true
    }

    /// The work's result: run here if no thread has yet, else waited for.
    func runOrWait() -> Value {
        _ = runIfUnclaimed()
        return value()
    }

    /// The work's result, once a thread has run it.
    func value() -> Value {
        done.wait()
        return lock.withLock { result! }
    }
}
