import Foundation
import Testing

/// Runs the built `dossier` binary and captures what it prints.
struct Dossier {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `$DOSSIER_BIN`, or the `dossier` built beside this test bundle.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["DOSSIER_BIN"] { return URL(fileURLWithPath: path) }
        var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        candidates += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        candidates.append(packageRoot.appendingPathComponent(".build/debug"))
        return candidates.map { $0.appendingPathComponent("dossier") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!.appendingPathComponent("dossier")
    }()

    /// A child that exits without reading its input must not kill the test process with SIGPIPE.
    static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    @discardableResult
    static func run(_ arguments: [String], input: String? = nil, in directory: URL? = nil, executable: URL? = nil,
                    environment: [String: String] = [:]) throws -> Output {
        _ = ignoreBrokenPipes
        let process = Process()
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        process.executableURL = executable ?? binary
        process.arguments = executable == nil ? arguments : Array(arguments.dropFirst())
        process.currentDirectoryURL = directory ?? packageRoot
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        if let input { try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite struct CommandLineTests {
    @Test func helpListsTheCommands() throws {
        let output = try Dossier.run(["--help"])
        #expect(output.status == 0)
        for command in ["check", "render", "init"] {
            #expect(output.stdout.contains(command))
        }
        #expect(try Dossier.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    /// Help paragraphs are wrapped by the argument parser alone: a line break in the source text
    /// would leave short, ragged lines at 80 columns.
    @Test func helpParagraphsAreWrappedEvenly() throws {
        var wrapped = 0
        for command in [[], ["build"], ["check"], ["kb"], ["search"], ["verify"], ["keygen"], ["render"], ["init"]] {
            // The parser wraps at $COLUMNS when it is set: 80, as in a terminal of that width.
            let output = try Dossier.run(command + ["--help"], environment: ["COLUMNS": "80"])
            #expect(output.status == 0)
            let head = output.stdout.components(separatedBy: "USAGE:")[0]
            for paragraph in head.components(separatedBy: "\n\n") {
                let lines = paragraph.split(separator: "\n")
                if lines.count > 1 { wrapped += 1 }
                for line in lines.dropLast() where !line.hasPrefix("OVERVIEW:") {
                    #expect(line.count > 55, "dossier \(command.joined()) --help: a short line inside a paragraph: '\(line)'")
                }
            }
        }
        #expect(wrapped > 5, "paragraphs long enough to wrap")
    }

    @Test func unknownCommandFailsWithUsage() throws {
        let output = try Dossier.run(["frobnicate"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("Usage") || output.stderr.contains("Error"))
    }

    @Test func renderReadsStandardInput() throws {
        let source = """
        # 진단 결과

        > | 지표 | 개선 전 | 개선 후 |
        > |:--|--:|:-:|
        > | p95 | 4,200 | 310 |

        1. 항목

           | a | b |
           |---|--:|
           | 1 | 2 |

        ## 근본 원인
        """
        let output = try Dossier.run(["render", "--toc"], input: source)
        #expect(output.status == 0)
        #expect(output.stdout.hasPrefix("<nav class=\"toc\">"))
        #expect(output.stdout.contains("<a href=\"#근본-원인\">근본 원인</a>"))
        #expect(output.stdout.contains("<blockquote>\n<table>\n<thead>\n<tr>\n<th align=\"left\">지표</th>"))
        #expect(output.stdout.contains("<td align=\"center\">310</td>"))
        #expect(output.stdout.contains("<li>\n<p>항목</p>\n<table>"))
        #expect(output.stdout.contains("<td align=\"right\">2</td>"))
        #expect(output.stdout.contains("<h2 id=\"근본-원인\">근본 원인</h2>"))
    }

    @Test func renderWithoutExtensionsIsPlainCommonMark() throws {
        let output = try Dossier.run(["render", "--no-extensions", "-"], input: "| a |\n|---|\n\n## Title\n")
        #expect(output.stdout == "<p>| a |\n|---|</p>\n<h2>Title</h2>\n")
    }

    @Test func renderSkipsFrontMatterOfWorkspaceItems() throws {
        let directory = try Dossier.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("item.md")
        try "---\nid: F-1\ntitle: x\n---\n\nBody *text*\n".write(to: file, atomically: true, encoding: .utf8)
        let output = try Dossier.run(["render", file.path])
        #expect(output.stdout == "<p>Body <em>text</em></p>\n")
    }

    @Test func renderOfAMissingFileIsAClearError() throws {
        let output = try Dossier.run(["render", "/nonexistent/file.md"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("cannot read '/nonexistent/file.md'"))
    }

    @Test(arguments: ["en", "ko"])
    func initCreatesAWorkspaceThatPassesCheck(_ locale: String) throws {
        let directory = try Dossier.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let created = try Dossier.run(["init", "ws", "--locale", locale], in: directory)
        #expect(created.status == 0)
        #expect(created.stdout.contains("created ws/engagement.yaml"))
        let check = try Dossier.run(["check", "ws"], in: directory)
        #expect(check.status == 0)
        #expect(check.stdout == "No problems found in 4 files.\n")
        #expect(check.stderr.isEmpty)
        let again = try Dossier.run(["init", "ws"], in: directory)
        #expect(again.status == 1)
        #expect(again.stderr.contains("already holds"))
    }

    @Test func checkOfAMissingFolderFailsCleanly() throws {
        let output = try Dossier.run(["check", "/nonexistent/workspace"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("not a workspace folder"))
    }
}
