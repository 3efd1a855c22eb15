import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP socket on 127.0.0.1, on a port the kernel picks. Listening, connections complete through the
/// backlog but nothing is accepted or said (a service that hangs); not listening, it only reserves a number.
public final class LoopbackListener: Sendable {
    /// The socket.
    public let descriptor: Int32
    /// Its port.
    public let port: Int

    /// Binds (and listens, unless told not to).
    public init(listening: Bool = true) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw CocoaError(.featureUnsupported) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, !listening || listen(descriptor, 16) == 0 else {
            _ = Glibc.close(descriptor)
            throw CocoaError(.featureUnsupported)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Closes the socket; the port is free again.
    public func close() {
        _ = Glibc.close(descriptor)
    }
}

/// A loopback TCP port nothing listens on right now.
public func freeLoopbackPort() throws -> Int {
    let reserved = try LoopbackListener(listening: false)
    defer { reserved.close() }
    return reserved.port
}
