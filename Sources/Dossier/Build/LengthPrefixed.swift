/// The framing of the build cache's binary files (the memo, the parsed items): numbers as 4 bytes,
/// little-endian, and byte strings each preceded by its length as such a number.
struct LengthPrefixedWriter {
    private(set) var bytes: [UInt8] = []

    init(reserving capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func number(_ value: Int) {
        withUnsafeBytes(of: UInt32(value).littleEndian) { bytes += $0 }
    }

    mutating func field<Bytes: Collection>(_ value: Bytes) where Bytes.Element == UInt8 {
        number(value.count)
        bytes += value
    }

    mutating func field(_ text: String) { field(text.utf8) }

    mutating func append<Bytes: Collection>(raw: Bytes) where Bytes.Element == UInt8 { bytes += raw }

    /// Hands the bytes written so far to `write` and starts again (for writing a file in pieces).
    mutating func drain(into write: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try bytes.withUnsafeBytes(write)
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Reads what `LengthPrefixedWriter` wrote; nil from any read that would pass the end.
struct LengthPrefixedReader {
    private let buffer: UnsafeRawBufferPointer
    /// Where the next read starts.
    private(set) var offset: Int

    init(_ buffer: UnsafeRawBufferPointer, from offset: Int = 0) {
        self.buffer = buffer
        self.offset = offset
    }

    var isAtEnd: Bool { offset >= buffer.count }

    mutating func number() -> Int? {
        guard offset + 4 <= buffer.count else { return nil }
        let value = buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
        offset += 4
        return Int(value)
    }

    mutating func field() -> UnsafeRawBufferPointer? {
        guard let count = number(), count <= buffer.count - offset else { return nil }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + count)])
    }

    mutating func text() -> String? { field().map { String(decoding: $0, as: UTF8.self) } }
}
