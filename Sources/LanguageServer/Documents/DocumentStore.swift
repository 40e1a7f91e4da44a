/// The open documents. Every open and change gives the document a new revision number (the
/// server's own, unlike client versions it never repeats), which is how queued work knows it
/// is stale. Mask layouts are computed when first asked for and kept until the next change.
///
/// A document can also be in doubt: its text here may not be the editor's (see `Doubt`).
/// Work on it waits until the doubt clears; starting a doubt gives a new revision, so work
/// already queued is dropped too.
struct DocumentStore {
    /// Why the server's copy of a document may differ from the editor's.
    enum Doubt: Equatable {
        /// A change could not be applied (or a message that may have been one could not be
        /// read): the text stays doubtful until the editor sends it whole again (a reopen, or a
        /// change without a range).
        case lostChange
        /// The server sent an edit at `revision` and the editor has not yet both answered it and
        /// reported a change since: an edit computed now could be applied on top of it.
        case editInFlight(revision: Int, answered: Bool, changedSince: Bool)
    }

    private struct Entry {
        var document: TextDocument
        var revision: Int
        var layout: MaskLayout?
        var layoutSpellings: MaskSpellings?
        var doubt: Doubt?
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
        switch entry.doubt {
        case .lostChange:
            // From a whole text on, the copy is the editor's again.
            if changes.contains(where: { $0.range == nil }) { entry.doubt = nil }
        case .editInFlight(let revision, let answered, _):
            entry.doubt = answered ? nil : .editInFlight(revision: revision, answered: false, changedSince: true)
        case nil:
            break
        }
        lastRevision += 1
        entry.revision = lastRevision
        entry.layout = nil
        entries[uri] = entry
        return lastRevision
    }

    mutating func close(_ uri: String) -> Bool {
        entries.removeValue(forKey: uri) != nil
    }

    /// A change to the document was lost; returns its new revision (nil when it is not open).
    mutating func markChangeLost(_ uri: String) -> Int? {
        putInDoubt(uri) { _ in .lostChange }
    }

    /// The server is sending an edit computed from the current text; returns the new revision,
    /// which `editAnswered` names (nil when the document is not open).
    mutating func markEditSent(_ uri: String) -> Int? {
        putInDoubt(uri) { revision in .editInFlight(revision: revision, answered: false, changedSince: false) }
    }

    private mutating func putInDoubt(_ uri: String, _ doubt: (Int) -> Doubt) -> Int? {
        guard var entry = entries[uri] else { return nil }
        lastRevision += 1
        entry.revision = lastRevision
        if entry.doubt != .lostChange { entry.doubt = doubt(lastRevision) }  // only a whole text clears a lost change
        entries[uri] = entry
        return lastRevision
    }

    /// The editor answered the edit sent at `revision`: the doubt ends if the edit was not
    /// applied, or if a change has come since it was sent (the editor reports its edits as changes).
    mutating func editAnswered(_ uri: String, revision: Int, applied: Bool) {
        guard var entry = entries[uri], case .editInFlight(revision, _, let changedSince) = entry.doubt else { return }
        entry.doubt = !applied || changedSince ? nil : .editInFlight(revision: revision, answered: true, changedSince: false)
        entries[uri] = entry
    }

    var openURIs: [String] { Array(entries.keys) }

    func revision(of uri: String) -> Int? { entries[uri]?.revision }

    func document(_ uri: String) -> TextDocument? { entries[uri]?.document }

    func doubt(of uri: String) -> Doubt? { entries[uri]?.doubt }

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
