import Foundation
import Testing
@testable import Dossier

/// The health check's Markdown carries U+001E around each finding section for rendering only; the
/// `.md` file is written without them.
struct ChunkMarkTests {
    @Test func marksAreRemovedAndEverythingElseKept() {
        let mark = "\u{1E}"
        let cases = [
            "", "no marks at all", mark, mark + mark,
            mark + "#### F-001 커넥션 풀 고갈\n\n본문" + mark + "\n" + mark + "#### F-002 Full scan\n" + mark,
            "앞" + mark + mark + "뒤", "끝" + mark,
            String(repeating: "섹션 section | a | b |\n" + mark, count: 2_000),
        ]
        for text in cases {
            let expected = String(decoding: text.utf8.filter { $0 != ReportBuilder.chunkMark }, as: UTF8.self)
            #expect(ReportBuilder.removingChunkMarks(text) == expected)
            // The report's .md file: the same, as bytes.
            #expect(ReportBuilder.bytesRemovingChunkMarks(text) == Data(expected.utf8))
            // The page is rendered in the pieces between marks, empty ones left out.
            let pieces = text.utf8.split(separator: ReportBuilder.chunkMark, omittingEmptySubsequences: true).map { String(Substring($0)) }
            #expect(ReportBuilder.chunks(of: text).chunks == pieces)
        }
        // A string without marks comes back as it is.
        #expect(ReportBuilder.removingChunkMarks("한국어 text") == "한국어 text")
    }
}
