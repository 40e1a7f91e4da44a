import Foundation

/// Per-scalar Unicode mappings, as Rust's `char::to_lowercase` and `unicode-normalization`'s
/// NFD apply them: context-free, one scalar in, zero or more out.
enum UnicodeMappings {
    static func lowercase(_ scalar: Unicode.Scalar, _ emit: (Unicode.Scalar) -> Void) {
        if scalar.value < 0x80 {
            if scalar.value >= 0x41 && scalar.value <= 0x5A {
                emit(Unicode.Scalar(UInt8(scalar.value + 0x20)))
            } else {
                emit(scalar)
            }
            return
        }
        if !scalar.properties.changesWhenLowercased {
            emit(scalar)
            return
        }
        for mapped in scalar.properties.lowercaseMapping.unicodeScalars { emit(mapped) }
    }

    /// Canonical decomposition of one scalar. ASCII and scalars without a decomposition are
    /// passed through without touching Foundation.
    static func decompose(_ scalar: Unicode.Scalar, _ emit: (Unicode.Scalar) -> Void) {
        if scalar.value < 0xC0 {
            emit(scalar)
            return
        }
        let decomposed = String(Character(scalar)).decomposedStringWithCanonicalMapping
        for mapped in decomposed.unicodeScalars { emit(mapped) }
    }
}
