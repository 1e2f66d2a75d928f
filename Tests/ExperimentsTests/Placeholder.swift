import Testing

@Test func experimentsPlaceholder() { #expect(1 + 1 == 2) }
