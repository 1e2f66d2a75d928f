import Foundation

/// The verdict on one claim of a paper, decided by the claim's criterion on the measured numbers.
public enum Verdict: String, Codable, Sendable, CaseIterable {
    case reproduced
    case notReproduced = "not reproduced"
    /// The measurement cannot decide (e.g. the effect is smaller than its spread over seeds).
    case inconclusive
}

/// A claim of a paper and its pass criterion — written in the study's code before the study is run, citing
/// the figure or equation, and never loosened afterwards: a claim that does not show at this scale is
/// reported as such.
public struct Claim: Codable, Equatable, Sendable {
    /// A stable identifier that starts with the paper's number, e.g. `003-fig22-ias`.
    public let id: String
    /// The paper (000–004): the first three characters of `id`.
    public let paper: String
    /// Figure, equation or digest section.
    public let source: String
    /// What the paper claims.
    public let statement: String
    /// The prediction as a number or rule, and how close the measurement must come.
    public let criterion: String

    /// A claim of paper `id.prefix(3)`; an id that does not start with a paper number "NNN-" is a
    /// programming error of the study and traps.
    public init(id: String, source: String, statement: String, criterion: String) {
        precondition(id.count > 4 && id.prefix(3).allSatisfy(\.isNumber) && id.dropFirst(3).first == "-", "claim id \(id) does not start with a paper number NNN-")
        self.id = id
        self.paper = String(id.prefix(3))
        self.source = source
        self.statement = statement
        self.criterion = criterion
    }
}

/// One claim, measured: the numbers that decided it and the verdict.
public struct ClaimOutcome: Codable, Equatable, Sendable {
    public let claim: Claim
    /// The measurement in one line, with its spread where it has one.
    public let measured: String
    /// The numbers the criterion was applied to.
    public let numbers: [String: Double]
    public let verdict: Verdict

    public init(claim: Claim, measured: String, numbers: [String: Double], verdict: Verdict) {
        self.claim = claim
        self.measured = measured
        self.numbers = numbers
        self.verdict = verdict
    }
}

/// How a study runs.
public struct StudyOptions: Sendable {
    /// The short version (seconds), which keeps the machinery working in `make test`; it tests the
    /// machinery, not the claim.
    public var quick: Bool
    /// Seeds per configuration for stochastic studies (deterministic studies ignore it).
    public var seeds: Int
    /// The first seed: the runs use seeds firstSeed, firstSeed + 1, … (a rerun with other seeds starts past
    /// the last one used).
    public var firstSeed: Int

    public init(quick: Bool = false, seeds: Int = 3, firstSeed: Int = 0) {
        self.quick = quick
        self.seeds = seeds
        self.firstSeed = firstSeed
    }

    /// The seeds a stochastic study runs: `seeds` of them from `firstSeed`, one in the quick version.
    public var seedRange: Range<Int> { firstSeed..<(firstSeed + (quick ? 1 : seeds)) }
}

/// A figure of a study's report: a measured curve (or grid of cells) with the prediction drawn beside it.
public struct StudyFigure: Sendable {
    /// What the figure draws.
    public enum Graphic: Sendable {
        case line(LineChart)
        /// A grid of measured cells (e.g. hyperparameter × batch size) with predicted boundaries as markers.
        case heatmap(Heatmap)

        public func svg() -> String {
            switch self {
            case .line(let chart): chart.svg()
            case .heatmap(let heatmap): heatmap.svg()
            }
        }
    }

    public let graphic: Graphic
    public let caption: String

    public init(chart: LineChart, caption: String) { self.init(.line(chart), caption: caption) }

    public init(_ graphic: Graphic, caption: String) {
        self.graphic = graphic
        self.caption = caption
    }
}

/// What a study's analysis produced: every claim's outcome, the figures, and the settings it ran with.
public struct StudyAnalysis: Sendable {
    public let outcomes: [ClaimOutcome]
    public let figures: [StudyFigure]
    /// The configuration, one line per setting, for the bottom of the report.
    public let settings: [(String, String)]

    public init(outcomes: [ClaimOutcome], figures: [StudyFigure], settings: [(String, String)]) {
        self.outcomes = outcomes
        self.figures = figures
        self.settings = settings
    }
}

/// What a study produced: its analysis (whose outcomes, figures and settings read through, e.g.
/// `result.outcomes`), with the study's name and the time its runs took.
@dynamicMemberLookup
public struct StudyResult: Sendable {
    public let study: String
    public let title: String
    public let analysis: StudyAnalysis
    /// The sum of the runs' measuring times (seconds of one process; with `--jobs` the wall clock is shorter).
    public let wallSeconds: Double

    public init(study: some Study, analysis: StudyAnalysis, wallSeconds: Double) {
        self.study = study.name
        self.title = study.title
        self.analysis = analysis
        self.wallSeconds = wallSeconds
    }

    public subscript<Value>(dynamicMember path: KeyPath<StudyAnalysis, Value>) -> Value { analysis[keyPath: path] }
}

