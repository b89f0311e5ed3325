import EngramCore
import EngramWire

// Memory's handlers: wire → engine → wire, through the mappings in WireMapping+Memory.swift.
// Access was checked by the router; fields are validated by the engine.
extension Dispatcher {
    func observe(_ r: ObserveRequest, _ context: RequestContext) throws(ServiceError) -> (ObserveResponse, UInt64) {
        let inputs = try r.engineInputs()
        let result = try engineCall { () throws(EngineError) in
            try engine.observe(
                storeID: r.storeId, profileID: r.profileId, observations: inputs.observations,
                summaries: inputs.summaries, communications: inputs.communications)
        }
        return (ObserveResponse(result), result.logPosition)
    }

    func listObservations(_ r: ListObservationsRequest, _ context: RequestContext) throws(ServiceError)
        -> ListObservationsResponse
    {
        let filter = try r.engineFilter()
        let page = try engineCall { () throws(EngineError) in
            try engine.listObservations(
                storeID: r.storeId, profileID: r.profileId, filter: filter, pageSize: Int(r.pageSize),
                pageToken: r.pageToken.isEmpty ? nil : r.pageToken)
        }
        var response = ListObservationsResponse()
        response.observations = page.observations.map(EngramWire.Observation.init(withoutVector:))
        response.nextPageToken = page.nextPageToken ?? ""
        response.profileId = page.profileID
        return response
    }

    func listObservationRevisions(_ r: ListObservationRevisionsRequest, _ context: RequestContext) throws(ServiceError)
        -> ListObservationRevisionsResponse
    {
        let history = try engineCall { () throws(EngineError) in
            try engine.listObservationRevisions(
                storeID: r.storeId, profileID: r.profileId, observationID: r.observationId)
        }
        return ListObservationRevisionsResponse(history)
    }

    func deleteObservation(_ r: DeleteObservationRequest, _ context: RequestContext) throws(ServiceError) -> (
        DeleteObservationResponse, UInt64
    ) {
        let receipt = try engineCall { () throws(EngineError) in
            try engine.deleteObservation(storeID: r.storeId, profileID: r.profileId, observationID: r.observationId)
        }
        var response = DeleteObservationResponse()
        response.receipt = DeletionReceipt(receipt)
        return (response, receipt.logPosition)
    }

    func recall(_ r: RecallRequest, _ context: RequestContext) throws(ServiceError) -> RecallResponse {
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
        return RecallResponse(result)
    }
}
