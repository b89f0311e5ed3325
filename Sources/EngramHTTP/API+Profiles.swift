import EngramWire
import Hummingbird

/// `/v1/Stores/{storeId}/Profiles[/Lookup|/{profileId}[/Identifiers]]`.
extension API {
    func addProfileRoutes(to router: Router<Context>) {
        let profiles = router.group("v1/Stores/{storeId}/Profiles")
        // Identity is resolved synchronously: the answer is the profile the traits' identifiers
        // matched (200), or a new one (201).
        profiles.post { request, context in
            let b = try await body(CreateProfileBody.self, request, context)
            var q = Wire.ResolveIdentityRequest()
            q.storeId = try parameter("storeId", context)
            q.traits = wireTraits(b.traits)
            q.identifiers = (b.identifiers ?? []).map(\.wire)
            let r = try await call(Methods.resolveIdentity, q, context)
            return json(ResolvedProfileJSON(r), status: r.outcome == .created ? .created : .ok)
        }
        profiles.get { request, context in
            let page = try page(request, order: "ASC")
            var q = Wire.ListProfilesRequest()
            q.storeId = try parameter("storeId", context)
            q.pageSize = page.size
            q.pageToken = page.token
            let r = try await call(Methods.listProfiles, q, context)
            return json(
                ProfilesPage(
                    profiles: r.profiles.map(ProfileJSON.init),
                    meta: PageMeta(key: "profiles", page: page, next: r.nextPageToken)))
        }
        profiles.post("Lookup") { request, context in
            let b = try await body(LookupBody.self, request, context)
            var q = Wire.LookupProfilesRequest()
            q.storeId = try parameter("storeId", context)
            q.identifier = Wire.Identifier(type: b.idType, value: b.value)
            let r = try await call(Methods.lookupProfiles, q, context)
            return json(
                LookupJSON(
                    idType: r.normalized?.type ?? b.idType, normalizedValue: r.normalized?.value ?? "",
                    profiles: r.profiles.map(\.id)))
        }
        profiles.get("{profileId}") { request, context in
            let (store, id) = try ids(context)
            let profile = try await getProfile(request, store: store, id: id, context)
            return json(ProfileJSON(profile))
        }
        profiles.patch("{profileId}") { request, context in
            let (store, id) = try ids(context)
            let b = try await body(PatchProfileBody.self, request, context)
            try await requireCanonical(request, store: store, profile: id, context)
            var q = Wire.UpdateTraitsRequest()
            q.storeId = store
            q.profileId = id
            q.traits = wireTraits(b.traits)
            let r = try await call(Methods.updateTraits, q, context)
            return json(ProfileJSON(r.profile))
        }
        profiles.delete("{profileId}") { request, context in
            let (store, id) = try ids(context)
            try await requireCanonical(request, store: store, profile: id, context)
            var q = Wire.DeleteProfileRequest()
            q.storeId = store
            q.profileId = id
            let r = try await call(Methods.deleteProfile, q, context)
            return json(ProfileDeletedJSON(id: r.profileId, deleted: DeletionJSON(r.receipt)))
        }
        profiles.post("{profileId}/Identifiers") { request, context in
            try await addIdentifiers(request, context)
        }
        profiles.get("{profileId}/Identifiers") { request, context in
            let (store, id) = try ids(context)
            let profile = try await getProfile(request, store: store, id: id, context)
            return json(
                IdentifiersJSON(profileId: profile.id, identifiers: profile.identifiers.map(IdentifierJSON.init)))
        }
    }

    /// `POST .../Identifiers`: attaches identifiers to this profile (ResolveIdentity naming it).
    /// A profile holding one of them as a unique identifier is merged with this one, the
    /// earliest-created surviving: the answer names the profile they ended on. 201 when the
    /// profile gained an identifier, 200 when it held them all already.
    func addIdentifiers(_ request: Request, _ context: Context) async throws -> Response {
        let (store, id) = try ids(context)
        let b = try await body(AddIdentifiersBody.self, request, context)
        var given = b.identifiers ?? []
        if let idType = b.idType, let value = b.value { given.append(NewIdentifierJSON(idType: idType, value: value)) }
        if b.idType != nil && b.value == nil { throw APIError.invalid("value", "is required with idType") }
        if b.value != nil && b.idType == nil { throw APIError.invalid("idType", "is required with value") }
        guard !given.isEmpty else {
            throw APIError.invalid("identifiers", "give {idType, value} or identifiers: [{idType, value}]")
        }
        var get = Wire.GetProfileRequest()
        get.storeId = store
        get.profileId = id
        let before = try await call(Methods.getProfile, get, context).profile
        try redirectIfMerged(request, named: id, canonical: before?.id ?? "", status: .permanentRedirect)
        var q = Wire.ResolveIdentityRequest()
        q.storeId = store
        q.profileId = id
        q.identifiers = given.map(\.wire)
        let r = try await call(Methods.resolveIdentity, q, context)
        let held = Set((before?.identifiers ?? []).map { "\($0.type)\u{0}\($0.value)" })
        let gained = (r.profile?.identifiers ?? []).contains { !held.contains("\($0.type)\u{0}\($0.value)") }
        return json(ResolvedProfileJSON(r), status: gained || r.outcome == .merged ? .created : .ok)
    }

    func ids(_ context: Context) throws(APIError) -> (store: String, profile: String) {
        (try parameter("storeId", context), try parameter("profileId", context))
    }

    /// GetProfile, answering 301 for a merged-away id.
    func getProfile(_ request: Request, store: String, id: String, _ context: Context) async throws(APIError)
        -> Wire.Profile
    {
        var q = Wire.GetProfileRequest()
        q.storeId = store
        q.profileId = id
        let profile = try await call(Methods.getProfile, q, context).profile ?? Wire.Profile()
        try redirectIfMerged(request, named: id, canonical: profile.id, status: .movedPermanently)
        return profile
    }
}

struct ProfilesPage: Encodable {
    var profiles: [ProfileJSON]
    var meta: PageMeta
}

struct ProfileDeletedJSON: Encodable {
    var id: String
    var deleted: DeletionJSON
}
