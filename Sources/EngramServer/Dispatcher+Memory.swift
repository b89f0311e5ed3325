import EngramCore
import EngramWire

// Memory's handlers: wire → engine → wire, through the mappings in WireMapping+Memory.swift.
// Access was checked by the router; fields are validated by the engine.
extension Dispatcher {
    func observe(_ r: Wire.ObserveRequest, _ context: RequestContext) throws(ServiceError) -> (
        Wire.ObserveResponse, UInt64
    ) {
        let inputs = try r.engineInputs()
        let result = try engineCall { () throws(EngineError) in
            try engine.observe(
                storeID: r.storeId, profileID: r.profileId, observations: inputs.observations,
                summaries: inputs.summaries, communications: inputs.communications)
        }
        return (Wire.ObserveResponse(result), result.logPosition)
    }

    func listObservations(_ r: Wire.ListObservationsRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.ListObservationsResponse
    {
        let filter = try r.engineFilter()
        let page = try engineCall { () throws(EngineError) in
            try engine.listObservations(
                storeID: r.storeId, profileID: r.profileId, filter: filter, pageSize: Int(r.pageSize),
                pageToken: r.pageToken.isEmpty ? nil : r.pageToken)
        }
        var response = Wire.ListObservationsResponse()
        response.observations = page.observations.map(Wire.Observation.init(withoutVector:))
        response.nextPageToken = page.nextPageToken ?? ""
        response.profileId = page.profileID
        return response
    }

    func listSummaries(_ r: Wire.ListSummariesRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.ListSummariesResponse
    {
        let page = try engineCall { () throws(EngineError) in
            try engine.listSummaries(
                storeID: r.storeId, profileID: r.profileId,
                conversationID: r.conversationId.isEmpty ? nil : r.conversationId, pageSize: Int(r.pageSize),
                pageToken: r.pageToken.isEmpty ? nil : r.pageToken)
        }
        var response = Wire.ListSummariesResponse()
        response.summaries = page.summaries.map(Wire.Summary.init)
        response.nextPageToken = page.nextPageToken ?? ""
        response.profileId = page.profileID
        return response
    }

    func listObservationRevisions(_ r: Wire.ListObservationRevisionsRequest, _ context: RequestContext)
        throws(ServiceError)
        -> Wire.ListObservationRevisionsResponse
    {
        let history = try engineCall { () throws(EngineError) in
            try engine.listObservationRevisions(
                storeID: r.storeId, profileID: r.profileId, observationID: r.observationId)
        }
        return Wire.ListObservationRevisionsResponse(history)
    }

    func deleteObservation(_ r: Wire.DeleteObservationRequest, _ context: RequestContext) throws(ServiceError) -> (
        Wire.DeleteObservationResponse, UInt64
    ) {
        let receipt = try engineCall { () throws(EngineError) in
            try engine.deleteObservation(storeID: r.storeId, profileID: r.profileId, observationID: r.observationId)
        }
        var response = Wire.DeleteObservationResponse()
        response.receipt = Wire.DeletionReceipt(receipt)
        return (response, receipt.logPosition)
    }

    func recall(_ r: Wire.RecallRequest, _ context: RequestContext) throws(ServiceError) -> Wire.RecallResponse {
        let options = try r.engineOptions()
        let result = try engineCall { () throws(EngineError) in
            if let identifier = r.identifier {
                try engine.recall(
                    storeID: r.storeId, identifier: IdentifierInput(type: identifier.type, value: identifier.value),
                    options)
            } else {
                try engine.recall(storeID: r.storeId, profileID: r.profileId, options)
            }
        }
        return Wire.RecallResponse(result)
    }
}
