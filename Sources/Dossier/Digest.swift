import Crypto
import Foundation

/// SHA-256 digests as lower-case hex, the form `sha256sum` prints: one implementation for the
/// evidence pack, its verifier and the build cache.
enum Digest {
    /// SHA-256 of `data`, in hex.
    static func sha256(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// SHA-256 of `pieces` one after another, in hex.
    static func sha256(pieces: [Data]) -> String {
        var hasher = SHA256()
        for piece in pieces { hasher.update(data: piece) }
        return hex(hasher.finalize())
    }

    /// The SHA-256 of `text`'s UTF-8, hashed from the string's own storage.
    static func sha256(_ text: String) -> String {
        var text = text
        return text.withUTF8 { hex(SHA256.hash(data: UnsafeRawBufferPointer($0))) }
    }

    /// The bytes in lower-case hex, written straight into the string's storage.
    static func hex(_ bytes: some ContiguousBytes) -> String {
        bytes.withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: raw.count * 2) { text in
                for (index, byte) in raw.enumerated() {
                    text[2 * index] = digit(byte >> 4)
                    text[2 * index + 1] = digit(byte & 0x0F)
                }
                return raw.count * 2
            }
        }
    }

    private static func digit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
