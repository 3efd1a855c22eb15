public import DltafJSON
import DltafPluginHost
import DltafProtocol
import Foundation

/// An extension built into dltaf. It takes the same requests and returns the same results as a plugin,
/// so the run treats built-ins and plugins alike.
public protocol BuiltinExtension: Sendable {
    /// What it provides, as a plugin's `initialize` answer would say.
    var provides: Provides { get }
    /// Serves one request (`hook/pre_run`, `check/run`, ...).
    func handle(method: String, params: JSONValue) async throws(RPCError) -> JSONValue
}

/// Who serves a runner kind, hook or check.
package enum Provider: Sendable {
    case builtin(any BuiltinExtension)
    case plugin(PluginHandle)

    /// `builtin` or `plugin:<spec>`, as listings show it.
    package var origin: String {
        switch self {
        case .builtin: return "builtin"
        case .plugin(let handle): return "plugin:\(handle.spec)"
        }
    }

    /// `builtin` or the plugin's spec, as failures name it (`plugin acme.runner failed ...`).
    package var name: String {
        switch self {
        case .builtin: return "builtin"
        case .plugin(let handle): return handle.spec
        }
    }

    /// Where it lives, for error messages.
    package var location: String {
        switch self {
        case .builtin: return "built into dltaf"
        case .plugin(let handle): return handle.connection.plugin.location
        }
    }

    /// Sends a request to the provider.
    package func call(_ method: String, params: JSONValue, timeout: Duration?) async throws(PluginFailure) -> JSONValue
    {
        switch self {
        case .builtin(let builtin):
            do {
                return try await builtin.handle(method: method, params: params)
            } catch {
                throw PluginFailure(plugin: name, method: method, reason: .rpcError(error))
            }
        case .plugin(let handle):
            return try await handle.call(method, params: params, timeout: timeout)
        }
    }
}

/// The extensions built into dltaf, in listing order.
package enum Builtins {
    /// - Parameter environment: what the `env` and `postgres` checks read (dltaf's environment by default;
    ///   a run may add the variables its secrets resolver produced).
    package static func all(
        console: Console, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [any BuiltinExtension] {
        [
            LogHook(console: console), TCPCheck(), HTTPCheck(), PostgresCheck(environment: environment), SQLiteCheck(),
            EnvCheck(environment: environment), PathCheck(), SQLDBRunner(),
        ]
    }
}
