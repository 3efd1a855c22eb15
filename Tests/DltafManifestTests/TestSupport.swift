import DltafManifest
import DltafYAML
import Foundation
import Testing

/// The file name every in-memory manifest is given.
let manifestFile = "/work/project/dltaf.yaml"

/// 2024-02-29T23:30:00Z: late in the day, so a local-time formatter would show another date in the east.
let fixedToday = Date(timeIntervalSince1970: 1_709_249_400)

/// A manifest that passes validation.
let minimalManifest = """
    version: 1
    pipeline:
      name: dlt__orders__to__duckdb__raw
      destination: duckdb
      dataset: raw
    source:
      kind: orders_export

    """

/// Parses manifest text, failing the test if it throws.
func parseManifest(
    _ text: String, environment: [String: String] = [:], today: Date = fixedToday,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> Manifest {
    do {
        return try ManifestLoader.parse(
            bytes: Array(text.utf8), file: manifestFile, environment: environment, today: today)
    } catch {
        Issue.record("unexpected manifest error: \(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// Parses manifest text expecting an error; records an issue and returns nil when it loads.
func manifestError(
    _ text: String, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
) -> ManifestError? {
    do {
        let manifest = try ManifestLoader.parse(bytes: Array(text.utf8), file: manifestFile, environment: environment)
        Issue.record("expected a ManifestError, loaded \(manifest.value)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Parses `--set` arguments expecting an error; records an issue and returns nil when it parses.
func overrideError(_ argument: String, sourceLocation: SourceLocation = #_sourceLocation) -> ManifestError? {
    do {
        let parsed = try Override(parsing: argument)
        Issue.record("expected --set \(argument) to be refused, got \(parsed.path)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// A 1-based position, shorter to write in tables.
func mark(_ line: Int, _ column: Int) -> YAMLMark {
    YAMLMark(line: line, column: column)
}
