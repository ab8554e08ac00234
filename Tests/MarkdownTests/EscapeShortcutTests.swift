import Foundation
import Testing
@testable import Markdown

/// Values with nothing to escape skip the character-by-character path; that must not change them.
struct EscapeShortcutTests {
    static let samples = [
        "커넥션 풀 고갈", "F-001", "p95 지연 1,200 ms", "order-db", "- list?", "# heading?", "1. ordered?", "2026-10-14", "  + x", "= y",
        "a_b", "a*b", "[x]", "<b>", "a|b", "a & b", "!", "~", "line\nbreak", "crlf\r\n", "sep\u{2028}x", "→ arrow", "“quote”", "'single'",
        "\"double\"", "", " ", "10:30", "x#y", "100%", "e\u{301}", "<\u{301}", "한글-영문 mixed", "…", "—",
    ]

    @Test(arguments: samples) func plainValuesNeedNoEscaping(_ text: String) {
        if MarkdownText.isPlain(text) { #expect(MarkdownText.escapeEach(text) == text, "\(text)") }
        #expect(MarkdownText.escape(text) == MarkdownText.escapeEach(text))
    }

    @Test(arguments: samples) func htmlEscapesTheFiveCharacters(_ text: String) {
        var expected = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": expected += "&amp;"
            case "<": expected += "&lt;"
            case ">": expected += "&gt;"
            case "\"": expected += "&quot;"
            case "'": expected += "&#39;"
            default: expected.unicodeScalars.append(scalar)
            }
        }
        #expect(HTML.escape(text) == expected)
    }
}
