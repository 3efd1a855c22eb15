import CDltafShims
import Foundation
import Synchronization

/// Makes sure no process started by dltaf outlives a run, even one that left its plugin's process group.
///
/// dltaf becomes a child subreaper: when a plugin exits, its orphaned descendants (including any that called
/// `setsid` to escape the group kill) are re-parented to dltaf instead of init. At the end of a run
/// `killAndReap` ends them and collects their exit status, so none is left running or as a zombie.
public enum OrphanReaper {
    /// Whether this process is a subreaper; only then does `killAndReap` touch anything (a test runner
    /// hosting several runs must not reap its other children).
    private static let enabled = Mutex(false)

    /// Turns on subreaping for this process (Linux only; elsewhere a no-op).
    public static func becomeSubreaper() {
        let ok = dltaf_become_child_subreaper() == 0
        enabled.withLock { $0 = ok }
    }

    /// SIGKILLs and reaps every child of this process except `keep` (plugin leaders Foundation still owns).
    ///
    /// - Returns: the pids that were killed.
    @discardableResult
    public static func killAndReap(keeping keep: Set<Int32>) -> [Int32] {
        guard enabled.withLock({ $0 }) else { return [] }
        let me = getpid()
        let orphans = children(of: me).filter { !keep.contains($0) }
        for pid in orphans { kill(pid, SIGKILL) }
        for pid in orphans {
            var status: Int32 = 0
            // waitpid on a specific pid never takes Foundation's own children.
            for _ in 0..<100 where waitpid(pid, &status, WNOHANG) == 0 {
                usleep(10_000)
            }
        }
        return orphans
    }

    /// The pids whose parent is `parent`, read from /proc.
    static func children(of parent: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), pid != parent,
                let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat"),
                let close = data.lastIndex(of: UInt8(ascii: ")"))
            else { return nil }
            // After ") " come the state and then the parent pid.
            let fields = data[(close + 2)...].split(separator: UInt8(ascii: " "), maxSplits: 3)
            guard fields.count >= 2, let ppid = Int32(String(decoding: fields[1], as: UTF8.self)) else { return nil }
            return ppid == parent ? pid : nil
        }
    }
}
