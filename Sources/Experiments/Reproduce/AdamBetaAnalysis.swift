import Foundation
import Theory

/// The measured grid of study 000-beta2 and its criteria (``AdamBetaStudy/claims``): best validation losses
/// over β₂ (β₁ = 0.9) and β₁ (β₂ = 0.999) at each batch size, per seed, and B_simple at the best-validation
/// epoch of the (0.9, 0.999) runs.
struct AdamBetaGrid {
    /// N.
    let samples: Int
    /// Increasing.
    let batchSizes: [Int]
    let beta2s: [Double]
    let beta1s: [Double]
    /// beta2Sweep[seed][b][β₂]: the best validation loss.
    let beta2Sweep: [[[Double]]]
    /// beta1Sweep[seed][b][β₁].
    let beta1Sweep: [[[Double]]]
    /// noiseScale[seed][b]: B_simple at the best-validation epoch of the (0.9, 0.999) run.
    let noiseScale: [[Double]]

    /// One seed's grid, or the seed means.
    struct View {
        let beta2Sweep: [[Double]]
        let beta1Sweep: [[Double]]
        let noiseScale: [Double]
    }

    var seedViews: [View] {
        beta2Sweep.indices.map { View(beta2Sweep: beta2Sweep[$0], beta1Sweep: beta1Sweep[$0], noiseScale: noiseScale[$0]) }
    }

    var meanView: View {
        func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
        let n = beta2Sweep.count
        return View(beta2Sweep: batchSizes.indices.map { b in beta2s.indices.map { k in mean((0..<n).map { beta2Sweep[$0][b][k] }) } },
                    beta1Sweep: batchSizes.indices.map { b in beta1s.indices.map { k in mean((0..<n).map { beta1Sweep[$0][b][k] }) } },
                    noiseScale: batchSizes.indices.map { b in mean((0..<n).map { noiseScale[$0][b] }) })
    }

    /// The index of the smallest value (the first of equals; non-finite values count as +∞).
    static func argmin(_ x: [Double]) -> Int {
        x.indices.min { (x[$0].isFinite ? x[$0] : .infinity, $0) < (x[$1].isFinite ? x[$1] : .infinity, $1) }!
    }

    /// argmin β₂ at each batch size.
    func argminBeta2(_ v: View) -> [Double] { v.beta2Sweep.map { beta2s[Self.argmin($0)] } }

    /// argmin β₁ at each batch size.
    func argminBeta1(_ v: View) -> [Double] { v.beta1Sweep.map { beta1s[Self.argmin($0)] } }

    /// gain(b) = (L(0.999) − min_β₂ L)/L(0.999) (Table 1's Δ, relative to the default β₂).
    func gain(_ v: View) -> [Double] {
        let base = beta2s.firstIndex(of: AdamBetaStudy.defaultBeta2)!
        return v.beta2Sweep.map { row in (row[base] - row[Self.argmin(row)]) / row[base] }
    }

    /// B̂: the median over batch sizes of B_simple at the best-validation epoch.
    func noiseScale(_ v: View) -> Double { StudyStatistics.median(v.noiseScale.filter(\.isFinite)) }

    /// b_{1/2}(B̂) = 2N·B̂/(N + 2B̂ − 1) and b₁(B̂) (λ = ½ and 1, paper 000 §3.3); nil when B̂ is not positive.
    func transition(_ v: View) -> TransitionBatchSizes? {
        try? AdamNoiseScale.transitionBatchSizes(datasetSize: Double(samples), simpleNoiseScale: noiseScale(v))
    }

    /// The first pair of neighbouring batch sizes (b_k, b_{k+1}) where argmin β₂(b_{k+1}) < argmin β₂(smallest b).
    func measuredMove(_ v: View) -> (lower: Int, upper: Int)? {
        let a = argminBeta2(v)
        guard let k = a.indices.dropFirst().first(where: { a[$0] < a[0] }) else { return nil }
        return (batchSizes[k - 1], batchSizes[k])
    }

    // MARK: The criteria, fixed before the full run (AdamBetaStudy.claims)

    func argminFalls(_ v: View) -> Bool { let a = argminBeta2(v); return a.last! < a.first! }

    func gainGrows(_ v: View) -> Bool { let g = gain(v); return g.last! > g.first! }

    func beta1Rises(_ v: View) -> Bool {
        let a = argminBeta1(v)
        return a.first! == AdamBetaStudy.defaultBeta1 && a.last! > AdamBetaStudy.defaultBeta1
    }

    func transitionInsideMove(_ v: View) -> Bool {
        guard let move = measuredMove(v), let half = transition(v)?.half else { return false }
        return Double(move.lower) <= half && half <= Double(move.upper)
    }

    // MARK: Outcomes

