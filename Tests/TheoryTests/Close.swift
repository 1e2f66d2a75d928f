import Testing

/// |observed − expected| ≤ tolerance·max(|expected|, floor), with both numbers in the failure message.
func expectClose(_ observed: Double, _ expected: Double, relative tolerance: Double, floor: Double = 1e-300,
                 _ label: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    let error = abs(observed - expected)
    let allowed = tolerance * max(abs(expected), floor)
    #expect(error <= allowed, "\(label) expected \(expected), observed \(observed), error \(error) > \(allowed)",
            sourceLocation: sourceLocation)
}
