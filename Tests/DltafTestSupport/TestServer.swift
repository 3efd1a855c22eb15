/// A real server a test starts on loopback and must stop, whatever the test does.
public protocol TestServer: Sendable {
    /// Starts the server and waits until it answers.
    static func start() async throws -> Self
    /// Stops it and removes its files.
    func stop() async
}

extension TestServer {
    /// Starts a server, runs `body`, and stops the server, also when `body` throws.
    public static func with<T>(_ body: (Self) async throws -> T) async throws -> T {
        let server = try await start()
        do {
            let value = try await body(server)
            await server.stop()
            return value
        } catch {
            await server.stop()
            throw error
        }
    }
}
