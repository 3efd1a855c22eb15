import DltafJSON
import DltafProtocol
import Synchronization

/// The reader side of a connection: called on the backend's threads, in the order the plugin wrote.
extension PluginConnection {
    func receiveStdout(_ chunk: UnsafeBufferPointer<UInt8>) {
        stdoutSplitter.withLock { splitter in
            splitter.feed(chunk) { event in
                switch event {
                case .line(let line): handleLine(line)
                case .oversized(let prefix):
                    protocolViolation(
                        "it wrote a line longer than \(limits.maxLineBytes) bytes (starting \"\(Self.preview(prefix))\"); "
                            + "the limit is set with --max-line-bytes")
                }
            }
        }
    }

    /// Fails every call and stops the plugin: its output can no longer be trusted.
    func protocolViolation(_ why: String) {
        state.withLock { $0.unhealthy = true }
        failAll(.protocolViolation(why))
        kill()
    }

    private func handleLine(_ line: UnsafeBufferPointer<UInt8>) {
        if line.isEmpty { return }
        let message: RPCMessage
        do {
            message = try RPCMessage.decode(line)
        } catch {
            noise(line, reason: error.reason)
            return
        }
        state.withLock { $0.lastMessage = .now }
        switch message {
        case .response(let id, let result):
            complete(id, with: .success(result), fromPlugin: true)
        case .errorResponse(let id, let error):
            guard let id else {
                events(.log(level: .warning, message: "protocol error from plugin: \(error.message)", fields: nil))
                return
            }
            let method = state.withLock { $0.pending[id]?.method } ?? "request \(id)"
            complete(id, with: .failure(failure(method, .rpcError(error))), fromPlugin: true)
        case .notification(let method, let params):
            dispatchNotification(method, params)
        case .request(let id, let method, let params):
            let (child, handler) = state.withLock { ($0.child, $0.requestHandler) }
            let outcome =
                handler?(id, method, params)
                ?? .failure(RPCError(code: RPCErrorCode.methodNotFound, message: "method not found: \(method)"))
            // Serving may take a while (a load); the plugin was waiting, not idle.
            state.withLock { $0.lastMessage = .now }
            let answer: RPCMessage =
                switch outcome {
                case .success(let result): .response(id: id, result: result)
                case .failure(let error): .errorResponse(id: id, error: error)
                }
            try? child?.write(answer.encodedLine())
        }
    }

    private func noise(_ line: UnsafeBufferPointer<UInt8>, reason: String) {
        let prefix = Self.preview(Array(line.prefix(120)))
        let invalidText = reason.contains("UTF-8") ? " (invalid UTF-8)" : ""
        let beforeHandshake = state.withLock { state in
            if !state.handshakeDone, state.noiseBeforeHandshake.count < 5 {
                state.noiseBeforeHandshake.append(prefix + invalidText)
            }
            return !state.handshakeDone
        }
        if limits.strictProtocol {
            protocolViolation("it wrote non-protocol output on stdout\(invalidText): \"\(prefix)\" (--strict-protocol)")
            return
        }
        events(.stdoutNoise(prefix: prefix + invalidText, beforeHandshake: beforeHandshake))
    }

    private func dispatchNotification(_ method: String, _ params: JSONValue) {
        switch method {
        case ProtocolMethod.log:
            let level = params["level"]?.stringValue.flatMap { LogLevel(word: $0) } ?? .info
            let text = params["message"]?.stringValue ?? params.jsonText
            events(.log(level: level, message: text, fields: params["fields"]?.objectValue))
        case ProtocolMethod.progress: events(.progress(params))
        case ProtocolMethod.state: events(.state(params["state"] ?? .null))
        case ProtocolMethod.heartbeat: events(.heartbeat)
        default: events(.unknownNotification(method))
        }
    }

    func receiveStderr(_ chunk: UnsafeBufferPointer<UInt8>) {
        stderrSplitter.withLock { splitter in
            splitter.feed(chunk) { event in
                switch event {
                case .line(let line): handleStderrLine(line)
                case .oversized(let prefix): prefix.withUnsafeBufferPointer { handleStderrLine($0) }
                }
            }
        }
    }

    func flushStderr() {
        stderrSplitter.withLock { splitter in
            guard splitter.hasPartialLine else { return }
            splitter.unreportedPartialLine?.withUnsafeBufferPointer { handleStderrLine($0) }
            splitter = LineSplitter(maxLineBytes: splitter.maxLineBytes)
        }
    }

    private func handleStderrLine(_ line: UnsafeBufferPointer<UInt8>) {
        state.withLock { $0.stderrTail.append(line: line) }
        let text = String(decoding: line, as: UTF8.self)
        events(.stderr(line: text, level: Self.leadingLevel(text)))
    }

    /// The level word a stderr line starts with (`ERROR ...`, `[warn] ...`, `INFO: ...`), if any.
    static func leadingLevel(_ line: String) -> LogLevel? {
        let trimmed = line.drop { $0 == " " || $0 == "[" }
        let word = trimmed.prefix { $0.isLetter }
        guard word.count >= 3, word.count <= 8 else { return nil }
        return LogLevel(word: word)
    }

    func stdoutDidClose() {
        // An oversized line cut off by EOF already failed the calls: it is not also a truncated last line.
        let truncated = stdoutSplitter.withLock { splitter -> [UInt8]? in splitter.unreportedPartialLine }
        if let truncated {
            events(.stdoutNoise(prefix: "truncated last line: " + Self.preview(truncated), beforeHandshake: false))
        }
        let hasPending = state.withLock { state in
            state.stdoutClosed = true
            return !state.pending.isEmpty
        }
        guard hasPending else { return }
        Task { [self] in failAll(await endOfPluginReason()) }
    }

    /// Why calls fail once stdout has closed: waits a moment for the exit status and the last stderr lines,
    /// so the failure can say how the plugin ended and what it said last.
    func endOfPluginReason() async -> PluginFailure.Reason {
        let exit = await waitForExit(within: .seconds(2))
        await waitForStderrEnd(within: .milliseconds(500))
        return .exitedWithoutResult(exit)
    }

    /// Waits until stderr has reached end of file (every line handled), or the limit passes.
    func waitForStderrEnd(within limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline, !state.withLock({ $0.stderrClosed }) {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    func processDidExit(_ exit: ProcessExit) {
        let (stdoutOpen, reported) = state.withLock { state in
            state.exit = exit
            return (!state.stdoutClosed, state.strayReported)
        }
        guard stdoutOpen, !reported else { return }
        // A background child may still hold stdout; it belongs to the plugin's group, so end it.
        Task { [self] in
            try? await Task.sleep(for: .milliseconds(500))
            if state.withLock({ !$0.stdoutClosed }) {
                events(.supervisor("the plugin exited but a child process still holds its stdout: killing its group"))
                kill()
            }
        }
    }

    /// Printable first bytes of a line.
    static func preview(_ bytes: [UInt8]) -> String {
        var text = String(decoding: bytes.prefix(80), as: UTF8.self)
        text = String(text.unicodeScalars.map { $0.value < 0x20 ? "." : Character($0) })
        return bytes.count > 80 ? text + "…" : text
    }
}
