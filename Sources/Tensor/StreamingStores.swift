import CPlatform

/// Non-temporal ("streaming") stores for large outputs that are written once and not read back soon,
/// such as the |B| × d matrix of per-sample gradients. A normal store first reads the cache line it
/// writes (read for ownership); a streaming store does not, so filling memory costs one pass of
/// traffic instead of two. Values are bit-identical to ordinary stores; only the cache policy differs.
/// On architectures other than x86-64 (or with `BIASLAB_PORTABLE_KERNELS=1`) these are ordinary stores.
public enum StreamingStores {
    /// destination[k] = scale · source[k] for k < count. Call ``fence()`` after the last write and
    /// before the memory is read.
    public static func writeScaled(_ destination: UnsafeMutablePointer<Double>, _ source: UnsafePointer<Double>,
                                   scale: Double, count: Int) {
        biaslab_stream_scaled(destination, source, scale, count)
    }

    /// Orders all earlier streaming stores before every later load and store (sfence).
    public static func fence() { biaslab_store_fence() }
}
