import DltafJSON

/// Reads the members of one JSON object of a message, each checked for its type, with errors that name the
/// message and the member (`runner/run params: "kind" must be a string, got a number`).
///
/// A member that is absent or `null` reads as nil: the models decide what a missing member means.
struct MemberReader {
    /// What the object is, for errors: `runner/run params`, `runner/run params.context`.
    let what: String
    /// The object's members.
    let object: JSONObject

    /// Reads `value` as an object.
    init(_ what: String, _ value: JSONValue) throws(ProtocolViolation) {
        guard case .object(let members) = value else {
            throw ProtocolViolation("\(what) must be an object, got \(value.typeDescription)")
        }
        self.what = what
        self.object = members
    }

    /// The member, unless it is absent or `null`.
    func value(_ key: String) -> JSONValue? {
        guard let member = object[key], !member.isNull else { return nil }
        return member
    }

    /// A required name (a non-empty string), such as `kind`, `hook` or `check`.
    func name(_ key: String) throws(ProtocolViolation) -> String {
        guard let text = try string(key), !text.isEmpty else {
            throw ProtocolViolation("\(what): \"\(key)\" is required (a non-empty string)")
        }
        return text
    }

    /// An optional string.
    func string(_ key: String) throws(ProtocolViolation) -> String? {
        guard let member = value(key) else { return nil }
        guard let text = member.stringValue else { throw mistyped(key, "a string", member) }
        return text
    }

    /// An optional integer.
    func int(_ key: String) throws(ProtocolViolation) -> Int? {
        guard let member = value(key) else { return nil }
        guard let number = member.intValue else { throw mistyped(key, "an integer", member) }
        return number
    }

    /// An optional number.
    func double(_ key: String) throws(ProtocolViolation) -> Double? {
        guard let member = value(key) else { return nil }
        guard let number = member.doubleValue else { throw mistyped(key, "a number", member) }
        return number
    }

    /// An optional boolean.
    func bool(_ key: String) throws(ProtocolViolation) -> Bool? {
        guard let member = value(key) else { return nil }
        guard let flag = member.boolValue else { throw mistyped(key, "a boolean", member) }
        return flag
    }

    /// An optional object's members.
    func members(_ key: String) throws(ProtocolViolation) -> JSONObject? {
        guard let member = value(key) else { return nil }
        guard let members = member.objectValue else { throw mistyped(key, "an object", member) }
        return members
    }

    /// An optional object, as a reader of its own.
    func nested(_ key: String) throws(ProtocolViolation) -> MemberReader? {
        guard let member = value(key) else { return nil }
        return try MemberReader("\(what).\(key)", member)
    }

    /// An optional list of strings.
    func strings(_ key: String) throws(ProtocolViolation) -> [String]? {
        guard let member = value(key) else { return nil }
        guard let items = member.arrayValue else { throw mistyped(key, "a list of strings", member) }
        var texts: [String] = []
        for item in items {
            guard let text = item.stringValue else { throw mistyped(key, "a list of strings", member) }
            texts.append(text)
        }
        return texts
    }

    /// An optional list.
    func array(_ key: String) throws(ProtocolViolation) -> [JSONValue]? {
        guard let member = value(key) else { return nil }
        guard let items = member.arrayValue else { throw mistyped(key, "a list", member) }
        return items
    }

    /// An optional string that must be one of an enumeration's raw values.
    func choice<Choice: RawRepresentable>(_ key: String, _: Choice.Type) throws(ProtocolViolation) -> Choice?
    where Choice.RawValue == String, Choice: CaseIterable {
        guard let text = try string(key) else { return nil }
        guard let parsed = Choice(rawValue: text) else {
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw ProtocolViolation("\(what): \"\(key)\" must be one of \(allowed), got \"\(text)\"")
        }
        return parsed
    }

    private func mistyped(_ key: String, _ expected: String, _ member: JSONValue) -> ProtocolViolation {
        ProtocolViolation("\(what): \"\(key)\" must be \(expected), got \(member.typeDescription)")
    }
}

extension MemberReader {
    /// The `manifest` every call carries (an empty mapping when absent).
    func manifest() throws(ProtocolViolation) -> JSONValue {
        .object(try members("manifest") ?? JSONObject())
    }

    /// The `context` every call carries (`CallContext.empty` when absent).
    func context() throws(ProtocolViolation) -> CallContext {
        guard let member = value("context") else { return .empty }
        do {
            return try CallContext(json: member)
        } catch {
            throw ProtocolViolation("\(what): \(error.reason)")
        }
    }

    /// A hook's or check's `config` mapping (an empty mapping when absent).
    func config() throws(ProtocolViolation) -> JSONObject {
        try members("config") ?? JSONObject()
    }

    /// An object whose members are all strings, such as `env`.
    func stringMap(_ key: String) throws(ProtocolViolation) -> [String: String]? {
        guard let members = try members(key) else { return nil }
        var map: [String: String] = [:]
        for (name, member) in members {
            guard let text = member.stringValue else {
                throw ProtocolViolation("\(what): \"\(key).\(name)\" must be a string, got \(member.typeDescription)")
            }
            map[name] = text
        }
        return map
    }
}
