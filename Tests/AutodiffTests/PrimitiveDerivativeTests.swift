import Autodiff
import BiasLabTestSupport
import Tensor
import Testing

/// Every primitive against central finite differences (oracle: `checkDerivatives`, float64, first
/// order reverse and forward ≤ 1e-6 relative, second order by mixed second differences ≤ 1e-6).
/// Points include 0 and negative values where the function is smooth there, and broadcast shapes.
struct PrimitiveDerivativeTests {
    static let smoothPoint = Tensor(shape: [2, 3], scalars: [-1.3, -0.2, 0, 0.4, 1.1, 2.1])
    static let positivePoint = Tensor(shape: [2, 3], scalars: [0.3, 0.7, 1.0, 1.6, 2.2, 3.5])
    static let kinkFreePoint = Tensor(shape: [2, 3], scalars: [-1.3, -0.2, 0.05, 0.4, 1.1, 2.1])

    func expectAccurate(_ f: (Variable) -> Variable, at x: Tensor, _ comment: Comment? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        let r = checkDerivatives(of: f, at: x)
        #expect(r.reverseError <= 1e-6, "reverse: \(r)", sourceLocation: sourceLocation)
        #expect(r.forwardError <= 1e-6, "forward: \(r)", sourceLocation: sourceLocation)
        #expect(r.secondOrderError <= 1e-6, "second order: \(r)", sourceLocation: sourceLocation)
    }

    static let constant = Variable(Tensor(shape: [2, 3], scalars: [0.5, -1.5, 2.0, 0.25, -0.75, 1.25]))
    static let row = Variable(Tensor(shape: [3], scalars: [0.9, -0.4, 1.7]))

    @Test func exp() { expectAccurate({ $0.exp() }, at: Self.smoothPoint) }
    @Test func log() { expectAccurate({ $0.log() }, at: Self.positivePoint) }
    @Test func tanh() { expectAccurate({ $0.tanh() }, at: Self.smoothPoint) }
    @Test func sigmoid() { expectAccurate({ $0.sigmoid() }, at: Self.smoothPoint) }
    @Test func softplus() { expectAccurate({ $0.softplus() }, at: Self.smoothPoint) }
    @Test func relu() { expectAccurate({ $0.relu() }, at: Self.kinkFreePoint) }
    @Test func gelu() { expectAccurate({ $0.gelu() }, at: Self.smoothPoint) }
    @Test func normalCDF() { expectAccurate({ $0.normalCDF() }, at: Self.smoothPoint) }
    @Test func sqrt() { expectAccurate({ $0.sqrt() }, at: Self.positivePoint) }
    @Test func squared() { expectAccurate({ $0.squared() }, at: Self.smoothPoint) }
    @Test func abs() { expectAccurate({ $0.abs() }, at: Self.kinkFreePoint) }
    @Test func pow() { expectAccurate({ $0.pow(2.5) }, at: Self.positivePoint) }
    @Test func negate() { expectAccurate({ -$0 }, at: Self.smoothPoint) }
    @Test func addBroadcastRow() { expectAccurate({ ($0 + Self.row).squared() }, at: Self.smoothPoint) }
    @Test func addBroadcastIntoRow() { expectAccurate({ (Self.constant + $0).tanh() }, at: Tensor([0.3, -0.1, 0.8])) }
    @Test func subtract() { expectAccurate({ ($0 - Self.constant) * $0 }, at: Self.smoothPoint) }
    @Test func multiplyReused() { expectAccurate({ $0 * $0 * Self.constant }, at: Self.smoothPoint) }
    @Test func divide() { expectAccurate({ Self.constant / $0 + $0 / Self.row.abs() }, at: Self.positivePoint) }
    @Test func scalarOps() { expectAccurate({ (2.5 * $0 - 1.0) / 3.0 + 0.5 }, at: Self.smoothPoint) }
    @Test func sumAll() { expectAccurate({ $0.tanh().sum() }, at: Self.smoothPoint) }
    @Test func sumAxis0() { expectAccurate({ $0.sum(axis: 0).squared() }, at: Self.smoothPoint) }
    @Test func sumAxis1Kept() { expectAccurate({ $0.sum(axis: 1, keepingAxis: true) * $0 }, at: Self.smoothPoint) }
    @Test func mean() { expectAccurate({ $0.squared().mean() }, at: Self.smoothPoint) }
    @Test func broadcastTo() { expectAccurate({ $0.broadcast(to: [4, 3]).tanh() }, at: Tensor([0.3, -0.1, 0.8])) }
    @Test func reshape() { expectAccurate({ $0.reshaped([3, 2]).exp() }, at: Self.smoothPoint) }
    @Test func transpose() { expectAccurate({ Variable.matmul($0.transposed(), Self.constant) }, at: Self.smoothPoint) }
    @Test func assembledTiling() {
        expectAccurate({ x in
            let flat = x.reshaped([6])
            return Variable.assembled([flat.slice(2..<6).tanh(), flat.slice(0..<2).squared()], at: [2, 0], length: 6) * flat
        }, at: Self.smoothPoint)
    }
    @Test func assembledOverlappingWithGap() {
        expectAccurate({ x in
            let flat = x.reshaped([6])
            return Variable.assembled([flat.slice(0..<3).squared(), flat.slice(1..<4).tanh()], at: [1, 2], length: 7)
        }, at: Self.smoothPoint)
    }
    @Test func sliceAndPad() { expectAccurate({ $0.reshaped([6]).slice(1..<4).squared().padded(into: 5, at: 1) }, at: Self.smoothPoint) }
    @Test func gatherRows() { expectAccurate({ $0.gatherRows([1, 0, 1]).squared() }, at: Self.smoothPoint) }
    @Test func logSoftmax() { expectAccurate({ $0.logSoftmax() }, at: Self.smoothPoint) }
    @Test func logSumExp() { expectAccurate({ $0.logSumExp() }, at: Self.smoothPoint) }
    @Test func softmax() { expectAccurate({ $0.softmax() }, at: Self.smoothPoint) }
    @Test func pickLabels() { expectAccurate({ $0.logSoftmax().pick(labels: [2, 0]) }, at: Self.smoothPoint) }

