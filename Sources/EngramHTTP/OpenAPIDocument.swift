// swift-format-ignore-file
// Generated from Protocol/openapi.yaml by scripts/gen-openapi; do not edit. A test fails when
// this copy and the file differ.
enum OpenAPIDocument {
    static let yaml = ##"""
openapi: 3.1.0
info:
  title: Engram HTTP/JSON API
  version: "1"
  summary: Conversation memory for AI and human agents, shaped like the hosted product's Memory v1 API.
  description: |
    Every route maps onto one method of Engram's binary protocol (Protocol/engram.proto,
    Protocol/FRAMING.md): the same access rules, validation, limits and durability. JSON is
    camelCase; times are RFC 3339 (UTC on output, microseconds kept). Where the hosted product
    answers 202 and works later, Engram answers 200 or 201 with the finished result
    (read-your-writes). Lists page forward with `pageSize`, `pageToken` and `meta.nextToken`;
    `meta.previousToken` is always null. In a request, an optional field given as null is read
    as absent. See docs/http.md.
servers:
  - url: http://127.0.0.1:7412
security:
  - basicAuth: []
  - bearerAuth: []
tags:
  - name: Stores
  - name: Profiles
  - name: Observations
  - name: Recall
  - name: Conversations
  - name: Knowledge
paths:
  /v1/ControlPlane/Stores:
    post:
      operationId: CreateStore
      tags: [Stores]
      summary: Create a store (admin).
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CreateStoreRequest'}
      responses:
        '201':
          description: The store.
          content: {application/json: {schema: {$ref: '#/components/schemas/Store'}}}
          links:
            GetStore: {operationId: GetStore, parameters: {storeId: '$response.body#/id'}}
            ResolveIdentity: {operationId: ResolveIdentity, parameters: {storeId: '$response.body#/id'}}
            ListProfiles: {operationId: ListProfiles, parameters: {storeId: '$response.body#/id'}}
            PutIdentitySettings: {operationId: PutIdentitySettings, parameters: {storeId: '$response.body#/id'}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '409': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
    get:
      operationId: ListStores
      tags: [Stores]
      summary: The stores the key may see, by id.
      parameters:
        - $ref: '#/components/parameters/pageSize'
        - $ref: '#/components/parameters/pageToken'
        - {name: orderBy, in: query, schema: {type: string, enum: [ASC]}}
      responses:
        '200': {description: A page of stores., content: {application/json: {schema: {$ref: '#/components/schemas/StoreList'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
  /v1/ControlPlane/Stores/{storeId}:
    parameters:
      - $ref: '#/components/parameters/storeId'
    get:
      operationId: GetStore
      tags: [Stores]
      responses:
        '200': {description: The store., content: {application/json: {schema: {$ref: '#/components/schemas/Store'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
    patch:
      operationId: UpdateStore
      tags: [Stores]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/UpdateStoreRequest'}
      responses:
        '200': {description: The store., content: {application/json: {schema: {$ref: '#/components/schemas/Store'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '409': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
    delete:
      operationId: DeleteStore
      tags: [Stores]
      summary: Erase the store and everything in it.
      responses:
        '200': {description: What was erased., content: {application/json: {schema: {$ref: '#/components/schemas/Deleted'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
  /v1/ControlPlane/Stores/{storeId}/IdentityResolutionSettings:
    parameters:
      - $ref: '#/components/parameters/storeId'
    get:
      operationId: GetIdentitySettings
      tags: [Stores]
      responses:
        '200': {description: The settings., content: {application/json: {schema: {$ref: '#/components/schemas/IdentitySettings'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
    put:
      operationId: PutIdentitySettings
      tags: [Stores]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/IdentitySettings'}
      responses:
        '200': {description: The settings., content: {application/json: {schema: {$ref: '#/components/schemas/IdentitySettings'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Profiles:
    parameters:
      - $ref: '#/components/parameters/storeId'
    get:
      operationId: ListProfiles
      tags: [Profiles]
      summary: The store's profiles by id. Each page reads all the store's profiles; for browsing and exports.
      parameters:
        - $ref: '#/components/parameters/pageSize'
        - $ref: '#/components/parameters/pageToken'
        - {name: orderBy, in: query, schema: {type: string, enum: [ASC]}}
      responses:
        '200': {description: A page of profiles., content: {application/json: {schema: {$ref: '#/components/schemas/ProfileList'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
    post:
      operationId: ResolveIdentity
      tags: [Profiles]
      summary: Create, match or merge a profile from its traits (Contact traits named after identifier types are identifiers) and identifiers, synchronously.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CreateProfileRequest'}
      responses:
        '200':
          description: An existing profile matched (or several were merged).
          content: {application/json: {schema: {$ref: '#/components/schemas/ResolvedProfile'}}}
          links:
            GetProfile: {operationId: GetProfile, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            UpdateTraits: {operationId: UpdateTraits, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            Observe: {operationId: Observe, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            ObserveSummaries: {operationId: ObserveSummaries, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            ListSummaries: {operationId: ListSummaries, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            ListObservations: {operationId: ListObservations, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            ListIdentifiers: {operationId: ListIdentifiers, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            Recall: {operationId: Recall, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            DeleteProfile: {operationId: DeleteProfile, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
        '201':
          description: A new profile.
          content: {application/json: {schema: {$ref: '#/components/schemas/ResolvedProfile'}}}
          links:
            GetProfile: {operationId: GetProfile, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            UpdateTraits: {operationId: UpdateTraits, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            Observe: {operationId: Observe, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            ObserveSummaries: {operationId: ObserveSummaries, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            ListSummaries: {operationId: ListSummaries, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            ListObservations: {operationId: ListObservations, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            ListIdentifiers: {operationId: ListIdentifiers, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            Recall: {operationId: Recall, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
            DeleteProfile: {operationId: DeleteProfile, parameters: {storeId: '$response.body#/storeId', profileId: '$response.body#/id'}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '409': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '429': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Profiles/Lookup:
    parameters:
      - $ref: '#/components/parameters/storeId'
    post:
      operationId: LookupProfiles
      tags: [Profiles]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/LookupRequest'}
      responses:
        '200': {description: The normalised value and the profiles holding it., content: {application/json: {schema: {$ref: '#/components/schemas/LookupResponse'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Profiles/{profileId}:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/profileId'
    get:
      operationId: GetProfile
      tags: [Profiles]
      responses:
        '200': {description: The profile., content: {application/json: {schema: {$ref: '#/components/schemas/Profile'}}}}
        '301': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
    patch:
      operationId: UpdateTraits
      tags: [Profiles]
      summary: Patch traits; null removes one. The newer write wins.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/PatchProfileRequest'}
      responses:
        '200': {description: The profile., content: {application/json: {schema: {$ref: '#/components/schemas/Profile'}}}}
        '308': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '429': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
    delete:
      operationId: DeleteProfile
      tags: [Profiles]
      summary: Erase the profile, permanently and completely.
      responses:
        '200': {description: What was erased., content: {application/json: {schema: {$ref: '#/components/schemas/Deleted'}}}}
        '308': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Profiles/{profileId}/Identifiers:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/profileId'
    get:
      operationId: ListIdentifiers
      tags: [Profiles]
      responses:
        '200': {description: The profile's identifiers., content: {application/json: {schema: {$ref: '#/components/schemas/IdentifierList'}}}}
        '301': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
    post:
      operationId: AddIdentifiers
      tags: [Profiles]
      summary: Attach identifiers to this profile. A profile holding one of them as a unique identifier is merged with it (the earliest-created survives); identifiers the store's rules refuse come back in demoted.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/AddIdentifiersRequest'}
      responses:
        '201': {description: The profile gained an identifier (or was merged)., content: {application/json: {schema: {$ref: '#/components/schemas/ResolvedProfile'}}}}
        '200': {description: The profile held them all already., content: {application/json: {schema: {$ref: '#/components/schemas/ResolvedProfile'}}}}
        '308': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '429': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Profiles/{profileId}/Observations:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/profileId'
    post:
      operationId: Observe
      tags: [Observations]
      summary: Add observations (1-100); each is reconciled (added, duplicate, or superseding one with the same subject).
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CreateObservationsRequest'}
      responses:
        '201':
          description: One result per observation, in request order.
          content: {application/json: {schema: {$ref: '#/components/schemas/ObservationResults'}}}
          links:
            GetObservation: {operationId: GetObservation, parameters: {storeId: '$request.path.storeId', profileId: '$response.body#/profileId', observationId: '$response.body#/observations/0/id'}}
            ListObservationRevisions: {operationId: ListObservationRevisions, parameters: {storeId: '$request.path.storeId', profileId: '$response.body#/profileId', observationId: '$response.body#/observations/0/id'}}
            DeleteObservation: {operationId: DeleteObservation, parameters: {storeId: '$request.path.storeId', profileId: '$response.body#/profileId', observationId: '$response.body#/observations/0/id'}}
        '308': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '429': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
    get:
      operationId: ListObservations
      tags: [Observations]
      summary: Newest first, filtered and paged.
      parameters:
        - $ref: '#/components/parameters/pageSize'
        - $ref: '#/components/parameters/pageToken'
        - {name: orderBy, in: query, schema: {type: string, enum: [DESC]}}
        - {name: source, in: query, schema: {type: string}}
        - {name: conversationId, in: query, schema: {type: string}}
        - {name: createdAfter, in: query, schema: {type: string, format: date-time}}
        - {name: createdBefore, in: query, schema: {type: string, format: date-time}}
        - {name: occurredAfter, in: query, schema: {type: string, format: date-time}}
        - {name: occurredBefore, in: query, schema: {type: string, format: date-time}}
        - {name: status, in: query, schema: {type: string, enum: [ACTIVE, SUPERSEDED]}}
      responses:
        '200': {description: A page of observations., content: {application/json: {schema: {$ref: '#/components/schemas/ObservationList'}}}}
        '301': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Profiles/{profileId}/Observations/{observationId}:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/profileId'
      - $ref: '#/components/parameters/observationId'
    get:
      operationId: GetObservation
      tags: [Observations]
      responses:
        '200': {description: The observation., content: {application/json: {schema: {$ref: '#/components/schemas/Observation'}}}}
        '301': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
    delete:
      operationId: DeleteObservation
      tags: [Observations]
      responses:
        '200': {description: What was erased., content: {application/json: {schema: {$ref: '#/components/schemas/Deleted'}}}}
        '308': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Profiles/{profileId}/Observations/{observationId}/Revisions:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/profileId'
      - $ref: '#/components/parameters/observationId'
    get:
      operationId: ListObservationRevisions
      tags: [Observations]
      summary: Every prior state of the observation, newest first.
      responses:
        '200': {description: The revisions., content: {application/json: {schema: {$ref: '#/components/schemas/RevisionList'}}}}
        '301': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Profiles/{profileId}/ConversationSummaries:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/profileId'
    get:
      operationId: ListSummaries
      tags: [Observations]
      summary: The profile's summaries, the most recent conversation first.
      parameters:
        - $ref: '#/components/parameters/pageSize'
        - $ref: '#/components/parameters/pageToken'
        - {name: orderBy, in: query, schema: {type: string, enum: [DESC]}}
        - {name: conversationId, in: query, schema: {type: string}}
      responses:
        '200': {description: A page of summaries., content: {application/json: {schema: {$ref: '#/components/schemas/SummaryList'}}}}
        '301': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
    post:
      operationId: ObserveSummaries
      tags: [Observations]
      summary: Add conversation summaries (one per conversation; a new one replaces the old).
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CreateSummariesRequest'}
      responses:
        '201': {description: The summaries' ids, in request order., content: {application/json: {schema: {$ref: '#/components/schemas/SummaryResults'}}}}
        '308': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '429': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Profiles/{profileId}/Recall:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/profileId'
    post:
      operationId: Recall
      tags: [Recall]
      summary: What the agent's turn needs, ranked (hybrid lexical and semantic), or newest first with neither query nor conversation.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/RecallRequest'}
      responses:
        '200': {description: Ranked memory., content: {application/json: {schema: {$ref: '#/components/schemas/RecallResponse'}}}}
        '308': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '429': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Profiles/{profileId}/Conversations:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/profileId'
    get:
      operationId: ListProfileConversations
      tags: [Conversations]
      summary: The profile's conversations, the latest message first.
      parameters:
        - $ref: '#/components/parameters/pageSize'
        - $ref: '#/components/parameters/pageToken'
        - {name: orderBy, in: query, schema: {type: string, enum: [DESC]}}
        - $ref: '#/components/parameters/conversationState'
        - {name: lastMessageAfter, in: query, schema: {$ref: '#/components/schemas/Time'}}
        - {name: lastMessageBefore, in: query, schema: {$ref: '#/components/schemas/Time'}}
      responses:
        '200': {description: A page of conversations., content: {application/json: {schema: {$ref: '#/components/schemas/ConversationList'}}}}
        '301': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Profiles/{profileId}/Communications:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/profileId'
    get:
      operationId: ListProfileCommunications
      tags: [Conversations]
      summary: The profile's messages (all of them, kept in full), newest first.
      parameters:
        - $ref: '#/components/parameters/pageSize'
        - $ref: '#/components/parameters/pageToken'
        - {name: orderBy, in: query, schema: {type: string, enum: [DESC]}}
        - {name: conversationId, in: query, schema: {type: string}}
        - {name: createdAfter, in: query, schema: {$ref: '#/components/schemas/Time'}}
        - {name: createdBefore, in: query, schema: {$ref: '#/components/schemas/Time'}}
      responses:
        '200': {description: A page of messages., content: {application/json: {schema: {$ref: '#/components/schemas/CommunicationList'}}}}
        '301': {$ref: '#/components/responses/Merged'}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Conversations:
    parameters:
      - $ref: '#/components/parameters/storeId'
    get:
      operationId: ListConversations
      tags: [Conversations]
      summary: The store's conversations, the latest message first (e.g. state=FAILED to find the ones to retry).
      parameters:
        - $ref: '#/components/parameters/pageSize'
        - $ref: '#/components/parameters/pageToken'
        - {name: orderBy, in: query, schema: {type: string, enum: [DESC]}}
        - $ref: '#/components/parameters/conversationState'
        - {name: lastMessageAfter, in: query, schema: {$ref: '#/components/schemas/Time'}}
        - {name: lastMessageBefore, in: query, schema: {$ref: '#/components/schemas/Time'}}
      responses:
        '200': {description: A page of conversations., content: {application/json: {schema: {$ref: '#/components/schemas/ConversationList'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Conversations/{conversationId}:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/conversationId'
    get:
      operationId: GetConversation
      tags: [Conversations]
      summary: A conversation, its state, and the observations and summary its extraction produced.
      parameters:
        - {name: profileId, in: query, schema: {type: string}, description: Optional; the store knows each conversation's profile.}
      responses:
        '200': {description: The conversation., content: {application/json: {schema: {$ref: '#/components/schemas/Conversation'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Conversations/{conversationId}/Communications:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/conversationId'
    post:
      operationId: AppendCommunications
      tags: [Conversations]
      summary: Add messages to a conversation (1-1,000), created when new. The profile is profileId, the conversation's, or the one the customer's address resolves to (created when new). A message whose id is stored already is stored once.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/AppendCommunicationsRequest'}
      responses:
        '201': {description: Messages were added., content: {application/json: {schema: {$ref: '#/components/schemas/AppendCommunicationsResponse'}}}}
        '200': {description: Every message was stored already (a retry); nothing changed., content: {application/json: {schema: {$ref: '#/components/schemas/AppendCommunicationsResponse'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '429': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
    get:
      operationId: ListConversationCommunications
      tags: [Conversations]
      summary: The conversation's messages, newest first.
      parameters:
        - $ref: '#/components/parameters/pageSize'
        - $ref: '#/components/parameters/pageToken'
        - {name: orderBy, in: query, schema: {type: string, enum: [DESC]}}
        - {name: createdAfter, in: query, schema: {$ref: '#/components/schemas/Time'}}
        - {name: createdBefore, in: query, schema: {$ref: '#/components/schemas/Time'}}
      responses:
        '200': {description: A page of messages., content: {application/json: {schema: {$ref: '#/components/schemas/CommunicationList'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/Conversations/{conversationId}/Close:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/conversationId'
    post:
      operationId: CloseConversation
      tags: [Conversations]
      summary: Close a conversation; the store's extractor then turns it into observations and a summary (GET the conversation to follow it). Closing a FAILED one retries it.
      parameters:
        - {name: profileId, in: query, schema: {type: string}}
      responses:
        '200': {description: The conversation., content: {application/json: {schema: {$ref: '#/components/schemas/Conversation'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '429': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/KnowledgeBases:
    parameters:
      - $ref: '#/components/parameters/storeId'
    post:
      operationId: CreateKnowledgeBase
      tags: [Knowledge]
      summary: Create a knowledge base in the store.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CreateKnowledgeBaseRequest'}
      responses:
        '201':
          description: The knowledge base.
          content: {application/json: {schema: {$ref: '#/components/schemas/KnowledgeBase'}}}
          links:
            GetKnowledgeBase: {operationId: GetKnowledgeBase, parameters: {storeId: '$request.path.storeId', knowledgeBaseId: '$response.body#/id'}}
            AddKnowledge: {operationId: AddKnowledge, parameters: {storeId: '$request.path.storeId', knowledgeBaseId: '$response.body#/id'}}
            ListKnowledge: {operationId: ListKnowledge, parameters: {storeId: '$request.path.storeId', knowledgeBaseId: '$response.body#/id'}}
            SearchKnowledgeBase: {operationId: SearchKnowledgeBase, parameters: {storeId: '$request.path.storeId', knowledgeBaseId: '$response.body#/id'}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '429': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
    get:
      operationId: ListKnowledgeBases
      tags: [Knowledge]
      summary: The store's knowledge bases, by id.
      parameters:
        - $ref: '#/components/parameters/pageSize'
        - $ref: '#/components/parameters/pageToken'
        - {name: orderBy, in: query, schema: {type: string, enum: [ASC]}}
      responses:
        '200': {description: A page of knowledge bases., content: {application/json: {schema: {$ref: '#/components/schemas/KnowledgeBaseList'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/KnowledgeBases/Search:
    parameters:
      - $ref: '#/components/parameters/storeId'
    post:
      operationId: SearchKnowledge
      tags: [Knowledge]
      summary: Search the knowledge bases named in knowledgeBaseIds, or every base of the store.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/SearchKnowledgeRequest'}
      responses:
        '200': {description: The best chunks first., content: {application/json: {schema: {$ref: '#/components/schemas/SearchKnowledgeResponse'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '429': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/KnowledgeBases/{knowledgeBaseId}:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/knowledgeBaseId'
    get:
      operationId: GetKnowledgeBase
      tags: [Knowledge]
      responses:
        '200': {description: The knowledge base., content: {application/json: {schema: {$ref: '#/components/schemas/KnowledgeBase'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
    patch:
      operationId: UpdateKnowledgeBase
      tags: [Knowledge]
      summary: Rename it or change its description; what is left out is kept.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/UpdateKnowledgeBaseRequest'}
      responses:
        '200': {description: The knowledge base., content: {application/json: {schema: {$ref: '#/components/schemas/KnowledgeBase'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
    delete:
      operationId: DeleteKnowledgeBase
      tags: [Knowledge]
      summary: Erase the knowledge base, its documents and chunks.
      responses:
        '200': {description: What was erased., content: {application/json: {schema: {$ref: '#/components/schemas/Deleted'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/KnowledgeBases/{knowledgeBaseId}/Search:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/knowledgeBaseId'
    post:
      operationId: SearchKnowledgeBase
      tags: [Knowledge]
      summary: Search one knowledge base (the hosted product's `{query, top, knowledgeIds}`), lexical and semantic.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/SearchKnowledgeRequest'}
      responses:
        '200': {description: The best chunks first., content: {application/json: {schema: {$ref: '#/components/schemas/SearchKnowledgeResponse'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '429': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/KnowledgeBases/{knowledgeBaseId}/Knowledge:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/knowledgeBaseId'
    post:
      operationId: AddKnowledge
      tags: [Knowledge]
      summary: Add a document; answers once its chunks are cut, embedded and searchable (READY).
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewKnowledge'}
      responses:
        '201':
          description: The document, READY.
          content: {application/json: {schema: {$ref: '#/components/schemas/Knowledge'}}}
          links:
            GetKnowledge: {operationId: GetKnowledge, parameters: {storeId: '$request.path.storeId', knowledgeBaseId: '$request.path.knowledgeBaseId', knowledgeId: '$response.body#/id'}}
            ListChunks: {operationId: ListChunks, parameters: {storeId: '$request.path.storeId', knowledgeBaseId: '$request.path.knowledgeBaseId', knowledgeId: '$response.body#/id'}}
            UpdateKnowledge: {operationId: UpdateKnowledge, parameters: {storeId: '$request.path.storeId', knowledgeBaseId: '$request.path.knowledgeBaseId', knowledgeId: '$response.body#/id'}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '429': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
    get:
      operationId: ListKnowledge
      tags: [Knowledge]
      summary: The base's documents by id, those being added (PROCESSING, with embeddedCount) or FAILED included.
      parameters:
        - $ref: '#/components/parameters/pageSize'
        - $ref: '#/components/parameters/pageToken'
        - {name: orderBy, in: query, schema: {type: string, enum: [ASC]}}
      responses:
        '200': {description: A page of documents., content: {application/json: {schema: {$ref: '#/components/schemas/KnowledgeList'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/KnowledgeBases/{knowledgeBaseId}/Knowledge/{knowledgeId}:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/knowledgeBaseId'
      - $ref: '#/components/parameters/knowledgeId'
    get:
      operationId: GetKnowledge
      tags: [Knowledge]
      responses:
        '200': {description: The document., content: {application/json: {schema: {$ref: '#/components/schemas/Knowledge'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
    patch:
      operationId: UpdateKnowledge
      tags: [Knowledge]
      summary: Change a document; a new source (or name) is cut and embedded again before the answer.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/KnowledgePatch'}
      responses:
        '200': {description: The document., content: {application/json: {schema: {$ref: '#/components/schemas/Knowledge'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '409': {$ref: '#/components/responses/Error'}
        '413': {$ref: '#/components/responses/Error'}
        '429': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
    delete:
      operationId: DeleteKnowledge
      tags: [Knowledge]
      summary: Erase the document and its chunks.
      responses:
        '200': {description: What was erased., content: {application/json: {schema: {$ref: '#/components/schemas/Deleted'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
        '409': {$ref: '#/components/responses/Error'}
        '503': {$ref: '#/components/responses/Error'}
  /v1/Stores/{storeId}/KnowledgeBases/{knowledgeBaseId}/Knowledge/{knowledgeId}/Chunks:
    parameters:
      - $ref: '#/components/parameters/storeId'
      - $ref: '#/components/parameters/knowledgeBaseId'
      - $ref: '#/components/parameters/knowledgeId'
    get:
      operationId: ListChunks
      tags: [Knowledge]
      summary: The document's chunks in document order.
      parameters:
        - $ref: '#/components/parameters/pageSize'
        - $ref: '#/components/parameters/pageToken'
        - {name: orderBy, in: query, schema: {type: string, enum: [ASC]}}
      responses:
        '200': {description: A page of chunks., content: {application/json: {schema: {$ref: '#/components/schemas/ChunkList'}}}}
        '400': {$ref: '#/components/responses/Error'}
        '401': {$ref: '#/components/responses/Error'}
        '403': {$ref: '#/components/responses/Error'}
        '404': {$ref: '#/components/responses/Error'}
  /openapi.yaml:
    get:
      operationId: OpenAPI
      security: []
      summary: This document.
      responses:
        '200': {description: The OpenAPI document., content: {application/yaml: {schema: {type: string}}}}
  /healthz:
    get:
      operationId: Health
      security: []
      responses:
        '200':
          description: Alive.
          content:
            application/json:
              schema: {type: object, required: [status], properties: {status: {type: string}}}
components:
  securitySchemes:
    basicAuth: {type: http, scheme: basic, description: Any user name; the API key as the password.}
    bearerAuth: {type: http, scheme: bearer, description: The API key.}
  parameters:
    storeId: {name: storeId, in: path, required: true, schema: {type: string}}
    profileId: {name: profileId, in: path, required: true, schema: {type: string}, description: A merged-away id is redirected to the canonical one.}
    observationId: {name: observationId, in: path, required: true, schema: {type: string}}
    pageSize: {name: pageSize, in: query, schema: {type: integer, minimum: 1, maximum: 1000, default: 50}}
    pageToken: {name: pageToken, in: query, schema: {type: string}}
    conversationId: {name: conversationId, in: path, required: true, schema: {type: string}}
    knowledgeBaseId: {name: knowledgeBaseId, in: path, required: true, schema: {type: string}}
    knowledgeId: {name: knowledgeId, in: path, required: true, schema: {type: string}}
    conversationState: {name: state, in: query, schema: {type: string, enum: [OPEN, CLOSED, EXTRACTING, EXTRACTED, FAILED]}}
  responses:
    Error:
      description: An error. A 429 for a key over its rate limit carries Retry-After (whole seconds) and retryAfterMs.
      headers:
        Retry-After: {schema: {type: integer}, description: Seconds to wait before retrying (a rate limit's 429 only).}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    Merged:
      description: The profile id was merged into another; repeat the request at Location (301 for reads, 308 for writes, which were not applied).
      headers:
        Location: {schema: {type: string}}
        Canonical-Profile-Id: {schema: {type: string}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
  schemas:
    Error:
      type: object
      required: [code, error, message, more_info, status]
      properties:
        code: {type: integer, description: Engram's status code (gRPC's numbering).}
        error: {type: string, description: 'The status name, e.g. INVALID_ARGUMENT.'}
        message: {type: string}
        more_info: {type: string}
        status: {type: integer, description: The HTTP status.}
        fieldViolations:
          type: array
          items:
            type: object
            required: [field, description]
            properties:
              field: {type: string}
              description: {type: string}
        retryAfterMs: {type: integer, description: 'With a 429 from a key''s rate limit: milliseconds until a retry can succeed.'}
    PageMeta:
      type: object
      required: [key, pageSize, nextToken, previousToken]
      properties:
        key: {type: string}
        pageSize: {type: integer}
        nextToken: {type: [string, 'null']}
        previousToken: {type: [string, 'null']}
    Time: {type: string, format: date-time}
    Store:
      type: object
      required: [id, displayName, description]
      properties:
        id: {type: string}
        displayName: {type: string}
        description: {type: string}
        createdAt: {$ref: '#/components/schemas/Time'}
        updatedAt: {$ref: '#/components/schemas/Time'}
        conversationSettings: {$ref: '#/components/schemas/ConversationSettings'}
    ConversationSettings:
      type: object
      description: How the store's conversations close and what extracts them. In a request, a field left out takes its default.
      properties:
        idleTimeoutSeconds: {type: ['integer', 'null'], minimum: 0, maximum: 2592000, default: 1800, description: An open conversation with no new message for this long closes by itself; 0 = never.}
        extractor: {type: ['string', 'null'], enum: [RULES, LLM, NONE, null], default: RULES, description: LLM needs a server started with --llm-url.}
        linkWhatsappToPhone: {type: ['boolean', 'null'], default: true, description: A WhatsApp number and the same phone number name the same customer.}
        messageRetentionDays: {type: ['integer', 'null'], minimum: 0, maximum: 36500, default: 0, description: Messages older than this are erased (gone from disk after the next snapshot); 0 = kept for ever.}
        observationRetentionDays: {type: ['integer', 'null'], minimum: 0, maximum: 36500, default: 0, description: The same for observations, by occurredAt.}
    CreateStoreRequest:
      type: object
      required: [displayName]
      properties:
        displayName: {type: string, pattern: '^[A-Za-z0-9-]{1,64}$'}
        description: {type: ['string', 'null'], description: 'At most 128 characters (grapheme clusters, as Swift counts them; an emoji with a skin tone is one).'}
        conversationSettings: {oneOf: [{$ref: '#/components/schemas/ConversationSettings'}, {type: 'null'}]}
    UpdateStoreRequest:
      type: object
      properties:
        displayName: {type: ['string', 'null'], pattern: '^[A-Za-z0-9-]{1,64}$'}
        description: {type: ['string', 'null'], description: 'At most 128 characters (grapheme clusters, as Swift counts them; an emoji with a skin tone is one).'}
        conversationSettings: {oneOf: [{$ref: '#/components/schemas/ConversationSettings'}, {type: 'null'}], description: Given, it replaces the settings.}
    StoreList:
      type: object
      required: [stores, meta]
      properties:
        stores: {type: array, items: {$ref: '#/components/schemas/Store'}}
        meta: {$ref: '#/components/schemas/PageMeta'}
    Deleted:
      type: object
      required: [id, deleted]
      properties:
        id: {type: string}
        deleted:
          type: object
          required: [profiles, identifiers, traits, observations, revisions, summaries, communications, knowledge, chunks, logSequence]
          properties:
            profiles: {type: integer}
            identifiers: {type: integer}
            traits: {type: integer}
            observations: {type: integer}
            revisions: {type: integer}
            summaries: {type: integer}
            communications: {type: integer}
            knowledge: {type: integer, description: Knowledge documents.}
            chunks: {type: integer, description: Knowledge chunks.}
            logSequence: {type: integer}
            erasedAt: {$ref: '#/components/schemas/Time'}
    IdentitySettings:
      type: object
      properties:
        matchingOrder: {type: ['array', 'null'], items: {type: string}, description: 'Matching priority, highest first.'}
        defaultRegion: {type: ['string', 'null'], description: 'ISO 3166 region for phone numbers without a country code.'}
        rules:
          type: ['array', 'null']
          items:
            type: object
            required: [idType]
            properties:
              idType: {type: string}
              maxValues: {type: ['integer', 'null'], minimum: 0, maximum: 4294967295}
              limitPolicy: {type: ['string', 'null'], enum: [DROP_OLDEST, REFUSE, null]}
              blockedValues: {type: ['array', 'null'], items: {type: string}}
              blockedPatterns: {type: ['array', 'null'], items: {type: string}}
              unique: {type: ['boolean', 'null']}
              normalization: {type: ['string', 'null'], enum: [NONE, TRIM, LOWERCASE, null]}
    TraitValue:
      anyOf:
        - {type: string}
        - {type: integer}
        - {type: number}
        - {type: boolean}
        - {type: array, items: {type: string}}
    Traits:
      type: object
      description: 'Group name -> trait name -> value, e.g. {"Contact": {"email": "a@example.com"}}.'
      additionalProperties:
        type: object
        additionalProperties: {$ref: '#/components/schemas/TraitValue'}
    TraitsPatch:
      type: object
      description: As Traits; null removes a trait.
      additionalProperties:
        type: object
        additionalProperties:
          anyOf:
            - {$ref: '#/components/schemas/TraitValue'}
            - {type: 'null'}
    Identifier:
      type: object
      required: [idType, value]
      properties:
        idType: {type: string}
        value: {type: string}
        addedAt: {$ref: '#/components/schemas/Time'}
    NewIdentifier:
      type: object
      required: [idType, value]
      properties:
        idType: {type: string}
        value: {type: string}
    Profile:
      type: object
      required: [id, storeId, traits, identifiers, mergedProfileIds, observationCount, summaryCount, communicationCount]
      properties:
        id: {type: string}
        storeId: {type: string}
        createdAt: {$ref: '#/components/schemas/Time'}
        updatedAt: {$ref: '#/components/schemas/Time'}
        traits: {$ref: '#/components/schemas/Traits'}
        identifiers: {type: array, items: {$ref: '#/components/schemas/Identifier'}}
        mergedProfileIds: {type: array, items: {type: string}}
        observationCount: {type: integer}
        summaryCount: {type: integer}
        communicationCount: {type: integer}
    ResolvedProfile:
      allOf:
        - $ref: '#/components/schemas/Profile'
        - type: object
          required: [outcome, demoted]
          properties:
            outcome: {type: string, enum: [CREATED, MATCHED, MERGED]}
            demoted:
              type: array
              description: Identifiers not attached or not used to match, and why.
              items:
                type: object
                required: [idType, value, reason]
                properties:
                  idType: {type: string}
                  value: {type: string}
                  reason: {type: string}
    AddIdentifiersRequest:
      type: object
      description: One identifier ({idType, value}, as the hosted product sends it) or several (identifiers).
      properties:
        idType: {type: ['string', 'null']}
        value: {type: ['string', 'null']}
        identifiers: {type: ['array', 'null'], items: {$ref: '#/components/schemas/NewIdentifier'}}
    CreateProfileRequest:
      type: object
      properties:
        traits: {oneOf: [{$ref: '#/components/schemas/TraitsPatch'}, {type: 'null'}]}
        identifiers: {type: ['array', 'null'], items: {$ref: '#/components/schemas/NewIdentifier'}}
    PatchProfileRequest:
      type: object
      required: [traits]
      properties:
        traits: {$ref: '#/components/schemas/TraitsPatch'}
    LookupRequest:
      type: object
      required: [idType, value]
      properties:
        idType: {type: string}
        value: {type: string}
    LookupResponse:
      type: object
      required: [idType, normalizedValue, profiles]
      properties:
        idType: {type: string}
        normalizedValue: {type: string}
        profiles: {type: array, items: {type: string}}
    ProfileList:
      type: object
      required: [profiles, meta]
      properties:
        profiles: {type: array, items: {$ref: '#/components/schemas/Profile'}}
        meta: {$ref: '#/components/schemas/PageMeta'}
    IdentifierList:
      type: object
      required: [profileId, identifiers]
      properties:
        profileId: {type: string}
        identifiers: {type: array, items: {$ref: '#/components/schemas/Identifier'}}
    Explanation:
      type: object
      required: [lexical, semantic, recency, lexicalRank, semanticRank, matchedTerms]
      properties:
        lexical: {type: number}
        semantic: {type: number}
        recency: {type: number}
        lexicalRank: {type: integer}
        semanticRank: {type: integer}
        matchedTerms: {type: array, items: {type: string}}
    Observation:
      type: object
      required: [id, content, source, conversationIds, mentionCount, status]
      properties:
        id: {type: string}
        content: {type: string}
        source: {type: string}
        occurredAt: {$ref: '#/components/schemas/Time'}
        conversationIds: {type: array, items: {type: string}}
        subject: {type: string}
        createdAt: {$ref: '#/components/schemas/Time'}
        updatedAt: {$ref: '#/components/schemas/Time'}
        mentionCount: {type: integer}
        status: {type: string, enum: [UNSPECIFIED, ACTIVE, SUPERSEDED]}
        supersededBy: {type: string}
        idempotencyKey: {type: string}
        communicationIds: {type: array, items: {type: string}, description: The messages the fact was taken from.}
        score: {type: number, minimum: 0, maximum: 1, description: Recall only; absent in recency order.}
        explanation: {$ref: '#/components/schemas/Explanation'}
    NewObservation:
      type: object
      required: [content, source, occurredAt]
      properties:
        content: {type: string, minLength: 1, description: '1-4,096 characters (grapheme clusters).'}
        source: {type: string, pattern: '^[A-Za-z0-9 _.-]{1,100}$'}
        occurredAt: {$ref: '#/components/schemas/Time'}
        conversationIds: {type: ['array', 'null'], maxItems: 10, items: {type: string}}
        subject: {type: ['string', 'null'], description: 'e.g. preference.contact_channel: a newer observation with the same subject supersedes.'}
        idempotencyKey: {type: ['string', 'null'], description: A retry with the same key changes nothing and returns the original result.}
        embedding: {type: ['array', 'null'], items: {type: number}, description: Your own embedding; its dimension must match the server's embedder.}
        communicationIds: {type: ['array', 'null'], maxItems: 100, items: {type: string}, description: The messages the fact was taken from.}
    CreateObservationsRequest:
      type: object
      required: [observations]
      properties:
        observations: {type: array, minItems: 1, maxItems: 100, items: {$ref: '#/components/schemas/NewObservation'}}
    ObservationResults:
      type: object
      required: [profileId, observations]
      properties:
        profileId: {type: string}
        observations:
          type: array
          items:
            type: object
            required: [id, outcome, replayed]
            properties:
              id: {type: string}
              outcome: {type: string, enum: [ADDED, DUPLICATE, SUPERSEDED]}
              relatedObservationId: {type: string}
              replayed: {type: boolean}
    ObservationList:
      type: object
      required: [observations, meta]
      properties:
        observations: {type: array, items: {$ref: '#/components/schemas/Observation'}}
        meta: {$ref: '#/components/schemas/PageMeta'}
    RevisionList:
      type: object
      required: [current, revisions, meta]
      properties:
        current: {$ref: '#/components/schemas/Observation'}
        revisions:
          type: array
          items:
            type: object
            required: [revision, kind, previous]
            properties:
              revision: {type: integer}
              kind: {type: string, enum: [UNSPECIFIED, MENTIONED, SUPERSEDED, REPLACED]}
              conversationId: {type: string}
              changedAt: {$ref: '#/components/schemas/Time'}
              previous: {$ref: '#/components/schemas/Observation'}
        meta: {$ref: '#/components/schemas/PageMeta'}
    Summary:
      type: object
      required: [id, content, conversationId]
      properties:
        id: {type: string}
        content: {type: string}
        conversationId: {type: string}
        occurredAt: {$ref: '#/components/schemas/Time'}
        source: {type: string}
        createdAt: {$ref: '#/components/schemas/Time'}
        updatedAt: {$ref: '#/components/schemas/Time'}
        score: {type: number, minimum: 0, maximum: 1}
        explanation: {$ref: '#/components/schemas/Explanation'}
    SummaryList:
      type: object
      required: [summaries, meta]
      properties:
        summaries: {type: array, items: {$ref: '#/components/schemas/Summary'}}
        meta: {$ref: '#/components/schemas/PageMeta'}
    NewSummary:
      type: object
      required: [content, conversationId]
      properties:
        content: {type: string, minLength: 1, description: '1-4,096 characters (grapheme clusters).'}
        conversationId: {type: string, minLength: 1}
        occurredAt: {oneOf: [{$ref: '#/components/schemas/Time'}, {type: 'null'}]}
        source: {type: ['string', 'null']}
    CreateSummariesRequest:
      type: object
      required: [summaries]
      properties:
        summaries: {type: array, minItems: 1, maxItems: 100, items: {$ref: '#/components/schemas/NewSummary'}}
    SummaryResults:
      type: object
      required: [profileId, summaries]
      properties:
        profileId: {type: string}
        summaries:
          type: array
          items: {type: object, required: [id], properties: {id: {type: string}}}
    Participant:
      type: object
      required: [type, address, channel]
      properties:
        type: {type: string, enum: [UNSPECIFIED, CUSTOMER, HUMAN_AGENT, AI_AGENT, SYSTEM, UNKNOWN]}
        address: {type: string}
        channel: {type: string, enum: [UNSPECIFIED, VOICE, SMS, RCS, EMAIL, WHATSAPP, CHAT, API, SYSTEM]}
    Communication:
      type: object
      required: [id, author, recipients, content]
      properties:
        id: {type: string}
        conversationId: {type: string}
        author: {$ref: '#/components/schemas/Participant'}
        recipients: {type: array, items: {$ref: '#/components/schemas/Participant'}}
        content: {type: object, required: [text], properties: {text: {type: string}}}
        createdAt: {$ref: '#/components/schemas/Time'}
        score: {type: number, minimum: 0, maximum: 1, description: In rankedCommunications only.}
        explanation: {$ref: '#/components/schemas/Explanation'}
    CommunicationList:
      type: object
      required: [profileId, communications, meta]
      properties:
        profileId: {type: string}
        communications: {type: array, items: {$ref: '#/components/schemas/Communication'}}
        meta: {$ref: '#/components/schemas/PageMeta'}
    NewParticipant:
      type: object
      properties:
        type: {type: ['string', 'null'], enum: [CUSTOMER, HUMAN_AGENT, AI_AGENT, SYSTEM, UNKNOWN, null]}
        address: {type: ['string', 'null'], description: 'A phone number, e-mail address or id; a customer''s finds (or creates) the profile when none is given.'}
        channel: {type: ['string', 'null'], enum: [VOICE, SMS, RCS, EMAIL, WHATSAPP, CHAT, API, SYSTEM, null]}
    NewCommunication:
      type: object
      required: [author]
      properties:
        id: {type: ['string', 'null'], description: Your own id for the message; a retry with the same id is stored once.}
        author: {$ref: '#/components/schemas/NewParticipant'}
        recipients: {type: ['array', 'null'], maxItems: 20, items: {$ref: '#/components/schemas/NewParticipant'}}
        channel: {type: ['string', 'null'], enum: [VOICE, SMS, RCS, EMAIL, WHATSAPP, CHAT, API, SYSTEM, null], description: Or author.channel.}
        content: {oneOf: [{type: object, properties: {text: {type: ['string', 'null']}}}, {type: 'null'}]}
        text: {type: ['string', 'null'], description: 'Or content.text: 1-4,096 characters.'}
        createdAt: {oneOf: [{$ref: '#/components/schemas/Time'}, {type: 'null'}], description: When it was sent; now when absent.}
    AppendCommunicationsRequest:
      type: object
      required: [communications]
      properties:
        profileId: {type: ['string', 'null']}
        communications: {type: array, minItems: 1, maxItems: 1000, items: {$ref: '#/components/schemas/NewCommunication'}}
        close: {type: ['boolean', 'null'], description: Close the conversation once the messages are in.}
    AppendCommunicationsResponse:
      type: object
      required: [profileId, communicationIds, added, conversation]
      properties:
        profileId: {type: string}
        communicationIds: {type: array, items: {type: string}}
        added: {type: integer}
        resolveOutcome: {type: string, enum: [CREATED, MATCHED, MERGED], description: How the profile was found when the request named none.}
        conversation: {$ref: '#/components/schemas/Conversation'}
    Conversation:
      type: object
      required: [id, profileId, state, messageCount, channels, observationIds, extractedMessageCount]
      properties:
        id: {type: string}
        profileId: {type: string}
        state: {type: string, enum: [UNSPECIFIED, OPEN, CLOSED, EXTRACTING, EXTRACTED, FAILED]}
        createdAt: {$ref: '#/components/schemas/Time'}
        updatedAt: {$ref: '#/components/schemas/Time'}
        lastAppendAt: {$ref: '#/components/schemas/Time'}
        firstMessageAt: {$ref: '#/components/schemas/Time'}
        lastMessageAt: {$ref: '#/components/schemas/Time'}
        messageCount: {type: integer}
        channels: {type: array, items: {type: string, enum: [UNSPECIFIED, VOICE, SMS, RCS, EMAIL, WHATSAPP, CHAT, API, SYSTEM]}}
        closedAt: {$ref: '#/components/schemas/Time'}
        error: {type: string, description: FAILED only; why.}
        observationIds: {type: array, items: {type: string}}
        summaryId: {type: string}
        extractor: {type: string}
        extractedAt: {$ref: '#/components/schemas/Time'}
        extractedMessageCount: {type: integer}
    ConversationList:
      type: object
      required: [conversations, meta]
      properties:
        conversations: {type: array, items: {$ref: '#/components/schemas/Conversation'}}
        meta: {$ref: '#/components/schemas/PageMeta'}
    RecallRequest:
      type: object
      properties:
        query: {type: ['string', 'null'], description: 'At most 1,024 characters (grapheme clusters).'}
        conversationId: {type: ['string', 'null'], description: With no query, the query is built from this conversation's last 10 messages.}
        beginDate: {oneOf: [{$ref: '#/components/schemas/Time'}, {type: 'null'}]}
        endDate: {oneOf: [{$ref: '#/components/schemas/Time'}, {type: 'null'}]}
        observationsLimit: {type: ['integer', 'null'], minimum: 0, maximum: 100, default: 20}
        summariesLimit: {type: ['integer', 'null'], minimum: 0, maximum: 100, default: 5}
        communicationsLimit: {type: ['integer', 'null'], minimum: 0, maximum: 100, default: 0}
        relevanceThreshold: {type: ['number', 'null'], minimum: 0, maximum: 1, default: 0}
        sources: {type: ['array', 'null'], items: {type: string}}
        includeSuperseded: {type: ['boolean', 'null']}
        explain: {type: ['boolean', 'null']}
        queryEmbedding: {type: ['array', 'null'], items: {type: number}}
        rankCommunications: {type: ['boolean', 'null'], description: Rank the profile's messages against the query; the best communicationsLimit come in rankedCommunications.}
        knowledgeBaseIds: {type: ['array', 'null'], items: {type: string}, description: Knowledge bases to search with the same query (the one given, or the conversation's last messages); the best chunks come in knowledge.}
        knowledgeLimit: {type: ['integer', 'null'], minimum: 0, maximum: 20, default: 5, description: How many knowledge chunks (0 means 5).}
    KnowledgeChunk:
      type: object
      required: [knowledgeBaseId, knowledgeId, chunkIndex, documentTitle, headingPath, content, startOffset, endOffset, score]
      properties:
        knowledgeBaseId: {type: string}
        knowledgeId: {type: string}
        chunkIndex: {type: integer, minimum: 0}
        documentTitle: {type: string}
        headingPath: {type: array, items: {type: string}, description: The headings the chunk sits under, outermost first.}
        content: {type: string}
        startOffset: {type: integer, minimum: 0, description: Where the chunk starts in the document's source, in Unicode code points.}
        endOffset: {type: integer, minimum: 0}
        score: {type: number, minimum: 0, maximum: 1}
        explanation: {$ref: '#/components/schemas/Explanation'}
    RecallResponse:
      type: object
      required: [profileId, observations, summaries, communications, rankedCommunications, traits, knowledge, meta]
      properties:
        profileId: {type: string, description: The canonical profile id.}
        observations: {type: array, items: {$ref: '#/components/schemas/Observation'}}
        summaries: {type: array, items: {$ref: '#/components/schemas/Summary'}}
        communications: {type: array, items: {$ref: '#/components/schemas/Communication'}}
        rankedCommunications: {type: array, items: {$ref: '#/components/schemas/Communication'}}
        traits: {$ref: '#/components/schemas/Traits'}
        knowledge: {type: array, items: {$ref: '#/components/schemas/KnowledgeChunk'}, description: With knowledgeBaseIds, the knowledge chunks that best answer the query.}
        meta:
          type: object
          required: [queryTime, queryTimeUs, effectiveQuery]
          properties:
            queryTime: {type: number, description: Milliseconds.}
            queryTimeUs: {type: integer}
            effectiveQuery: {type: string}
    KnowledgeBase:
      type: object
      required: [id, displayName, description, status, knowledgeCount, chunkCount]
      properties:
        id: {type: string}
        displayName: {type: string}
        description: {type: string}
        status: {type: string, enum: [PROCESSING, READY, FAILED], description: PROCESSING while a document is being added or updated.}
        knowledgeCount: {type: integer, minimum: 0, description: Documents in it.}
        chunkCount: {type: integer, minimum: 0}
        createdAt: {$ref: '#/components/schemas/Time'}
        updatedAt: {$ref: '#/components/schemas/Time'}
    CreateKnowledgeBaseRequest:
      type: object
      required: [displayName]
      properties:
        displayName: {type: string, description: 1-128 characters.}
        description: {type: ['string', 'null'], description: 'At most 1,024 characters.'}
    UpdateKnowledgeBaseRequest:
      type: object
      properties:
        displayName: {type: ['string', 'null'], description: 1-128 characters; left out keeps it.}
        description: {type: ['string', 'null'], description: 'At most 1,024 characters; left out keeps it.'}
    KnowledgeBaseList:
      type: object
      required: [knowledgeBases, meta]
      properties:
        knowledgeBases: {type: array, items: {$ref: '#/components/schemas/KnowledgeBase'}}
        meta: {$ref: '#/components/schemas/PageMeta'}
    Metadata:
      type: object
      additionalProperties: {type: string}
      description: 'At most 32 pairs; keys 1-64 characters, values at most 512.'
    Knowledge:
      type: object
      required: [id, knowledgeBaseId, name, description, metadata, sourceType, sourceBytes, status, chunkCount, embeddedCount]
      properties:
        id: {type: string}
        knowledgeBaseId: {type: string}
        name: {type: string, description: The title its chunks are found under.}
        description: {type: string}
        metadata: {$ref: '#/components/schemas/Metadata'}
        sourceType: {type: string, enum: [TEXT, MARKDOWN, HTML, CSV, TSV]}
        sourceBytes: {type: integer, minimum: 0, description: The source's size in UTF-8 bytes.}
        status: {type: string, enum: [PROCESSING, READY, FAILED]}
        failure: {type: string, description: Why it FAILED.}
        chunkCount: {type: integer, minimum: 0}
        embeddedCount: {type: integer, minimum: 0, description: Chunks embedded so far (the progress of an ingestion).}
        createdAt: {$ref: '#/components/schemas/Time'}
        updatedAt: {$ref: '#/components/schemas/Time'}
    NewKnowledge:
      type: object
      required: [name, source]
      properties:
        name: {type: string, description: 1-256 characters.}
        description: {type: ['string', 'null']}
        metadata: {oneOf: [{$ref: '#/components/schemas/Metadata'}, {type: 'null'}]}
        sourceType: {type: ['string', 'null'], enum: [TEXT, MARKDOWN, HTML, CSV, TSV, null], default: TEXT}
        source: {type: string, description: 'The document (at most 16 MiB of UTF-8, and within the server''s body limit), cut into chunks of at most 300 words by its type.'}
    KnowledgePatch:
      type: object
      properties:
        name: {type: ['string', 'null'], description: A new name embeds the chunks again under it.}
        description: {type: ['string', 'null']}
        metadata: {oneOf: [{$ref: '#/components/schemas/Metadata'}, {type: 'null'}], description: 'Replaces the metadata; {} empties it.'}
        sourceType: {type: ['string', 'null'], enum: [TEXT, MARKDOWN, HTML, CSV, TSV, null], description: Only with source; left out keeps the old type.}
        source: {type: ['string', 'null'], description: A new source, cut and embedded again.}
    KnowledgeList:
      type: object
      required: [knowledge, meta]
      properties:
        knowledge: {type: array, items: {$ref: '#/components/schemas/Knowledge'}}
        meta: {$ref: '#/components/schemas/PageMeta'}
    StoredChunk:
      type: object
      required: [knowledgeBaseId, knowledgeId, chunkIndex, documentTitle, headingPath, content, startOffset, endOffset]
      properties:
        knowledgeBaseId: {type: string}
        knowledgeId: {type: string}
        chunkIndex: {type: integer, minimum: 0}
        documentTitle: {type: string}
        headingPath: {type: array, items: {type: string}}
        content: {type: string}
        startOffset: {type: integer, minimum: 0}
        endOffset: {type: integer, minimum: 0}
    ChunkList:
      type: object
      required: [chunks, meta]
      properties:
        chunks: {type: array, items: {$ref: '#/components/schemas/StoredChunk'}}
        meta: {$ref: '#/components/schemas/PageMeta'}
    SearchKnowledgeRequest:
      type: object
      required: [query]
      properties:
        query: {type: string, description: '1-2,048 characters.'}
        top: {type: ['integer', 'null'], minimum: 0, maximum: 20, default: 5, description: How many chunks (0 means 5).}
        knowledgeIds: {type: ['array', 'null'], items: {type: string}, description: Only these documents.}
        knowledgeBaseIds: {type: ['array', 'null'], items: {type: string}, description: 'Searching the store: only these bases (left out: every base). Under a base''s path, leave it out.'}
        metadata: {oneOf: [{$ref: '#/components/schemas/Metadata'}, {type: 'null'}], description: Only documents holding every pair.}
        explain: {type: ['boolean', 'null']}
    SearchKnowledgeResponse:
      type: object
      required: [chunks, meta]
      properties:
        chunks: {type: array, items: {$ref: '#/components/schemas/KnowledgeChunk'}}
        meta:
          type: object
          required: [queryTime, queryTimeUs]
          properties:
            queryTime: {type: number, description: Milliseconds.}
            queryTimeUs: {type: integer}

"""##
}