/// A reproduction (`biaslab reproduce`): a set of runs, each measured on its own and stored as a series
/// (so a study restarts where it stopped, shards across machines and can be re-analysed from its store),
/// and an analysis that states each claim, the paper's prediction, the measurement and a verdict.
public protocol Study: Sendable {
    /// The name on the command line, e.g. `003-toy`; the paper's number comes first.
    var name: String { get }
    var title: String { get }
    /// The claims and their criteria, fixed before running.
    var claims: [Claim] { get }
    /// The runs, in a fixed order; each key is unique within the study.
    func runs(_ options: StudyOptions) -> [StudyRun]
    /// Performs one run and returns what it measured.
    func measure(_ run: StudyRun, _ options: StudyOptions) throws -> StudySeries
    /// Applies the criteria to the series of every run of `runs(options)`.
    func analyze(_ series: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis
}

/// What names a study: its command-line name (the paper's number first, e.g. `003-toy`) and its title —
/// declared once, as `static let about`, the way swift-argument-parser's `CommandConfiguration` names a
/// command, so the study's static members (its settings, their messages) can name it too.
struct StudyAbout: Sendable {
    let name: String
    let title: String
}

/// A study whose name and title are its type's ``StudyAbout``.
protocol NamedStudy: Study {
    static var about: StudyAbout { get }
}

extension NamedStudy {
    public var name: String { Self.about.name }
    public var title: String { Self.about.title }
}

extension Study {
    /// Measures every run in this process, one after another, and analyses them (nothing is stored).
    public func run(_ options: StudyOptions) throws -> StudyResult {
        var measured = StudyMeasurements()
        var seconds = 0.0
        for run in runs(options) {
            let started = Date()
            measured[run] = try measure(run, options)
            seconds += Date().timeIntervalSince(started)
        }
        return StudyResult(study: self, analysis: try analyze(measured, options), wallSeconds: seconds)
    }
}

/// Every study `biaslab reproduce` knows.
public enum Studies {
    public static let all: [any Study] = [AdamBetaStudy(), MemoryTrajectoryStudy(), MemoryBetaTwoStudy(), AdaptiveSharpnessStudy(),
                                          ToyQuadraticEdgeStudy(), GradientDescentEdgeStudy(), StochasticEdgeStudy(), MomentumEdgeStudy(),
                                          NoisyEllipseStudy(), DiagonalNetStudy(), MatrixSensingStudy(), LinearSaturationScalingStudy(),
                                          SquareRootRuleStudy(), SVAGModelStudy()]

    /// The language-model versions of studies (`biaslab reproduce … --lm`): a study's claims measured on a
    /// transformer over text, with their own names and claim ids (e.g. `000-beta2-lm`).
    public static let languageModel: [any Study] = [AdamBetaLanguageModelStudy()]

    /// The studies of a family.
    public static func all(_ family: StudyFamily) -> [any Study] {
        switch family {
        case .miniature: all
        case .languageModel: languageModel
        }
    }

    public static func named(_ name: String, in family: StudyFamily = .miniature) -> (any Study)? { all(family).first { $0.name == name } }

    /// The studies of `family` that `selector` names: one study by its name, every study of a paper by the
    /// paper's number (`003` → `003-toy`, `003-gd`, …), or `all`; empty when it names none.
    public static func selected(by selector: String, in family: StudyFamily = .miniature) -> [any Study] {
        if selector == "all" { return all(family) }
        if let study = named(selector, in: family) { return [study] }
        return all(family).filter { $0.name.hasPrefix(selector + "-") }
    }
}

/// Which studies a selector picks from: the papers' miniatures (``Studies/all``), or their language-model
/// versions (``Studies/languageModel``, `--lm`).
public enum StudyFamily: Sendable {
    case miniature
    case languageModel
}

/// The statistics every study's criteria share.
enum StudyStatistics {
    /// The median (the mean of the two middle values for an even count; NaN when empty).
    static func median(_ values: some Collection<Double>) -> Double {
        let y = values.sorted()
        return y.isEmpty ? .nan : (y[(y.count - 1) / 2] + y[y.count / 2]) / 2
    }

    /// "mean (min a, max b over n seeds)", or the one value for one seed.
    static func spread(_ x: [Double]) -> String {
        x.count > 1 ? String(format: "%.3f (min %.3f, max %.3f over %d seeds)", x.reduce(0, +) / Double(x.count), x.min()!, x.max()!, x.count)
                    : String(format: "%.3f", x.first ?? .nan)
    }

    /// The verdict of a criterion over seeds: reproduced when it holds for the seed mean and for every
    /// seed, inconclusive when it holds for the mean only, not reproduced when it fails for the mean.
    static func verdict<T>(mean: T, seeds: [T], passes: (T) -> Bool) -> Verdict {
        !passes(mean) ? .notReproduced : (seeds.allSatisfy(passes) ? .reproduced : .inconclusive)
    }
}
