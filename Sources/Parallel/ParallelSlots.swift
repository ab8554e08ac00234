import Foundation

/// Slots written by concurrent iterations (`DispatchQueue.concurrentPerform`), each index by
/// exactly one of them, then read in index order.
public final class ParallelSlots<Value: Sendable>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()

    public init(count: Int) { storage = Array(repeating: nil, count: count) }

    public subscript(index: Int) -> Value? {
        get { lock.withLock { storage[index] } }
        set { lock.withLock { storage[index] = newValue } }
    }

    /// The values set, in index order.
    public var values: [Value] { lock.withLock { storage.compactMap { $0 } } }
}
