import EngramWire

// `--json` forms of the wire messages: the schema's field names (snake_case), timestamps as
// microseconds, enums by their short name (CREATED, not RESOLVE_OUTCOME_CREATED).

extension ProtoEnum {
    /// The value's name without the enum's prefix: `CREATED` for `RESOLVE_OUTCOME_CREATED`.
    public var shortName: String {
        guard let full = Self.names[rawValue] else { return String(rawValue) }
        guard let unspecified = Self.names[0], unspecified.hasSuffix("UNSPECIFIED") else { return full }
        let prefix = unspecified.dropLast("UNSPECIFIED".count)
        return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : full
    }
}

extension Wire.Store {
    public var json: JSONValue {
        [
            "id": .of(id), "display_name": .of(displayName), "description": .of(description),
            "created_at_us": .of(createdAtUs), "updated_at_us": .of(updatedAtUs),
            "conversation_settings": conversationSettings.map { s in
                [
                    "idle_timeout_seconds": s.idleTimeoutSeconds.map { JSONValue.of($0) } ?? .null,
                    "extractor": .of(s.extractor.shortName),
                    "link_whatsapp_to_phone": s.linkWhatsappToPhone.map { JSONValue.bool($0) } ?? .null,
                    "message_retention_days": s.messageRetentionDays.map { JSONValue.of($0) } ?? .null,
                    "observation_retention_days": s.observationRetentionDays.map { JSONValue.of($0) } ?? .null,
                ]
            } ?? .null,
        ]
    }
}

extension Wire.Conversation {
    public var json: JSONValue {
        [
            "id": .of(id), "profile_id": .of(profileId), "state": .of(state.shortName),
            "created_at_us": .of(createdAtUs), "updated_at_us": .of(updatedAtUs),
            "last_append_at_us": .of(lastAppendAtUs), "first_message_at_us": .of(firstMessageAtUs),
            "last_message_at_us": .of(lastMessageAtUs), "message_count": .of(messageCount),
            "channels": .of(channels.map(\.shortName)), "closed_at_us": .of(closedAtUs), "error": .of(error),
            "observation_ids": .of(observationIds), "summary_id": .of(summaryId), "extractor": .of(extractor),
            "extracted_at_us": .of(extractedAtUs), "extracted_message_count": .of(extractedMessageCount),
        ]
    }
}

extension Wire.TraitValue {
    /// The value alone (a string, number, bool, list or null).
    public var valueJSON: JSONValue {
        switch kind {
        case .stringValue(let v): .string(v)
        case .numberValue(let v): .double(v)
        case .integerValue(let v): .int(v)
        case .boolValue(let v): .bool(v)
        case .listValue(let v): .of(v.values)
        case .nullValue, nil: .null
        }
    }

    /// The value as people read it.
    public var text: String {
        switch kind {
        case .stringValue(let v): v
        case .numberValue(let v): String(v)
        case .integerValue(let v): String(v)
        case .boolValue(let v): String(v)
        case .listValue(let v): "[" + v.values.joined(separator: ", ") + "]"
        case .nullValue, nil: "null"
        }
    }
}

/// Traits as `{group: {name: value}}`.
func traitsJSON(_ traits: [String: Wire.TraitGroup]) -> JSONValue {
    .object(traits.mapValues { group in .object(group.traits.mapValues(\.valueJSON)) })
}

extension Wire.Identifier {
    public var json: JSONValue { ["type": .of(type), "value": .of(value), "added_at_us": .of(addedAtUs)] }
}

extension Wire.Profile {
    public var json: JSONValue {
        [
            "id": .of(id), "store_id": .of(storeId), "created_at_us": .of(createdAtUs),
            "updated_at_us": .of(updatedAtUs),
            "identifiers": .array(identifiers.map(\.json)), "traits": traitsJSON(traits),
            "merged_profile_ids": .of(mergedProfileIds), "observation_count": .of(observationCount),
            "summary_count": .of(summaryCount), "communication_count": .of(communicationCount),
        ]
    }
}

extension Wire.Summary {
    public var json: JSONValue {
        [
            "id": .of(id), "content": .of(content), "conversation_id": .of(conversationId),
            "occurred_at_us": .of(occurredAtUs), "source": .of(source), "created_at_us": .of(createdAtUs),
            "updated_at_us": .of(updatedAtUs),
        ]
    }
}

extension Wire.ResolveIdentityResponse {
    public var json: JSONValue {
        [
            "profile": profile?.json ?? .null, "outcome": .of(outcome.shortName),
            "merged_profile_ids": .of(mergedProfileIds),
            "demoted": .array(demoted.map { ["identifier": $0.identifier?.json ?? .null, "reason": .of($0.reason)] }),
            "log_sequence": .of(logSequence),
        ]
    }
}

