import Foundation
import Tensor

/// tr(Diag(A)^p) with negative diagonal entries clamped to 0, and a record of the clamping.
public struct DiagonalPowerTrace: Sendable, Codable, Equatable {
    /// Σᵢ max(Aᵢᵢ, 0)^p.
    public let value: Double
    /// p.
    public let power: Double
    /// How many diagonal entries were negative (clamped to 0).
    public let negativeCount: Int
    /// The most negative diagonal entry (0 when none is negative), to judge whether clamping matters.
    public let mostNegativeEntry: Double
    /// d, the number of diagonal entries.
    public let dimension: Int
}

/// tr(Diag(A)^p) = Σᵢ max(Aᵢᵢ, 0)^p for p > 0, from a diagonal already computed (exactly or
/// estimated).
///
/// Paper 002 (Li, Wen & Lyu 2025, "Adam Reduces a Unique Form of Sharpness", arXiv 2511.02773, Thm
/// 5.1 and 5.2; digest 002 §4) shows that Adam drifts along the manifold of minimizers to stationary
/// points of **tr(Diag(H)^{1/2})** (its adaptive sharpness; use ``adaptiveSharpness(diagonal:)``),
/// AdamE-λ to those of tr(Diag(H)^{1−λ}), and SGD to those of tr(H) (p = 1). On that manifold H ⪰ 0
/// so Hᵢᵢ ≥ 0; away from it a diagonal entry can be negative, and following digest 002 §4 it is
/// clamped to 0 and the clamping is reported (`negativeCount`, `mostNegativeEntry`).
///
/// From a noisy diagonal (``hutchinsonDiagonal(of:probeCount:distribution:seed:blockSize:)``) the
/// result is biased for p ≠ 1 (downward for p < 1, by Jensen's inequality); prefer an exact diagonal.
public func diagonalPowerTrace(diagonal: [Double], power p: Double) -> DiagonalPowerTrace {
    precondition(p > 0 && p.isFinite, "diagonalPowerTrace: power must be positive and finite, got \(p)")
    var value = 0.0
    var negativeCount = 0
    var mostNegative = 0.0
    for entry in diagonal {
        if entry < 0 {
            negativeCount += 1
            mostNegative = min(mostNegative, entry)
        } else if entry > 0 {
            value += p == 1 ? entry : (p == 0.5 ? entry.squareRoot() : pow(entry, p))
        }
    }
    return DiagonalPowerTrace(value: value, power: p, negativeCount: negativeCount,
                              mostNegativeEntry: mostNegative, dimension: diagonal.count)
}

/// Paper 002's adaptive sharpness tr(Diag(H)^{1/2}) = Σᵢ max(Hᵢᵢ, 0)^{1/2} (see
/// ``diagonalPowerTrace(diagonal:power:)``).
public func adaptiveSharpness(diagonal: [Double]) -> DiagonalPowerTrace {
    diagonalPowerTrace(diagonal: diagonal, power: 0.5)
}

/// tr(Diag(A)^p) from the exact diagonal of an operator (d applications; see
/// ``exactDiagonal(of:blockSize:)``).
public func diagonalPowerTrace(of matrix: some LinearOperator, power p: Double, blockSize: Int = 64) -> DiagonalPowerTrace {
    diagonalPowerTrace(diagonal: exactDiagonal(of: matrix, blockSize: blockSize), power: p)
}
