public import DltafJSON

/// The manifest schema as a JSON Schema (draft 2020-12), for editors and CI. It accepts every manifest
/// `manifest lint` accepts: rules that need more than a shape (names, files, plugins) stay in lint.
public enum JSONSchemaExporter {
    /// The JSON Schema of `ManifestSchema.root` at `strictness`.
    public static func schema(strictness: SchemaStrictness) -> JSONValue {
        var document: JSONObject = [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://dltaf.dev/schema/manifest-v1.json",
            "title": "dltaf manifest v1",
        ]
        let exporter = Exporter(strictness: strictness)
        for (key, value) in exporter.node(ManifestSchema.root).objectValue ?? JSONObject() { document[key] = value }
        if var properties = document["properties"]?.objectValue {
            for key in ManifestSchema.metadataKeys {
                properties[key] = ["description": "Consumer metadata; removed before validation."]
            }
            document["properties"] = .object(properties)
        }
        return .object(document)
    }

    private struct Exporter {
        let strictness: SchemaStrictness

        private let placeholder: JSONValue = [
            "type": "string", "pattern": .string(ScalarValues.environmentPlaceholderPattern),
        ]

        func node(_ node: SchemaNode) -> JSONValue {
            switch node {
            case .any: return .object(JSONObject())
            case .scalar(let scalar): return self.scalar(scalar)
            case .object(let object): return self.object(object)
            case .list(let item, let acceptsSingle, let nonEmpty):
                var array: JSONObject = ["type": "array", "items": self.node(item)]
                if nonEmpty { array["minItems"] = 1 }
                return acceptsSingle ? ["anyOf": [.object(array), self.node(item)]] : .object(array)
            case .map(let value):
                return ["type": "object", "additionalProperties": self.node(value)]
            case .anyOf(let options, let expected):
                return ["description": .string(expected), "anyOf": .array(options.map(self.node))]
            case .discriminated(let key, let cases, let fallback):
                let known = cases.flatMap(\.values)
                var branches: [JSONValue] = cases.map { entry in
                    [
                        "if": [
                            "properties": [key: ["enum": .array(entry.values.map { .string($0) })]],
                            "required": [.string(key)],
                        ],
                        "then": self.node(entry.node),
                    ]
                }
                branches.append([
                    "if": [
                        "properties": [key: ["not": ["enum": .array(known.map { .string($0) })]]]
                    ],
                    "then": self.node(fallback),
                ])
                return ["type": "object", "required": [.string(key)], "allOf": .array(branches)]
            }
        }

        private func object(_ object: ObjectSchema) -> JSONValue {
            var properties = JSONObject()
            for property in object.properties {
                var schema = node(property.node)
                if let description = property.description, var fields = schema.objectValue {
                    fields["description"] = .string(description)
                    schema = .object(fields)
                }
                properties[property.key] = schema
            }
            var result: JSONObject = ["type": "object", "properties": .object(properties)]
            let required = object.properties.filter(\.required).map { JSONValue.string($0.key) }
            if !required.isEmpty { result["required"] = .array(required) }
            if strictness.forbids(object.extra) { result["additionalProperties"] = false }
            if let description = object.description { result["description"] = .string(description) }
            var rules: [JSONValue] = []
            for rule in object.rules {
                switch rule {
                case .exactlyOne(let keys):
                    rules.append(["oneOf": .array(keys.map { ["required": [.string($0)]] })])
                case .atLeastOne(let keys):
                    rules.append(["anyOf": .array(keys.map { ["required": [.string($0)]] })])
                case .eitherOr(let single, let group):
                    rules.append([
                        "oneOf": [
                            [
                                "required": [.string(single)],
                                "not": ["anyOf": .array(group.map { ["required": [.string($0)]] })],
                            ],
                            ["required": .array(group.map { .string($0) }), "not": ["required": [.string(single)]]],
                        ]
                    ])
                case .when(let key, let value, let requires):
                    rules.append([
                        "if": ["properties": [key: ["const": .string(value)]], "required": [.string(key)]],
                        "then": ["anyOf": .array(requires.map { ["required": [.string($0)]] })],
                    ])
                case .exclusive:
                    break  // Empty lists may be combined; a shape cannot say "non-empty and present" simply.
                }
            }
            if !rules.isEmpty { result["allOf"] = .array(rules) }
            return .object(result)
        }

        private func scalar(_ scalar: ScalarSchema) -> JSONValue {
            var schema: JSONObject
            switch scalar.kind {
            case .string(let nonEmpty):
                schema = ["type": "string"]
                if nonEmpty { schema["pattern"] = "\\S" }
            case .choice(let values, let caseInsensitive):
                if caseInsensitive {
                    let alternatives = values.map { value in
                        value.map { "[\($0.lowercased())\($0.uppercased())]" }.joined()
                    }
                    schema = [
                        "type": "string", "pattern": .string("^\\s*(\(alternatives.joined(separator: "|")))\\s*$"),
                    ]
                } else {
                    schema = ["enum": .array(values.map { .string($0) })]
                }
            case .boolean:
                schema = [
                    "anyOf": [
                        ["type": ["boolean", "number"]],
                        [
                            "type": "string",
                            "pattern":
                                "^\\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[Yy]([Ee][Ss])?|[Nn][Oo]?|[Oo][Nn]|[Oo][Ff][Ff]|0|1)?\\s*$",
                        ],
                        placeholder,
                    ]
                ]
            case .integer(let minimum):
                var integer: JSONObject = ["type": "integer"]
                if let minimum { integer["minimum"] = .int(minimum) }
                schema = [
                    "anyOf": [.object(integer), ["type": "string", "pattern": "^\\s*[+-]?\\d+\\s*$"], placeholder]
                ]
            case .number(let range):
                schema = [
                    "anyOf": [
                        ["type": "number", "minimum": .double(range.lowerBound), "maximum": .double(range.upperBound)],
                        ["type": "string", "pattern": "^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?\\s*$"],
                        placeholder,
                    ]
                ]
            case .isoDate:
                schema = [
                    "anyOf": [
                        [
                            "type": "string",
                            "pattern":
                                "^\\s*\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}(:\\d{2}(:\\d{2}(\\.\\d+)?)?)?(Z|[+-]\\d{2}(:\\d{2})?)?)?\\s*$",
                        ],
                        placeholder,
                    ]
                ]
            case .exactInteger(let value):
                schema = ["anyOf": [["const": .int(value)], ["const": .string(String(value))]]]
            }
            if let description = scalar.description { schema["description"] = .string(description) }
            return .object(schema)
        }
    }
}
