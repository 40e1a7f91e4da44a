/// Element types a safetensors file may declare. MaskFill computes with F32, F16, BF16 and I8;
/// the others are recognised so that a file holding them (e.g. an I64 `position_ids` buffer)
/// still opens.
public enum DType: String, Sendable, CaseIterable {
    case bool = "BOOL", u8 = "U8", i8 = "I8", i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
    case i32 = "I32", u32 = "U32", f32 = "F32", f64 = "F64", i64 = "I64", u64 = "U64"
    case f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"

    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e4m3, .f8e5m2: return 1
        case .i16, .u16, .f16, .bf16: return 2
        case .i32, .u32, .f32: return 4
        case .f64, .i64, .u64: return 8
        }
    }

    /// Whether MaskFill can read it as floating point weights.
    var isFloatWeight: Bool { self == .f32 || self == .f16 || self == .bf16 }
}

enum HalfConversion {
    /// IEEE 754 binary16 → Float, subnormals and infinities included.
    @inline(__always)
    static func float(fromHalfBits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            // Zero or subnormal: mantissa × 2^-24.
            let value = Float(mantissa) * 5.960464477539063e-08
            return sign != 0 ? -value : value
        }
        if exponent == 31 {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
    }

    @inline(__always)
    static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
