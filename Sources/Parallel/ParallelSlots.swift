import Foundation

/// Slots written by concurrent iterations (`DispatchQueue.concurrentPerform`), each index by
/// exactly one of them, then read in index order. Inlinable, so that each use is specialized for
/// its value type: unspecialized, every access looked the type's metadata up in the runtime.
///
/// No lock: each slot is its own memory, allocated once, so iterations that write different
/// indexes never touch the same value, and `concurrentPerform` returns only after all of them,
/// which orders their writes before any read that follows. (A lock taken on every access cost
/// more than the accesses: 25,000 slots at a time, on both cores.) Reading or writing one index
/// from two iterations at once is not allowed.
public final class ParallelSlots<Value: Sendable>: @unchecked Sendable {
    @usableFromInline let storage: UnsafeMutablePointer<Value?>
    public let count: Int

    @inlinable
    public init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil, count: count)
    }

    @inlinable
    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    @inlinable
    public subscript(index: Int) -> Value? {
        get {
            precondition(index >= 0 && index < count, "slot out of range")
            return storage[index]
        }
        set {
            precondition(index >= 0 && index < count, "slot out of range")
            storage[index] = newValue
        }
    }

    /// The values set, in index order.
    @inlinable
    public var values: [Value] { UnsafeBufferPointer(start: storage, count: count).compactMap { $0 } }

    /// The values set, in index order, moved out of their slots, which are left empty: no copy of
    /// each value is made (a copy retains each reference a value holds, and freeing the slots
    /// released them again — for 11,000 search documents, on a thread the others share them with).
    @inlinable
    public func takeValues() -> [Value] {
        var result: [Value] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            if let value = (storage + index).move() { result.append(value) }
            (storage + index).initialize(to: nil)
        }
        return result
    }

    /// Every slot in index order, nil where none was set.
    @inlinable
    public var slots: [Value?] { Array(UnsafeBufferPointer(start: storage, count: count)) }
}
