import Foundation
import Testing
@testable import Dossier

/// Front matter is split on the file's bytes; Windows line ends and odd fences behave as before.
struct FrontMatterTests {
    static func split(_ text: String) -> (yaml: String, body: String, bodyLine: Int)? {
        var log = DiagnosticLog()
        return SourceFile(path: "x.md", text: text).splitFrontMatter(log: &log).map { ($0.yaml, $0.body, $0.bodyLine) }
    }

    @Test func unixAndWindowsLineEnds() throws {
        let unix = try #require(Self.split("---\nid: F-1\ntitle: 제목\n---\n# 본문\n\n끝\n"))
        #expect(unix.yaml == "id: F-1\ntitle: 제목")
        #expect(unix.body == "# 본문\n\n끝\n")
        #expect(unix.bodyLine == 5)
        let windows = try #require(Self.split("---\r\nid: F-1\r\ntitle: 제목\r\n---\r\n# 본문\r\n\r\n끝\r\n"))
        #expect(windows.yaml == unix.yaml && windows.body == unix.body && windows.bodyLine == 5)
        #expect(Self.split("---\nid: a\n---")?.body == "")
        #expect(Self.split("---\nid: a\n...\nbody\r")?.body == "body")
        #expect(Self.split("---\nid: a\n---\na\rb\n")?.body == "a\rb\n", "a lone carriage return inside a line stays")
    }

    @Test func fencesMayHaveSpacesAround() {
        #expect(Self.split("  ---\t\nid: a\n --- \nbody")?.body == "body")
        #expect(Self.split("---\u{3000}\nid: a\n---\nbody")?.body == "body")
    }

    @Test func missingOrUnclosedFrontMatterIsAnError() {
        var log = DiagnosticLog()
        #expect(SourceFile(path: "x.md", text: "# no front matter\n").splitFrontMatter(log: &log) == nil)
        #expect(SourceFile(path: "x.md", text: "---\nid: a\n").splitFrontMatter(log: &log) == nil)
        #expect(SourceFile(path: "x.md", text: "---\n").splitFrontMatter(log: &log) == nil)
        #expect(log.diagnostics.count == 3)
    }
}

/// Values are trimmed of white space only where they have some.
struct TrimTests {
    @Test func trimmingMatchesFoundation() {
        for text in ["커넥션 풀", " 앞", "뒤 ", "\t탭\n", "\u{3000}전각\u{3000}", "\u{00A0}nbsp", "a", "", " ", "x\u{2028}", "\u{85}y", "z\u{200B}"] {
            #expect(MappingReader.trimmed(text) == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
        }
    }
}