    func outcomes(_ claims: [Claim]) throws -> [ClaimOutcome] {
        let mean = meanView, seeds = seedViews
        func decide(_ passes: (View) -> Bool) -> Verdict { StudyStatistics.verdict(mean: mean, seeds: seeds, passes: passes) }
        func perB(_ values: [Double], _ format: String) -> String {
            zip(batchSizes, values).map { "b = \($0): " + String(format: format, $1) }.joined(separator: ", ")
        }
        func perSeed(_ values: (View) -> [Double], _ format: String) -> String {
            seeds.map { "[" + values($0).map { String(format: format, $0) }.joined(separator: ", ") + "]" }.joined(separator: " ")
        }
        var numbers: [String: Double] = [:]
        let a2 = argminBeta2(mean), a1 = argminBeta1(mean), g = gain(mean)
        for (k, b) in batchSizes.enumerated() {
            numbers["argmin_beta2_b\(b)"] = a2[k]
            numbers["argmin_beta1_b\(b)"] = a1[k]
            numbers["gain_b\(b)"] = g[k]
            numbers["b_simple_b\(b)"] = mean.noiseScale[k]
            numbers["lambda_b\(b)"] = (try? AdamNoiseScale.noiseRatio(datasetSize: Double(samples), batchSize: Double(b), simpleNoiseScale: noiseScale(mean))) ?? .nan
        }
        let base = beta2s.firstIndex(of: AdamBetaStudy.defaultBeta2)!
        let spread = batchSizes.indices.map { k in
            let atDefault = seeds.map { $0.beta2Sweep[k][base] }, atBest = seeds.map { $0.beta2Sweep[k][Self.argmin(mean.beta2Sweep[k])] }
            return "b = \(batchSizes[k]): L(0.999) " + StudyStatistics.spread(atDefault) + ", L(β₂*) " + StudyStatistics.spread(atBest)
        }.joined(separator: "; ")
        let half = transition(mean)
        let move = measuredMove(mean)
        let lambdas = batchSizes.map { b in (try? AdamNoiseScale.noiseRatio(datasetSize: Double(samples), batchSize: Double(b), simpleNoiseScale: noiseScale(mean))) ?? .nan }
        numbers["b_simple"] = noiseScale(mean)
        numbers["b_half"] = half?.half ?? .nan
        numbers["b_one"] = half?.one ?? .nan
        numbers["move_lower"] = move.map { Double($0.lower) } ?? .nan
        numbers["move_upper"] = move.map { Double($0.upper) } ?? .nan
        let transitionText = String(format: "B̂ = %.4g (B_simple at the best epoch, seed means: ", noiseScale(mean)) + perB(mean.noiseScale, "%.4g")
            + String(format: "); b_{1/2} = %.4g, b₁ = %.4g; λ(b) at B̂: ", half?.half ?? .nan, half?.one ?? .nan) + perB(lambdas, "%.3g")
            + "; argmin β₂ first moves " + (move.map { "between b = \($0.lower) and b = \($0.upper)" } ?? "nowhere")
            + "; per seed (B̂, b_{1/2}, move): " + seeds.map { v in
                String(format: "[%.4g, %.4g, ", noiseScale(v), transition(v)?.half ?? .nan) + (measuredMove(v).map { "\($0.lower)–\($0.upper)" } ?? "none") + "]"
            }.joined(separator: " ")
        return [
            ClaimOutcome(claim: claims[0], measured: "argmin β₂ (seed means): " + perB(a2, "%.3f") + "; per seed: " + perSeed(argminBeta2, "%.3f")
                            + ". Best validation loss, seed spread: " + spread,
                         numbers: numbers.filter { $0.key.hasPrefix("argmin_beta2") }, verdict: decide(argminFalls)),
            ClaimOutcome(claim: claims[1], measured: "gain of tuning β₂ over 0.999 (seed means): " + perB(g.map { 100 * $0 }, "%.2f%%")
                            + "; per seed (%): " + perSeed({ gain($0).map { 100 * $0 } }, "%.2f"),
                         numbers: numbers.filter { $0.key.hasPrefix("gain") }, verdict: decide(gainGrows)),
            ClaimOutcome(claim: claims[2], measured: "argmin β₁ at β₂ = 0.999 (seed means): " + perB(a1, "%.3f") + "; per seed: " + perSeed(argminBeta1, "%.3f"),
                         numbers: numbers.filter { $0.key.hasPrefix("argmin_beta1") }, verdict: decide(beta1Rises)),
            ClaimOutcome(claim: claims[3], measured: transitionText,
                         numbers: numbers.filter { ["b_simple", "b_half", "b_one", "move_lower", "move_upper"].contains($0.key) || $0.key.hasPrefix("lambda") || $0.key.hasPrefix("b_simple_b") },
                         verdict: decide(transitionInsideMove)),
        ]
    }
}
