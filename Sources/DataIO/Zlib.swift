import CZlib

/// The few zlib services the readers and writers need: raw-deflate and gzip decompression, and CRC-32.
enum Zlib {
    /// What wraps the deflate stream.
    enum Wrapper {
        /// No header or trailer (zip members; windowBits −15).
        case raw
        /// A gzip member (header, deflate data, CRC-32 and length trailer; windowBits 15 + 16).
        case gzip

        var windowBits: Int32 { self == .raw ? -15 : 15 + 16 }
    }

    /// True when `bytes` starts with the gzip magic 1f 8b.
    static func isGzip<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        bytes.count >= 2 && bytes[bytes.startIndex] == 0x1F && bytes[bytes.index(after: bytes.startIndex)] == 0x8B
    }

    /// Decompresses a whole deflate stream. A stream that ends early is `.truncated`; invalid deflate data
    /// or a gzip checksum mismatch is `.corrupt`; both name `source`. `sizeHint` (when known) sizes the
    /// output buffer; the output grows as needed either way, up to `limit` bytes: a stream that would
    /// inflate beyond it (a zip bomb, or a size field that lies) is `.corrupt` and stops there.
    static func inflate(_ input: [UInt8], wrapper: Wrapper, sizeHint: Int? = nil, limit: Int = Int.max, source: String) throws(DataError) -> [UInt8] {
        var stream = z_stream()
        let initStatus = inflateInit2_(&stream, wrapper.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else {
            throw DataError(.corrupt, source: source, "zlib could not start inflating (status \(initStatus))")
        }
        defer { inflateEnd(&stream) }

        var input = input
        // Deflate expands at most ~1032:1, so a hint beyond that (a corrupt size field) is ignored.
        let hint = min(sizeHint ?? input.count * 4, input.count * 1032)
        var output = [UInt8](repeating: 0, count: max(hint, 1024))
        var produced = 0
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            while true {
                if produced == output.count {
                    guard produced < limit else { status = Z_MEM_ERROR; break }
                    output.append(contentsOf: repeatElement(0, count: min(output.count, limit - produced)))
                }
                output.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress! + produced
                    stream.avail_out = UInt32(min(outBuffer.count - produced, Int(UInt32.max)))
                    let before = stream.avail_out
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced += Int(before - stream.avail_out)
                }
                if status == Z_STREAM_END || status != Z_OK { break }
                if stream.avail_in == 0 && stream.avail_out > 0 { status = Z_BUF_ERROR; break }
            }
        }
        switch status {
        case Z_STREAM_END:
            return Array(output[0..<produced])
        case Z_MEM_ERROR where produced >= limit:
            throw DataError(.corrupt, source: source, "corrupt compressed data: it inflates to more than the \(limit) bytes declared")
        case Z_BUF_ERROR:
            throw DataError(.truncated, source: source,
                            "truncated: the compressed stream ends early (\(input.count) compressed bytes gave \(produced) bytes)")
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
            throw DataError(.corrupt, source: source, "corrupt compressed data (zlib: \(message))")
        }
    }

    /// Compresses `input` as one deflate stream at zlib's default level (used to write gzip IDX files).
    static func deflate(_ input: [UInt8], wrapper: Wrapper) -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, wrapper.windowBits, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit2 failed with status \(status)")
        defer { deflateEnd(&stream) }
        var input = input
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))))
        var produced = 0
        input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                let result = CZlib.deflate(&stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "zlib deflate did not finish (status \(result))")
                produced = outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<produced])
    }

    /// The CRC-32 (ISO 3309, as in zip and gzip) of `bytes`.
    /// (zlib's length argument is 32-bit, so longer inputs are checksummed in chunks of 2³⁰ bytes.)
    static func crc32<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        func chunked(_ buffer: UnsafeBufferPointer<UInt8>) -> UInt {
            var value: UInt = 0, offset = 0
            repeat {
                let length = min(buffer.count - offset, 1 << 30)
                value = CZlib.crc32(value, buffer.baseAddress.map { $0 + offset }, UInt32(length))
                offset += length
            } while offset < buffer.count
            return value
        }
        let value = bytes.withContiguousStorageIfAvailable(chunked) ?? Array(bytes).withUnsafeBufferPointer(chunked)
        return UInt32(truncatingIfNeeded: value)
    }
}
