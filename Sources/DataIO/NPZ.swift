import Foundation
import Tensor

/// NumPy's `.npz` archives: a zip file whose members `name.npy` are `.npy` files (see ``NPY``).
///
/// Reading handles members that are stored (method 0, `np.savez`) or deflate-compressed (method 8,
/// `np.savez_compressed`; inflated as raw deflate, zlib windowBits −15), including the zip64 size fields
/// NumPy writes, and checks every member's CRC-32. Writing stores members uncompressed with correct
/// CRC-32s, in sorted key order, so the same arrays give byte-identical files. Keys are the member names
/// without `.npy`.
///
/// ```swift
/// try NPZ.write(["x": x, "y": y], to: url)
/// let arrays = try NPZ.read(url)            // ["x": Tensor, "y": Tensor]
/// ```
public enum NPZ {
    /// The arrays of the archive at `url` as float64 tensors, keyed by member name without `.npy`.
    public static func read(_ url: URL) throws(DataError) -> [String: Tensor] {
        try readArrays(from: url).mapValues(\.tensor)
    }

    /// The arrays of the archive at `url` with their stored dtypes.
    public static func readArrays(from url: URL) throws(DataError) -> [String: NPYArray] {
        try decode(readBytes(of: url), source: url.path)
    }

    /// Writes float64 arrays to an uncompressed archive at `url`.
    public static func write(_ arrays: [String: Tensor], to url: URL) throws(DataError) {
        try write(arrays: arrays.mapValues { NPYArray($0) }, to: url)
    }

    /// Writes arrays, each in its own dtype, to an uncompressed archive at `url`.
    public static func write(arrays: [String: NPYArray], to url: URL) throws(DataError) {
        var members: [(name: String, data: [UInt8])] = []
        for key in arrays.keys.sorted() {
            let array = arrays[key]!
            members.append((key + ".npy", try NPY.encode(array.tensor, dtype: array.dtype, source: "\(url.path)[\(key).npy]")))
        }
        try writeBytes(ZipArchive.stored(members, source: url.path), to: url)
    }

    /// Parses `.npz` bytes; `source` names them in errors. Members are decoded one at a time, a stored one
    /// in place, so the peak is the archive plus the arrays (not a second copy of every member).
    public static func decode(_ bytes: [UInt8], source: String) throws(DataError) -> [String: NPYArray] {
        var arrays: [String: NPYArray] = [:]
        for member in try ZipArchive.members(of: bytes, source: source) {
            let key = member.name.hasSuffix(".npy") ? String(member.name.dropLast(4)) : member.name
            arrays[key] = try NPY.decode(member.contents(), source: member.source)
        }
        return arrays
    }
}

/// The subset of the zip format (PKWARE APPNOTE 6.3) that `.npz` files use.
enum ZipArchive {
    static let localHeaderSignature: UInt32 = 0x0403_4B50
    static let centralHeaderSignature: UInt32 = 0x0201_4B50
    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50

    /// A member of an archive: its directory entry and its (compressed or stored) bytes, a slice of the
    /// archive's; ``contents()`` gives the uncompressed bytes.
    struct Member {
        let name: String
        /// 0 stored, 8 deflate.
        let method: Int
        let crc: UInt32
        /// The uncompressed size the directory declares.
        let size: Int
        let data: ArraySlice<UInt8>
        /// `archive[name]`, for errors.
        let source: String

        /// The uncompressed bytes (a stored member's in place), checked against the directory's size and CRC-32.
        func contents() throws(DataError) -> ArraySlice<UInt8> {
            let contents: ArraySlice<UInt8>
            switch method {
            case 0: contents = data
            case 8:
                if let problem = inflationProblem(declared: size, compressed: data.count) { throw DataError(.corrupt, source: source, problem) }
                contents = try Zlib.inflate(Array(data), wrapper: .raw, sizeHint: size, limit: size, source: source)[...]
            default:
                throw DataError(.unsupported, source: source,
                                "unsupported zip compression method \(method) (expected 0 stored or 8 deflate)")
            }
            guard contents.count == size else {
                throw DataError(.corrupt, source: source, "corrupt zip member: \(contents.count) bytes, the directory says \(size)")
            }
            let actual = Zlib.crc32(contents)
            guard actual == crc else {
                throw DataError(.corrupt, source: source, "corrupt zip member: CRC-32 is \(hex(actual)), the directory says \(hex(crc))")
            }
            return contents
        }
    }

