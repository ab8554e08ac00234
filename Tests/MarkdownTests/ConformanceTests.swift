import Foundation
import Testing
@testable import Markdown

/// The examples of the GFM spec in `../shared/conformance/gfm-spec.txt` (or `$GFM_SPEC`).
struct SpecExample: Sendable, CustomTestStringConvertible {
    var number: Int
    var kind: String
    var markdown: String
    var html: String
    var testDescription: String { "example \(number) \(kind)" }

    static let specPath: String? = {
        if let path = ProcessInfo.processInfo.environment["GFM_SPEC"] { return path }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/gfm-spec.txt").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    static let all: [SpecExample] = {
        guard let path = specPath, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        let fence = String(repeating: "`", count: 32)
        var examples: [SpecExample] = []
        var lines = text.components(separatedBy: "\n")[...]
        while let line = lines.popFirst() {
            guard line.hasPrefix(fence + " example") else { continue }
            let kind = line.dropFirst(fence.count + " example".count).trimmingCharacters(in: .whitespaces)
            var markdown: [String] = []
            var html: [String] = []
            var inOutput = false
            while let body = lines.popFirst(), body != fence {
                if body == "." && !inOutput { inOutput = true; continue }
                if inOutput { html.append(body) } else { markdown.append(body) }
            }
            let tab = { (lines: [String]) in lines.map { $0 + "\n" }.joined().replacingOccurrences(of: "→", with: "\t") }
            examples.append(SpecExample(number: examples.count + 1, kind: kind, markdown: tab(markdown), html: tab(html)))
        }
        return examples
    }()

    static func collapsingWhitespaceBetweenTags(_ html: String) -> String {
        html.replacingOccurrences(of: #">\s+<"#, with: "><", options: .regularExpression)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

@Suite struct ConformanceTests {
    @Test func specIsPresent() {
        #expect(SpecExample.specPath != nil, "GFM spec not found: expected ../shared/conformance/gfm-spec.txt beside the package, or set GFM_SPEC=/path/to/gfm-spec.txt")
        #expect(SpecExample.all.filter { $0.kind == "" }.count > 600)
    }

    @Test(arguments: SpecExample.all.filter { $0.kind == "table" || $0.kind == "autolink" })
    func extensionExample(_ example: SpecExample) {
        let html = MarkdownRenderer.html(example.markdown, options: [.tables, .autolinks])
        #expect(SpecExample.collapsingWhitespaceBetweenTags(html) == SpecExample.collapsingWhitespaceBetweenTags(example.html),
                "\(example.markdown)")
    }
}

/// Differential test: without tables in the input, the output is byte-identical to Debian's `cmark`.
@Suite struct DifferentialTests {
    static let cmarkPath: String? = ["/usr/bin/cmark", "/usr/local/bin/cmark", "/opt/homebrew/bin/cmark"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static func referenceHTML(_ markdown: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cmarkPath!)
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: Data(markdown.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func cmarkCommandIsInstalled() {
        #expect(Self.cmarkPath != nil, "Debian's cmark command is missing: apt-get install cmark (make test installs it)")
    }

    @Test func plainExamplesMatchCmarkByteForByte() throws {
        try #require(Self.cmarkPath != nil)
        let plain = SpecExample.all.filter { $0.kind == "" }
        var checked = 0
        for example in plain {
            let reference = try Self.referenceHTML(example.markdown)
            #expect(MarkdownRenderer.html(example.markdown, options: []) == reference, "example \(example.number)")
            #expect(MarkdownRenderer.html(example.markdown, options: [.tables]) == reference, "example \(example.number) with tables")
            let hasURLText = ["www.", "://", "@"].contains { example.markdown.contains($0) }
            if !hasURLText {
                #expect(MarkdownRenderer.html(example.markdown, options: [.tables, .autolinks]) == reference,
                        "example \(example.number) with autolinks")
            }
            checked += 1
        }
        #expect(checked > 600)
    }
}
