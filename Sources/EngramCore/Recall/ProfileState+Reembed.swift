extension ProfileState {
    /// Engine-made observation vectors of another embedder than `target`: what a
    /// re-embedding of this profile replaces.
    func staleObservations(target: String) -> [Observation] {
        observations.values.compactMap { isStale($0.observation, target) ? $0.observation : nil }
    }

    /// Whether any observation holds such a vector (no list built: the scan looks at every profile).
    func hasStaleVectors(target: String) -> Bool {
        observations.values.contains { isStale($0.observation, target) }
    }

    private func isStale(_ o: Observation, _ target: String) -> Bool { o.embedder != nil && o.embedder != target }

    /// Applies new vectors: the recall matrix switches to their embedder whole, so one
    /// profile never mixes two embedders' vectors. Client vectors stay as they are.
    /// Returns how many observations got a new vector.
    mutating func applyVectors(_ c: Command.Reembed) -> Int {
        indexes?.recall.observations.adopt(space: c.embedder)
        var changed = 0
        for v in c.vectors {
            guard var stored = observations[v.observationID], stored.observation.embedder != nil else { continue }
            stored.observation.embedding = v.embedding
            stored.observation.embedder = c.embedder
            observations[v.observationID] = StoredObservation(
                observation: stored.observation.withoutDerivedVector, revisions: stored.revisions)
            changed += 1
        }
        // Every vector of the new embedder goes into the matrix, including those of
        // observations written after the switch, which the old matrix had turned away
        // (standard hashed ones are built from the content). Indexes not yet built are
        // built later from the new vectors.
        if indexes != nil {
            for stored in observations.values where stored.observation.embedder == c.embedder {
                indexes!.recall.put(stored.observation, old: nil)
            }
        }
        return changed
    }
}
