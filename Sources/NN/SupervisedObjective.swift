import Autodiff
import Foundation
import Tensor

/// The objective of a model on a supervised dataset: ℓ_i(θ) = loss(f(θ, x_i), y_i), averaged over
/// the batch (see ``Objective``). Derivatives come from the autodiff engine; for models made of dense
/// layers, per-sample gradients come from one batched backward pass (``DenseLayerTrace``).
public struct SupervisedObjective: Objective {
    public let model: any Model
    public let loss: Loss
    /// x [N, …]
    public let inputs: Tensor
    /// y [N, k] for squared error (one-hot for classification); may be empty for cross-entropy.
    public let targets: Tensor
    /// Class indices for cross-entropy and accuracy; nil for regression.
    public let labels: [Int]?

    public init(model: any Model, loss: Loss, inputs: Tensor, targets: Tensor, labels: [Int]? = nil) {
        precondition(inputs.rank >= 1 && targets.rank >= 1 && inputs.shape[0] == targets.shape[0],
                     "SupervisedObjective: inputs \(inputs.shape) and targets \(targets.shape) have different sample counts")
        if let labels { precondition(labels.count == inputs.shape[0], "SupervisedObjective: \(labels.count) labels for \(inputs.shape[0]) samples") }
        if case .crossEntropy = loss { precondition(labels != nil, "SupervisedObjective: cross-entropy needs integer labels") }
        self.model = model
        self.loss = loss
        self.inputs = inputs
        self.targets = targets
        self.labels = labels
    }

    public var dimension: Int { model.parameterCount }
    public var sampleCount: Int { inputs.shape[0] }
    public var blocks: [ParameterBlock] { model.blocks }

    /// The rows of a batch: inputs, targets, labels.
    func slice(_ batch: [Int]?) -> (x: Tensor, y: Tensor, labels: [Int]?) {
        guard let batch else { return (inputs, targets, labels) }
        return (inputs.rows(batch), targets.rows(batch), labels.map { l in batch.map { l[$0] } })
    }

    /// Per-sample losses [B] as a graph node.
    func perSampleLossNode(_ theta: Variable, _ batch: [Int]?) -> Variable {
        let s = slice(batch)
        return loss.perSample(outputs: model.forward(theta, s.x), targets: s.y, labels: s.labels)
    }

    func parameterVariable(_ parameters: [Double], tangent: [Double]? = nil) -> Variable {
        precondition(parameters.count == dimension, "objective: θ has \(parameters.count) entries, expected \(dimension)")
        return Variable(Tensor(parameters), requiresGrad: true, tangent: tangent.map { Tensor($0) })
    }

    public func perSampleLosses(at parameters: [Double], batch: [Int]?) -> [Double] {
        GradientMode.withoutRecording { perSampleLossNode(Variable(Tensor(parameters)), batch).value.scalars }
    }

    /// One part of a batch cut for ``BatchParallelism``: its positions in the batch and its sample
    /// indices (the batch itself when it is not cut).
    struct BatchPart {
        let positions: Range<Int>
        let batch: [Int]?
    }

    /// The batch cut for ``BatchParallelism``, and 1/|B| (each part's loss node is its share
    /// Σ_{i∈part} ℓ_i / |B| of L_B, so the parts' gradients, Hessian–vector products and values add up to
    /// the batch's).
    func parts(of batch: [Int]?) -> (parts: [BatchPart], weight: Double) {
        let n = batch?.count ?? sampleCount
        let count = BatchParallelism.partCount(forBatchOf: n)
        guard count > 1 else { return ([BatchPart(positions: 0..<n, batch: batch)], 1 / Double(n)) }
        let all = indices(of: batch)
        return (BatchParallelism.ranges(count: n, parts: count).map { BatchPart(positions: $0, batch: Array(all[$0])) },
                1 / Double(n))
    }

    /// A part's share of the batch loss, Σ_{i∈part} ℓ_i(θ) · weight, as a graph node.
    func partLossNode(_ theta: Variable, _ part: [Int]?, weight: Double) -> Variable {
        perSampleLossNode(theta, part).sum() * weight
    }

    /// L_B and ∇L_B, the batch cut into parts that run on separate cores (``BatchParallelism``).
    public func valueAndGradient(at parameters: [Double], batch: [Int]?) -> (value: Double, gradient: [Double]) {
        let (batches, weight) = parts(of: batch)
        let results = BatchParallelism.run(parts: batches.count) { k in
            let theta = parameterVariable(parameters)
            let l = partLossNode(theta, batches[k].batch, weight: weight)
            return (l.scalar, Backward.gradients(of: l, wrt: [theta])[0].value)
        }
        return (results.reduce(0) { $0 + $1.0 }, Tensor.adding(results.map(\.1)).scalars)
    }

