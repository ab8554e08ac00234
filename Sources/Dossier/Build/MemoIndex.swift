import Foundation

extension BuildCache {
    /// Where each entry of the memo file is, kept in a file of its own beside it
    /// (`.dossier-cache/memo-index`, 36 bytes an entry), so that a rebuild finds the entries of a
    /// 100 MB memo without reading it through. It names the memo file it was written for (device,
    /// inode, size, modification time): for any other file it is not used, and the memo is read
    /// through as before. What it says of the file is checked as entries are read, so a damaged
    /// index costs cache misses, never a wrong read.
    ///
    /// Little-endian: the magic, the memo's device, inode, size, modification time (a Double's bits),
    /// the length of its whole entries, and the number of entries; then per entry the two numbers
    /// of its slot and the key's length (8, 8, 4 bytes), where the entry starts (8), and where its
    /// values start and it ends, counted from its start (4 and 4).
    enum MemoIndex {
        static let file = ".dossier-cache/memo-index"
        static let magic: UInt64 = 0x3178_6469_6F6D_656D  // "memoidx1" as bytes
        static let headerSize = 7 * 8
        static let entrySize = 36

        /// The entries, without the header (which names the file, known only once it is in place).
        /// Entries of one index after another's make one index: where a key has two, the later counts.
        static func encodeEntries(_ index: MemoTable.SlotTable) -> Data {
            var bytes = [UInt8]()
            bytes.reserveCapacity(index.count * entrySize)
            func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
            index.forEach { slot, entry in
                put(slot.head)
                put(slot.tail)
                put(UInt32(slot.length))
                put(UInt64(entry.start))
                put(UInt32(entry.values - entry.start))
                put(UInt32(entry.end - entry.start))
            }
            return Data(bytes)
        }

        /// The index file: the header for the memo file `identity` (whose whole entries end at
        /// `validLength`), then `entries` as `encodeEntries` made them.
        static func encode(entries: Data, count: Int, validLength: Int, identity: MemoTable.Identity) -> Data {
            var bytes = [UInt8]()
            bytes.reserveCapacity(headerSize + entries.count)
            for value in [magic, identity.device, identity.inode, UInt64(bitPattern: identity.size),
                          identity.modified.bitPattern, UInt64(validLength), UInt64(count)] {
                withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
            }
            bytes.append(contentsOf: entries)
            return Data(bytes)
        }

        /// The entries of the index file `data`, how many it lists and where the whole entries end,
        /// when it was written for the memo file `identity` of `fileLength` bytes and every entry
        /// lies within those entries; nil otherwise.
        static func decode(_ data: Data, identity: MemoTable.Identity, fileLength: Int) -> (MemoTable.SlotTable, Int, Int)? {
            data.withUnsafeBytes { raw -> (MemoTable.SlotTable, Int, Int)? in
                guard raw.count >= headerSize else { return nil }
                func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
                func u32(_ offset: Int) -> Int { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
                let named = MemoTable.Identity(device: u64(8), inode: u64(16), size: Int64(bitPattern: u64(24)),
                                               modified: Double(bitPattern: u64(32)))
                let validLength = u64(40), count = u64(48)
                guard u64(0) == magic, named == identity, validLength <= UInt64(fileLength),
                      count <= UInt64((raw.count - headerSize) / entrySize), raw.count == headerSize + Int(count) * entrySize else { return nil }
                let valid = Int(validLength)
                var index = MemoTable.SlotTable(capacity: Int(count))
                var offset = headerSize
                for _ in 0..<Int(count) {
                    let slot = MemoTable.Slot(head: u64(offset), tail: u64(offset + 8), length: u32(offset + 16))
                    let start = u64(offset + 20)
                    let values = u32(offset + 28), end = u32(offset + 32)
                    offset += entrySize
                    // A key's length, then the key, then at least the number of values, all before
                    // the end of the whole entries.
                    guard start < validLength, values == 4 + slot.length, end >= values + 4, Int(start) + end <= valid else { return nil }
                    index.set(slot, MemoTable.Entry(start: Int(start), values: Int(start) + values, end: Int(start) + end))
                }
                return (index, Int(count), valid)
            }
        }
    }
}
