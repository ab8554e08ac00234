import Foundation

/// Slots written by concurrent iterations (`DispatchQueue.concurrentPerform`), each index by
/// exactly one of them, then read in index order. Inlinable, so that each use is specialized for
/// its value type: unspecialized, every access looked the type's metadata up in the runtime.
public final class ParallelSlots<Value: Sendable>: @unchecked Sendable {
    @usableFromInline var storage: [Value?]
    @usableFromInline let lock = NSLock()

    @inlinable
    public init(count: Int) { storage = Array(repeating: nil, count: count) }

    @inlinable
    public subscript(index: Int) -> Value? {
        get { lock.withLock { storage[index] } }
        set { lock.withLock { storage[index] = newValue } }
    }

    /// The values set, in index order.
    @inlinable
    public var values: [Value] { lock.withLock { storage.compactMap { $0 } } }
}
