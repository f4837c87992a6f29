/// 0x04 IDENTITY: returns its input. 15 + 3 per word.
public enum Identity {
    public static let baseGas: Int64 = 15
    public static let wordGas: Int64 = 3

    public static func gasCost(inputLength: Int) -> Int64 {
        PrecompileGas.linear(base: baseGas, perWord: wordGas, byteCount: inputLength)
    }

    public static func run(input: [UInt8], gas: Int64) -> PrecompileResult {
        PrecompileGas.charge(gasCost(inputLength: input.count), gas: gas) { input }
    }
}
