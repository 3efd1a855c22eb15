import DltafJSON
import Testing

@Suite("JSONObject and JSONValue")
struct JSONObjectTests {
    @Test func parsedObjectKeepsMemberOrder() throws {
        let value = try JSONParser.parse(#"{"zeta": 1, "alpha": 2, "mid": 3, "Beta": 4}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["zeta", "alpha", "mid", "Beta"])
        #expect(object.values == [1, 2, 3, 4])
        #expect(object.map(\.key) == ["zeta", "alpha", "mid", "Beta"])
        #expect(value.jsonText == #"{"zeta":1,"alpha":2,"mid":3,"Beta":4}"#)
    }

    @Test func literalKeepsOrderAndLastRepeatedValue() {
        let object: JSONObject = ["b": 1, "a": 2, "b": 3]
        #expect(object.keys == ["b", "a"])
        #expect(object["b"] == 3)
        #expect(object.count == 2)
    }

    @Test func equalityIgnoresOrder() {
        let lhs: JSONObject = ["a": 1, "b": ["c": 2, "d": 3]]
        let rhs: JSONObject = ["b": ["d": 3, "c": 2], "a": 1]
        #expect(lhs == rhs)
        #expect(JSONValue.object(lhs) == JSONValue.object(rhs))
        #expect(lhs.keys != rhs.keys)
    }

    @Test(
        arguments: [
            (["a": 1], ["a": 1, "b": 2]),
            (["a": 1, "b": 2], ["a": 1]),
            (["a": 1, "b": 2], ["a": 1, "b": 3]),
            (["a": 1, "b": 2], ["a": 1, "c": 2]),
            (["a": 1], ["a": 1.0]),
            (["a": ["x": 1]], ["a": ["x": 2]]),
            (["a": .null], [:]),
            (["a": [1, 2]], ["a": [2, 1]]),
        ] as [(JSONObject, JSONObject)])
    func differentObjectsAreNotEqual(lhs: JSONObject, rhs: JSONObject) {
        #expect(lhs != rhs)
        #expect(rhs != lhs)
    }

    @Test func subscriptSetAppendsReplacesAndRemoves() {
        var object = JSONObject()
        #expect(object.isEmpty)
        object["first"] = 1
        object["second"] = "two"
        object["third"] = nil
        #expect(object.keys == ["first", "second"])
        #expect(object.count == 2)
        #expect(!object.isEmpty)

        // Replacing keeps the position.
        object["first"] = [true]
        #expect(object.keys == ["first", "second"])
        #expect(object["first"] == [true])

        // Setting null stores a null member; setting nil removes it.
        object["second"] = .null
        #expect(object["second"] == .some(.null))
        #expect(object.count == 2)
        object["first"] = nil
        #expect(object.keys == ["second"])
        #expect(object.values == [.null])
        #expect(object["first"] == nil)

        // Removing a missing key changes nothing; re-adding appends at the end.
        object["missing"] = nil
        #expect(object.keys == ["second"])
        object["first"] = 1
        #expect(object.keys == ["second", "first"])
    }

    @Test func appendUncheckedAppendsInOrder() {
        var object = JSONObject()
        object.appendUnchecked(key: "b", value: 1)
        object.appendUnchecked(key: "a", value: 2)
        #expect(object.keys == ["b", "a"])
        #expect(object == ["a": 2, "b": 1])
    }

    @Test func iterationFollowsInsertionOrder() {
        var object: JSONObject = ["c": 3, "a": 1]
        object["b"] = 2
        var seen: [String] = []
        var sum = 0
        for (key, value) in object {
            seen.append(key)
            sum += value.intValue ?? 0
        }
        #expect(seen == ["c", "a", "b"])
        #expect(sum == 6)
    }

    @Test func valueAccessors() {
        let value: JSONValue = ["s": "text", "i": 3, "d": 2.5, "whole": 4.0, "b": true, "n": .null, "l": [1], "o": [:]]
        #expect(value["s"]?.stringValue == "text")
        #expect(value["i"]?.intValue == 3)
        #expect(value["i"]?.doubleValue == 3.0)
        #expect(value["d"]?.intValue == nil)
        #expect(value["d"]?.doubleValue == 2.5)
        #expect(value["whole"]?.intValue == 4)
        #expect(value["b"]?.boolValue == true)
        #expect(value["n"]?.isNull == true)
        #expect(value["s"]?.isNull == false)
        #expect(value["l"]?.arrayValue == [1])
        #expect(value["o"]?.objectValue == JSONObject())
        #expect(value["missing"] == nil)
        #expect(value["s"]?["nested"] == nil)
        #expect(value["s"]?.intValue == nil)
        #expect(JSONValue.double(1e20).intValue == nil)
        #expect(JSONValue.double(.nan).intValue == nil)
    }

    @Test(
        arguments: [
            (.null, "null"),
            (true, "a boolean"),
            (1, "an integer"),
            (1.5, "a number"),
            ("x", "a string"),
            ([], "a list"),
            ([:], "a mapping"),
        ] as [(JSONValue, String)])
    func typeDescriptions(value: JSONValue, expected: String) {
        #expect(value.typeDescription == expected)
    }
}
