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
        final class Store: @unchecked Sendable {
            var entries: [String: String] = [:]
            var hits = 0
            let lock = NSLock()
        }
        let store = Store()
        let memo = MarkdownRenderer.ChunkMemo(
            lookup: { chunk, ids, embeds in
                store.lock.withLock {
                    let value = store.entries[chunk + ids.joined(separator: ",") + embeds.joined()]
                    if value != nil { store.hits += 1 }
                    return value
                }
            },
            store: { chunk, ids, embeds, html in store.lock.withLock { store.entries[chunk + ids.joined(separator: ",") + embeds.joined()] = html } })
        let first = MarkdownRenderer.render(chunks: Self.chunks, embeds: Self.embeds, memo: memo)
        #expect(store.hits == 0 && store.entries.count == Self.chunks.count)
        let second = MarkdownRenderer.render(chunks: Self.chunks, embeds: Self.embeds, memo: memo)
        #expect(second == first)
        #expect(store.hits == Self.chunks.count)
        // A chunk whose heading ids shift (a heading added before it) is rendered again.
        var changed = Self.chunks
        changed[0] += "##### 지표\n"
        let third = MarkdownRenderer.render(chunks: changed, embeds: Self.embeds, memo: memo)
        #expect(third.html.contains("id=\"지표-3\""))
        #expect(third == MarkdownRenderer.render(chunks: changed, embeds: Self.embeds))
    }
}
