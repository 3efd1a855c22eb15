import DltafJSON
import DltafPluginHost
import DltafProtocol
import Foundation
import Synchronization

/// A plugin that lives in the test process, behind the `ProcessLauncher` seam: it provides what `provides`
/// says, answers `initialize` and `shutdown` itself and every other call through `answer`.
struct FakePlugin: Sendable {
    /// What the handshake offers.
    var provides: Provides
    /// The answer to one call: a result, or a JSON-RPC error.
    var answer: @Sendable (_ method: String, _ params: JSONValue) -> Result<JSONValue, RPCError>
}

/// Starts `FakePlugin`s instead of processes: an executable's file name picks the plugin. Records every call
/// as `name:method` (hook and check calls as `name:method:hook-or-check`), in the order they arrive.
final class FakeLauncher: ProcessLauncher {
    let plugins: [String: FakePlugin]
    private let log = Mutex<[String]>([])

    init(_ plugins: [String: FakePlugin]) {
        self.plugins = plugins
    }

    /// Every call received so far, in order.
    var calls: [String] { log.withLock { $0 } }

    func record(_ entry: String) { log.withLock { $0.append(entry) } }

    func launch(_ launch: ProcessLaunch, callbacks: ProcessCallbacks) throws(ChildProcessError) -> any ChildProcess {
        let name = (launch.executable as NSString).lastPathComponent
        guard let plugin = plugins[name] else { throw .launchFailed("no fake plugin named \(name)") }
        return FakeChild(name: name, plugin: plugin, callbacks: callbacks, launcher: self)
    }

    /// A folder holding one placeholder executable per fake plugin, named by the flat PATH convention, so that
    /// real resolution finds them.
    func installBinaries() throws -> String {
        let folder = NSTemporaryDirectory() + "dltaf-fakes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in plugins.keys {
            let path = folder + "/" + name
            try Data("#!/bin/sh\nexit 1\n".utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return folder
    }
}

/// The "process" of one fake plugin: lines written to its stdin are answered on its stdout, from a queue of its
/// own (as a real plugin answers from another process).
final class FakeChild: ChildProcess {
    let pid = getpid()
    private let name: String
    private let plugin: FakePlugin
    private let callbacks: ProcessCallbacks
    private let launcher: FakeLauncher
    private let queue = DispatchQueue(label: "fake-plugin")
    private let pending = Mutex<[UInt8]>([])
    private let ended = Mutex(false)

    init(name: String, plugin: FakePlugin, callbacks: ProcessCallbacks, launcher: FakeLauncher) {
        self.name = name
        self.plugin = plugin
        self.callbacks = callbacks
        self.launcher = launcher
    }

    func write(_ bytes: [UInt8]) throws(ChildProcessError) {
        guard !ended.withLock({ $0 }) else { throw .stdinClosed }
        let lines: [[UInt8]] = pending.withLock { buffer in
            buffer += bytes
            var complete: [[UInt8]] = []
            while let newline = buffer.firstIndex(of: 0x0A) {
                complete.append(Array(buffer[..<newline]))
                buffer.removeSubrange(...newline)
            }
            return complete
        }
        for line in lines { queue.async { self.handle(line) } }
    }

    func closeStdin() { queue.async { self.end(.exited(0)) } }

    func signalGroup(_ signal: Int32) { queue.async { self.end(.signaled(signal)) } }

    private func end(_ exit: ProcessExit) {
        guard
            ended.withLock({ old in
                defer { old = true }
                return !old
            })
        else { return }
        callbacks.stdoutClosed()
        callbacks.stderrClosed()
        callbacks.exited(exit)
    }

    private func handle(_ line: [UInt8]) {
        guard case .request(let id, let method, let params)? = try? RPCMessage.decode(line) else { return }
        let answer: Result<JSONValue, RPCError>
        switch method {
        case ProtocolMethod.initialize:
            answer = .success(
                InitializeResult(plugin: PluginIdentity(name: name, version: "1.0.0"), provides: plugin.provides).json)
        case ProtocolMethod.shutdown:
            answer = .success(.object(JSONObject()))
        default:
            let target = params["hook"]?.stringValue ?? params["check"]?.stringValue
            launcher.record([name, method, target].compactMap { $0 }.joined(separator: ":"))
            answer = plugin.answer(method, params)
        }
        let message: RPCMessage =
            switch answer {
            case .success(let result): .response(id: id, result: result)
            case .failure(let error): .errorResponse(id: id, error: error)
            }
        message.encodedLine().withUnsafeBufferPointer { callbacks.stdout($0) }
    }
}
