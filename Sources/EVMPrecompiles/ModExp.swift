import BigInt
import EVMCore

/// 0x05 MODEXP (EIP-198): `baseLen ‖ expLen ‖ modLen ‖ base ‖ exp ‖ mod`, each length a 32-byte
/// big-endian word, the input right-padded with zeros. Returns `base^exp mod mod` as `modLen`
/// big-endian bytes (all zeros when mod is 0).
///
/// Pricing by fork: EIP-198 (Byzantium–Istanbul), EIP-2565 (Berlin–Prague), EIP-7883 (Osaka),
/// which also brings EIP-7823's limit of 1024 bytes per length (longer → failure).
/// The price is computed from the header and the exponent's first 32 bytes only, with saturating
/// arithmetic, so absurd lengths are priced (and rejected) before any buffer is allocated.
public enum ModExp {
    /// EIP-7823 (Osaka): the largest base, exponent or modulus length accepted.
    public static let osakaLengthLimit: UInt64 = 1024

    struct Header {
        let baseLength: UInt64   // saturated at UInt64.max
        let exponentLength: UInt64
        let modulusLength: UInt64
        /// The first min(expLen, 32) bytes of the exponent as a number.
        let exponentHead: UInt256
    }

    static func header(_ input: [UInt8]) -> Header {
        let baseLength = saturated(input.paddedWord(at: 0))
        let exponentLength = saturated(input.paddedWord(at: 32))
        let modulusLength = saturated(input.paddedWord(at: 64))
        var head = UInt256.zero
        // Past the end of the input everything reads as zero, so only look when the exponent starts inside it.
        if baseLength < UInt64(input.count) {
            let start = 96 + Int(baseLength)
            head = UInt256(bigEndian: input.paddedSlice(from: start, count: Int(min(exponentLength, 32))))
        }
        return Header(baseLength: baseLength, exponentLength: exponentLength, modulusLength: modulusLength,
                      exponentHead: head)
    }

    /// The price of `input` in `fork`, saturated at `UInt64.max`.
    public static func gasCost(input: [UInt8], fork: Hardfork) -> UInt64 {
        gasCost(header(input), fork: fork)
    }

    static func gasCost(_ h: Header, fork: Hardfork) -> UInt64 {
        let maxLength = max(h.baseLength, h.modulusLength)
        let headBits = h.exponentHead.isZero ? 0 : UInt64(h.exponentHead.bitWidth - 1)
        if fork >= .osaka {
            // EIP-7883
            let words = ceilDiv8(maxLength)
            let complexity = maxLength <= 32 ? 16 : Sat.mul(2, Sat.mul(words, words))
            let iterations = max(iterationCount(h, headBits: headBits, bytesMultiplier: 16), 1)
            return max(500, Sat.mul(complexity, iterations))
        } else if fork >= .berlin {
            // EIP-2565
            let words = ceilDiv8(maxLength)
            let complexity = Sat.mul(words, words)
            let iterations = max(iterationCount(h, headBits: headBits, bytesMultiplier: 8), 1)
            return max(200, Sat.div(Sat.mul(complexity, iterations), 3))
        } else {
            // EIP-198
            let complexity = eip198MultComplexity(maxLength)
            let adjusted = max(iterationCount(h, headBits: headBits, bytesMultiplier: 8), 1)
            return Sat.div(Sat.mul(complexity, adjusted), 20)
        }
    }

    /// EIP-198's adjusted exponent length / EIP-2565's iteration count before the max with 1.
    private static func iterationCount(_ h: Header, headBits: UInt64, bytesMultiplier: UInt64) -> UInt64 {
        if h.exponentLength <= 32 { return headBits }
        return Sat.add(Sat.mul(bytesMultiplier, h.exponentLength - 32), headBits)
    }

    private static func eip198MultComplexity(_ x: UInt64) -> UInt64 {
        let square = Sat.mul(x, x)
        if x <= 64 { return square }
        if x <= 1024 { return square / 4 + 96 * x - 3072 }
        return Sat.sub(Sat.add(Sat.div(square, 16), Sat.mul(480, x)), 199_680)
    }

    private static func ceilDiv8(_ x: UInt64) -> UInt64 { x / 8 + (x % 8 == 0 ? 0 : 1) }

    private static func saturated(_ word: UInt256) -> UInt64 { word.uint64IfFits ?? UInt64.max }

