import Foundation

/// A compact binary form of `Codable` values, for the build cache's parsed items: reading an item
/// back this way is several times cheaper than parsing its YAML front matter again. It is not an
/// interchange format: only the build of the tool that wrote it reads it (the cache's key holds the
/// executable), and anything unexpected reads as an error, which the cache treats as a miss.
///
/// Each value is a tag byte and its payload: nil; false; true; a signed or unsigned integer
/// (LEB128, signed ones zigzagged); a double (its 8 bytes); a string (length, UTF-8); an array or an
/// object (the byte length of the rest as 4 bytes, the element count, then the elements, each of an
/// object's preceded by its key as a string payload).
enum BinaryCoder {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var output: [UInt8] = []
        write(try EncodedTree.encode(value, writer: "BinaryCoder") ?? .null, to: &output)
        return output
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let reader = Reader(bytes)
        guard !bytes.isEmpty, try reader.end(of: 0) == bytes.count else { throw Failure(description: "truncated or trailing bytes") }
        return try T(from: Decoder(reader: reader, offset: 0, path: nil))
    }

    // MARK: Tags

    fileprivate enum Tag: UInt8 {
        case null = 0, no, yes, signed, unsigned, double, string, array, object
    }

    // MARK: Encoding (the tree, then bytes: containers need their lengths first)

    private typealias Node = EncodedTree.Node

    private static func varint(_ value: UInt64, to output: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            output.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        output.append(UInt8(value))
    }

    private static func write(_ node: Node, to output: inout [UInt8]) {
        switch node.resolved(unset: .null) {
        case .null: output.append(Tag.null.rawValue)
        case .bool(let value): output.append(value ? Tag.yes.rawValue : Tag.no.rawValue)
        case .signed(let value):
            output.append(Tag.signed.rawValue)
            varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)), to: &output)
        case .unsigned(let value):
            output.append(Tag.unsigned.rawValue)
            varint(value, to: &output)
        case .double(let value):
            output.append(Tag.double.rawValue)
            withUnsafeBytes(of: value.bitPattern.littleEndian) { output.append(contentsOf: $0) }
        case .string(let value):
            output.append(Tag.string.rawValue)
            writeString(value, to: &output)
        case .array(let array):
            writeContainer(.array, count: array.items.count, to: &output) { output in
                for item in array.items { write(item, to: &output) }
            }
        case .object(let object):
            writeContainer(.object, count: object.members.count, to: &output) { output in
                for (key, value) in object.members {
                    writeString(key, to: &output)
                    write(value, to: &output)
                }
            }
        case .encoded: preconditionFailure("BinaryCoder's rules refuse fragments")
        case .pending: preconditionFailure("resolved above")
        }
    }

    private static func writeString(_ value: String, to output: inout [UInt8]) {
        varint(UInt64(value.utf8.count), to: &output)
        output.append(contentsOf: value.utf8)
    }

    private static func writeContainer(_ tag: Tag, count: Int, to output: inout [UInt8], body: (inout [UInt8]) -> Void) {
        output.append(tag.rawValue)
        let lengthAt = output.count
        output.append(contentsOf: [0, 0, 0, 0])
        varint(UInt64(count), to: &output)
        body(&output)
        let length = UInt32(output.count - lengthAt - 4)
        withUnsafeBytes(of: length.littleEndian) { bytes in
            for index in 0..<4 { output[lengthAt + index] = bytes[index] }
        }
    }

    // MARK: Decoding (straight from the bytes)

    fileprivate final class Reader {
        let bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        func failure(_ what: String, at offset: Int) -> Failure { Failure(description: "\(what) at byte \(offset)") }

        func tag(at offset: Int) throws -> Tag {
            guard offset < bytes.count, let tag = Tag(rawValue: bytes[offset]) else { throw failure("no value", at: offset) }
            return tag
        }

        /// A LEB128 number at `offset`, and the offset after it.
        func varint(at offset: Int) throws -> (value: UInt64, next: Int) {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            var position = offset
            while true {
                guard position < bytes.count, shift < 64 else { throw failure("bad number", at: offset) }
                let byte = bytes[position]
                value |= UInt64(byte & 0x7F) << shift
                position += 1
                if byte < 0x80 { return (value, position) }
                shift += 7
            }
        }

        /// The string payload at `offset` (length and bytes), and the offset after it.
        func string(at offset: Int) throws -> (value: String, next: Int) {
            let (length, start) = try varint(at: offset)
            guard length <= UInt64(bytes.count - start) else { throw failure("string past the end", at: offset) }
            let end = start + Int(length)
            let value = bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
            return (value, end)
        }

        /// The offset just after the value at `offset`.
        func end(of offset: Int) throws -> Int {
            switch try tag(at: offset) {
            case .null, .no, .yes: return offset + 1
            case .signed, .unsigned: return try varint(at: offset + 1).next
            case .double:
                guard offset + 9 <= bytes.count else { throw failure("double past the end", at: offset) }
                return offset + 9
            case .string:
                let (length, start) = try varint(at: offset + 1)
                guard length <= UInt64(bytes.count - start) else { throw failure("string past the end", at: offset) }
                return start + Int(length)
            case .array, .object:
                guard offset + 5 <= bytes.count else { throw failure("container past the end", at: offset) }
                var length: UInt32 = 0
                for index in 0..<4 { length |= UInt32(bytes[offset + 1 + index]) << (8 * UInt32(index)) }
                guard Int(length) <= bytes.count - offset - 5 else { throw failure("container past the end", at: offset) }
                return offset + 5 + Int(length)
            }
        }

        /// The container at `offset`: its element count and the offset of its first element. The
        /// count is checked against the container's bytes (an element takes at least one, an
        /// object's member at least two), so a damaged count is an error, not a huge allocation.
        func container(_ expected: Tag, at offset: Int) throws -> (count: Int, first: Int) {
            guard try tag(at: offset) == expected else { throw failure("expected \(expected)", at: offset) }
            let end = try end(of: offset)
            let (count, first) = try varint(at: offset + 5)
            guard first <= end, count <= UInt64(end - first) / (expected == .object ? 2 : 1) else {
                throw failure("element count past the container", at: offset)
            }
            return (Int(count), first)
        }

        func integer<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) throws -> T {
            switch try tag(at: offset) {
            case .signed:
                let raw = try varint(at: offset + 1).value
                let value = Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
                guard let result = T(exactly: value) else { throw failure("\(value) does not fit \(T.self)", at: offset) }
                return result
            case .unsigned:
                let value = try varint(at: offset + 1).value
                guard let result = T(exactly: value) else { throw failure("\(value) does not fit \(T.self)", at: offset) }
                return result
            default: throw failure("expected an integer", at: offset)
            }
        }

        func double(at offset: Int) throws -> Double {
            guard try tag(at: offset) == .double else { throw failure("expected a double", at: offset) }
            _ = try end(of: offset)
            var bits: UInt64 = 0
            for index in 0..<8 { bits |= UInt64(bytes[offset + 1 + index]) << (8 * UInt64(index)) }
            return Double(bitPattern: bits)
        }

        func bool(at offset: Int) throws -> Bool {
            switch try tag(at: offset) {
            case .yes: return true
            case .no: return false
            default: throw failure("expected a boolean", at: offset)
            }
        }

        func text(at offset: Int) throws -> String {
            guard try tag(at: offset) == .string else { throw failure("expected a string", at: offset) }
            return try string(at: offset + 1).value
        }

        func decode<T: Decodable>(_ type: T.Type, at offset: Int, path: Path?) throws -> T {
            if T.self == String.self { return try text(at: offset) as! T }
            return try T(from: Decoder(reader: self, offset: offset, path: path))
        }
    }

    /// A coding path as a chain from the innermost key out, made into an array only when asked
    /// for (errors): nesting a value costs one small object instead of a copy of the whole path.
    fileprivate final class Path {
        let key: any CodingKey
        let parent: Path?
        init(_ key: any CodingKey, parent: Path?) {
            self.key = key
            self.parent = parent
        }

        static func keys(_ path: Path?) -> [any CodingKey] {
            var keys: [any CodingKey] = []
            var node = path
            while let current = node {
                keys.append(current.key)
                node = current.parent
            }
            return keys.reversed()
        }
    }

    fileprivate struct Decoder: Swift.Decoder {
        let reader: Reader
        let offset: Int
        let path: Path?
        var codingPath: [any CodingKey] { Path.keys(path) }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(try KeyedDecoding<Key>(reader: reader, offset: offset, path: path))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try UnkeyedDecoding(reader: reader, offset: offset, path: path)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer {
            SingleValueDecoding(reader: reader, offset: offset, path: path)
        }
    }

    fileprivate struct KeyedDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let reader: Reader
        let path: Path?
        var codingPath: [any CodingKey] { Path.keys(path) }
        /// Each member's key and the offset of its value, in the order written.
        private let members: [(key: String, offset: Int)]

        init(reader: Reader, offset: Int, path: Path?) throws {
            self.reader = reader
            self.path = path
            let (count, first) = try reader.container(.object, at: offset)
            var members: [(key: String, offset: Int)] = []
            members.reserveCapacity(count)
            var position = first
            for _ in 0..<count {
                let (key, valueOffset) = try reader.string(at: position)
                members.append((key, valueOffset))
                position = try reader.end(of: valueOffset)
            }
            self.members = members
        }

        var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

        func contains(_ key: Key) -> Bool { members.contains { $0.key == key.stringValue } }

        private func offset(_ key: Key) throws -> Int {
            guard let offset = presentOffset(key) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for \(key.stringValue)"))
            }
            return offset
        }

        /// The offset of `key`'s value, nil when it is absent or null (one search, where the
        /// protocol's default `decodeIfPresent` makes three).
        private func presentOffset(_ key: Key) -> Int? {
            let name = key.stringValue
            return members.first(where: { $0.key == name })?.offset
        }

        private func nonNullOffset(_ key: Key) throws -> Int? {
            guard let offset = presentOffset(key), try reader.tag(at: offset) != .null else { return nil }
            return offset
        }

        private func nested(_ key: Key) -> Path { Path(key, parent: path) }

        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try nonNullOffset(key).map { try reader.bool(at: $0) } }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try nonNullOffset(key).map { try reader.text(at: $0) } }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try nonNullOffset(key).map { try reader.double(at: $0) } }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try nonNullOffset(key).map { try reader.integer(type, at: $0) } }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            try nonNullOffset(key).map { try reader.decode(type, at: $0, path: nested(key)) }
        }

        func decodeNil(forKey key: Key) throws -> Bool { try reader.tag(at: offset(key)) == .null }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try reader.bool(at: offset(key)) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try reader.text(at: offset(key)) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try reader.double(at: offset(key)) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try reader.double(at: offset(key))) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try reader.integer(type, at: offset(key)) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try reader.integer(type, at: offset(key)) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try reader.integer(type, at: offset(key)) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try reader.integer(type, at: offset(key)) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try reader.integer(type, at: offset(key)) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try reader.integer(type, at: offset(key)) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try reader.integer(type, at: offset(key)) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try reader.integer(type, at: offset(key)) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try reader.integer(type, at: offset(key)) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try reader.integer(type, at: offset(key)) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try reader.decode(type, at: offset(key), path: nested(key))
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            KeyedDecodingContainer(try KeyedDecoding<NestedKey>(reader: reader, offset: offset(key), path: nested(key)))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try UnkeyedDecoding(reader: reader, offset: offset(key), path: nested(key))
        }

        func superDecoder() throws -> any Swift.Decoder {
            guard let member = members.first(where: { $0.key == "super" }) else { throw Failure(description: "no super value") }
            return Decoder(reader: reader, offset: member.offset, path: path)
        }

        func superDecoder(forKey key: Key) throws -> any Swift.Decoder {
            Decoder(reader: reader, offset: try offset(key), path: nested(key))
        }
    }

    fileprivate struct UnkeyedDecoding: UnkeyedDecodingContainer {
        let reader: Reader
        let path: Path?
        var codingPath: [any CodingKey] { Path.keys(path) }
        let count: Int?
        private(set) var currentIndex = 0
        private var position: Int

        init(reader: Reader, offset: Int, path: Path?) throws {
            self.reader = reader
            self.path = path
            let (count, first) = try reader.container(.array, at: offset)
            self.count = count
            self.position = first
        }

        var isAtEnd: Bool { currentIndex >= count ?? 0 }

        /// The offset of the next element, moving past it.
        private mutating func next() throws -> Int {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "no more elements"))
            }
            let offset = position
            position = try reader.end(of: offset)
            currentIndex += 1
            return offset
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, try reader.tag(at: position) == .null else { return false }
            _ = try next()
            return true
        }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try reader.bool(at: next()) }
        mutating func decode(_ type: String.Type) throws -> String { try reader.text(at: next()) }
        mutating func decode(_ type: Double.Type) throws -> Double { try reader.double(at: next()) }
        mutating func decode(_ type: Float.Type) throws -> Float { Float(try reader.double(at: next())) }
        mutating func decode(_ type: Int.Type) throws -> Int { try reader.integer(type, at: next()) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try reader.integer(type, at: next()) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try reader.integer(type, at: next()) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try reader.integer(type, at: next()) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try reader.integer(type, at: next()) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try reader.integer(type, at: next()) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.integer(type, at: next()) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.integer(type, at: next()) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.integer(type, at: next()) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.integer(type, at: next()) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let offset = try next()
            return try reader.decode(type, at: offset, path: path)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            KeyedDecodingContainer(try KeyedDecoding<NestedKey>(reader: reader, offset: try next(), path: path))
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try UnkeyedDecoding(reader: reader, offset: try next(), path: path)
        }

        mutating func superDecoder() throws -> any Swift.Decoder {
            Decoder(reader: reader, offset: try next(), path: path)
        }
    }

    fileprivate struct SingleValueDecoding: SingleValueDecodingContainer {
        let reader: Reader
        let offset: Int
        let path: Path?
        var codingPath: [any CodingKey] { Path.keys(path) }

        func decodeNil() -> Bool { (try? reader.tag(at: offset)) == .null }
        func decode(_ type: Bool.Type) throws -> Bool { try reader.bool(at: offset) }
        func decode(_ type: String.Type) throws -> String { try reader.text(at: offset) }
        func decode(_ type: Double.Type) throws -> Double { try reader.double(at: offset) }
        func decode(_ type: Float.Type) throws -> Float { Float(try reader.double(at: offset)) }
        func decode(_ type: Int.Type) throws -> Int { try reader.integer(type, at: offset) }
        func decode(_ type: Int8.Type) throws -> Int8 { try reader.integer(type, at: offset) }
        func decode(_ type: Int16.Type) throws -> Int16 { try reader.integer(type, at: offset) }
        func decode(_ type: Int32.Type) throws -> Int32 { try reader.integer(type, at: offset) }
        func decode(_ type: Int64.Type) throws -> Int64 { try reader.integer(type, at: offset) }
        func decode(_ type: UInt.Type) throws -> UInt { try reader.integer(type, at: offset) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.integer(type, at: offset) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.integer(type, at: offset) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.integer(type, at: offset) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.integer(type, at: offset) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.decode(type, at: offset, path: path) }
    }
}
