public import DltafJSON

/// A JSON-RPC 2.0 error object.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error code (see `RPCErrorCode`).
    public var code: Int
    /// A short description.
    public var message: String
    /// Extra structured detail, if any.
    public var data: JSONValue?

    /// Creates an error object.
    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "\(message) (code \(code))" }

    /// The `-32602` (invalid params) answer to params that do not follow the protocol.
    public init(invalidParams violation: ProtocolViolation) {
        self.init(code: RPCErrorCode.invalidParams, message: violation.reason)
    }

    /// The `-32601` (method not found) answer to `method`.
    public init(methodNotFound method: String) {
        self.init(code: RPCErrorCode.methodNotFound, message: "method not found: \(method)")
    }

    /// The JSON form of the error object.
    public var json: JSONValue {
        var object = JSONObject()
        object["code"] = .int(code)
        object["message"] = .string(message)
        if let data { object["data"] = data }
        return .object(object)
    }
}

/// The error codes of protocol v1 (PROTOCOL.md §3.4).
public enum RPCErrorCode {
    /// The line was not JSON.
    public static let parseError = -32700
    /// The message was not a valid request.
    public static let invalidRequest = -32600
    /// The method is unknown.
    public static let methodNotFound = -32601
    /// The params are wrong.
    public static let invalidParams = -32602
    /// The peer failed internally.
    public static let internalError = -32603
    /// A handler failed; `data` carries `category`, `code` and `retryable`.
    public static let handlerFailed = -32000
    /// A call arrived before `initialize`.
    public static let notInitialized = -32001
    /// No common protocol version.
    public static let unsupportedProtocolVersion = -32002
    /// The request was cancelled.
    public static let requestCancelled = -32800
}

/// One message of the protocol, as read from or written to a line.
public enum RPCMessage: Sendable, Equatable {
    /// A call that must be answered.
    case request(id: Int, method: String, params: JSONValue)
    /// A one-way message.
    case notification(method: String, params: JSONValue)
    /// A successful answer.
    case response(id: Int, result: JSONValue)
    /// A failed answer; `id` is nil when the request could not be read.
    case errorResponse(id: Int?, error: RPCError)
}

/// Why a line is not a valid protocol message.
public struct ProtocolViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, for people.
    public var reason: String

    /// Creates a violation.
    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

extension RPCMessage {
    /// Reads a message from one line (without its newline).
    public static func decode(_ line: UnsafeBufferPointer<UInt8>) throws(ProtocolViolation) -> RPCMessage {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw ProtocolViolation("not JSON: \(error)")
        }
        return try decode(value)
    }

    /// Reads a message from one line (without its newline).
    public static func decode(_ line: [UInt8]) throws(ProtocolViolation) -> RPCMessage {
        let result = line.withUnsafeBufferPointer { buffer in
            Result { () throws(ProtocolViolation) -> RPCMessage in try decode(buffer) }
        }
        return try result.get()
    }

    /// Interprets a parsed JSON value as a message.
    public static func decode(_ value: JSONValue) throws(ProtocolViolation) -> RPCMessage {
        guard case .object(let object) = value else { throw ProtocolViolation("a message must be a JSON object") }
        guard object["jsonrpc"] == .string("2.0") else { throw ProtocolViolation("missing \"jsonrpc\": \"2.0\"") }
        let id = object["id"]
        if let method = object["method"] {
            guard case .string(let name) = method else { throw ProtocolViolation("\"method\" must be a string") }
            let params = object["params"] ?? .object(JSONObject())
            guard let id, !id.isNull else { return .notification(method: name, params: params) }
            guard let number = id.intValue else { throw ProtocolViolation("\"id\" must be an integer") }
            return .request(id: number, method: name, params: params)
        }
        if let error = object["error"] {
            guard case .object(let fields) = error, let code = fields["code"]?.intValue,
                let message = fields["message"]?.stringValue
            else { throw ProtocolViolation("\"error\" must have an integer code and a string message") }
            let number = id?.intValue
            if let id, !id.isNull, number == nil { throw ProtocolViolation("\"id\" must be an integer") }
            return .errorResponse(id: number, error: RPCError(code: code, message: message, data: fields["data"]))
        }
        if let result = object["result"] {
            guard let number = id?.intValue else { throw ProtocolViolation("a response needs an integer \"id\"") }
            return .response(id: number, result: result)
        }
        throw ProtocolViolation("a message needs \"method\", \"result\" or \"error\"")
    }

    /// The JSON object of this message.
    public var json: JSONValue {
        var object = JSONObject()
        object["jsonrpc"] = "2.0"
        switch self {
        case .request(let id, let method, let params):
            object["id"] = .int(id)
            object["method"] = .string(method)
            object["params"] = params
        case .notification(let method, let params):
            object["method"] = .string(method)
            object["params"] = params
        case .response(let id, let result):
            object["id"] = .int(id)
            object["result"] = result
        case .errorResponse(let id, let error):
            object["id"] = id.map { .int($0) } ?? .null
            object["error"] = error.json
        }
        return .object(object)
    }

    /// The message as one protocol line, newline included.
    public func encodedLine() -> [UInt8] {
        var bytes = JSONWriter().bytes(json)
        bytes.append(0x0A)
        return bytes
    }
}
