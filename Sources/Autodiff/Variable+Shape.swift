import Tensor

/// Movement primitives: reshape, transpose, slicing of a flat vector and its adjoint (padding).
extension Variable {
    /// The same elements under a new shape.  ∂/∂x = g reshaped back.
    public func reshaped(_ shape: [Int]) -> Variable {
        if shape == self.shape { return self }
        return Variable.linear(self, { $0.reshaped(shape) }) { g, _ in [g.reshaped(self.shape)] }
    }

    /// Transpose of a rank-2 value.  ∂/∂x = gᵀ.
    public func transposed() -> Variable {
        Variable.linear(self, { $0.transposed() }) { g, _ in [g.transposed()] }
    }

    /// Elements `range` of a rank-1 value (how a model reads one layer's weights out of flat θ).
    /// ∂/∂x = g placed at `range` in zeros of x's length (``padded(into:at:)``).
    public func slice(_ range: Range<Int>) -> Variable {
        precondition(value.rank == 1, "slice: expected a rank-1 value, got shape \(shape)")
        precondition(range.lowerBound >= 0 && range.upperBound <= value.count,
                     "slice: range \(range) out of bounds for length \(value.count)")
        let n = value.count
        let node = Variable.linear(self, { Tensor(Array($0.scalars[range])) }) { g, _ in [g.padded(into: n, at: range.lowerBound)] }
        if node.requiresGrad { node.sliceRange = range }
        return node
    }

    /// A rank-1 value of length `length`, zero except `self` (rank 1) at offset `offset`: the adjoint of
    /// ``slice(_:)``.
    public func padded(into length: Int, at offset: Int) -> Variable {
        precondition(value.rank == 1 && offset >= 0 && offset + value.count <= length,
                     "padded: shape \(shape) at offset \(offset) does not fit length \(length)")
        let range = offset..<(offset + value.count)
        return Variable.linear(self, { t in
            var out = [Double](repeating: 0, count: length)
            out.replaceSubrange(range, with: t.scalars)
            return Tensor(out)
        }) { g, _ in [g.slice(range)] }
    }

    /// A rank-1 value of length `length` holding each of `pieces` (rank 1) at its offset, zero elsewhere,
    /// with overlapping pieces summed: Σ_k padded(piece_k, offset_k). How a recorded backward pass sums
    /// the gradients of the slices a model cuts out of θ in one node, instead of a padded copy of θ per
    /// slice and a sum per pair. Linear; ∂/∂piece_k = g.slice(offset_k ..< offset_k + count_k).
    public static func assembled(_ pieces: [Variable], at offsets: [Int], length: Int) -> Variable {
        precondition(pieces.count == offsets.count && !pieces.isEmpty, "assembled: \(pieces.count) pieces for \(offsets.count) offsets")
        let ranges = zip(pieces, offsets).map { piece, offset in
            precondition(piece.value.rank == 1 && offset >= 0 && offset + piece.value.count <= length,
                         "assembled: shape \(piece.shape) at offset \(offset) does not fit length \(length)")
            return offset..<(offset + piece.value.count)
        }
        let out = Tensor.assembling(pieces.map(\.value), at: ranges, length: length)
        return primitive(out, pieces, tangent: { Tensor.assembling($0, at: ranges, length: length) }) { g, _ in
            ranges.map { g.slice($0) }
        }
    }

    /// The rows `indices` of a rank-2 value (x[indices, :]).  ∂/∂x = g scattered back (repeats summed).
    public func gatherRows(_ indices: [Int]) -> Variable {
        let rows = value.shape[0]
        return Variable.linear(self, { $0.rows(indices) }) { g, _ in [g.scatterRows(indices, rowCount: rows)] }
    }

    /// Adjoint of ``gatherRows(_:)``: a value with `rowCount` rows where row indices[k] accumulates row k.
    public func scatterRows(_ indices: [Int], rowCount: Int) -> Variable {
        Variable.linear(self, { t in
            let inner = t.shape.dropFirst().reduce(1, *)
            var out = Tensor.zeros([rowCount] + t.shape.dropFirst())
            for (k, i) in indices.enumerated() {
                for j in 0..<inner { out.scalars[i * inner + j] += t.scalars[k * inner + j] }
            }
            return out
        }) { g, _ in [g.gatherRows(indices)] }
    }
}
