/// The character classes the Hugging Face pipeline tests, with ASCII fast paths (they run once
/// per input scalar): by Unicode property where `tokenizers` uses current Unicode (Rust's `char`
/// methods, its regex), and by the tables generated from `tokenizers` (CharacterTables.swift)
/// where it uses its own, older ones.
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

    /// What BertPreTokenizer splits off (`tokenizers`' punctuation and the ASCII symbols).
    var isBertPunctuation: Bool {
        if value < 0x80 {
            return (0x21...0x2F).contains(value) || (0x3A...0x40).contains(value)
                || (0x5B...0x60).contains(value) || (0x7B...0x7E).contains(value)
        }
        return CharacterTables.punctuation.containsScalar(value)
    }

    /// What BERT's text cleaning removes: NUL, U+FFFD, and Cc, Cf, Co as `tokenizers` knows them
    /// (not unassigned code points, which it keeps). Tab, newline and return are whitespace.
    var isRemovedByBertCleaning: Bool {
        if value < 0x80 { return value == 0x7F || (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) }
        return CharacterTables.cleaningRemoves.containsScalar(value)
    }

    /// What BertNormalizer's accent stripping drops after NFD (`tokenizers`' Mn).
    var isBertAccent: Bool {
        value >= 0x80 && CharacterTables.bertAccent.containsScalar(value)
    }

    /// What the StripAccents normalizer drops (`tokenizers`' combining marks: Mn, Mc, Me).
    var isCombiningMark: Bool {
        value >= 0x80 && CharacterTables.combiningMark.containsScalar(value)
    }

    /// The canonical combining class `tokenizers`' NFD sorts by (0 for a starter, and for marks
    /// newer than its tables).
    var tokenizersCombiningClass: UInt8 {
        guard value >= 0x300 else { return 0 }
        let table = CharacterTables.combiningClasses
        return table.indexOfRange(containing: value, bounds: { ($0.0, $0.1) }).map { table[$0].2 } ?? 0
    }
}

extension Array where Element == (UInt32, UInt32) {
    func containsScalar(_ value: UInt32) -> Bool {
        indexOfRange(containing: value, bounds: { $0 }) != nil
    }
}

extension Array {
    /// Binary search in sorted, non-overlapping inclusive ranges of scalar values: the index of
    /// the element whose (first, last) holds `value`.
    func indexOfRange(containing value: UInt32, bounds: (Element) -> (UInt32, UInt32)) -> Int? {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            let (first, last) = bounds(self[middle])
            if value < first {
                high = middle
            } else if value > last {
                low = middle + 1
            } else {
                return middle
            }
        }
        return nil
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