    /// One direction: forward over reverse — θ carries the tangent v through the forward pass and the
    /// first-order backward pass, and the gradient's tangent is ∇²L_B(θ)·v; the gradient's own value is
    /// not computed (`tangentsOnly`: the weight gradients are skipped, as JAX's jit does for `jvp∘grad`).
    /// The batch's parts run on separate cores. Several directions: ``hessianProducts(at:batch:)``,
    /// which computes the primal passes once.
    public func hessianVectorProducts(at parameters: [Double], along directions: [[Double]], batch: [Int]?) -> [[Double]] {
        guard directions.count == 1 else { return hessianProducts(at: parameters, batch: batch)(directions) }
        let v = directions[0]
        checkDirection(v)
        let (batches, weight) = parts(of: batch)
        let products = BatchParallelism.run(parts: batches.count) { k in
            let theta = parameterVariable(parameters, tangent: v)
            let l = partLossNode(theta, batches[k].batch, weight: weight)
            return Backward.gradients(of: l, wrt: [theta], tangentsOnly: true)[0].tangent ?? Tensor.zeros([dimension])
        }
        return [Tensor.adding(products).scalars]
    }

    /// The gradient recorded once (forward pass and double-backward graph) and linearized: each
    /// product is one tangent sweep over the recorded graph (``Linearization``), ≈ the tangent half of a
    /// forward-over-reverse HVP. One linearization per part of the batch; the sweeps of a product run
    /// on separate cores.
    public func hessianProducts(at parameters: [Double], batch: [Int]?) -> HessianProducts {
        precondition(parameters.count == dimension, "objective: θ has \(parameters.count) entries, expected \(dimension)")
        let (batches, weight) = parts(of: batch)
        let theta = Tensor(parameters)
        let hessians = BatchParallelism.run(parts: batches.count) { k in
            Autodiff.linearizedGradient(of: { partLossNode($0, batches[k].batch, weight: weight) }, at: theta).hessian
        }
        return { [self] directions in
            directions.map { v in
                checkDirection(v)
                let tangent = Tensor(v)
                return Tensor.adding(BatchParallelism.run(parts: hessians.count) { hessians[$0].apply(tangent) }).scalars
            }
        }
    }

    private func checkDirection(_ v: [Double]) {
        precondition(v.count == dimension, "hessianVectorProduct: direction has \(v.count) entries, expected \(dimension)")
    }

    /// Dense-layer models: one forward and one backward pass of Σ_i ℓ_i to the pre-activations gives
    /// δ_i = ∂ℓ_i/∂z_i for every layer (samples do not interact), and row i of the result is assembled
    /// from outer products δ_i a_iᵀ; the batch's parts (``BatchParallelism``) each run their pass and
    /// write their rows. Other models: one reverse pass per sample (``reversePassRows(at:rows:)``).
    public func perSampleGradients(at parameters: [Double], batch: [Int]?) -> Tensor {
        let rows = indices(of: batch)
        guard let parts = denseLayerDeltas(at: parameters, batch: batch) else {
            return reversePassRows(at: parameters, rows: rows)
        }
        let d = dimension
        // When the traced layers' weights and biases cover all of θ (every dense network), every entry
        // is written below and the 8·|B|·d-byte result needs no zero-fill first.
        let covered = parts[0].layers.reduce(0) { $0 + $1.weightRange.count + ($1.biasRange?.count ?? 0) }
        let fill: (UnsafeMutableBufferPointer<Double>) -> Void = { dst in
            if covered != d { dst.initialize(repeating: 0) }
            nonisolated(unsafe) let dst = dst
            _ = BatchParallelism.run(parts: parts.count) { k in
                let part = parts[k]
                for (layer, delta) in zip(part.layers, part.deltas) {
                    let fanOut = delta.shape[1], fanIn = layer.input.shape[1]
                    layer.input.scalars.withUnsafeBufferPointer { a in
                        delta.scalars.withUnsafeBufferPointer { dl in
                            // Streaming stores: the rows are written once and not read back here.
                            for i in 0..<part.rows.count {
                                let row = dst.baseAddress! + (part.rows.lowerBound + i) * d
                                for o in 0..<fanOut {
                                    StreamingStores.writeScaled(row + layer.weightRange.lowerBound + o * fanIn, a.baseAddress! + i * fanIn,
                                                                scale: dl[i * fanOut + o], count: fanIn)
                                }
                                if let b = layer.biasRange {
                                    StreamingStores.writeScaled(row + b.lowerBound, dl.baseAddress! + i * fanOut, scale: 1, count: fanOut)
                                }
                            }
                        }
                    }
                }
                StreamingStores.fence()
            }
        }
        return Tensor.uninitialized([rows.count, d], fill)
    }

    /// Row j is ∇ℓ_{rows[j]}(θ), one reverse pass per sample (a batch of one); the rows are cut into
    /// parts (``BatchParallelism``, one per core) that run concurrently and write their own rows. Each
    /// row is the same computation as ``valueAndGradient(at:batch:)`` on that sample alone.
    func reversePassRows(at parameters: [Double], rows: [Int]) -> Tensor {
        let d = dimension
        let cut = BatchParallelism.ranges(count: rows.count,
                                          parts: BatchParallelism.partCount(forBatchOf: rows.count, minimumPartSize: 1))
        return Tensor.uninitialized([rows.count, d]) { dst in
            nonisolated(unsafe) let dst = dst
            _ = BatchParallelism.run(parts: cut.count) { k in
                for j in cut[k] {
                    valueAndGradient(at: parameters, batch: [rows[j]]).gradient.withUnsafeBufferPointer { g in
                        (dst.baseAddress! + j * d).initialize(from: g.baseAddress!, count: d)
                    }
                }
            }
        }
    }

