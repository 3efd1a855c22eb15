import DltafLoad
import Foundation

/// What the reader thread of a unit hands the writer: typed rows, or COPY text passed through.
enum TransferItem: Sendable {
    case batch(RowBatch)
    /// Rows in PostgreSQL COPY text, and how many.
    case copyText([UInt8], rows: Int)
    /// A piece of a binary COPY stream (header and trailer included), and the rows in it.
    case copyBinary([UInt8], rows: Int)
}

/// A bounded queue between a unit's reader thread (the source) and its writer (the destination), so both cores
/// work and at most `capacity` items are in memory; either side can stop the other.
final class Handoff: @unchecked Sendable {
    // Every stored property is read and written under `condition`.
    private let condition = NSCondition()
    private var items: [TransferItem] = []
    private var finished = false
    private var failure: SQLSourceError?
    private var cancelled = false
    private var readerDone = false
    private let capacity: Int

    init(capacity: Int = 3) { self.capacity = capacity }

    /// Reader: waits for room; false when the writer stopped (the reader should end).
    func put(_ item: TransferItem) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity, !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Reader: the source is exhausted, or failed.
    func finish(_ error: SQLSourceError?) {
        condition.lock()
        finished = true
        failure = error
        readerDone = true
        condition.broadcast()
        condition.unlock()
    }

    /// Writer: the next item; nil at the end. Throws the reader's failure once the items before it are taken.
    func take() throws(SQLSourceError) -> TransferItem? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty, !finished { condition.wait() }
        if !items.isEmpty {
            let item = items.removeFirst()
            condition.broadcast()
            return item
        }
        if let failure { throw failure }
        return nil
    }

    /// Writer: stop the reader and wait until it has returned (so its cursor can be closed).
    func cancelAndWait() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        while !readerDone { condition.wait() }
        condition.unlock()
    }
}

/// A value handed to one other thread that alone uses it from then on (a source cursor to its reader thread).
struct HandedOver<Value>: @unchecked Sendable {
    let value: Value
}
