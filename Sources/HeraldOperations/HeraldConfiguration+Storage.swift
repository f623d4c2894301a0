/// The settings that bound document reads and writes, as Kuzzle's `limits.documentsWriteCount`,
/// `limits.documentsFetchCount`, storage `defaults.scrollTtl` and `maxScrollDuration` do, plus the
/// bounds of open scroll cursors.
extension HeraldConfiguration {
    static var storageSettings: [ConfigurationSetting] {
        [
            .init("documentsWriteCount", \.documentsWriteCount,
                  "Most documents one multi-document or by-query write may touch.", range: 1...Int.max),
            .init("documentsFetchCount", \.documentsFetchCount,
                  "Most documents mGet may ask for and one search page may return.", range: 1...Int.max),
            .init("scrollTtl", \.scrollTtl,
                  "Seconds a scroll cursor lives when document:scroll does not say (scroll argument).",
                  range: 1...86_400),
            .init("maxScrollDuration", \.maxScrollDuration,
                  "Longest scroll TTL in seconds a request may ask for.", range: 1...86_400),
            .init("maxScrollCursors", \.maxScrollCursors, "Most scroll cursors open at once.", range: 1...Int.max),
            .init("maxScrollDocuments", \.maxScrollDocuments,
                  "Most documents all open scroll cursors may hold together.", range: 1...Int.max),
        ]
    }
}
