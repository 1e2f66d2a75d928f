import Experiments
import Testing

/// TextTable: widths from content, two spaces between columns, no trailing spaces.
/// Oracle: the aligned lines written out by hand.
@Suite struct TextTableTests {
    @Test func columnsAreAsWideAsTheirWidestCell() {
        let lines = TextTable.lines([["id", "name", "status"], ["1", "a-very-long-run-name", "completed"], ["12", "λ", "-"]])
        #expect(lines == ["id  name                  status",
                          "1   a-very-long-run-name  completed",
                          "12  λ                     -"])
    }

    @Test func shortRowsAndEmptyTables() {
        #expect(TextTable.lines([]) == [])
        #expect(TextTable.lines([["a", "b"], ["ccc"]], gap: 1) == ["a   b", "ccc"])
    }
}
