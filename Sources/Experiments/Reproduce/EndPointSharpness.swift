import Curvature
import NN

/// Paper 002's two sharpness measures at an end point, from the exact Hessian diagonal of the objective
/// (d Hessian–vector products, ``exactDiagonal(of:blockSize:)``; digest 002 §4.1, §4.7):
/// ```
/// tr H = Σⱼ Hⱼⱼ                                   (label-noise SGD's regularizer, Li et al. 2021b)
/// tr(Diag H^{1/2}) = Σⱼ max(Hⱼⱼ, 0)^{1/2}          (Adam's, paper 002 Thm 5.1; negative entries clamped)
/// ```
/// Shared by the studies that compare where SGD and Adam end (002-dln, 002-sensing).
struct EndPointSharpness: Equatable {
    let trace: Double
    let adaptive: Double
}

extension EndPointSharpness {
    /// Both measures of `objective`'s full-batch Hessian at θ.
    init(_ objective: any Objective, at parameters: [Double]) {
        let diagonal = exactDiagonal(of: HessianOperator(objective: objective, at: parameters))
        self.init(trace: diagonal.reduce(0, +), adaptive: adaptiveSharpness(diagonal: diagonal).value)
    }

    /// The metric names a study's series records them under.
    static let traceName = "trace_h", adaptiveName = "adaptive_sharpness"

    var values: [String: Double] { [Self.traceName: trace, Self.adaptiveName: adaptive] }

    /// The measures recorded in `series` at its last step (NaN when absent).
    init(last series: StudySeries) {
        self.init(trace: series.last(Self.traceName) ?? .nan, adaptive: series.last(Self.adaptiveName) ?? .nan)
    }
}
