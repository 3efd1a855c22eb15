import ArgumentParser
import DltafProtocol
import DltafRun
import DltafScaffold

// Option values ArgumentParser parses itself and lists in `--help`.

extension DocumentFormat: ExpressibleByArgument {
    /// Case-insensitive, `yml` for `yaml`, as the Python dltaf accepted.
    public init?(argument: String) {
        self.init(word: argument)
    }
}

extension LogLevel: ExpressibleByArgument {
    /// Lenient like plugin log levels (`WARN`, `err`, ...); help lists the four canonical names.
    public init?(argument: String) {
        self.init(word: argument)
    }
}

extension ScaffoldLanguage: ExpressibleByArgument {
    /// Case-insensitive.
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased())
    }
}

extension ScaffoldKind: ExpressibleByArgument {
    /// Case-insensitive.
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased())
    }
}

/// `infra-checks list --format`.
enum ListFormat: String, CaseIterable, ExpressibleByArgument {
    case table, json, yaml

    /// The document format, nil for the table.
    var document: DocumentFormat? { DocumentFormat(rawValue: rawValue) }
}

/// The mode flags of `dltaf exec`; at most one may be given.
enum ModeFlag: String, EnumerableFlag {
    case validateOnly, plan, dryRun, dryRunOnline

    static func help(for value: ModeFlag) -> ArgumentHelp? {
        switch value {
        case .validateOnly: "Validate the manifest, including the runner's own checks; run nothing."
        case .plan: "Validate and print the plan: runner, hooks, checks, plugins, tables, env keys. Runs nothing."
        case .dryRun:
            "The plan, plus offline checks that the credentials the runner needs are present. Loads nothing."
        case .dryRunOnline: "--dry-run plus the online (infra) checks. Loads nothing."
        }
    }

    /// The run mode the flag selects.
    var mode: RunRequest.Mode {
        switch self {
        case .validateOnly: .validateOnly
        case .plan: .plan
        case .dryRun: .dryRun
        case .dryRunOnline: .dryRunOnline
        }
    }
}

/// A value parsed after ArgumentParser, so the command can reject a bad one with its own message and exit
/// code (tests and scripts rely on them); help and completion still list `Value`'s values.
struct Checked<Value: ExpressibleByArgument>: ExpressibleByArgument {
    /// The text as given.
    var text: String
    /// The value, nil when `text` names none.
    var value: Value?

    init(argument: String) {
        text = argument
        value = Value(argument: argument)
    }

    static var allValueStrings: [String] { Value.allValueStrings }

    static var defaultCompletionKind: CompletionKind { Value.defaultCompletionKind }
}