extension Wire.DeletionReceipt {
    public var json: JSONValue {
        [
            "profiles": .of(profiles), "identifiers": .of(identifiers), "traits": .of(traits),
            "observations": .of(observations),
            "revisions": .of(revisions), "summaries": .of(summaries), "communications": .of(communications),
            "log_sequence": .of(logSequence), "erased_at_us": .of(erasedAtUs),
        ]
    }
}

extension Wire.Observation {
    public var json: JSONValue {
        [
            "id": .of(id), "content": .of(content), "source": .of(source), "occurred_at_us": .of(occurredAtUs),
            "conversation_ids": .of(conversationIds), "subject": .of(subject), "created_at_us": .of(createdAtUs),
            "updated_at_us": .of(updatedAtUs), "mention_count": .of(mentionCount), "status": .of(status.shortName),
            "superseded_by": .of(supersededBy), "idempotency_key": .of(idempotencyKey),
            "communication_ids": .of(communicationIds),
        ]
    }
}

extension Wire.ObserveResponse {
    public var json: JSONValue {
        [
            "profile_id": .of(profileId), "log_sequence": .of(logSequence),
            "results": .array(
                results.map {
                    [
                        "observation_id": .of($0.observationId), "outcome": .of($0.outcome.shortName),
                        "related_observation_id": .of($0.relatedObservationId), "replayed": .bool($0.replayed),
                    ]
                }),
            "summary_ids": .of(summaryIds), "communication_ids": .of(communicationIds),
        ]
    }
}

extension Wire.ObservationRevision {
    public var json: JSONValue {
        [
            "revision": .of(revision), "previous": previous?.json ?? .null, "kind": .of(kind.shortName),
            "conversation_id": .of(conversationId), "changed_at_us": .of(changedAtUs),
        ]
    }
}

extension Wire.ScoreExplanation {
    public var json: JSONValue {
        [
            "lexical": .of(lexical), "semantic": .of(semantic), "recency": .of(recency),
            "lexical_rank": .of(lexicalRank),
            "semantic_rank": .of(semanticRank), "matched_terms": .of(matchedTerms),
        ]
    }
}

extension Wire.Communication {
    public var json: JSONValue {
        [
            "id": .of(id), "conversation_id": .of(conversationId), "channel": .of(channel.shortName), "text": .of(text),
            "author": author.map { ["type": .of($0.type.shortName), "address": .of($0.address)] } ?? .null,
            "created_at_us": .of(createdAtUs),
        ]
    }
}

extension Wire.RecallResponse {
    public var json: JSONValue {
        [
            "profile_id": .of(profileId), "query_time_us": .of(queryTimeUs), "effective_query": .of(effectiveQuery),
            "observations": .array(
                observations.map {
                    [
                        "observation": $0.observation?.json ?? .null, "score": .of($0.score),
                        "explanation": $0.explanation?.json ?? .null,
                    ]
                }),
            "summaries": .array(
                summaries.map { s in
                    [
                        "summary": s.summary?.json ?? .null,
                        "score": .of(s.score), "explanation": s.explanation?.json ?? .null,
                    ]
                }),
            "communications": .array(communications.map(\.json)), "traits": traitsJSON(traits),
            "ranked_communications": .array(
                rankedCommunications.map { c in
                    [
                        "communication": c.communication?.json ?? .null, "score": .of(c.score),
                        "explanation": c.explanation?.json ?? .null,
                    ]
                }),
            "knowledge": .array(knowledge.map(\.json)),
        ]
    }
}

extension Wire.ServerInfoResponse {
    public var json: JSONValue {
        [
            "server_version": .of(serverVersion), "protocol_version": .of(protocolVersion),
            "started_at_us": .of(startedAtUs),
            "uptime_us": .of(uptimeUs), "store_count": .of(storeCount), "profile_count": .of(profileCount),
            "observation_count": .of(observationCount), "connection_count": .of(connectionCount),
            "shard_count": .of(shardCount), "log_sequence": .of(logSequence),
            "snapshot_sequence": .of(snapshotSequence),
            "snapshot_at_us": .of(snapshotAtUs), "embedder": .of(embedder),
            "embedding_dimension": .of(embeddingDimension),
            "fsync_mode": .of(fsyncMode),
            "extraction_pending": .of(extractionPending), "extraction_running": .of(extractionRunning),
            "extraction_completed": .of(extractionCompleted), "extraction_failed": .of(extractionFailed),
            "extraction_mean_latency_us": .of(extractionMeanLatencyUs),
            "extraction_max_latency_us": .of(extractionMaxLatencyUs),
        ]
    }
}

extension Wire.SnapshotResponse {
    public var json: JSONValue {
        ["sequence": .of(sequence), "path": .of(path), "size_bytes": .of(sizeBytes), "duration_us": .of(durationUs)]
    }
}
