// A plugin for `make bench`: on `runner/run` it writes N `progress` notifications as fast as the pipe takes
// them, then answers. Run it with `--emit N` to print the same N lines without the protocol (the baseline input
// for `cat | wc -l` and python's json.loads).
import DltafJSON
import DltafProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

func notificationLines(_ count: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count * 110)
    for index in 0..<count {
        let line =
            #"{"jsonrpc":"2.0","method":"progress","params":{"current":\#(index),"total":\#(count),"unit":"rows","request_id":3}}"#
        bytes.append(contentsOf: line.utf8)
        bytes.append(0x0A)
    }
    return bytes
}

func writeAll(_ bytes: [UInt8]) {
    if !DescriptorWriter.writeAll(bytes, to: 1) { exit(1) }
}

func send(_ message: RPCMessage) {
    writeAll(message.encodedLine())
}

let arguments = CommandLine.arguments
if arguments.count == 3, arguments[1] == "--emit", let count = Int(arguments[2]) {
    writeAll(notificationLines(count))
    exit(0)
}

let count = Int(ProcessInfo.processInfo.environment["DLTAF_BENCH_COUNT"] ?? "") ?? 1_000_000
var splitter = LineSplitter(maxLineBytes: DltafProtocol.defaultMaxLineBytes)
var buffer = [UInt8](repeating: 0, count: 1 << 16)
while true {
    let got = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
    guard got > 0 else { exit(0) }
    buffer.withUnsafeBufferPointer { chunk in
        splitter.feed(UnsafeBufferPointer(rebasing: chunk[0..<got])) { event in
            guard case .line(let line) = event, case .request(let id, let method, _)? = try? RPCMessage.decode(line)
            else {
                return
            }
            switch method {
            case ProtocolMethod.initialize:
                let result = InitializeResult(
                    plugin: PluginIdentity(name: "bench-flood", version: "1.0.0"),
                    provides: Provides(runners: [RunnerInfo(kind: "flood")]))
                send(.response(id: id, result: result.json))
            case ProtocolMethod.runnerValidate:
                send(.response(id: id, result: ["diagnostics": []]))
            case ProtocolMethod.runnerRun:
                writeAll(notificationLines(count))
                send(
                    .response(id: id, result: ["status": "success", "message": .string("sent \(count) notifications")]))
            case ProtocolMethod.shutdown:
                send(.response(id: id, result: [:]))
            default:
                send(.errorResponse(id: id, error: RPCError(code: RPCErrorCode.methodNotFound, message: method)))
            }
        }
    }
}