    /// Every member, in central-directory order, its bytes not yet inflated or checked (``Member/contents()``).
    static func members(of bytes: [UInt8], source: String) throws(DataError) -> [Member] {
        var (entryCount, directoryOffset) = try endOfCentralDirectory(bytes, source: source)
        var reader = ByteReader(bytes, source: source, offset: directoryOffset)
        var result: [Member] = []
        while entryCount > 0 {
            entryCount -= 1
            guard try reader.unsigned(4, "a central directory signature") == centralHeaderSignature else {
                throw DataError(.corrupt, source: source, "corrupt zip: no central directory entry at offset \(reader.offset - 4)")
            }
            try reader.skip(4, for: "a central directory entry")
            let flags = try reader.uint16LE("the entry flags")
            let method = try reader.uint16LE("the compression method")
            try reader.skip(4, for: "the modification time")
            let crc = UInt32(try reader.unsigned(4, "the CRC-32"))
            var compressedSize = try reader.uint32LE("the compressed size")
            var size = try reader.uint32LE("the uncompressed size")
            let nameLength = try reader.uint16LE("the name length")
            let extraLength = try reader.uint16LE("the extra field length")
            let commentLength = try reader.uint16LE("the comment length")
            try reader.skip(8, for: "the entry attributes")
            var localOffset = try reader.uint32LE("the local header offset")
            let name = String(decoding: try reader.take(nameLength, for: "the member name"), as: UTF8.self)
            var extra = ByteReader(Array(try reader.take(extraLength, for: "the extra field")), source: source)
            try reader.skip(commentLength, for: "the member comment")
            // zip64: the 32-bit fields that are 0xFFFFFFFF come, in this order, from extra block 0x0001.
            while extra.remaining >= 4 {
                let id = try extra.uint16LE("an extra block id")
                let length = try extra.uint16LE("an extra block length")
                var block = ByteReader(Array(try extra.take(length, for: "an extra block")), source: source)
                guard id == 0x0001 else { continue }
                if size == 0xFFFF_FFFF { size = Int(try block.uint64LE("the zip64 uncompressed size")) }
                if compressedSize == 0xFFFF_FFFF { compressedSize = Int(try block.uint64LE("the zip64 compressed size")) }
                if localOffset == 0xFFFF_FFFF { localOffset = Int(try block.uint64LE("the zip64 local header offset")) }
            }
            let member = "\(source)[\(name)]"
            guard flags & 1 == 0 else { throw DataError(.unsupported, source: member, "unsupported encrypted zip member") }
            let data = try memberData(bytes, at: localOffset, compressedSize: compressedSize, source: member)
            result.append(Member(name: name, method: method, crc: crc, size: size, data: data, source: member))
        }
        return result
    }

    /// Deflate's largest expansion (about 1032:1); a member that declares more is corrupt.
    static let maxInflationRatio = 1032

    /// nil when a deflated member of `compressed` bytes may inflate to its `declared` size: at most
    /// ``maxInflationRatio`` times its compressed size and within ``InputSizeLimit`` (as float64 values);
    /// the member is then inflated to at most `declared` bytes.
    static func inflationProblem(declared: Int, compressed: Int) -> String? {
        if declared / maxInflationRatio > compressed {
            return "corrupt zip member: it declares \(declared) bytes from \(compressed) compressed bytes, more than deflate's \(maxInflationRatio):1"
        }
        return InputSizeLimit.problem("the zip member (bytes / 8)", [(declared + 7) / 8])
    }

    /// The (compressed) bytes of the member whose local header is at `offset`.
    static func memberData(_ bytes: [UInt8], at offset: Int, compressedSize: Int, source: String) throws(DataError) -> ArraySlice<UInt8> {
        var reader = ByteReader(bytes, source: source, offset: offset)
        guard try reader.unsigned(4, "a local header signature") == localHeaderSignature else {
            throw DataError(.corrupt, source: source, "corrupt zip: no local header at offset \(offset)")
        }
        try reader.skip(22, for: "the local header")
        let nameLength = try reader.uint16LE("the local name length")
        let extraLength = try reader.uint16LE("the local extra length")
        try reader.skip(nameLength + extraLength, for: "the local name and extra field")
        return try reader.take(compressedSize, for: "the member data")
    }

