/// The character classes the Hugging Face pipeline tests, by Unicode property, with ASCII fast
/// paths (they run once per input scalar).
extension Unicode.Scalar {
    /// `\p{L}`: general category L*.
    var isLetter: Bool {
        if value < 0x80 {
            return (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
        }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return true
        default:
            return false
        }
    }

    /// `\p{N}`: general category N*; Rust's `char::is_numeric`.
    var isNumber: Bool {
        if value < 0x80 { return value >= 0x30 && value <= 0x39 }
        switch properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// `\s` and Rust's `char::is_whitespace`: the White_Space property.
    var isWhitespace: Bool {
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        return properties.isWhitespace
    }

    /// Rust's `char::is_alphanumeric`: Alphabetic or numeric.
    var isAlphanumeric: Bool {
        if value < 0x80 {
            return (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
        }
        return properties.isAlphabetic || isNumber
    }

    /// General category P* (what BERT isolates as punctuation, with ASCII symbols added).
    var isPunctuation: Bool {
        switch properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// General category C* (control, format, private use, unassigned, surrogate).
    var isOther: Bool {
        switch properties.generalCategory {
        case .control, .format, .privateUse, .unassigned, .surrogate:
            return true
        default:
            return false
        }
    }

    /// General category Mn.
    var isNonspacingMark: Bool {
        if value < 0x80 { return false }
        return properties.generalCategory == .nonspacingMark
    }
}

extension Unicode.Scalar {
    /// The scalar's UTF-8 encoding, byte by byte, without allocating.
    @inline(__always)
    func forEachUTF8Byte(_ body: (UInt8) -> Void) {
        let v = value
        switch v {
        case 0..<0x80:
            body(UInt8(v))
        case 0x80..<0x800:
            body(UInt8(0xC0 | (v >> 6)))
            body(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            body(UInt8(0xE0 | (v >> 12)))
            body(UInt8(0x80 | ((v >> 6) & 0x3F)))
            body(UInt8(0x80 | (v & 0x3F)))
        default:
            body(UInt8(0xF0 | (v >> 18)))
            body(UInt8(0x80 | ((v >> 12) & 0x3F)))
            body(UInt8(0x80 | ((v >> 6) & 0x3F)))
            body(UInt8(0x80 | (v & 0x3F)))
        }
    }
}

extension String {
    /// Prefix test on Unicode scalars. `hasPrefix` compares grapheme clusters, so "##" is not
    /// a prefix of "##ि" (the second "#" and the vowel sign form one cluster).
    func hasScalarPrefix(_ prefix: String) -> Bool {
        unicodeScalars.starts(with: prefix.unicodeScalars)
    }
}
