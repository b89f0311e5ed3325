import EngramCore
import EngramWire

extension Dispatcher {
    func resolveIdentity(_ r: Wire.ResolveIdentityRequest, _ context: RequestContext) throws(ServiceError) -> (
        Wire.ResolveIdentityResponse, UInt64
    ) {
        let identifiers = r.identifiers.map { IdentifierInput(type: $0.type, value: $0.value) }
        let traits = try traitUpdates(r.traits)
        let result = try engineCall { () throws(EngineError) in
            try engine.resolveIdentity(
                storeID: r.storeId, identifiers: identifiers, traits: traits,
                into: r.profileId.isEmpty ? nil : r.profileId)
        }
        var response = Wire.ResolveIdentityResponse()
        response.profile = Wire.Profile(result.profile)
        response.outcome =
            switch result.outcome {
            case .created: .created
            case .matched: .matched
            case .merged: .merged
            }
        response.mergedProfileIds = result.mergedProfileIDs
        response.demoted = result.demoted.map { d in
            var w = Wire.DemotedIdentifier()
            w.identifier = Wire.Identifier(type: d.type, value: d.value)
            w.reason = "\(d.reason.rawValue): \(d.detail)"
            return w
        }
        response.logSequence = result.logPosition
        return (response, result.logPosition)
    }

    func lookupProfiles(_ r: Wire.LookupProfilesRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.LookupProfilesResponse
    {
        guard let identifier = r.identifier else { throw ServiceError.invalid("identifier", "is required") }
        let result = try engineCall { () throws(EngineError) in
            try engine.lookupProfiles(storeID: r.storeId, type: identifier.type, value: identifier.value)
        }
        var response = Wire.LookupProfilesResponse()
        response.normalized = Wire.Identifier(type: result.type, value: result.normalizedValue)
        response.profiles = result.profileIDs.compactMap { try? profile(store: r.storeId, id: $0) }
        return response
    }

    func getProfile(_ r: Wire.GetProfileRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.GetProfileResponse
    {
        var response = Wire.GetProfileResponse()
        response.profile = try profile(store: r.storeId, id: r.profileId)
        return response
    }

    func updateTraits(_ r: Wire.UpdateTraitsRequest, _ context: RequestContext) throws(ServiceError) -> (
        Wire.UpdateTraitsResponse, UInt64
    ) {
        let updates = try traitUpdates(r.traits)
        guard !updates.isEmpty else { throw ServiceError.invalid("traits", "must name at least one trait") }
        let result = try engineCall { () throws(EngineError) in
            try engine.updateTraits(storeID: r.storeId, profileID: r.profileId, updates)
        }
        var response = Wire.UpdateTraitsResponse()
        response.profile = Wire.Profile(result.profile)
        response.logSequence = result.logPosition
        return (response, result.logPosition)
    }

    func deleteProfile(_ r: Wire.DeleteProfileRequest, _ context: RequestContext) throws(ServiceError) -> (
        Wire.DeleteProfileResponse, UInt64
    ) {
        let receipt = try engineCall { () throws(EngineError) in
            try engine.deleteProfile(storeID: r.storeId, profileID: r.profileId)
        }
        var response = Wire.DeleteProfileResponse()
        response.profileId = receipt.profileID
        response.receipt = Wire.DeletionReceipt(receipt)
        return (response, receipt.logPosition)
    }

    func listProfiles(_ r: Wire.ListProfilesRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.ListProfilesResponse
    {
        let page = try engineCall { () throws(EngineError) in
            try engine.listProfiles(
                storeID: r.storeId, pageSize: Int(r.pageSize), pageToken: r.pageToken.isEmpty ? nil : r.pageToken)
        }
        var response = Wire.ListProfilesResponse()
        response.profiles = page.profiles.map(Wire.Profile.init)
        response.nextPageToken = page.nextPageToken ?? ""
        return response
    }

    func profile(store: String, id: String) throws(ServiceError) -> Wire.Profile {
        let p = try engineCall { () throws(EngineError) in try engine.getProfile(storeID: store, profileID: id) }
        return Wire.Profile(p)
    }
}