    /// Batched products [N, ·, ·] in every transpose combination, in each operand and in both at once.
    static let cube = Tensor(shape: [2, 3, 3], scalars: (0..<18).map { 0.37 * Double(($0 * 7) % 11) - 1.6 })
    static let batchRight = Variable(Tensor(shape: [2, 3, 2], scalars: (0..<12).map { 0.15 * Double($0) - 0.8 }))
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func batchedMatmul(transposes: (Bool, Bool)) {
        let (ta, tb) = transposes
        let other = tb ? Variable(Self.batchRight.value.reshaped([2, 2, 3])) : Self.batchRight
        expectAccurate({ Variable.batchedMatmul($0, other, transposeA: ta, transposeB: tb).tanh() }, at: Self.cube)
        expectAccurate({ Variable.batchedMatmul(Variable(Self.cube), $0, transposeA: ta, transposeB: tb).tanh() }, at: other.value)
        expectAccurate({ Variable.batchedMatmul($0, $0, transposeA: ta, transposeB: tb).squared() }, at: Self.cube)
    }
    @Test func causalMaskThenSoftmax() { expectAccurate({ $0.causallyMasked().softmax() }, at: Self.cube) }
    @Test func layerNormalized() { expectAccurate({ $0.layerNormalized() }, at: Self.smoothPoint) }

    static let right = Variable(Tensor(shape: [3, 4], scalars: (0..<12).map { 0.1 * Double($0) - 0.5 }))
    static let left = Variable(Tensor(shape: [4, 2], scalars: (0..<8).map { 0.2 * Double($0) - 0.7 }))
    @Test func matmulLeft() { expectAccurate({ Variable.matmul($0, Self.right).tanh() }, at: Self.smoothPoint) }
    @Test func matmulRightTransposed() {
        expectAccurate({ Variable.matmul(Self.left, $0, transposeB: true).tanh() },
                       at: Tensor(shape: [3, 2], scalars: [0.1, -0.3, 0.5, 0.7, -0.9, 1.1]))
    }
    /// The dense-layer node x Wᵀ + b in each of its inputs, and in all three at once (W and b cut from x).
    static let bias = Variable(Tensor([0.3, -0.6, 0.9, 0.1]))
    @Test func affineInInput() { expectAccurate({ Variable.affine($0, weight: Self.left, bias: Self.bias).tanh() }, at: Self.smoothPoint.reshaped([3, 2])) }
    @Test func affineInWeight() { expectAccurate({ Variable.affine(Variable(Self.smoothPoint.reshaped([3, 2])), weight: $0, bias: Self.bias).tanh() }, at: Self.left.value) }
    @Test func affineInBias() { expectAccurate({ Variable.affine(Variable(Self.smoothPoint.reshaped([3, 2])), weight: Self.left, bias: $0).tanh() }, at: Self.bias.value) }
    @Test func affineJointly() {
        expectAccurate({ x in
            let flat = x.reshaped([6])
            return Variable.affine(x.reshaped([3, 2]), weight: flat.slice(0..<4).reshaped([2, 2]), bias: flat.slice(4..<6)).tanh()
        }, at: Self.smoothPoint)
    }
    @Test func affineWithoutBias() { expectAccurate({ Variable.affine($0, weight: Self.left, bias: nil).squared() }, at: Self.smoothPoint.reshaped([3, 2])) }
    @Test func matmulBothSides() { expectAccurate({ Variable.matmul($0, $0, transposeB: true).squared() }, at: Self.smoothPoint) }
    @Test func matmulTransposedA() { expectAccurate({ Variable.matmul($0, $0, transposeA: true).tanh() }, at: Self.smoothPoint) }
    @Test func matmulBothTransposed() {
        expectAccurate({ Variable.matmul($0, Self.right.transposed(), transposeA: true, transposeB: true).sigmoid() },
                       at: Tensor(shape: [3, 2], scalars: [0.1, -0.3, 0.5, 0.7, -0.9, 1.1]))
    }
}
