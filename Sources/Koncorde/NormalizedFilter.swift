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

    init(index: String, collection: String, form: DisjunctiveNormalForm) {
        self.index = index
        self.collection = collection
        self.form = form
        var text = ""
        CanonicalText.append(string: index, to: &text)
        text += "/"
        CanonicalText.append(string: collection, to: &text)
        text += ":"
        text += form.canonicalText
        id = RoomHash.hex(of: text)
    }
}
