import Testing
import CCmark
@testable import Markdown

@Suite struct PipeTableTests {
    @Test func tableWithAlignmentInsideBlockQuoteAndListItem() {
        let source = """
        > | Metric | Before | After |
        > |:-------|-------:|:-----:|
        > | p95 | 4,200 | 310 |

        - item

          | a | b |
          | - | :-: |
          | `x\\|y` | **z** |
        """
        let html = MarkdownRenderer.html(source)
        #expect(html.contains("<blockquote>\n<table>"))
        #expect(html.contains("<th align=\"left\">Metric</th>"))
        #expect(html.contains("<td align=\"right\">4,200</td>"))
        #expect(html.contains("<td align=\"center\">310</td>"))
        #expect(html.contains("<li>\n<p>item</p>\n<table>"))
        #expect(html.contains("<td><code>x|y</code></td>"))
        #expect(html.contains("<td align=\"center\"><strong>z</strong></td>"))
    }

    @Test func tableInterruptsParagraphAndEndsAtBlankLine() {
        let html = MarkdownRenderer.html("Intro *text*\n| a | b |\n| - | - |\n| 1 | 2 |\n\nafter")
        #expect(html == """
        <p>Intro <em>text</em></p>
        <table>
        <thead>
        <tr>
        <th>a</th>
        <th>b</th>
        </tr>
        </thead>
        <tbody>
        <tr>
        <td>1</td>
        <td>2</td>
        </tr>
        </tbody>
        </table>
        <p>after</p>

        """)
    }

    @Test func cellsAreInlineOnlyAndSafe() {
        let html = MarkdownRenderer.html("| h |\n|---|\n| # not a heading |\n| <img src=x onerror=alert(1)> |\n| [x](javascript:alert(1)) |")
        #expect(html.contains("<td># not a heading</td>"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("javascript:"))
    }

    @Test func delimiterRowMustMatchHeader() {
        #expect(PipeTables.parse(lines: ["| a | b |", "| - |"]) == nil)
        #expect(PipeTables.delimiterRow("---") == nil)
        #expect(PipeTables.delimiterRow("| :-: | --: | :-- | - |") == [.center, .right, .left, PipeTables.Alignment.none])
        #expect(PipeTables.cells("| a \\| b | `c` |") == ["a | b", "`c`"])
    }

    /// Rows are split on bytes; a mark or joiner after a space, tab, pipe or backslash (one character
    /// with it) takes the characters path. Either way the cells are what splitting characters gives.
    @Test func cellsSplitOnBytesAsOnCharacters() {
        struct Generator: RandomNumberGenerator {
            var state: UInt64 = 0x5EED
            mutating func next() -> UInt64 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return state
            }
        }
        var generator = Generator()
        let pieces = ["|", " ", "\t", "\\", "\\|", "a", "한글", "`c`", "\u{301}", "e\u{301}", "\u{200D}", "👍\u{1F3FB}", "\u{1F3FB}",
                      "x y", "*b*", "ｶﾞ", "\u{308}", "\u{FE0F}", "ก\u{E31}", "\u{0903}", "\u{0E33}", "\u{0EB3}", "\u{0600}", "\u{110BD}", "🇰🇷"]
        for _ in 0..<4000 {
            let row = (0..<Int.random(in: 1...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(PipeTables.cells(row) == PipeTables.charactersCells(row), "\(row.debugDescription)")
        }
        // Rows of pieces that never join a neighbour: all split on bytes, escapes and blanks at every place.
        let plain = ["|", " ", "\t", "\\", "\\|", "\\\\", "a", "한글", "`c`", "x y"]
        for _ in 0..<4000 {
            let row = (0..<Int.random(in: 1...12, using: &generator)).map { _ in plain.randomElement(using: &generator)! }.joined()
            #expect(PipeTables.cells(row) == PipeTables.charactersCells(row), "\(row.debugDescription)")
        }
        // The characters path: a combining acute accent after the leading space is part of its character.
        #expect(PipeTables.cells(" \u{301}a | b") == [" \u{301}a", "b"])
        // A pipe with a mark is not a leading pipe (as a character it is not "|"), though rows split at it.
        #expect(PipeTables.cells("|\u{301} a | b") == ["", "\u{301} a", "b"])
        // Thai AM joins the pipe before it; a prepended concatenation mark joins the space after it.
        #expect(PipeTables.cells("|\u{0E33} a | b |") == ["", "\u{0E33} a", "b"])
        #expect(PipeTables.cells("x\u{0600} | y") == ["x\u{0600} ", "y"])
    }

    @Test func tablesReadTheSameWithAnyLineEnding() {
        let source = "| a | 한 |\n|:-|-:|\n| 1 | `2\\|3` |\n\n> | q |\n> |---|\n> | r |\n"
        let html = MarkdownRenderer.html(source)
        #expect(html.contains("<td align=\"right\"><code>2|3</code></td>") && html.contains("<blockquote>\n<table>"))
        #expect(MarkdownRenderer.html(source.replacingOccurrences(of: "\n", with: "\r\n")) == html)
        #expect(MarkdownRenderer.html(source.replacingOccurrences(of: "\n", with: "\r")) == html)
    }

    @Test func noExtensionsLeavesTablesAsParagraphs() {
        let html = MarkdownRenderer.html("| a |\n| - |", options: [])
        #expect(html == "<p>| a |\n| - |</p>\n")
    }
}

@Suite struct AutolinkTests {
    @Test func bareURLsBecomeLinksOutsideCodeAndLinks() {
        let html = MarkdownRenderer.html("See https://docs.oracle.com/en/ and www.example.com, `www.code.com` or [www.a.com](https://b.com).")
        #expect(html == "<p>See <a href=\"https://docs.oracle.com/en/\">https://docs.oracle.com/en/</a> and <a href=\"http://www.example.com\">www.example.com</a>, <code>www.code.com</code> or <a href=\"https://b.com\">www.a.com</a>.</p>\n")
    }

    /// Text without `@`, `://` or `www.` is not searched for links; with one, it is.
    @Test func onlyTextThatMayHoldALinkIsSearched() {
        for text in ["디스크 사용률 92%. ORA-01555 at 10:30.", "a.b.c", "ww.x", "w ww.x", "http:/x", ":/", ""] {
            #expect(!Array(text.utf8).withUnsafeBufferPointer(Autolinker.mayHoldLink), "\(text)")
        }
        for text in ["WwW.x", "a@b", "x://", "see www.", "ftp://h"] {
            #expect(Array(text.utf8).withUnsafeBufferPointer(Autolinker.mayHoldLink), "\(text)")
        }
        #expect(MarkdownRenderer.html("Mail ops@example.com or WWW.example.com.") ==
                "<p>Mail <a href=\"mailto:ops@example.com\">ops@example.com</a> or <a href=\"http://WWW.example.com\">WWW.example.com</a>.</p>\n")
    }

    @Test func urlSplitByEmphasisCharactersStaysWhole() {
        let html = MarkdownRenderer.html("http://example.com/a_b_c")
        #expect(html == "<p><a href=\"http://example.com/a_b_c\">http://example.com/a_b_c</a></p>\n")
    }

    @Test func koreanTextAroundLinks() {
        let html = MarkdownRenderer.html("참고: https://example.com/문서 를 보세요")
        #expect(html.contains("<a href=\"https://example.com/%EB%AC%B8%EC%84%9C\">https://example.com/문서</a> 를"))
    }

    @Test func emailAddresses() {
        #expect(MarkdownRenderer.html("dba@ace.example.") == "<p><a href=\"mailto:dba@ace.example\">dba@ace.example</a>.</p>\n")
        #expect(MarkdownRenderer.html("no@domain") == "<p>no@domain</p>\n")
    }
}

@Suite struct HeadingTests {
    @Test func hangulIDsAreKeptAndUnique() {
        let rendered = MarkdownRenderer.render("## 근본 원인\n\n## 근본 원인\n\n### Root *cause*: DB!")
        #expect(rendered.html.contains("<h2 id=\"근본-원인\">근본 원인</h2>"))
        #expect(rendered.html.contains("<h2 id=\"근본-원인-1\">근본 원인</h2>"))
        #expect(rendered.html.contains("<h3 id=\"root-cause-db\">Root <em>cause</em>: DB!</h3>"))
        #expect(rendered.headings.map(\.id) == ["근본-원인", "근본-원인-1", "root-cause-db"])
    }

    @Test func slugRules() {
        #expect(SlugRegistry.slug("ORA-01555 snapshot too old") == "ora-01555-snapshot-too-old")
        #expect(SlugRegistry.slug("<script>") == "script")
        #expect(SlugRegistry.slug("!!!") == "section")
        // Text of ASCII and Hangul syllables takes a path on scalars: the same slugs as on characters.
        var state: UInt64 = 0x51AC
        let pieces = ["A", "z", "Q", "0", "9", " ", "\t", "\n", "-", "_", "!", "~", "#", "(", "1.2", "근본 원인", "힣", "가", "<b>", "ORA-01555", "x_y"]
        for _ in 0..<3000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let count = Int(state >> 60) + 1
            var text = ""
            for step in 0..<count { text += pieces[Int((state >> UInt64(4 * step % 56)) % UInt64(pieces.count))] }
            #expect(SlugRegistry.plainSlug(text) == SlugRegistry.characterSlug(text), "\(text.debugDescription)")
        }
        // Anything else takes the character path: other scripts, marks, line ending pairs, controls.
        for text in ["É", "e\u{301}", "a\r\nb", "ｶﾞ", "\u{0}", "Ǆ", "ß"] {
            #expect(SlugRegistry.plainSlug(text) == nil)
            #expect(SlugRegistry.slug(text) == SlugRegistry.characterSlug(text))
        }
    }

    @Test func tableOfContentsNestsLevels() {
        let rendered = MarkdownRenderer.render("# T\n## A\n### A1\n## B & C")
        let toc = TableOfContents.html(for: rendered.headings, minLevel: 2, maxLevel: 3)
        #expect(toc == """
        <nav class="toc">
        <ul>
        <li><a href="#a">A</a>
        <ul>
        <li><a href="#a1">A1</a></li>
        </ul>
        </li>
        <li><a href="#b--c">B &amp; C</a></li>
        </ul>
        </nav>

        """)
        #expect(TableOfContents.html(for: []) == "")
    }
}

@Suite struct SafetyTests {
    @Test func rawHTMLAndUnsafeLinksAreDropped() {
        let html = MarkdownRenderer.html("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b onclick=x>y</b> ![i](vbscript:x)")
        #expect(!html.contains("<script"))
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("vbscript:"))
        #expect(!html.contains("onclick"))
        #expect(html.contains("<!-- raw HTML omitted -->"))
    }
}

@Suite struct MarkdownTextTests {
    @Test func escapedValuesRenderLiterally() {
        let title = "*bold* _x_ | <script>alert(1)</script> [link](javascript:alert(1)) `code` & &amp; \\"
        let html = MarkdownRenderer.html("| a |\n|---|\n| " + MarkdownText.escape(title) + " |\n\n# " + MarkdownText.escape(title))
        let literal = "*bold* _x_ | &lt;script&gt;alert(1)&lt;/script&gt; [link](javascript:alert(1)) `code` &amp; &amp;amp; \\"
        #expect(html.contains("<td>" + literal + "</td>"))
        #expect(html.contains(">" + literal + "</h1>"))
        #expect(!html.contains("<script") && !html.contains("<em>") && !html.contains("<a "))
    }

    @Test func blockMarkersAtTheStartAreNeutralised() {
        for value in ["# heading", "- item", "+ item", "1. item", "> quote", "=== x"] {
            let html = MarkdownRenderer.html("- " + MarkdownText.escape(value))
            #expect(html.hasPrefix("<ul>\n<li>") && !html.contains("<h1>") && !html.contains("<ol>") && !html.contains("<blockquote>")
                    && html.components(separatedBy: "<li>").count == 2, "\(value): \(html)")
        }
        #expect(MarkdownText.escape("HC-2026-Q4 v1.0") == "HC-2026-Q4 v1.0")
        #expect(MarkdownText.escape("line\nbreak") == "line break")
    }

    /// Escaping on bytes gives what escaping on characters gave, for text where no mark follows a
    /// character it escapes; where one does, the character is escaped too, and shows literally.
    @Test func escapingOnBytesMatchesCharacters() {
        func reference(_ text: String) -> String {
            var result = ""
            var atStart = true
            for character in text {
                switch character {
                case "\n", "\r", "\r\n", "\u{2028}", "\u{2029}":
                    result.append(" ")
                    continue
                case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "&", "!", "~":
                    result.append("\\")
                    result.append(character)
                case "#", "-", "+", "=":
                    if atStart { result.append("\\") }
                    result.append(character)
                default:
                    result.append(character)
                }
                if character != " " { atStart = false }
            }
            if let dot = result.firstIndex(where: { !$0.isNumber }), dot != result.startIndex,
               result[..<dot].allSatisfy({ $0.isASCII && $0.isNumber }), result[dot] == "." || result[dot] == ")",
               result.index(after: dot) == result.endIndex || result[result.index(after: dot)] == " " {
                result.insert("\\", at: dot)
            }
            return result
        }
        let pieces = ["a", " ", "  ", "#", "-", "+", "=", "*", "_", "`", "\\", "[", "]", "<", ">", "|", "&", "!", "~", "\n", "\r", "\r\n",
                      "\u{2028}", "\u{2029}", "—", "·", "점검", "1", "12", ".", ")", "é", "e\u{301}", "🇰🇷", "\u{2026}"]
        var state: UInt64 = 11
        for _ in 0..<5000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var text = ""
            for _ in 0..<(1 + Int(state >> 33) % 10) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text += pieces[Int(state >> 33) % pieces.count]
            }
            #expect(Array(MarkdownText.escape(text).utf8) == Array(reference(text).utf8), "\(text.debugDescription)")
        }
        #expect(MarkdownText.escape("*\u{301}강조*") == "\\*\u{301}강조\\*")
        #expect(MarkdownRenderer.html(MarkdownText.escape("*\u{301}강조*")) == "<p>*\u{301}강조*</p>\n")
    }

    @Test func headingsAreDemotedOutsideCode() {
        let body = "## 현상\n\ntext\n\n```\n## not a heading\n```\n\n###### deep"
        #expect(MarkdownText.demoteHeadings(body, by: 2) == "#### 현상\n\ntext\n\n```\n## not a heading\n```\n\n###### deep")
    }

    /// Headings are demoted on bytes; the lines split on characters give the same bytes for every
    /// document built from these pieces (spaces before `#`, setext headings, CRLF, combining marks,
    /// keycaps, code, Korean). Only ATX headings' lines change: a setext heading whose text starts
    /// with `#` (`#hashtag` or `#️⃣` over `===`) is left as it is.
    @Test func demotingOnBytesMatchesLines() {
        func reference(_ source: String, by levels: Int) -> String {
            let lines = CmarkNode.withDocument(parsing: source) { root in
                root.descendants { $0.type == CMARK_NODE_HEADING }.map { ($0.startLine, $0.headingLevel) }
            }
            var sourceLines = source.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
            for (number, level) in lines where number >= 1 && number <= sourceLines.count {
                let line = sourceLines[number - 1]
                let trimmed = line.drop { $0 == " " }
                let hashes = trimmed.prefix { $0 == "#" }
                let after = trimmed.dropFirst(hashes.count).first
                guard (1...6).contains(hashes.count), after == nil || after == " " || after == "\t" || after == "\r",
                      line.count - trimmed.count <= 3 else { continue }
                let added = min(levels, 6 - level)
                guard added > 0 else { continue }
                sourceLines[number - 1] = String(line.prefix(line.count - trimmed.count)) + String(repeating: "#", count: added) + trimmed
            }
            return sourceLines.joined(separator: "\n")
        }
        let pieces = ["# 제목", "   ## three spaces", "    # four", "#hashtag", "===", "---", "text", "", "```", "~~~", " \u{301}# mark",
                      "###### six", "##### five", "## end ##", "\r", "> # quoted", "- # in a list", "#\t tab", "\u{1F600} # emoji",
                      "#\u{FE0F}\u{20E3} 번호", "#\u{301}x", "####### seven", "#", "##"]
        var state: UInt64 = 7
        for _ in 0..<3000 {
            var lines: [String] = []
            state = state &* 6364136223846793005 &+ 1442695040888963407
            for _ in 0..<(1 + Int(state >> 33) % 8) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                lines.append(pieces[Int(state >> 33) % pieces.count])
            }
            let source = lines.joined(separator: state & 1 == 0 ? "\n" : "\r\n")
            for levels in [1, 3] {
                #expect(Array(MarkdownText.demoteHeadings(source, by: levels).utf8) == Array(reference(source, by: levels).utf8), "\(source.debugDescription)")
            }
        }
    }

    @Test func embedsReplaceImages() {
        let html = MarkdownRenderer.html("![chart](charts/a.svg) ![other](b.png)", embeds: ["charts/a.svg": "<svg><title>A</title></svg>"])
        #expect(html == "<p><svg><title>A</title></svg> <img src=\"b.png\" alt=\"other\" /></p>\n")
    }

    /// An embedded image inside another's description goes with the outer one; the inner node,
    /// freed with it, is not read again.
    @Test func embedsInsideEmbedsGoWithTheOuterImage() {
        let embeds = ["charts/a.svg": "<svg><title>A</title></svg>", "charts/b.svg": "<svg><title>B</title></svg>"]
        #expect(MarkdownRenderer.html("![x ![y](charts/b.svg) z](charts/a.svg)", embeds: embeds) == "<p><svg><title>A</title></svg></p>\n")
        #expect(MarkdownRenderer.html("![x ![y](charts/b.svg) z](c.png)", embeds: embeds) == "<p><img src=\"c.png\" alt=\"x  z\" /></p>\n")
        let chunked = MarkdownRenderer.render(chunks: ["## a\n\n![x ![y](charts/b.svg)](charts/a.svg) ![w](charts/b.svg)\n"], embeds: embeds)
        #expect(chunked.html.contains("<title>A</title>") && chunked.html.contains("<title>B</title>"))
    }
}

@Suite struct OpenBlockTests {
    @Test func openFencesAndHTMLBlocksAreClosed() {
        for body in ["text\n\n```sql\nSELECT 1;", "text\n\n~~~~\ncode", "<!-- a comment never closed\nmore", "<pre>\nunclosed", "fine *text*"] {
            let closed = MarkdownText.closingOpenBlocks(body)
            let html = MarkdownRenderer.html(closed + "\n\n## Next finding\n", options: [])
            #expect(html.contains("<h2>Next finding</h2>"), "\(body.debugDescription) → \(closed.debugDescription)")
        }
        #expect(MarkdownText.closingOpenBlocks("fine *text*") == "fine *text*")
    }
}

@Suite struct SectionExtractionTests {
    @Test func lessonsSectionIsTakenOut() {
        let body = "## 경과\n\n내용\n\n## 교훈\n\n- 하나\n- 둘\n\n### 세부\n\n더\n\n## 조치\n\n끝"
        let (rest, section) = MarkdownText.extractSection(body) { $0.contains("교훈") }
        #expect(section == "- 하나\n- 둘\n\n### 세부\n\n더")
        #expect(rest == "## 경과\n\n내용\n\n## 조치\n\n끝")
        let none = MarkdownText.extractSection("## A\n\ntext") { $0 == "B" }
        #expect(none.section == nil && none.rest == "## A\n\ntext")
        #expect(MarkdownText.extractSection("```\n## 교훈\n```") { $0 == "교훈" }.section == nil, "a heading inside code is not one")
    }
}
