import Foundation

extension SquareRootRuleStudy {
    /// The criteria of ``SquareRootRuleStudy`` applied to the measured curves, and its figures.
    struct Evaluation {
        typealias Gaps = [Rule: [Int: Double]]

        let setting: Setting
        let curves: [SeedCurves]

        /// B_noise per arm: the median over epochs of the base run's B_simple, averaged over seeds.
        var noiseScale: [String: Double] {
            Dictionary(uniqueKeysWithValues: setting.arms.map { arm in
                (arm.name, curves.map { StudyStatistics.median($0.base[arm.name]?.noiseScale ?? []) }.reduce(0, +) / Double(curves.count))
            })
        }

        /// The κ whose batch κB₀ is at most the arm's B_noise (the noise dominates).
        func noiseDominated(_ arm: String) -> [Int] {
            let scale = noiseScale[arm] ?? .nan
            return setting.kappas.filter { Double($0 * setting.baseBatch) <= scale }
        }

        /// Gaps of one seed's runs to that seed's base run.
        func gaps(_ seed: SeedCurves, arm: String) -> Gaps {
            guard let base = seed.base[arm] else { return [:] }
            return (seed.scaled[arm] ?? [:]).mapValues { byKappa in
                byKappa.mapValues { SquareRootRuleStudy.gap($0, base: base, epochs: setting.epochs) }
            }
        }

        /// The seed mean of `values` (∞ stays ∞).
        static func mean(_ values: [Gaps]) -> Gaps {
            guard let first = values.first else { return [:] }
            var out = Gaps()
            for (rule, byKappa) in first {
                for kappa in byKappa.keys {
                    out[rule, default: [:]][kappa] = values.map { $0[rule]?[kappa] ?? .infinity }.reduce(0, +) / Double(values.count)
                }
            }
            return out
        }

        /// Test accuracy of the base run (κ = 1) and of the square-root runs by κ, for one seed.
        func accuracies(_ seed: SeedCurves, arm: String) -> [Int: Double] {
            var out = [1: seed.base[arm]?.testAccuracy ?? .nan]
            for (kappa, curve) in seed.scaled[arm]?[.squareRoot] ?? [:] { out[kappa] = curve.testAccuracy ?? .nan }
            return out
        }

        /// The verdict of a criterion on one arm's gaps over seeds; inconclusive when `applicable` is false.
        func decide(arm: String, applicable: Bool, _ passes: (Gaps) -> Bool) -> Verdict {
            guard applicable else { return .inconclusive }
            let perSeed = curves.map { gaps($0, arm: arm) }
            return StudyStatistics.verdict(mean: Self.mean(perSeed), seeds: perSeed, passes: passes)
        }

        /// The square-root rule beats each of `rivals` at every noise-dominated κ.
        func sqrtBeats(_ rivals: [Rule], arm: String) -> Verdict {
            let kappas = noiseDominated(arm)
            return decide(arm: arm, applicable: !kappas.isEmpty) { g in
                kappas.allSatisfy { kappa in
                    rivals.allSatisfy { (g[.squareRoot]?[kappa] ?? .infinity) < (g[$0]?[kappa] ?? .nan) }
                }
            }
        }

        /// The worst of several verdicts: not reproduced, then inconclusive, then reproduced.
        static func worst(_ verdicts: [Verdict]) -> Verdict {
            verdicts.contains(.notReproduced) ? .notReproduced : (verdicts.contains(.inconclusive) || verdicts.isEmpty ? .inconclusive : .reproduced)
        }

        func describe(arm: String) -> String {
            let g = Self.mean(curves.map { gaps($0, arm: arm) })
            let rules = setting.arms.first { $0.name == arm }?.rules ?? []
            let kappas = noiseDominated(arm)
            return String(format: "%@: B_noise = %.1f (noise-dominated κ: %@); seed-mean gaps ", arm, noiseScale[arm] ?? .nan,
                          kappas.isEmpty ? "none" : kappas.map(String.init).joined(separator: ", "))
                + setting.kappas.map { kappa in
                    "κ = \(kappa): " + rules.map { String(format: "%@ %.3f", $0.description, g[$0]?[kappa] ?? .nan) }.joined(separator: ", ")
                }.joined(separator: "; ")
        }

