import Foundation

/// The binary form of the parsed-item cache's entries (`ParsedItemCache`): each type writes its
/// fields in a fixed order and reads them back in that order. Reading an item back is some ten
/// times cheaper than parsing its YAML again, and several times cheaper than going through
/// `Codable`'s keyed containers, which looked each field up by name and re-parsed every timestamp
/// from its text. It is not an interchange format: only the build of the tool that wrote it reads it
/// (the cache's key holds the executable), and bytes that do not read back whole are an error, which
/// the cache treats as a miss.
///
/// Integers are LEB128 (zigzagged), strings their byte length and UTF-8, optionals a 0 or 1 byte
/// before the value, arrays their count before the elements, doubles their 8 bytes.
protocol ItemCodable {
    func write(to writer: inout ItemWriter)
    init(from reader: inout ItemReader) throws(ItemReader.Failure)
}

struct ItemWriter {
    private(set) var bytes: [UInt8] = []

    static func encode(_ value: some ItemCodable) -> [UInt8] {
        var writer = ItemWriter()
        writer.bytes.reserveCapacity(512)
        value.write(to: &writer)
        return writer.bytes
    }

    mutating func int(_ value: Int) {
        var rest = UInt64(bitPattern: Int64((value << 1) ^ (value >> (Int.bitWidth - 1))))
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func double(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            int(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func word<T: RawRepresentable>(_ value: T) where T.RawValue == String { string(value.rawValue) }

    mutating func value(_ value: some ItemCodable) { value.write(to: &self) }

    mutating func optional<T>(_ value: T?, _ write: (inout ItemWriter, T) -> Void) {
        bool(value != nil)
        if let value { write(&self, value) }
    }

    mutating func optional(_ value: String?) { optional(value) { $0.string($1) } }

    mutating func array<T>(_ values: [T], _ write: (inout ItemWriter, T) -> Void) {
        int(values.count)
        for value in values { write(&self, value) }
    }

    mutating func strings(_ values: [String]) { array(values) { $0.string($1) } }

    mutating func values(_ values: [some ItemCodable]) { array(values) { $1.write(to: &$0) } }
}

/// Reads what `ItemWriter` wrote, checking every length against the bytes left.
struct ItemReader {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Valid only inside the `withUnsafeBytes` of `decode`.
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    static func decode<T: ItemCodable>(_ type: T.Type, from bytes: [UInt8]) throws(Failure) -> T {
        let result: Result<T, Failure> = bytes.withUnsafeBytes { buffer in
            var reader = ItemReader(buffer)
            do throws(Failure) {
                let value = try T(from: &reader)
                guard reader.offset == buffer.count else { throw Failure(description: "bytes left over") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private mutating func byte() throws(Failure) -> UInt8 {
        guard offset < bytes.count else { throw Failure(description: "truncated") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func int() throws(Failure) -> Int {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw Failure(description: "integer too long") }
            result |= UInt64(next & 0x7F) << shift
            if next < 0x80 { break }
            shift += 7
        }
        return Int(truncatingIfNeeded: Int64(bitPattern: (result >> 1) ^ (0 &- (result & 1))))
    }

    /// A count of things that each take at least a byte: never more than the bytes left.
    mutating func count() throws(Failure) -> Int {
        let count = try int()
        guard count >= 0, count <= bytes.count - offset else { throw Failure(description: "count beyond the end") }
        return count
    }

    mutating func bool() throws(Failure) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw Failure(description: "not a boolean")
        }
    }

    mutating func double() throws(Failure) -> Double {
        guard bytes.count - offset >= 8 else { throw Failure(description: "truncated") }
        var pattern: UInt64 = 0
        withUnsafeMutableBytes(of: &pattern) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 8])) }
        offset += 8
        return Double(bitPattern: UInt64(littleEndian: pattern))
    }

    mutating func string() throws(Failure) -> String {
        let length = try count()
        defer { offset += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
    }

    mutating func word<T: RawRepresentable>(_ type: T.Type = T.self) throws(Failure) -> T where T.RawValue == String {
        let text = try string()
        guard let value = T(rawValue: text) else { throw Failure(description: "not a \(T.self): \(text)") }
        return value
    }

    mutating func value<T: ItemCodable>(_ type: T.Type = T.self) throws(Failure) -> T { try T(from: &self) }

    mutating func optional<T>(_ read: (inout ItemReader) throws(Failure) -> T) throws(Failure) -> T? {
        try bool() ? try read(&self) : nil
    }

    mutating func optional() throws(Failure) -> String? { try optional { reader throws(Failure) in try reader.string() } }

    mutating func array<T>(_ read: (inout ItemReader) throws(Failure) -> T) throws(Failure) -> [T] {
        let count = try count()
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try read(&self)) }
        return values
    }

