import ArgumentParser
import DltafRun

extension ExitCode {
    /// The exit code `code` names; commands exit only by name, never by number.
    init(_ code: DltafExitCode) {
        self.init(code.rawValue)
    }
}
