/// A validated filter in disjunctive normal form, bound to one index and collection.
///
/// Obtained from ``Koncorde/normalize(index:collection:filter:)``; pass it to ``Koncorde/store(_:)``.
public struct NormalizedFilter: Sendable {
    /// The room id: equal for equivalent filters on the same index and collection.
    public let id: String
    /// The index the filter applies to.
    public let index: String
    /// The collection the filter applies to.
    public let collection: String
    /// The filter as an OR of ANDs of literals.
    let form: DisjunctiveNormalForm

    /// - Parameter isEmptyFilter: `true` for `{}` (and what Koncorde reads as `{}`). Koncorde gives it
    ///   its own room id; a non-empty filter that happens to match everything keeps a different one.
    init(index: String, collection: String, form: DisjunctiveNormalForm, isEmptyFilter: Bool) {
        self.index = index
        self.collection = collection
        self.form = form
        var text = ""
        CanonicalText.append(string: index, to: &text)
        text += "/"
        CanonicalText.append(string: collection, to: &text)
        text += ":"
        text += isEmptyFilter ? "everything" : form.canonicalText
        id = RoomHash.hex(of: text)
    }
}
