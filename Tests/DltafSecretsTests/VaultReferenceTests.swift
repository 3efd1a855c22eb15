import DltafJSON
import DltafSecrets
import Testing

@Suite("Vault references: mount:path, vault://, mappings")
struct VaultReferenceTests {
    @Test(
        arguments: [
            ("secret:app/db", "secret", "app/db", nil),
            (" secret/ : /app/db/ ", "secret", "app/db", nil),
            ("vault://secret/app/db", "secret", "app/db", nil),
            ("vault://kv/a", "kv", "a", nil),
        ] as [(String, String, String, Int?)])
    func strings(written: String, mount: String, path: String, version: Int?) throws {
        let reference = try VaultReference(parsing: .string(written))
        #expect(reference == VaultReference(mount: mount, path: path, kvVersion: version))
        #expect(reference.description == "\(mount):\(path)")
    }

    @Test func mappings() throws {
        #expect(
            try VaultReference(parsing: ["mount_point": "secret", "path": "/app/db", "kv_version": 2])
                == VaultReference(mount: "secret", path: "app/db", kvVersion: 2))
        #expect(
            try VaultReference(parsing: ["mount": "kv", "path": "x", "kv_version": "1"])
                == VaultReference(mount: "kv", path: "x", kvVersion: 1))
        #expect(
            try VaultReference(parsing: ["ref": "vault://secret/app", "kv_version": "2"])
                == VaultReference(mount: "secret", path: "app", kvVersion: 2))
        #expect(try VaultReference(parsing: ["ref": "s:p", "kv_version": ""]).kvVersion == nil)
    }

    @Test(
        arguments: [
            (JSONValue.string("nocolon"), "invalid vault reference"),
            (.string("vault://onlymount"), "expected vault://mount/path"),
            (.string(":path"), "must not be empty"),
            (.string("mount:"), "must not be empty"),
            (["ref": "s:p", "path": "x"], "either ref or mount_point/path"),
            (["mount_point": "s"], "needs both mount_point and path"),
            (["kv_version": 2], "needs ref, or mount_point and path"),
            (["ref": "s:p", "kv_version": 3], "kv_version must be 1 or 2"),
            (["ref": 5], "ref must be a string"),
            (.int(3), "not an integer"),
        ] as [(JSONValue, String)])
    func refusals(written: JSONValue, message: String) {
        #expect {
            try VaultReference(parsing: written)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