    /// (number of entries, offset of the central directory), from the end record (zip64 when present).
    static func endOfCentralDirectory(_ bytes: [UInt8], source: String) throws(DataError) -> (Int, Int) {
        let minimum = 22
        guard bytes.count >= minimum else {
            if bytes.count >= 4, Array(bytes[0..<4]) != [0x50, 0x4B, 0x03, 0x04] {
                throw DataError(.badMagic, source: source, "bad magic: not a zip (.npz) archive (expected PK\\x03\\x04 at offset 0)")
            }
            throw DataError(.truncated, source: source, "truncated: \(bytes.count) bytes is too short for a zip archive (at least 22)")
        }
        var position = bytes.count - minimum
        let lowest = max(0, bytes.count - minimum - 65535)
        while position >= lowest {
            var probe = ByteReader(bytes, source: source, offset: position)
            if try probe.unsigned(4, "the end record") == endSignature { break }
            position -= 1
        }
        guard position >= lowest else {
            if Array(bytes[0..<4]) != [0x50, 0x4B, 0x03, 0x04] {
                throw DataError(.badMagic, source: source, "bad magic: not a zip (.npz) archive (expected PK\\x03\\x04 at offset 0)")
            }
            throw DataError(.truncated, source: source, "truncated: the zip archive has no end-of-central-directory record")
        }
        var reader = ByteReader(bytes, source: source, offset: position + 10)
        var entries = try reader.uint16LE("the entry count")
        try reader.skip(4, for: "the central directory size")
        var offset = try reader.uint32LE("the central directory offset")
        if entries == 0xFFFF || offset == 0xFFFF_FFFF, position >= 20 {
            var locator = ByteReader(bytes, source: source, offset: position - 20)
            if try locator.unsigned(4, "the zip64 locator") == zip64LocatorSignature {
                try locator.skip(4, for: "the zip64 locator")
                var end64 = ByteReader(bytes, source: source, offset: Int(try locator.uint64LE("the zip64 end offset")))
                guard try end64.unsigned(4, "the zip64 end record") == zip64EndSignature else {
                    throw DataError(.corrupt, source: source, "corrupt zip: bad zip64 end record")
                }
                try end64.skip(28, for: "the zip64 end record")
                entries = Int(try end64.uint64LE("the zip64 entry count"))
                try end64.skip(8, for: "the zip64 directory size")
                offset = Int(try end64.uint64LE("the zip64 directory offset"))
            }
        }
        guard offset <= position else {
            throw DataError(.truncated, source: source, "truncated: the central directory offset \(offset) is past the end record at \(position)")
        }
        return (entries, offset)
    }

    /// A zip archive of stored (uncompressed) members. Timestamps are fixed at 1980-01-01 00:00 so the
    /// output depends only on the members.
    static func stored(_ members: [(name: String, data: [UInt8])], source: String) throws(DataError) -> [UInt8] {
        guard members.count < 0xFFFF else {
            throw DataError(.invalidValue, source: source, "\(members.count) arrays are too many for a zip archive without zip64 (65534)")
        }
        var out: [UInt8] = []
        var directory: [UInt8] = []
        let dosDate: UInt16 = (1 << 5) | 1  // 1980-01-01
        for member in members {
            let name = Array(member.name.utf8)
            guard member.data.count < 0xFFFF_FFFF, out.count < 0xFFFF_FFFF else {
                throw DataError(.invalidValue, source: source, "member \(member.name) is too large for a zip archive without zip64 (4 GiB)")
            }
            let crc = Zlib.crc32(member.data)
            let offset = UInt32(out.count)
            func common(_ bytes: inout [UInt8]) {
                bytes.appendLittleEndian(UInt16(20))         // version needed: 2.0
                bytes.appendLittleEndian(UInt16(0))          // flags
                bytes.appendLittleEndian(UInt16(0))          // method: stored
                bytes.appendLittleEndian(UInt16(0))          // time
                bytes.appendLittleEndian(dosDate)
                bytes.appendLittleEndian(crc)
                bytes.appendLittleEndian(UInt32(member.data.count))
                bytes.appendLittleEndian(UInt32(member.data.count))
                bytes.appendLittleEndian(UInt16(name.count))
                bytes.appendLittleEndian(UInt16(0))          // extra length
            }
            out.appendLittleEndian(localHeaderSignature)
            common(&out)
            out.append(contentsOf: name)
            out.append(contentsOf: member.data)

            directory.appendLittleEndian(centralHeaderSignature)
            directory.appendLittleEndian(UInt16(0x0314))     // made by: Unix, 2.0
            common(&directory)
            directory.appendLittleEndian(UInt16(0))          // comment length
            directory.appendLittleEndian(UInt16(0))          // disk number
            directory.appendLittleEndian(UInt16(0))          // internal attributes
            directory.appendLittleEndian(UInt32(0o100644) << 16) // external: regular file, rw-r--r--
            directory.appendLittleEndian(offset)
            directory.append(contentsOf: name)
        }
        let directoryOffset = UInt32(out.count)
        out.append(contentsOf: directory)
        out.appendLittleEndian(endSignature)
        out.appendLittleEndian(UInt16(0))                    // this disk
        out.appendLittleEndian(UInt16(0))                    // directory disk
        out.appendLittleEndian(UInt16(members.count))
        out.appendLittleEndian(UInt16(members.count))
        out.appendLittleEndian(UInt32(directory.count))
        out.appendLittleEndian(directoryOffset)
        out.appendLittleEndian(UInt16(0))                    // comment length
        return out
    }

    static func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16, uppercase: false) }
}
