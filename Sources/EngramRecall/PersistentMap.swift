import HashTreeCollections

/// A swift-collections `TreeDictionary` whose writes are safe while other threads hold and
/// release copies of it. Every persistent map the engine shares with views, snapshots and
/// lock-free index builds is one of these, so the rule below is written once.
///
/// Why: in swift-collections 1.6.0, `TreeDictionary`'s in-place subscript accessors
/// (`d[k]?.x = …`, `d[k, default: v].x = …`, `d.updateValue(forKey:with:)`) run
/// `_HashNode._prepareValueUpdate`, which builds an `_UnsafePath` from the root, then calls
/// `ensureUnique` on a node that a copy shares. That replaces the node with a fresh copy and
/// releases the old one, but the path still points at the old node and descends from it
/// (`_UnsafePath.descendToChild` reads `node.childrenEndSlot` and `node.unmanagedChild(at:)`
/// in its assertions). If the copy's other holder drops it on another thread at that moment,
/// the old node is freed first and the read is a use-after-free: a crash in debug builds,
/// found by AddressSanitizer in the engine's concurrency and replay tests.
///
/// The accessors here never use that path. The subscript's modify takes the value out of the
/// tree (`removeValue`, which copies a shared path as a whole) and puts it back
/// (`updateValue(_:forKey:)`, which descends only through nodes it has made unique); taking
/// the value out leaves it uniquely referenced when no copy shares its node, so the change
/// itself is still made in place. `modifyValue(forKey:)`, for hot paths, changes the value
/// where it lies through `updateValue(forKey:default:with:)`, which also makes each node on
/// the path unique before it descends and holds no pointer to a replaced one.
package struct PersistentMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    package private(set) var base: TreeDictionary<Key, Value>

    package init() { base = [:] }

    package init(_ base: TreeDictionary<Key, Value>) { self.base = base }

    package var count: Int { base.count }
    package var isEmpty: Bool { base.isEmpty }
    package var keys: TreeDictionary<Key, Value>.Keys { base.keys }
    package var values: TreeDictionary<Key, Value>.Values { base.values }

    package subscript(key: Key) -> Value? {
        get { base[key] }
        set {
            if let newValue {
                base.updateValue(newValue, forKey: key)
            } else {
                base.removeValue(forKey: key)
            }
        }
        _modify {
            var value = base.removeValue(forKey: key)
            // Runs after the caller's change, and also if it unwinds.
            defer { if let value { base.updateValue(value, forKey: key) } }
            yield &value
        }
    }

    package subscript(key: Key, default defaultValue: @autoclosure () -> Value) -> Value {
        get { base[key] ?? defaultValue() }
        set { base.updateValue(newValue, forKey: key) }
        _modify {
            var value = base.removeValue(forKey: key) ?? defaultValue()
            defer { base.updateValue(value, forKey: key) }
            yield &value
        }
    }

    /// Changes the value for `key` in place and returns what `body` returns; nil, with `body`
    /// not called, if the key is absent. Cheaper than the subscript's modify on a hot path: the
    /// value stays in its node (`updateValue(forKey:default:with:)` makes every node on the
    /// path unique first and keeps no pointer to a node it replaced).
    @inline(__always)
    package mutating func modifyValue<R>(forKey key: Key, _ body: (inout Value) throws -> R) rethrows -> R? {
        guard base.index(forKey: key) != nil else { return nil }
        return try base.updateValue(forKey: key, default: Self.unreachable(), with: body)
    }

    /// Changes the value for `key` in place, inserting `defaultValue()` first if it is absent.
    @inline(__always)
    package mutating func modifyValue<R>(
        forKey key: Key, default defaultValue: @autoclosure () -> Value, _ body: (inout Value) throws -> R
    ) rethrows -> R {
        try base.updateValue(forKey: key, default: defaultValue(), with: body)
    }

    private static func unreachable() -> Value { preconditionFailure("the key was found just before") }

    @discardableResult
    package mutating func updateValue(_ value: Value, forKey key: Key) -> Value? {
        base.updateValue(value, forKey: key)
    }

    @discardableResult
    package mutating func removeValue(forKey key: Key) -> Value? {
        base.removeValue(forKey: key)
    }
}

extension PersistentMap: Sequence {
    package func makeIterator() -> TreeDictionary<Key, Value>.Iterator { base.makeIterator() }
    package var underestimatedCount: Int { base.count }
}

extension PersistentMap: ExpressibleByDictionaryLiteral {
    package init(dictionaryLiteral elements: (Key, Value)...) {
        base = TreeDictionary(uniqueKeysWithValues: elements)
    }
}

extension PersistentMap: Equatable where Value: Equatable {
    package static func == (left: Self, right: Self) -> Bool { left.base == right.base }
}
