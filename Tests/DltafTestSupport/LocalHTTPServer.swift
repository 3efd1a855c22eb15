import Foundation

/// A Python HTTP server on a free loopback port, for tests of the HTTP client and the `http` check.
///
/// Paths: `/status/N` answers N; `/slow?seconds=S` answers 200 after S seconds; `/echo` answers the method,
/// headers and body as JSON; `/bytes/N` answers N bytes; `/barrier/KEY?n=N&seconds=S` answers 200 once N
/// requests for KEY are waiting at the same time, or 504 after S seconds (concurrency made visible without
/// timing); `/stats` answers `{"requests", "max_in_flight"}`; anything else answers 200 `ok`. Stops when its
/// stdin closes.
public final class LocalHTTPServer: Sendable {
    /// The port it listens on (127.0.0.1).
    public let port: Int
    private let process: BackgroundProcess

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, process: BackgroundProcess) {
        self.port = port
        self.process = process
    }

    /// Starts a server; `stop()` it at the end of the test.
    public static func start() async throws -> LocalHTTPServer {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dltaf-http-server-\(UUID().uuidString).py")
        try Data(source.utf8).write(to: script)
        let process = try BackgroundProcess("/usr/bin/env", ["python3", "-u", script.path])
        let output = try await process.waitForOutput(containing: "\n")
        try? FileManager.default.removeItem(at: script)
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("port ") }),
            let port = Int(line.dropFirst(5))
        else {
            await process.stop()
            throw BackgroundProcessError(message: "the test HTTP server did not start: \(output)")
        }
        return LocalHTTPServer(port: port, process: process)
    }

    /// Stops the server.
    public func stop() async {
        await process.stop()
    }

    private static let source = #"""
        import http.server, json, sys, threading, time, urllib.parse

        lock = threading.Condition()
        state = {"requests": 0, "in_flight": 0, "max_in_flight": 0}
        barriers = {}

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def reply(self, status, body=b"", headers=()):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def serve(self):
                url = urllib.parse.urlparse(self.path)
                query = urllib.parse.parse_qs(url.query)
                parts = url.path.strip("/").split("/")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if parts[0] == "stats":
                    with lock:
                        answer = {"requests": state["requests"], "max_in_flight": state["max_in_flight"]}
                    return self.reply(200, json.dumps(answer).encode(), [("Content-Type", "application/json")])
                with lock:
                    state["requests"] += 1
                    state["in_flight"] += 1
                    state["max_in_flight"] = max(state["max_in_flight"], state["in_flight"])
                try:
                    if parts[0] == "status":
                        self.reply(int(parts[1]), b"status " + parts[1].encode())
                    elif parts[0] == "slow":
                        time.sleep(float(query.get("seconds", ["1"])[0]))
                        self.reply(200, b"slow")
                    elif parts[0] == "echo":
                        answer = {"method": self.command, "headers": {k.lower(): v for k, v in self.headers.items()},
                                  "body": body.decode("utf-8", "replace")}
                        self.reply(200, json.dumps(answer).encode(),
                                   [("Content-Type", "application/json"), ("X-Echo", "yes")])
                    elif parts[0] == "bytes":
                        self.reply(200, b"x" * int(parts[1]))
                    elif parts[0] == "barrier":
                        key = parts[1]
                        wanted = int(query.get("n", ["2"])[0])
                        deadline = time.monotonic() + float(query.get("seconds", ["3"])[0])
                        with lock:
                            barriers[key] = barriers.get(key, 0) + 1
                            lock.notify_all()
                            while barriers[key] < wanted and time.monotonic() < deadline:
                                lock.wait(max(0.0, deadline - time.monotonic()))
                            met = barriers[key] >= wanted
                        self.reply(200 if met else 504, b"met" if met else b"alone")
                    else:
                        self.reply(200, b"ok")
                finally:
                    with lock:
                        state["in_flight"] -= 1

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = serve

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print("port %d" % server.server_address[1], flush=True)
        sys.stdin.read()
        """#
}
