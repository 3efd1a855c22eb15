import DltafJSON
import DltafManifest
import Testing

@Suite("NameSelection")
struct NameSelectionTests {
    private let section: ManifestPath = ["run", "hooks"]
    private let defaults = ["log", "metrics"]
    private let available: Set<String> = ["log", "metrics", "slack", "audit", "tcp"]

    private func path(_ key: String, _ index: Int) -> ManifestPath {
        section.appending(key).appending(index: index)
    }

    @Test func nothingSelectedGivesTheDefaults() {
        let outcome = NameSelection(section: section).apply(defaults: defaults, available: available)
        #expect(outcome.selected == ["log", "metrics"])
        #expect(outcome.unknown.isEmpty)
    }

    @Test func enableAppendsInOrderWithoutRepeats() {
        let selection = NameSelection(enable: ["slack", "audit", "log", "slack"], section: section)
        let outcome = selection.apply(defaults: defaults, available: available)
        #expect(outcome.selected == ["log", "metrics", "slack", "audit"])
        #expect(outcome.unknown.isEmpty)
    }

    @Test func disableRemovesDefaults() {
        let outcome = NameSelection(disable: ["log"], section: section).apply(defaults: defaults, available: available)
        #expect(outcome.selected == ["metrics"])
    }

    @Test func disableThenEnableMovesANameToTheEnd() {
        let selection = NameSelection(enable: ["log"], disable: ["log"], section: section)
        #expect(selection.apply(defaults: defaults, available: available).selected == ["metrics", "log"])
    }

    @Test func onlyReplacesEverythingInItsOrder() {
        let selection = NameSelection(
            enable: ["audit"], disable: ["metrics"], only: ["tcp", "log", "tcp"], section: section)
        let outcome = selection.apply(defaults: defaults, available: available)
        #expect(outcome.selected == ["tcp", "log"])
        #expect(outcome.unknown.isEmpty)
    }

    @Test func emptyOnlySelectsNothing() {
        let outcome = NameSelection(only: [], section: section).apply(defaults: defaults, available: available)
        #expect(outcome.selected.isEmpty)
    }

    @Test func unknownNamesAreReportedWithTheirPaths() {
        let selection = NameSelection(enable: ["slack", "slak"], disable: ["nope", "log"], section: section)
        let outcome = selection.apply(defaults: defaults, available: available)
        #expect(outcome.selected == ["metrics", "slack"])
        #expect(outcome.unknown.map(\.name) == ["slak", "nope"])
        #expect(outcome.unknown.map(\.path) == [path("enable", 1), path("disable", 0)])
        #expect(outcome.unknown.map(\.path.description) == ["run.hooks.enable[1]", "run.hooks.disable[0]"])
    }

    @Test func unknownNamesInOnly() {
        let selection = NameSelection(enable: ["ignored-when-only"], only: ["log", "ghost"], section: section)
        let outcome = selection.apply(defaults: defaults, available: available)
        #expect(outcome.selected == ["log"])
        #expect(outcome.unknown.map(\.name) == ["ghost"])
        #expect(outcome.unknown.map(\.path) == [path("only", 1)])
    }

    @Test func defaultsThatDoNotExistAreDropped() {
        let outcome = NameSelection(section: section).apply(defaults: ["log", "retired"], available: available)
        #expect(outcome.selected == ["log"])
        #expect(outcome.unknown.isEmpty)
    }

    @Test func readsTheSelectionFromAManifest() throws {
        let text = """
            run:
              hooks:
                enable: slack
                disable: [log, 3]
              online_checks:
                only: [tcp]
                enable: [x]

            """
        let manifest = try parseManifest(text)
        let hooks = NameSelection(manifest: manifest, section: ["run", "hooks"])
        #expect(hooks == NameSelection(enable: ["slack"], disable: ["log"], only: nil, section: ["run", "hooks"]))
        let checks = NameSelection(manifest: manifest, section: ["run", "online_checks"])
        #expect(checks.only == ["tcp"])
        #expect(checks.enable == ["x"])
        #expect(checks.apply(defaults: [], available: ["tcp"]).selected == ["tcp"])
    }

    @Test func nullOnlyMeansNoOnly() throws {
        let manifest = try parseManifest("run:\n  hooks:\n    only: ~\n")
        let selection = NameSelection(manifest: manifest, section: ["run", "hooks"])
        #expect(selection.only == nil)
        #expect(selection.apply(defaults: defaults, available: available).selected == defaults)
    }

    @Test func outcomeEqualityComparesSelectedNamesAndUnknownPaths() {
        let base = NameSelection(enable: ["x"], section: section).apply(defaults: defaults, available: available)
        #expect(base == NameSelection(enable: ["x"], section: section).apply(defaults: defaults, available: available))
        // Same unknown name at another path.
        #expect(base != NameSelection(disable: ["x"], section: section).apply(defaults: defaults, available: available))
        // Same path, another name.
        #expect(base != NameSelection(enable: ["y"], section: section).apply(defaults: defaults, available: available))
        // Same unknowns, other selected names.
        #expect(base != NameSelection(enable: ["x"], section: section).apply(defaults: [], available: available))
    }

    @Test func hintSuggestsTheClosestName() {
        #expect(NameSelection.hint(for: "slak", in: available) == " (did you mean \"slack\"?)")
        #expect(NameSelection.hint(for: "zzzzzz", in: available).isEmpty)
    }
}