    mutating func strings() throws(Failure) -> [String] { try array { reader throws(Failure) in try reader.string() } }

    mutating func values<T: ItemCodable>(_ type: T.Type = T.self) throws(Failure) -> [T] {
        try array { reader throws(Failure) in try T(from: &reader) }
    }
}

// MARK: The items and their parts

extension SourceLocation: ItemCodable {
    func write(to writer: inout ItemWriter) {
        writer.string(file)
        writer.int(line)
        writer.int(column)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        self.init(file: try reader.string(), line: try reader.int(), column: try reader.int())
    }
}

extension Day: ItemCodable {
    func write(to writer: inout ItemWriter) {
        writer.int(year)
        writer.int(month)
        writer.int(day)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        guard let day = Day(year: try reader.int(), month: try reader.int(), day: try reader.int()) else {
            throw ItemReader.Failure(description: "not a date")
        }
        self = day
    }
}

extension Timestamp: ItemCodable {
    func write(to writer: inout ItemWriter) {
        writer.double(date.timeIntervalSinceReferenceDate)
        writer.int(utcOffset)
        writer.string(text)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        self.init(date: Date(timeIntervalSinceReferenceDate: try reader.double()), utcOffset: try reader.int(), text: try reader.string())
    }
}

extension ControlReference: ItemCodable {
    func write(to writer: inout ItemWriter) {
        writer.word(framework)
        writer.string(id)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        self.init(framework: try reader.word(), id: try reader.string())
    }
}

extension EvidenceReference: ItemCodable {
    func write(to writer: inout ItemWriter) {
        writer.string(file)
        writer.optional(caption)
        writer.value(location)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        self.init(file: try reader.string(), caption: try reader.optional(), location: try reader.value())
    }
}

extension Diagnostic: ItemCodable {
    /// Its position as a `SourceLocation`'s, then the severity and the message.
    func write(to writer: inout ItemWriter) {
        writer.value(location)
        writer.word(severity)
        writer.string(message)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        let location: SourceLocation = try reader.value()
        self.init(file: location.file, line: location.line, column: location.column, severity: try reader.word(), message: try reader.string())
    }
}

extension Finding.Metric: ItemCodable {
    func write(to writer: inout ItemWriter) {
        writer.string(name)
        writer.optional(unit)
        for value in [before, after, target] { writer.optional(value) { $0.double($1) } }
        writer.word(better)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        func number(_ reader: inout ItemReader) throws(ItemReader.Failure) -> Double? {
            try reader.optional { reader throws(ItemReader.Failure) in try reader.double() }
        }
        self.init(name: try reader.string(), unit: try reader.optional(), before: try number(&reader), after: try number(&reader),
                  target: try number(&reader), better: try reader.word())
    }
}

extension Finding: ItemCodable {
    func write(to writer: inout ItemWriter) {
        writer.string(id)
        writer.string(title)
        writer.optional(summary)
        writer.word(severity)
        writer.word(category)
        writer.word(status)
        writer.strings(systems)
        writer.strings(tags)
        writer.optional(detected) { $0.value($1) }
        writer.optional(due) { $0.value($1) }
        writer.optional(owner)
        writer.optional(effort) { $0.word($1) }
        writer.values(controls)
        writer.values(metrics)
        writer.values(evidence)
        writer.word(audience)
        writer.string(body)
        writer.value(location)
        writer.int(bodyLine)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        self.init(
            id: try reader.string(), title: try reader.string(), summary: try reader.optional(),
            severity: try reader.word(), category: try reader.word(), status: try reader.word(),
            systems: try reader.strings(), tags: try reader.strings(),
            detected: try reader.optional { reader throws(ItemReader.Failure) in try reader.value() },
            due: try reader.optional { reader throws(ItemReader.Failure) in try reader.value() },
            owner: try reader.optional(),
            effort: try reader.optional { reader throws(ItemReader.Failure) in try reader.word() },
            controls: try reader.values(), metrics: try reader.values(), evidence: try reader.values(),
            audience: try reader.word(), body: try reader.string(), location: try reader.value(), bodyLine: try reader.int())
    }
}

