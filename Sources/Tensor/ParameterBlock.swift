/// A named contiguous slice of the flat parameter vector θ: one layer's weight or bias, or one block of
/// a block-wise optimizer (Adam-mini, Adalayer). Objectives list their blocks in θ order; the blocks
/// partition 0..<d.
public struct ParameterBlock: Codable, Sendable, Equatable, Hashable {
    /// A readable name, e.g. "layer1.weight", "layer1.bias", "u", "v".
    public let name: String
    /// The indices of θ this block covers.
    public let range: Range<Int>
    /// The layer the block belongs to (weight and bias of one layer share it), for per-layer methods.
    public let layer: Int

    public init(name: String, range: Range<Int>, layer: Int) {
        self.name = name
        self.range = range
        self.layer = layer
    }

    public var count: Int { range.count }

    /// One block covering all of θ.
    public static func whole(_ dimension: Int) -> [ParameterBlock] {
        [ParameterBlock(name: "all", range: 0..<dimension, layer: 0)]
    }
}
