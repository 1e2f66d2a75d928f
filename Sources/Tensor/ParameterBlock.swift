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
    /// The block's tensor shape in row-major order (e.g. [out, in] for a dense weight, [O, C, kh, kw] for
    /// a convolution kernel); nil when the block is not a reshaped tensor. Adafactor factors the blocks of
    /// rank ≥ 2 as the matrix [shape[0], Π shape[1…]].
    public let shape: [Int]?

    public init(name: String, range: Range<Int>, layer: Int, shape: [Int]? = nil) {
        precondition(shape.map { $0.reduce(1, *) == range.count } ?? true,
                     "ParameterBlock \(name): shape \(shape ?? []) does not cover \(range)")
        self.name = name
        self.range = range
        self.layer = layer
        self.shape = shape
    }

    public var count: Int { range.count }

    /// One block covering all of θ.
    public static func whole(_ dimension: Int) -> [ParameterBlock] {
        [ParameterBlock(name: "all", range: 0..<dimension, layer: 0)]
    }
}