        func numbers(arm: String) -> [String: Double] {
            var out = ["b_noise_\(arm)": noiseScale[arm] ?? .nan]
            for (rule, byKappa) in Self.mean(curves.map { gaps($0, arm: arm) }) {
                for (kappa, gap) in byKappa where gap.isFinite { out["gap_\(arm)_\(rule)_k\(kappa)"] = gap }
            }
            return out
        }

        func outcomes(_ claims: [Claim]) -> [ClaimOutcome] {
            let main = setting.arms[0].name
            let variants = setting.arms.dropFirst().map(\.name)
            let tracks = sqrtBeats([.linear, .none], arm: main)
            let tracksVariants = variants.map { sqrtBeats([.linear, .none], arm: $0) }

            // Test accuracy: every arm, every noise-dominated κ, within the tolerance of the base run.
            let accuracyVerdicts = setting.arms.map { arm -> Verdict in
                let kappas = noiseDominated(arm.name)
                guard !kappas.isEmpty else { return .inconclusive }
                let perSeed = curves.map { accuracies($0, arm: arm.name) }
                let mean = perSeed[0].keys.reduce(into: [Int: Double]()) { out, k in
                    out[k] = perSeed.map { $0[k] ?? .nan }.reduce(0, +) / Double(perSeed.count)
                }
                return StudyStatistics.verdict(mean: mean, seeds: perSeed) { a in
                    kappas.allSatisfy { abs((a[$0] ?? .nan) - (a[1] ?? .nan)) <= SquareRootRuleStudy.accuracyTolerance }
                }
            }
            let accuracyText = setting.arms.map { arm -> String in
                let perSeed = curves.map { accuracies($0, arm: arm.name) }
                return "\(arm.name): base " + ([1] + setting.kappas).map { k in
                    let values = perSeed.map { $0[k] ?? .nan }
                    return (k == 1 ? "" : "κ = \(k) ") + StudyStatistics.spread(values)
                }.joined(separator: ", ")
            }.joined(separator: "; ")
            var accuracyNumbers: [String: Double] = [:]
            for arm in setting.arms {
                let perSeed = curves.map { accuracies($0, arm: arm.name) }
                for k in [1] + setting.kappas { accuracyNumbers["test_accuracy_\(arm.name)_k\(k)"] = perSeed.map { $0[k] ?? .nan }.reduce(0, +) / Double(perSeed.count) }
            }

            let partial = sqrtBeats(Rule.partials.filter { setting.arms[0].rules.contains($0) }, arm: main)

            let dominated = noiseDominated(main)
            let beyond = setting.kappas.filter { !dominated.contains($0) }
            let breaks = decide(arm: main, applicable: !dominated.isEmpty && !beyond.isEmpty) { g in
                let inside = dominated.map { g[.squareRoot]?[$0] ?? .infinity }.max() ?? .nan
                return beyond.allSatisfy { (g[.squareRoot]?[$0] ?? .infinity) > inside }
            }

            let mainText = describe(arm: main), mainNumbers = numbers(arm: main)
            return [
                ClaimOutcome(claim: claims[0], measured: mainText, numbers: mainNumbers, verdict: tracks),
                ClaimOutcome(claim: claims[1], measured: variants.isEmpty ? "no variant arm in this run" : variants.map { describe(arm: $0) }.joined(separator: " | "),
                             numbers: variants.reduce(into: [:]) { $0.merge(numbers(arm: $1)) { a, _ in a } }, verdict: Self.worst(tracksVariants)),
                ClaimOutcome(claim: claims[2], measured: "test accuracy (sqrt rule): " + accuracyText, numbers: accuracyNumbers,
                             verdict: Self.worst(accuracyVerdicts)),
                ClaimOutcome(claim: claims[3], measured: mainText, numbers: mainNumbers, verdict: partial),
                ClaimOutcome(claim: claims[4], measured: mainText, numbers: mainNumbers, verdict: breaks),
            ]
        }

