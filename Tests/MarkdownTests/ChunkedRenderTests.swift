import Foundation
import Testing
@testable import Markdown

/// Long reports render their sections as chunks, in parallel; the page must read as one document.
struct ChunkedRenderTests {
    static let chunks = [
        "\n## 3. 상세\n\n### 3.1 성능\n\n",
        "#### F-001 커넥션 풀\n\n| 항목 | 값 |\n|:--|--:|\n| 풀 | 50 |\n\n##### 지표\n\n![chart](charts/F-001.svg)\n\nhttps://example.com 참고\n",
        "\n",
        "#### F-002 디스크\n\n> 요약 *강조*\n\n##### 지표\n\n- a\n- b\n",
        "\n## 4. 권고\n\n##### 지표\n",
    ]
    static let embeds = ["charts/F-001.svg": "<svg><title>c</title></svg>"]

    @Test func chunksRenderAsTheWholeDocument() {
        let whole = MarkdownRenderer.render(Self.chunks.joined(), options: .extensions, embeds: Self.embeds)
        let chunked = MarkdownRenderer.render(chunks: Self.chunks, options: .extensions, embeds: Self.embeds)
        #expect(chunked.html == whole.html)
        #expect(chunked.headings == whole.headings)
        #expect(chunked.headings.filter { $0.text == "지표" }.map(\.id) == ["지표", "지표-1", "지표-2"], "ids unique across chunks")
    }

    @Test func memoSuppliesUnchangedChunks() {
        let store = Store()
        let memo = store.memo
        let first = MarkdownRenderer.render(chunks: Self.chunks, embeds: Self.embeds, memo: memo)
        #expect(store.hits == 0 && store.entries.count == Self.chunks.count)
        #expect(store.outlineHits == 0 && store.outlines.count == Self.chunks.count)
        // The memo hears the HTML of the embeds a chunk uses (an image node freed by its embed
        // once made this an empty string).
        #expect(store.entries.keys.contains { $0.hasSuffix("<svg><title>c</title></svg>") })
        let second = MarkdownRenderer.render(chunks: Self.chunks, embeds: Self.embeds, memo: memo)
        #expect(second == first)
        #expect(store.hits == Self.chunks.count)
        #expect(store.outlineHits == Self.chunks.count, "unchanged chunks are not parsed for their outline")
        // Outlines kept with one set of embeds serve another: the embeds a chunk uses are worked out again.
        let withoutCharts = MarkdownRenderer.render(chunks: Self.chunks, embeds: [:], memo: memo)
        #expect(withoutCharts == MarkdownRenderer.render(chunks: Self.chunks, embeds: [:]))
        #expect(!withoutCharts.html.contains("<svg>") && withoutCharts.html.contains("<img src=\"charts/F-001.svg\""))
        // A chunk whose heading ids shift (a heading added before it) is rendered again.
        var changed = Self.chunks
        changed[0] += "##### 지표\n"
        let third = MarkdownRenderer.render(chunks: changed, embeds: Self.embeds, memo: memo)
        #expect(third.html.contains("id=\"지표-3\""))
        #expect(third == MarkdownRenderer.render(chunks: changed, embeds: Self.embeds))
    }

    /// A chunk whose heading holds an image keeps no outline: the heading's text depends on the embeds.
    @Test func headingsWithImagesAreAlwaysParsed() {
        let store = Store()
        let chunks = ["## 차트 ![c](charts/a.svg) 제목\n\n본문\n", "## 다음\n"]
        let embeds = ["charts/a.svg": "<svg></svg>"]
        let first = MarkdownRenderer.render(chunks: chunks, embeds: embeds, memo: store.memo)
        #expect(first == MarkdownRenderer.render(chunks: chunks, embeds: embeds))
        #expect(store.outlines.count == 1)
        #expect(MarkdownRenderer.render(chunks: chunks, embeds: [:], memo: store.memo) == MarkdownRenderer.render(chunks: chunks, embeds: [:]))
    }

    @Test func outlinesRoundTripAsStrings() {
        let outline = MarkdownRenderer.ChunkOutline(
            headings: [.init(level: 2, text: "3. 상세", slug: "3-상세"), .init(level: 5, text: "", slug: "section")],
            images: ["charts/a.svg", "x y.png", ""])
        #expect(MarkdownRenderer.ChunkOutline(strings: outline.strings) == outline)
        #expect(MarkdownRenderer.ChunkOutline(strings: []) == nil)
        #expect(MarkdownRenderer.ChunkOutline(strings: ["2", "2", "a", "a"]) == nil)
        #expect(MarkdownRenderer.ChunkOutline(strings: ["1", "9", "a", "a"]) == nil)
    }

    /// A memo in memory that counts its hits.
    final class Store: @unchecked Sendable {
        var entries: [String: String] = [:]
        var outlines: [String: [String]] = [:]
        var hits = 0
        var outlineHits = 0
        let lock = NSLock()

        var memo: MarkdownRenderer.ChunkMemo {
            MarkdownRenderer.ChunkMemo(
                lookup: { _, chunk, ids, embeds in
                    self.lock.withLock {
                        let value = self.entries[chunk + ids.joined(separator: ",") + embeds.joined()]
                        if value != nil { self.hits += 1 }
                        return value.map { Data($0.utf8) }
                    }
                },
                store: { _, chunk, ids, embeds, html in self.lock.withLock { self.entries[chunk + ids.joined(separator: ",") + embeds.joined()] = html } },
                outline: { _, chunk in
                    self.lock.withLock {
                        let value = self.outlines[chunk].flatMap(MarkdownRenderer.ChunkOutline.init(strings:))
                        if value != nil { self.outlineHits += 1 }
                        return value
                    }
                },
                storeOutline: { _, chunk, outline in self.lock.withLock { self.outlines[chunk] = outline.strings } })
        }
    }
}
