/// Maps between optimizer steps, epochs and the continuous time of the SDEs (paper 004, Def. 2.4 and §3,
/// Thm 5.3; digest 004 §2.3 and §4.1).
///
/// ```
/// SGD:            t = k·η              (η_e = η)
/// RMSprop, Adam:  t = k·η²             (η_e = η²; SVAG runs at η/ℓ, so t = kη²/ℓ²)
/// epochs = k·B/N          k = epochs·N/B
/// adaptive:  t = epochs·N·σ₀²  (σ₀ = η/√B)       SGD:  t = epochs·N·η/B
/// ```
///
/// Under the square-root rule t = kη² = k'η'² and under the linear rule t = kη = k'η', so a rule that keeps
/// the number of epochs keeps continuous time; schedules (warm-up, decay) should be written in epochs.
public enum TimeMaps {
    /// The effective step η_e of one update: η for SGD, η² for RMSprop and Adam.
    public static func effectiveStep(learningRate: Double, optimizer: OptimizerFamily) -> Double {
        optimizer == .sgd ? learningRate : learningRate * learningRate
    }

    /// t = k·η_e.
    public static func continuousTime(steps: Double, learningRate: Double, optimizer: OptimizerFamily) -> Double {
        steps * effectiveStep(learningRate: learningRate, optimizer: optimizer)
    }

    /// k = t/η_e.
    public static func steps(continuousTime: Double, learningRate: Double, optimizer: OptimizerFamily) -> Double {
        continuousTime / effectiveStep(learningRate: learningRate, optimizer: optimizer)
    }

    /// epochs = k·B/N.
    public static func epochs(steps: Double, batchSize: Double, datasetSize: Double) -> Double {
        steps * batchSize / datasetSize
    }

    /// k = epochs·N/B.
    public static func steps(epochs: Double, batchSize: Double, datasetSize: Double) -> Double {
        epochs * datasetSize / batchSize
    }

    /// t from epochs: epochs·N·η_e/B (= epochs·N·σ₀² for RMSprop/Adam).
    public static func continuousTime(epochs: Double, learningRate: Double, batchSize: Double, datasetSize: Double,
                                      optimizer: OptimizerFamily) -> Double {
        continuousTime(steps: steps(epochs: epochs, batchSize: batchSize, datasetSize: datasetSize),
                       learningRate: learningRate, optimizer: optimizer)
    }
}
