/// Deadlines in order, each with the id of what is due then: a binary min-heap. Cancelled ids
/// are left in place and skipped by the owner when they come up (cheaper than a search).
///
/// Deadlines are kept as `Duration`s since a process-wide origin: `ContinuousClock.Instant` is
/// not frozen, so an entry holding one is copied and compared through the runtime's value
/// witnesses, which perf showed as most of the heap's cost at 20,000 timers a second.
struct TimerQueue {
    struct Entry {
        /// Since `TimerQueue.origin`.
        var deadline: Duration
        var id: UInt64
        /// The descriptor of the connect this entry times out; nil for a timer with an action.
        var fd: Int32?

        init(deadline: ContinuousClock.Instant, id: UInt64, fd: Int32? = nil) {
            self.deadline = TimerQueue.origin.duration(to: deadline)
            self.id = id
            self.fd = fd
        }
    }

    static let origin = ContinuousClock.now

    private var heap: [Entry] = []

    var isEmpty: Bool { heap.isEmpty }

    /// The earliest entry.
    var first: Entry? { heap.first }

    mutating func insert(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes every entry due at `now`, earliest first, handing each to `body`.
    mutating func popAllDue(at now: ContinuousClock.Instant, _ body: (Entry) -> Void) {
        let now = Self.origin.duration(to: now)
        while let entry = popDue(at: now) { body(entry) }
    }

    private mutating func popDue(at now: Duration) -> Entry? {
        guard let top = heap.first, top.deadline <= now else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return top }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
