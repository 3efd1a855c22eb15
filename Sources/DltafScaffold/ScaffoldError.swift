/// Why a plugin could not be generated. Each case carries what a person needs to fix it.
public enum ScaffoldError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The spec does not parse (`reason` comes from `PluginSpec`).
    case invalidSpec(spec: String, reason: String)
    /// The spec is a path; scaffolding needs a dotted name.
    case notDotted(spec: String)
    /// The derived runner kind, hook or check name is one dltaf has built in.
    case reservedName(name: String, kind: ScaffoldKind)
    /// The plugin folder exists and `--force` was not given.
    case folderExists(path: String)
    /// Something that is not a folder is in the way of the plugin folder.
    case notAFolder(path: String)
    /// No dltaf checkout was found to take the SDKs from.
    case sourceRootNotFound(tried: [String])
    /// A folder given as the dltaf checkout is not one.
    case invalidSourceRoot(path: String, origin: String, missing: String)
    /// The SDK of a language is missing from the checkout.
    case sdkMissing(language: ScaffoldLanguage, path: String)
    /// A template still holds a placeholder after substitution (a bug in dltaf).
    case template(name: String, placeholder: String)
    /// Writing a file or folder failed.
    case write(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidSpec(let spec, let reason):
            return "invalid plugin spec \"\(spec)\": \(reason)"
        case .notDotted(let spec):
            return "the plugin spec \"\(spec)\" is a path; scaffold needs a dotted name such as acme.export.orders"
        case .reservedName(let name, let kind):
            return
                "a \(kind.rawValue) named \"\(name)\" is built into dltaf; choose a spec whose last segment is another name"
        case .folderExists(let path):
            return "\(path) already exists; pass --force to overwrite the generated files in it"
        case .notAFolder(let path):
            return "\(path) exists and is not a folder"
        case .sourceRootNotFound(let tried):
            return "cannot find the dltaf source tree that holds the plugin SDKs (looked at: "
                + tried.joined(separator: "; ") + "); pass --sdk-root PATH (a dltaf checkout) or set DLTAF_SOURCE_ROOT"
        case .invalidSourceRoot(let path, let origin, let missing):
            return "\(path) (from \(origin)) is not a dltaf checkout: \(missing) is missing"
        case .sdkMissing(let language, let path):
            return "the \(language.title) SDK is missing: \(path) does not exist"
        case .template(let name, let placeholder):
            return "internal error: the template \(name) has no value for {{\(placeholder)}}"
        case .write(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }

    /// The exit status of `dltaf scaffold plugin` for this error: 2 for bad input, 1 for a failed write.
    public var exitCode: Int32 {
        switch self {
        case .write, .template: 1
        default: 2
        }
    }
}
