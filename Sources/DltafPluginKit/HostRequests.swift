import DltafJSON
import DltafProtocol
import Synchronization

/// The plugin's own requests to the host (`data/*`): ids of their own, a pending map, answers matched by id.
///
/// Sending is synchronous and happens under the lock that hands out ids, so requests reach the wire in id
/// order even when several tasks send at once; awaiting an answer is a separate step.
final class HostRequests: Sendable {
    typealias Answer = Result<JSONValue, RPCError>
    private typealias Waiter = CheckedContinuation<Answer, Never>

    private enum Slot {
        case waiting(Waiter?)
        case answered(Answer)
    }

    private struct State {
        var nextID = 1
        var slots: [Int: Slot] = [:]
        var closed = false
    }

    private let output: OutputChannel
    private let state = Mutex(State())

    init(output: OutputChannel) {
        self.output = output
    }

    /// Sends a request and awaits its answer.
    func request(_ method: String, _ params: JSONValue) async -> Answer {
        await answer(send(method, params))
    }

    /// Sends a request now and returns its id, whose answer `answer(_:)` awaits.
    func send(_ method: String, _ params: JSONValue) -> Int {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            if state.closed {
                state.slots[id] = .answered(.failure(Self.hostGone))
            } else {
                state.slots[id] = .waiting(nil)
                output.send(.request(id: id, method: method, params: params))
            }
            return id
        }
    }

    /// The answer to request `id`, once it arrives.
    func answer(_ id: Int) async -> Answer {
        await withCheckedContinuation { (waiter: Waiter) in
            let ready: Answer? = state.withLock { state in
                if case .answered(let answer)? = state.slots[id] {
                    state.slots[id] = nil
                    return answer
                }
                state.slots[id] = .waiting(waiter)
                return nil
            }
            if let ready { waiter.resume(returning: ready) }
        }
    }

    /// Routes an answer from the host to its request; an id that is not pending is ignored.
    func resolve(_ id: Int, _ answer: Answer) {
        let waiter: Waiter? = state.withLock { state in
            guard case .waiting(let waiter)? = state.slots[id] else { return nil }
            if let waiter {
                state.slots[id] = nil
                return waiter
            }
            state.slots[id] = .answered(answer)
            return nil
        }
        waiter?.resume(returning: answer)
    }

    /// stdin closed: every pending request, and any sent later, fails.
    func close() {
        let waiters: [Waiter] = state.withLock { state in
            state.closed = true
            var waiters: [Waiter] = []
            for (id, slot) in state.slots {
                guard case .waiting(let waiter) = slot else { continue }
                if let waiter {
                    waiters.append(waiter)
                    state.slots[id] = nil
                } else {
                    state.slots[id] = .answered(.failure(Self.hostGone))
                }
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: .failure(Self.hostGone)) }
    }

    private static let hostGone = RPCError(
        code: RPCErrorCode.internalError, message: "the host closed the connection before answering")
}
