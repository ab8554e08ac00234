import Foundation

/// The Korean-aware tokenizer of SPEC.md §1: NFKC and lower case; words and numbers as tokens, with
/// joined identifiers (`ora-01555`, `10.0.0.1`, `max_connections`); Hangul runs as overlapping
/// two-syllable tokens, single syllables kept.
public enum Tokenizer {
    public static let maximumTokenLength = 40

    enum Kind: Equatable {
        case hangul, word, joiner, separator
    }

    /// A run of one class, W or H, as the tokenizer sees it.
    public struct Piece: Equatable, Sendable {
        public enum Script: Sendable, Equatable { case word, hangul }
        public var text: String
        public var script: Script
        /// For word pieces: the index of the identifier (≥ 2 joined pieces) this piece belongs to.
        public var identifier: Int?
    }

    /// A token sequence unit produced from pieces: the pieces, and the identifiers' texts.
    public struct Analysis: Sendable {
        public var pieces: [Piece]
        public var identifiers: [String]
    }

    static func kind(_ scalar: Unicode.Scalar) -> Kind {
        if (0xAC00...0xD7A3).contains(scalar.value) { return .hangul }
        if scalar.isASCII {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9": return .word
            case "-", "_", ".": return .joiner
            default: return .separator
            }
        }
        switch scalar {
        case "-", "_", ".": return .joiner
        default: break
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return .word
        default:
            return .separator
        }
    }

    /// NFKC, then lower case. Foundation's compatibility mapping on Linux leaves some sequences
    /// uncomposed (half-width ｶﾞ, compatibility jamo ㄷㅣ), so canonical composition is applied again.
    public static func normalize(_ text: String) -> String {
        // Text of ASCII, precomposed Hangul syllables and a few punctuation marks without
        // decompositions is its own NFKC (nothing in it decomposes or composes): only lower case,
        // of which only ASCII letters have any — changed on the bytes (`lowercased()` looks every
        // scalar of non-ASCII text up in Unicode's tables).
        if text.unicodeScalars.allSatisfy(isNormalizationStable) { return asciiLowercased(text) }
        return text.precomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping.lowercased()
    }

    /// `text` with A–Z made a–z, everything else as it is.
    static func asciiLowercased(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 &- UInt8(ascii: "A") < 26 }) else { return text }
        return String(decoding: text.utf8.map { $0 &- UInt8(ascii: "A") < 26 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Code points that NFKC leaves alone and that compose with nothing: ASCII, Hangul syllables,
    /// and punctuation common in Korean and English prose (· × – — ‘ ’ “ ” → ←).
    static func isNormalizationStable(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 || (0xAC00...0xD7A3).contains(scalar.value) || stablePunctuation.contains(scalar.value)
    }

    static let stablePunctuation: Set<UInt32> = [0x00B7, 0x00D7, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2190, 0x2192]

    /// Splits normalised text into pieces and identifiers.
    public static func analyze(_ text: String) -> Analysis {
        let normalized = normalize(text)
        let scalars = Array(normalized.unicodeScalars)
        // A piece is cut from the bytes, which is a copy, where building it scalar by scalar went
        // through a generic append.
        let bytes = Array(normalized.utf8)
        let offsets = bytes.withUnsafeBufferPointer(scalarOffsets)
        func slice(_ range: Range<Int>) -> String {
            bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[offsets[range.lowerBound]..<offsets[range.upperBound]]), as: UTF8.self) }
        }
        var pieces: [Piece] = []
        var identifiers: [String] = []
        var index = 0
        // The identifier being built: its first piece's index and its text so far.
        var chain: (first: Int, text: String)?
        var previousEndedWithWordBeforeJoiner = false

        func closeChain() {
            if let current = chain, pieces.count - current.first >= 2 {
                let id = identifiers.count
                identifiers.append(current.text)
                for i in current.first..<pieces.count { pieces[i].identifier = id }
            }
            chain = nil
        }

        while index < scalars.count {
            let kind = Self.kind(scalars[index])
            switch kind {
            case .word, .hangul:
                var end = index
                while end < scalars.count, Self.kind(scalars[end]) == kind { end += 1 }
                var piece = slice(index..<end)
                if kind == .word {
                    if previousEndedWithWordBeforeJoiner, var current = chain {
                        current.text += String(scalars[index - 1]) + piece
                        chain = current
                    } else {
                        closeChain()
                        chain = (pieces.count, piece)
                    }
                    pieces.append(Piece(text: piece, script: .word, identifier: nil))
                } else {
                    closeChain()
                    pieces.append(Piece(text: piece, script: .hangul, identifier: nil))
                    piece = ""
                }
                previousEndedWithWordBeforeJoiner = false
                index = end
                // A single joiner followed by a word piece continues the identifier.
                if kind == .word, index + 1 < scalars.count, Self.kind(scalars[index]) == .joiner, Self.kind(scalars[index + 1]) == .word {
                    previousEndedWithWordBeforeJoiner = true
                    index += 1
                } else if kind == .word {
                    closeChain()
                }
            case .joiner, .separator:
                closeChain()
                previousEndedWithWordBeforeJoiner = false
                index += 1
            }
        }
        closeChain()
        return Analysis(pieces: pieces, identifiers: identifiers)
    }

    /// The tokens of `text`, in order, duplicates kept.
    public static func tokenize(_ text: String) -> [String] {
        tokens(of: analyze(text))
    }

    /// `tokenize`'s tokens from an analysis already made.
    public static func tokens(of analysis: Analysis) -> [String] {
        var tokens: [String] = []
        for (index, piece) in analysis.pieces.enumerated() {
            switch piece.script {
            case .word:
                tokens.append(piece.text)
                if let id = piece.identifier, index + 1 == analysis.pieces.count || analysis.pieces[index + 1].identifier != id {
                    tokens.append(analysis.identifiers[id])
                }
            case .hangul:
                tokens += bigrams(piece.text)
            }
        }
        return tokens.filter { $0.unicodeScalars.count <= maximumTokenLength }
    }

    /// `디스크가` → `디스`, `스크`, `크가`; one syllable stays itself.
    public static func bigrams(_ hangul: String) -> [String] {
        var hangul = hangul
        return hangul.withUTF8 { bytes in
            // A bigram is the bytes of two scalars.
            let offsets = scalarOffsets(bytes)
            guard offsets.count >= 3 else { return [String(decoding: bytes, as: UTF8.self)] }
            return (0..<(offsets.count - 2)).map { String(decoding: UnsafeBufferPointer(rebasing: bytes[offsets[$0]..<offsets[$0 + 2]]), as: UTF8.self) }
        }
    }

    /// Where each scalar of valid UTF-8 starts (the bytes that are not continuation bytes), and
    /// the end.
    static func scalarOffsets(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        var offsets: [Int] = []
        offsets.reserveCapacity(bytes.count + 1)
        for (index, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 { offsets.append(index) }
        offsets.append(bytes.count)
        return offsets
    }

    /// Hangul pieces of two or more syllables (indexed as `~word` for the adjacency bonus).
    public static func hangulWords(_ text: String) -> [String] {
        hangulWords(of: analyze(text))
    }

    /// `hangulWords`' words from an analysis already made.
    public static func hangulWords(of analysis: Analysis) -> [String] {
        analysis.pieces.map(\.text).filter { piece in
            let count = piece.unicodeScalars.count
            return count >= 2 && count <= maximumTokenLength && Self.kind(piece.unicodeScalars.first!) == .hangul
        }
    }
}