    /// ‖∇ℓ_i(θ)‖² for each sample of the batch without materializing the gradients: for a dense layer
    /// ‖δ_i a_iᵀ‖_F² = ‖δ_i‖²‖a_i‖², plus ‖δ_i‖² for the bias. Other models: from materialized rows.
    public func perSampleGradientSquaredNorms(at parameters: [Double], batch: [Int]?) -> [Double] {
        let n = indices(of: batch).count
        guard let parts = denseLayerDeltas(at: parameters, batch: batch) else {
            return Self.rowSquaredNorms(perSampleGradients(at: parameters, batch: batch), dimension: dimension)
        }
        var norms = [Double](repeating: 0, count: n)
        for part in parts {
            for (layer, delta) in zip(part.layers, part.deltas) {
                let fanOut = delta.shape[1], fanIn = layer.input.shape[1]
                for i in 0..<part.rows.count {
                    var dd = 0.0, aa = 0.0
                    for o in 0..<fanOut { let v = delta.scalars[i * fanOut + o]; dd += v * v }
                    for k in 0..<fanIn { let v = layer.input.scalars[i * fanIn + k]; aa += v * v }
                    norms[part.rows.lowerBound + i] += dd * aa + (layer.biasRange == nil ? 0 : dd)
                }
            }
        }
        return norms
    }

    /// For dense-layer models, per part of the batch (``BatchParallelism``, run concurrently): the part's
    /// positions in the batch, its traced layers and their deltas (``layerDeltas(_:_:)``). Nil for
    /// models without dense-layer tracing.
    private func denseLayerDeltas(at parameters: [Double], batch: [Int]?)
        -> [(rows: Range<Int>, layers: [DenseLayerTrace], deltas: [Tensor])]? {
        let batches = parts(of: batch).parts
        let parts = BatchParallelism.run(parts: batches.count) { k -> (rows: Range<Int>, layers: [DenseLayerTrace], deltas: [Tensor])? in
            let theta = parameterVariable(parameters)
            let s = slice(batches[k].batch)
            guard let traced = model.forwardTracingDenseLayers(theta, s.x) else { return nil }
            return (batches[k].positions, traced.layers, layerDeltas(traced, s))
        }
        guard parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.map { $0! }
    }

    /// δ_l = ∂(Σ_i ℓ_i)/∂z_l for every traced layer: row i is ∂ℓ_i/∂z_{l,i}.
    private func layerDeltas(_ traced: (output: Variable, layers: [DenseLayerTrace]),
                             _ s: (x: Tensor, y: Tensor, labels: [Int]?)) -> [Tensor] {
        let total = loss.perSample(outputs: traced.output, targets: s.y, labels: s.labels).sum()
        return Backward.gradients(of: total, wrt: traced.layers.map(\.preActivation)).map(\.value)
    }

    /// One Hessian–vector product per sample (batch of one).
    public func perSampleHessianVectorProducts(at parameters: [Double], along direction: [Double], batch: [Int]?) -> Tensor {
        stackedRows(over: batch) { hessianVectorProduct(at: parameters, along: direction, batch: [$0]) }
    }

    /// Loss and (when labels exist) accuracy, the fraction of samples whose largest output is the label.
    /// Next-token cross-entropy: accuracy over positions (the largest logit is the next token) and the
    /// perplexity exp(L).
    public func metrics(at parameters: [Double], batch: [Int]?) -> Metrics {
        let s = slice(batch)
        let out = GradientMode.withoutRecording { model.forward(Variable(Tensor(parameters)), s.x) }
        let losses = GradientMode.withoutRecording { loss.perSample(outputs: out, targets: s.y, labels: s.labels).value }
        if case .nextTokenCrossEntropy = loss {
            let predicted = out.value.reshaped([s.y.count, out.value.count / max(s.y.count, 1)]).argmaxLastAxis()
            let hits = zip(predicted, s.y.scalars).filter { Double($0) == $1 }.count
            let mean = losses.mean()
            return Metrics(loss: mean, accuracy: Double(hits) / Double(max(s.y.count, 1)), perplexity: Foundation.exp(mean))
        }
        var accuracy: Double? = nil
        if let l = s.labels {
            let predicted = out.value.argmaxLastAxis()
            accuracy = Double(zip(predicted, l).filter { $0 == $1 }.count) / Double(max(l.count, 1))
        }
        return Metrics(loss: losses.mean(), accuracy: accuracy)
    }
}

/// Evaluation metrics on a set of samples.
public struct Metrics: Codable, Sendable, Equatable {
    public let loss: Double
    public let accuracy: Double?
    /// exp(loss) for a language model (next-token cross-entropy); nil otherwise.
    public var perplexity: Double? = nil
}
