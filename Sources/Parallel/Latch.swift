import Foundation

/// A gate opened once, after which every wait returns at once: for a value one thread makes and
/// others read when it is ready. (A semaphore that each waiter signals again as it passes.)
public final class Latch: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)

    public init() {}

    /// Opens the gate (once).
    public func open() { semaphore.signal() }

    /// Waits until the gate is open.
    public func wait() {
        semaphore.wait()
        semaphore.signal()
    }
}
