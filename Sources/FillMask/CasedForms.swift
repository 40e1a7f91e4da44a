import Foundation
import JSON

/// How people spell the words an uncased model answers in lowercase ("paris" → "Paris",
/// "nasa" → "NASA"): the `cased_forms.json` a model folder may ship (made by
/// Models/recipe/cased_forms.py from the corpora), plus a capital at the start of a sentence.
public struct CasedForms: Sendable {
    public static let fileName = "cased_forms.json"
    let forms: [String: String]

    public init(forms: [String: String]) {
        self.forms = forms
    }

    /// The table in `folder`, nil when the folder has none (cased models need none).
    public static func load(folder: String) throws(FillMaskError) -> CasedForms? {
        let path = folder + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let json: JSONValue
        do {
            json = try JSONValue.parse(data)
        } catch {
            throw FillMaskError("\(path): \(error)")
        }
        guard let object = json["forms"]?.objectValue else { throw FillMaskError("\(path): no \"forms\" object") }
        var forms: [String: String] = [:]
        for member in object {
            if let form = member.value.stringValue { forms[member.key] = form }
        }
        return CasedForms(forms: forms)
    }

    /// `word` as it is usually written, capitalised when it starts a sentence.
    public func restore(_ word: String, startsSentence: Bool) -> String {
        let written = forms[word] ?? word
        return startsSentence ? Self.capitalizingFirstLetter(written) : written
    }

    public static func capitalizingFirstLetter(_ word: String) -> String {
        guard let first = word.first, first.isLowercase else { return word }
        return first.uppercased() + word.dropFirst()
    }

    /// For each mask in `text` (any of `spellings`, left to right), whether it starts a sentence.
    public static func sentenceStarts(in text: String, maskSpellings spellings: [String]) -> [Bool] {
        let masks = WrittenMasks(text: text, spellings: spellings)
        return masks.spans.indices.map(masks.startsSentence)
    }

    /// Whether a mask at `offset` (a scalar index in `text`) starts a sentence: nothing but
    /// whitespace or opening quotes/brackets since the text's start or the last . ! ? or blank line.
    public static func startsSentence(_ text: [Unicode.Scalar], at offset: Int) -> Bool {
        var index = min(offset, text.count) - 1
        while index >= 0 {
            let scalar = text[index]
            if scalar == "\n", index > 0, text[index - 1] == "\n" { return true }
            if scalar.properties.isWhitespace || "\"'“‘([".unicodeScalars.contains(scalar) {
                index -= 1
                continue
            }
            return ".!?".unicodeScalars.contains(scalar)
        }
        return true
    }
}
