import Tensor

/// How a blockwise Adam groups the parameter blocks that share one second-moment value
/// (``AdamMiniBlocks``: each block; ``AdalayerBlocks``: each layer).
public protocol SecondMomentBlocks: Sendable {
    /// The optimizer's name, e.g. "Adam-mini" (see `OptimizerSettings.optimizerName`).
    static var optimizerName: String { get }
    /// The group's index in the printed formula, e.g. "b" (block) or "ℓ" (layer).
    static var groupIndex: String { get }
    /// The index ranges of θ in each group, groups in the order of their v.
    static func groups(_ blocks: [ParameterBlock]) -> [[Range<Int>]]
    /// The optimizer as a case of `AnyOptimizer`.
    static func erase(_ optimizer: BlockwiseAdam<Self>) -> AnyOptimizer
}

/// Adam with one second-moment value per group G of parameter blocks, the group mean of g²:
/// v_G ← β₂ v_G + (1 − β₂) (1/|G|) Σ_{i∈G} g_i², θ_i ← θ_i − η_t (m_i/(1 − β₁ᵗ)) / (√(v_{G(i)}/(1 − β₂ᵗ)) + ε),
/// everything else as in `Adam` (digest 002 §3.4, Li, Wen, Lyu Table 1). ``AdamMini`` and ``Adalayer`` are its
/// two groupings; their doc comments give the references.
public struct BlockwiseAdam<Blocks: SecondMomentBlocks>: AdamVariant {
    public var hyperparameters: Adam.Hyperparameters
    public let blocks: [ParameterBlock]
    public var schedules: Schedules

    public init(_ hyperparameters: Adam.Hyperparameters, blocks: [ParameterBlock], schedules: Schedules = .constant) {
        self.hyperparameters = hyperparameters
        self.blocks = blocks
        self.schedules = schedules
    }

    func adjust(_ rule: inout AdaptiveRule) { rule.grouping = .groups(Blocks.groups(blocks)) }

    /// A blockwise Adam adds no setting to Adam's: its blocks come from the problem (`ProblemStructure.blocks`).
    public struct Options: SettingsExtension {
        public static var optimizerName: String { Blocks.optimizerName }
        public init() {}
        public func formula(base: Adam.Hyperparameters) -> String { Adam(base).rule.formula(.perGroup(index: Blocks.groupIndex)) }
        public func makeOptimizer(base: Adam.Hyperparameters, structure: ProblemStructure) throws -> AnyOptimizer {
            Blocks.erase(BlockwiseAdam(base, blocks: structure.blocks))
        }
    }
    public typealias Settings = ExtendedSettings<Options>
}
