import Foundation
import Parallel
import Testing

/// The slots concurrent iterations fill: every index's value, in order, whatever the interleaving.
@Suite struct ParallelSlotsTests {
    @Test func iterationsFillTheirOwnSlots() {
        let count = 50_000
        let slots = ParallelSlots<String>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            // Some slots left empty; values that live on the heap, so a torn write would show.
            if index % 7 != 0 { slots[index] = String(repeating: "슬롯", count: 1 + index % 5) + "\(index)" }
        }
        let expected = (0..<count).map { $0 % 7 == 0 ? nil : String(repeating: "슬롯", count: 1 + $0 % 5) + "\($0)" }
        #expect(slots.slots == expected)
        #expect(slots.values == expected.compactMap { $0 })
        #expect(slots.count == count)
        // A slot read and written again by the same iteration.
        DispatchQueue.concurrentPerform(iterations: count) { index in
            if let value = slots[index] { slots[index] = value + "!" } else { slots[index] = nil }
        }
        #expect(slots.values.allSatisfy { $0.hasSuffix("!") } && slots.values.count == expected.compactMap { $0 }.count)
        #expect(ParallelSlots<Int>(count: 0).values.isEmpty)
    }
}
