/// The open documents. Every open and change gives the document a new revision number (the
/// server's own, unlike client versions it never repeats), which is how queued work knows it
/// is stale. Mask layouts are computed when first asked for and kept until the next change.
struct DocumentStore {
    private struct Entry {
        var document: TextDocument
        var revision: Int
        var layout: MaskLayout?
        var layoutSpellings: MaskSpellings?
    }

    private var entries: [String: Entry] = [:]
    private var lastRevision = 0

    mutating func open(_ document: TextDocument) -> Int {
        lastRevision += 1
        entries[document.uri] = Entry(document: document, revision: lastRevision)
        return lastRevision
    }

    /// Applies content changes in order; nil when the document is not open.
    mutating func change(_ uri: String, version: Int?, changes: [(range: TextRange?, text: String)], encoding: PositionEncoding) -> Int? {
        guard var entry = entries.removeValue(forKey: uri) else { return nil }
        for change in changes {
            entry.document.apply(range: change.range, text: change.text, encoding: encoding)
        }
        if let version { entry.document.version = version }
        lastRevision += 1
        entry.revision = lastRevision
        entry.layout = nil
        entries[uri] = entry
        return lastRevision
    }

    mutating func close(_ uri: String) -> Bool {
        entries.removeValue(forKey: uri) != nil
    }

    func revision(of uri: String) -> Int? { entries[uri]?.revision }

    func document(_ uri: String) -> TextDocument? { entries[uri]?.document }

    /// The document with its masks as `spellings` finds them.
    mutating func snapshot(of uri: String, spellings: MaskSpellings) -> DocumentSnapshot? {
        guard var entry = entries[uri] else { return nil }
        if let layout = entry.layout, entry.layoutSpellings == spellings {
            return DocumentSnapshot(document: entry.document, revision: entry.revision, layout: layout)
        }
        let layout = MaskLayout(bytes: entry.document.bytes, language: entry.document.language, spellings: spellings)
        entry.layout = layout
        entry.layoutSpellings = spellings
        entries[uri] = entry
        return DocumentSnapshot(document: entry.document, revision: entry.revision, layout: layout)
    }
}