    public static func run(input: [UInt8], gas: Int64, fork: Hardfork) -> PrecompileResult {
        let h = header(input)
        if fork >= .osaka,
           h.baseLength > osakaLengthLimit || h.exponentLength > osakaLengthLimit || h.modulusLength > osakaLengthLimit {
            return .failure
        }
        let cost = gasCost(h, fork: fork)
        guard gas >= 0, cost <= UInt64(gas) else { return .outOfGas }
        return .success(output: compute(input, h), gasUsed: Int64(cost))
    }

    /// Only called once the price is paid, which bounds every length by the gas available.
    private static func compute(_ input: [UInt8], _ h: Header) -> [UInt8] {
        if h.baseLength == 0 && h.modulusLength == 0 { return [] }
        let modLength = Int(h.modulusLength)
        let expOffset = Sat.add(96, h.baseLength)
        let modulus = number(input, offset: Sat.add(expOffset, h.exponentLength), length: h.modulusLength)
        if modulus.isZero || modulus == 1 { return [UInt8](repeating: 0, count: modLength) }
        let base = number(input, offset: 96, length: h.baseLength)

        // The exponent is (the bytes present in the input) · 2^(8 · bytes cut off by the input's end):
        // raise to the present part, then square once per missing bit, without materialising the padding.
        let (exponentPresent, missingBytes) = presentPart(input, offset: expOffset, length: h.exponentLength)
        var result: BigUInt
        if exponentPresent.isZero {
            result = BigUInt(1) % modulus   // x^0 = 1, including 0^0
        } else {
            result = base.power(exponentPresent, modulus: modulus)
            var squarings = Sat.mul(missingBytes, 8)
            while squarings > 0 && result > 1 {
                result = (result * result) % modulus
                squarings -= 1
            }
        }
        return bigEndian(result, length: modLength)
    }

    /// The big-endian number in `length` bytes at `offset`, right-padded with zeros.
    private static func number(_ input: [UInt8], offset: UInt64, length: UInt64) -> BigUInt {
        let (present, missing) = presentPart(input, offset: offset, length: length)
        if present.isZero || missing == 0 { return present }
        return present << Int(Sat.mul(missing, 8))
    }

    /// The bytes of `[offset, offset + length)` that lie inside `input`, as a number, and how many
    /// bytes of the range lie past its end.
    private static func presentPart(_ input: [UInt8], offset: UInt64, length: UInt64) -> (BigUInt, UInt64) {
        guard offset < UInt64(input.count), length > 0 else { return (0, length) }
        let start = Int(offset)
        let available = min(UInt64(input.count - start), length)
        let present = bigUInt(input[start..<(start + Int(available))])
        return (present, length - available)
    }

    private static func bigUInt(_ bytes: ArraySlice<UInt8>) -> BigUInt {
        var words = [UInt]()
        words.reserveCapacity(bytes.count / 8 + 1)
        var word: UInt = 0
        var shift = 0
        for byte in bytes.reversed() {
            word |= UInt(byte) << UInt(shift)
            shift += 8
            if shift == UInt.bitWidth {
                words.append(word)
                word = 0
                shift = 0
            }
        }
        if shift > 0 { words.append(word) }
        return BigUInt(words: words)
    }

    /// `value` as exactly `length` big-endian bytes (value < 256^length holds since value < modulus).
    private static func bigEndian(_ value: BigUInt, length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        var index = length - 1
        for word in value.words {
            var w = word
            for _ in 0..<(UInt.bitWidth / 8) {
                guard index >= 0 else { return out }
                out[index] = UInt8(truncatingIfNeeded: w)
                w >>= 8
                index -= 1
            }
        }
        return out
    }
}

/// Saturating `UInt64` arithmetic for gas formulas: `UInt64.max` stands for "too large" and
/// stays there through every operation.
enum Sat {
    static func mul(_ a: UInt64, _ b: UInt64) -> UInt64 {
        if a == .max || b == .max { return (a == 0 || b == 0) ? 0 : .max }
        let (p, o) = a.multipliedReportingOverflow(by: b)
        return o ? .max : p
    }

    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (s, o) = a.addingReportingOverflow(b)
        return o ? .max : s
    }

    static func sub(_ a: UInt64, _ b: UInt64) -> UInt64 {
        if a == .max { return .max }
        return a >= b ? a - b : 0
    }

    static func div(_ a: UInt64, _ b: UInt64) -> UInt64 { a == .max ? .max : a / b }
}
