// EngramCore's public API speaks in some of EngramRecall's types (`Embedder`, `HashedEmbedder`,
// `RecallConfiguration`, `TimeRange`, `RecallExplanation`), so a module that imports the engine
// sees them without importing the ranking module too.
@_exported import EngramRecall
