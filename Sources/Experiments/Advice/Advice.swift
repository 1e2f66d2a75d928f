import Curvature
import DataIO
import NN
import Optim
import Theory

/// The papers' answers to a practitioner's four questions, from measurements of their own model at θ
/// (issue 21): which betas (paper 000), how to change the batch size (004, 003), how close to the edge of
/// stability (003, Cohen et al. 2022), and what the optimizer's memory adds to the loss (001). Each section
/// carries its evidence (measured numbers, formula, paper and equation) and its validation (the studies'
/// claims and verdicts), or says why it does not apply.
public struct Advice: Codable, Sendable {
    public let optimizer: String
    public let learningRate: Double
    public let batchSize: Int
    public let targetBatchSize: Int?
    /// "given" or "after a warm-up of K steps".
    public let parametersSource: String
    /// Whether the exact per-sample estimators were used (``AdviceBudget/usesExactEstimators(sampleCount:dimension:)``).
    public let exactEstimators: Bool
    public let measurements: AdviceMeasurements
    public let sections: [AdviceSection]

    /// Measures at θ (after the warm-up, if asked) and answers every section.
    public init(_ request: AdviceRequest) throws {
        var theta = request.parameters
        var statePreconditioner: [Double]? = nil
        let stability = Result { try StabilityOptimizer(request.optimizer) }
        if case .warmUp(let k) = request.start {
            var instance = OptimizerInstance(optimizer: try request.optimizer.makeOptimizer(structure: ProblemStructure(dimension: theta.count)),
                                             dimension: theta.count)
            var batches = try BatchSampler(count: request.objective.sampleCount, batchSize: request.batchSize,
                                           scheme: .withoutReplacement, seed: request.budget.seed)
            try Training.run(objective: request.objective, optimizer: &instance, parameters: &theta, batches: &batches, steps: 0..<k)
            guard theta.allSatisfy(\.isFinite) else {
                throw AdviceComputationError("the warm-up of \(k) steps diverged (θ is not finite); lower --lr or --warmup-steps")
            }
            // Adam's P from its state, when usable (positive and finite); else the stationary P.
            if case .success(.adam) = stability, let p = instance.preconditionerDiagonal, p.allSatisfy({ $0 > 0 && $0.isFinite }) {
                statePreconditioner = p
            }
        }
        let noise = request.objective.gradientNoise(at: theta)
        let measured = try AdviceMeasurements(objective: request.objective, at: theta, batchSize: request.batchSize, noise: noise,
                                              stability: try? stability.get(), preconditioner: statePreconditioner,
                                              budget: request.budget)
        optimizer = request.optimizerName
        learningRate = request.optimizer.learningRate
        batchSize = request.batchSize
        targetBatchSize = request.targetBatchSize
        if case .warmUp(let k) = request.start { parametersSource = "after a warm-up of \(k) steps" } else { parametersSource = "given" }
        exactEstimators = request.budget.usesExactEstimators(sampleCount: measured.sampleCount, dimension: measured.dimension)
        measurements = measured
        sections = [
            AdviceSection.betas(request.optimizer, measured),
            AdviceSection.batchSizeChange(request.optimizer, measured, target: request.targetBatchSize),
            AdviceSection.stability(stability, learningRate: request.optimizer.learningRate, measured),
            AdviceSection.memory(request.optimizer, measured, noise: noise, parameters: theta),
        ]
    }
}

/// A failed computation (exit 1 in the CLI), e.g. a warm-up that diverged.
public struct AdviceComputationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One of the four questions and the paper's answer.
public struct AdviceSection: Codable, Sendable {
    public enum Topic: String, Codable, CaseIterable, Sendable {
        case betas
        case batchSizeChange = "batch-size-change"
        case stability
        case memory
    }

    public enum Status: String, Codable, Sendable {
        case answered
        case doesNotApply = "does not apply"
    }

    /// A number the answer rests on.
    public struct Evidence: Codable, Equatable, Sendable {
        public let name: String
        public let value: Double
        public let standardError: Double?

        public init(_ name: String, _ value: Double, standardError: Double? = nil) {
            self.name = name
            self.value = value
            self.standardError = standardError
        }

        init(_ name: String, _ measured: Measured) {
            self.init(name, measured.value, standardError: measured.standardError)
        }
    }

    public let topic: Topic
    public let question: String
    public let status: Status
    /// The answer as the paper states it, or why the section does not apply.
    public let answer: String
    public let evidence: [Evidence]
    public let formula: String
    /// Paper and equation.
    public let source: String
    public let validation: [AdviceValidation]
    /// Conventions the answer extrapolates over, and alternatives outside the papers (marked as such).
    public let notes: [String]

    init(_ topic: Topic, question: String, answer: String, evidence: [Evidence], formula: String, source: String,
         validation: [String], notes: [String] = []) {
        self.topic = topic
        self.question = question
        status = .answered
        self.answer = answer
        self.evidence = evidence
        self.formula = formula
        self.source = source
        self.validation = AdviceValidation.rows(validation)
        self.notes = notes
    }

    /// A section that does not apply, and why.
    init(_ topic: Topic, question: String, doesNotApply reason: String, source: String) {
        self.topic = topic
        self.question = question
        status = .doesNotApply
        answer = reason
        evidence = []
        formula = ""
        self.source = source
        validation = []
        notes = []
    }
}
