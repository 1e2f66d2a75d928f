import Foundation
import NN
import Tensor

/// The noisy ellipse of paper 002 §3 (`NoisyEllipseObjective`) as a squared-loss model: each of its two
/// samples (ξ = ±δ) has the clean constraint f(θ) = c, so Γ = {f = c} and
///
/// ```
/// rᵢ = f(θ) − c,   row i of J = ∇f,   ∇²fᵢ w = ∇²f w,   a = 1
/// ```
/// J has two equal rows (rank 1; ManifoldProjection uses the pseudo-inverse) and the Gauss–Newton
/// Hessian (a/n)JᵀJ = ∇f∇fᵀ is the objective's Hessian on Γ. The label noise enters through α = δ²/B
/// (`labelNoiseCovarianceFactor`), not through the model.
extension NoisyEllipseObjective: SquaredLossModel {
    public var lossScale: Double { 1 }

    public func residuals(at parameters: [Double]) -> [Double] {
        let r = ellipse(at: parameters).value - c
        return [Double](repeating: r, count: sampleCount)
    }

    public func jacobian(at parameters: [Double]) -> Tensor {
        let gradient = ellipse(at: parameters).gradient
        return Tensor(shape: [sampleCount, 2], scalars: (0..<sampleCount).flatMap { _ in gradient })
    }

    public func outputHessianVectorProducts(at parameters: [Double], along directions: [[Double]]) -> [[Double]] {
        let h = ellipseHessian
        return directions.map { w in (0..<2).map { h[$0][0] * w[0] + h[$0][1] * w[1] } }
    }
}

/// The diagonal linear network of paper 002 §5.2 (`DiagonalLinearNetwork`, depth L) on a regression
/// dataset with the ½ squared loss, as a squared-loss model (a = 1), θ = (u; v), fᵢ = ⟨xᵢ, u^{⊙L} − v^{⊙L}⟩:
///
/// ```
/// rᵢ = fᵢ(θ) − yᵢ
/// ∇fᵢ = (L xᵢ ⊙ u^{⊙(L−1)}; −L xᵢ ⊙ v^{⊙(L−1)})
/// ∇²fᵢ w = (L(L−1) xᵢ ⊙ u^{⊙(L−2)} ⊙ w_u; −L(L−1) xᵢ ⊙ v^{⊙(L−2)} ⊙ w_v)
/// ```
/// The same f as `SupervisedObjective(model: network, loss: .mse, …)` (whose Hessian on Γ is (1/n)JᵀJ).
public struct DiagonalLinearRegression: SquaredLossModel {
    public let network: DiagonalLinearNetwork
    /// xᵢ (n rows of d features).
    public let inputs: [[Double]]
    /// yᵢ.
    public let targets: [Double]

    public init(network: DiagonalLinearNetwork, inputs: [[Double]], targets: [Double]) throws {
        guard !inputs.isEmpty, inputs.count == targets.count, inputs.allSatisfy({ $0.count == network.dimension }) else {
            throw TheoryInputError(name: "inputs", value: Double(inputs.count),
                                   expected: "\(targets.count) rows of \(network.dimension) features (one per target)")
        }
        self.network = network
        self.inputs = inputs
        self.targets = targets
    }

    public var dimension: Int { network.parameterCount }
    public var sampleCount: Int { inputs.count }
    public var lossScale: Double { 1 }

    public func residuals(at parameters: [Double]) -> [Double] {
        let w = network.effectiveWeights(parameters)
        return inputs.indices.map { VectorOps.dot(inputs[$0], w) - targets[$0] }
    }

    /// L θ^{⊙(L−k)} ⊙ (x; −x) scaled by `factor`: the common shape of ∇f (k = 1) and ∇²f (k = 2).
    private func powerRow(_ x: [Double], _ parameters: [Double], power k: Int, factor: Double) -> [Double] {
        let d = network.dimension
        return (0..<(2 * d)).map { j in
            factor * (j < d ? x[j] : -x[j - d]) * pow(parameters[j], Double(k))
        }
    }

    public func jacobian(at parameters: [Double]) -> Tensor {
        let l = Double(network.depth)
        return Tensor(shape: [sampleCount, dimension],
                      scalars: inputs.flatMap { powerRow($0, parameters, power: network.depth - 1, factor: l) })
    }

    public func outputHessianVectorProducts(at parameters: [Double], along directions: [[Double]]) -> [[Double]] {
        let l = Double(network.depth)
        guard network.depth >= 2 else { return directions.map { [Double](repeating: 0, count: $0.count) } }
        return directions.indices.map { i in
            let row = powerRow(inputs[i], parameters, power: network.depth - 2, factor: l * (l - 1))
            return zip(row, directions[i]).map { $0 * $1 }
        }
    }
}