        /// Seed-mean training-loss curves of the main arm, the gaps against κ, and B_simple over epochs.
        func figures() -> [StudyFigure] {
            let main = setting.arms[0]
            func meanCurve(_ pick: (SeedCurves) -> Curve?) -> [(x: Double, y: Double)] {
                let losses = curves.compactMap { pick($0)?.loss }
                let length = losses.map(\.count).min() ?? 0
                return (0..<length).map { e in (Double(e), losses.map { $0[e] }.reduce(0, +) / Double(losses.count)) }
            }
            var lossSeries = [LineChart.Series(name: "base, B = \(setting.baseBatch)", points: meanCurve { $0.base[main.name] }, color: Palette.series(6))]
            for (k, kappa) in setting.kappas.enumerated() {
                lossSeries.append(LineChart.Series(name: "sqrt, B = \(kappa * setting.baseBatch)",
                                                   points: meanCurve { $0.scaled[main.name]?[.squareRoot]?[kappa] }, color: Palette.series(k)))
                lossSeries.append(LineChart.Series(name: "linear (d), B = \(kappa * setting.baseBatch)",
                                                   points: meanCurve { $0.scaled[main.name]?[.linear]?[kappa] }, color: Palette.series(k), dashed: true))
            }
            let g = Self.mean(curves.map { gaps($0, arm: main.name) })
            var gapSeries = main.rules.enumerated().map { index, rule in
                LineChart.Series(name: rule.description, points: setting.kappas.compactMap { kappa in
                    (g[rule]?[kappa]).flatMap { $0.isFinite ? (Double(kappa * setting.baseBatch), $0) : nil }
                }, color: Palette.series(index), dashed: rule != .squareRoot)
            }
            let finite = g.values.flatMap(\.values).filter(\.isFinite)
            if let low = finite.min(), let high = finite.max(), let scale = noiseScale[main.name], scale.isFinite {
                gapSeries.append(LineChart.Series(name: "B_noise (median B_simple of the base runs)", points: [(scale, low), (scale, high)],
                                                  color: Palette.series(6), dashed: true))
            }
            var noiseSeries = setting.arms.enumerated().map { index, arm in
                LineChart.Series(name: "B_simple, \(arm.label)", points: (curves.first?.base[arm.name]?.noiseScale ?? []).enumerated().map { (Double($0), $1) },
                                 color: Palette.series(index))
            }
            for kappa in [1] + setting.kappas {
                noiseSeries.append(LineChart.Series(name: "B = \(kappa * setting.baseBatch)",
                                                    points: [(0, Double(kappa * setting.baseBatch)), (Double(setting.epochs), Double(kappa * setting.baseBatch))],
                                                    color: Palette.series(6), dashed: true))
            }
            return [
                StudyFigure(chart: LineChart(id: "sqrt-loss", title: "\(main.label): training loss over epochs (seed mean)", xLabel: "epoch",
                                             yLabel: "training loss", series: lossSeries, logY: true),
                            caption: "Paper 004 Fig. 1 in miniature: the square-root rule (solid) against the linear rule (d) (dashed) at each batch size, and the base run."),
                StudyFigure(chart: LineChart(id: "sqrt-gap", title: "\(main.label): gap to the base run by rule", xLabel: "batch size κB₀",
                                             yLabel: "mean |log L − log L₀|", series: gapSeries, logY: true),
                            caption: "Fig. 24–25 in miniature: each rule's distance to the base run's loss curve; the rule is expected to hold left of B_noise."),
                StudyFigure(chart: LineChart(id: "sqrt-noise", title: "B_simple = tr Σ/‖g‖² along the base runs (seed 0)", xLabel: "epoch",
                                             yLabel: "B_simple", series: noiseSeries, logY: true),
                            caption: "Figs. 4–5: the noise dominates a batch B while B_simple exceeds B (dashed: the batch sizes of the study)."),
            ]
        }
    }
}
