/// GPT-2's reversible map from bytes to printable characters (`bytes_to_unicode`): printable
/// Latin-1 bytes map to themselves, the other 68 to U+0100 onwards, so that every byte string
/// is a string of visible characters (a space becomes "Ġ").
enum ByteLevelAlphabet {
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                table[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                table[byte] = Unicode.Scalar(next) ?? " "
                next += 1
            }
        }
        return table
    }()

    /// Scalar value → byte, for the 256 scalars of the alphabet.
    static let scalarToByte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in byteToScalar.enumerated() {
            map[scalar.value] = UInt8(byte)
        }
        return map
    }()
}