extension Incident.TimelineEntry: ItemCodable {
    func write(to writer: inout ItemWriter) {
        writer.value(at)
        writer.word(kind)
        writer.string(text)
        writer.optional(by)
        writer.value(location)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        self.init(at: try reader.value(), kind: try reader.word(), text: try reader.string(), by: try reader.optional(), location: try reader.value())
    }
}

extension Incident.Action: ItemCodable {
    func write(to writer: inout ItemWriter) {
        writer.string(text)
        writer.optional(owner)
        writer.optional(due) { $0.value($1) }
        writer.word(status)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        self.init(text: try reader.string(), owner: try reader.optional(),
                  due: try reader.optional { reader throws(ItemReader.Failure) in try reader.value() }, status: try reader.word())
    }
}

extension Incident: ItemCodable {
    func write(to writer: inout ItemWriter) {
        writer.string(id)
        writer.string(title)
        writer.word(severity)
        writer.strings(systems)
        writer.word(status)
        writer.optional(summary)
        writer.optional(impact)
        writer.optional(rootCause)
        writer.values(timeline)
        writer.values(actions)
        writer.strings(related)
        writer.values(controls)
        writer.values(evidence)
        writer.word(audience)
        writer.string(body)
        writer.value(location)
        writer.int(bodyLine)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        self.init(
            id: try reader.string(), title: try reader.string(), severity: try reader.word(), systems: try reader.strings(),
            status: try reader.word(), summary: try reader.optional(), impact: try reader.optional(), rootCause: try reader.optional(),
            timeline: try reader.values(), actions: try reader.values(), related: try reader.strings(),
            controls: try reader.values(), evidence: try reader.values(),
            audience: try reader.word(), body: try reader.string(), location: try reader.value(), bodyLine: try reader.int())
    }
}

extension Article: ItemCodable {
    func write(to writer: inout ItemWriter) {
        writer.string(id)
        writer.string(title)
        writer.word(kind)
        writer.strings(tags)
        writer.strings(systems)
        writer.strings(related)
        writer.word(audience)
        writer.string(body)
        writer.value(location)
        writer.int(bodyLine)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        self.init(
            id: try reader.string(), title: try reader.string(), kind: try reader.word(), tags: try reader.strings(),
            systems: try reader.strings(), related: try reader.strings(),
            audience: try reader.word(), body: try reader.string(), location: try reader.value(), bodyLine: try reader.int())
    }
}

extension ItemReference: ItemCodable {
    func write(to writer: inout ItemWriter) {
        writer.string(id)
        writer.bool(target == .anyItem)
        writer.value(location)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        self.init(id: try reader.string(), target: try reader.bool() ? .anyItem : .finding, location: try reader.value())
    }
}

extension WorkspaceLoader.DecodedItem: ItemCodable {
    func write(to writer: inout ItemWriter) {
        switch self {
        case .finding(let finding):
            writer.int(0)
            writer.value(finding)
        case .incident(let incident, let references):
            writer.int(1)
            writer.value(incident)
            writer.values(references)
        case .article(let article, let references):
            writer.int(2)
            writer.value(article)
            writer.values(references)
        }
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        switch try reader.int() {
        case 0: self = .finding(try reader.value())
        case 1: self = .incident(try reader.value(), try reader.values())
        case 2: self = .article(try reader.value(), try reader.values())
        default: throw ItemReader.Failure(description: "not an item kind")
        }
    }
}

extension WorkspaceLoader.ItemIdentity: ItemCodable {
    func write(to writer: inout ItemWriter) {
        writer.string(id)
        writer.string(kind)
        writer.value(location)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        self.init(id: try reader.string(), kind: try reader.string(), location: try reader.value())
    }
}

extension ParsedItemCache.Parsed: ItemCodable {
    func write(to writer: inout ItemWriter) {
        writer.optional(item) { $0.value($1) }
        writer.optional(identity) { $0.value($1) }
        writer.values(diagnostics)
    }

    init(from reader: inout ItemReader) throws(ItemReader.Failure) {
        self.init(item: try reader.optional { reader throws(ItemReader.Failure) in try reader.value() },
                  identity: try reader.optional { reader throws(ItemReader.Failure) in try reader.value() },
                  diagnostics: try reader.values())
    }
}
