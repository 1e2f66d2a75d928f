import Tensor

/// A symmetric linear map A: ℝᵈ → ℝᵈ on flat vectors, known only through its products.
///
/// Everything in `Curvature` (eigensolvers, trace and diagonal estimators, spectral densities,
/// interaction measures) sees a matrix only through this protocol, so a dense test matrix, a Hessian
/// of the training loss, a Gauss–Newton matrix or a preconditioned Hessian are interchangeable. The
/// contract:
///
/// - `apply(_:)` returns A v for a vector of length ``dimension``, and it stands for **one fixed
///   matrix**: applying it twice to the same vector gives the same result (a Hessian operator must
///   not resample its data between calls).
/// - A is symmetric (Aᵀ = A) unless ``isSymmetric`` says otherwise. The eigensolvers and the spectral
///   density require symmetry and trap on an operator that reports `false`; the trace and diagonal
///   estimators are unbiased for any square A, but the variances quoted in their documentation
///   assume symmetry.
/// - `apply(rowsOf:)` is the block product. Its **layout is k × d: each row of the block is one
///   vector** (row-major, so every vector is contiguous, the same layout as a k × d matrix of
///   per-sample gradients). The default applies `apply(_:)` row by row; an operator that can carry
///   k tangents at once (a block Hessian-vector product, a dense matrix through dgemm) overrides it.
///   Estimators send their probes through the block product, in blocks whose size they take as a
///   parameter.
///
/// Hessian and Gauss–Newton operators over the model objective are just more conformers; their doc
/// comments state the matrix they represent with its reduction constant (1/N for a mean loss).
public protocol LinearOperator {
    /// d, the length of the vectors the operator acts on.
    var dimension: Int { get }
    /// Whether Aᵀ = A (true unless a conformer says otherwise).
    var isSymmetric: Bool { get }
    /// A v for `vector` of length ``dimension``.
    func apply(_ vector: [Double]) -> [Double]
    /// A applied to every row of a k × d `block`: row j of the result is A vⱼ, where vⱼ is row j of
    /// `block` (in matrix terms the result is V Aᵀ for V = `block`).
    func apply(rowsOf block: Tensor) -> Tensor
}

extension LinearOperator {
    public var isSymmetric: Bool { true }

    /// The default block product: one ``apply(_:)`` per row.
    public func apply(rowsOf block: Tensor) -> Tensor {
        let k = checkedBlockRowCount(block, dimension: dimension, operation: "apply(rowsOf:)")
        var result = [Double]()
        result.reserveCapacity(k * dimension)
        for j in 0..<k {
            let product = apply(Array(block.scalars[(j * dimension)..<((j + 1) * dimension)]))
            precondition(product.count == dimension,
                         "apply(_:) returned a vector of length \(product.count), expected \(dimension)")
            result.append(contentsOf: product)
        }
        return Tensor(shape: [k, dimension], scalars: result)
    }

    /// A applied to each vector in `vectors` (through the block product).
    public func apply(each vectors: [[Double]]) -> [[Double]] {
        if vectors.isEmpty { return [] }
        return rowVectors(of: apply(rowsOf: blockOfRows(vectors, dimension: dimension)))
    }

    /// vᵀ A v.
    public func quadraticForm(_ vector: [Double]) -> Double {
        VectorOps.dot(vector, apply(vector))
    }
}

// MARK: - Block helpers shared by the operators and estimators

/// The number of rows of a k × d block, trapping with the operation's name when the shape is wrong.
func checkedBlockRowCount(_ block: Tensor, dimension: Int, operation: String) -> Int {
    precondition(block.rank == 2 && block.shape[1] == dimension,
                 "\(operation): expected a k × \(dimension) block (one vector per row), got shape \(block.shape)")
    return block.shape[0]
}

/// A k × d tensor whose rows are `vectors` (all of length `dimension`).
func blockOfRows(_ vectors: [[Double]], dimension: Int) -> Tensor {
    var scalars = [Double]()
    scalars.reserveCapacity(vectors.count * dimension)
    for vector in vectors {
        precondition(vector.count == dimension, "expected vectors of length \(dimension), got \(vector.count)")
        scalars.append(contentsOf: vector)
    }
    return Tensor(shape: [vectors.count, dimension], scalars: scalars)
}

/// The rows of a rank-2 tensor as flat vectors.
func rowVectors(of block: Tensor) -> [[Double]] {
    precondition(block.rank == 2, "rowVectors: expected a rank-2 tensor, got shape \(block.shape)")
    let (k, d) = (block.shape[0], block.shape[1])
    return (0..<k).map { Array(block.scalars[($0 * d)..<(($0 + 1) * d)]) }
}

/// ⟨row j of a, row j of b⟩ for every j (both k × d).
func rowwiseDots(_ a: Tensor, _ b: Tensor) -> [Double] {
    precondition(a.shape == b.shape && a.rank == 2, "rowwiseDots: shapes \(a.shape) and \(b.shape) must be equal and rank 2")
    let (k, d) = (a.shape[0], a.shape[1])
    return a.scalars.withUnsafeBufferPointer { pa in
        b.scalars.withUnsafeBufferPointer { pb in
            (0..<k).map { j in
                var sum = 0.0
                for i in (j * d)..<((j + 1) * d) { sum += pa[i] * pb[i] }
                return sum
            }
        }
    }
}

/// Splits 0..<count into consecutive ranges of at most `blockSize` elements.
func blockRanges(count: Int, blockSize: Int) -> [Range<Int>] {
    precondition(blockSize >= 1, "blockSize must be at least 1, got \(blockSize)")
    return stride(from: 0, to: count, by: blockSize).map { $0..<min($0 + blockSize, count) }
}
