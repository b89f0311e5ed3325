/*
 * engram_client.h: a small blocking C client for Engram's wire protocol (version 1).
 *
 * Messages are the structs protoc-c generates from Protocol/engram.proto (engram.pb-c.h, made
 * at build time under Clients/C/build/gen). This library adds the framing of
 * Protocol/FRAMING.md: the 16-byte frame header, the Hello handshake, request ids, Status
 * decoding, PING/PONG and GOAWAY.
 *
 * Model
 *   - One engram_client is one TCP connection. Calls are blocking and sent one at a time: each
 *     call writes one REQUEST and reads frames until the RESPONSE with its request id arrives.
 *     An engram_client is not thread-safe; use one per thread, or a lock around it.
 *   - PING frames from the server are answered with PONG while a call waits, and those that
 *     arrived while the client was idle just before its next request is sent. A GOAWAY is
 *     decoded and kept (engram_last_goaway): a request the server had accepted still gets its
 *     response; after it the connection takes no new requests (UNAVAILABLE: reconnect).
 *   - A request whose frame would exceed the server's max_frame_bytes is refused locally and
 *     not sent (RESOURCE_EXHAUSTED); the connection stays usable. An incoming frame header
 *     announcing more than max_frame_bytes is rejected before its payload is read
 *     (RESOURCE_EXHAUSTED) and the connection is closed.
 *   - A connection that fails (server closed it, mid-frame or not; I/O error; protocol error)
 *     is closed; every later call returns UNAVAILABLE at once. Reconnect with engram_connect.
 *   - SIGPIPE is never raised (writes use MSG_NOSIGNAL); EINTR is retried.
 *
 * Status
 *   Every call returns an engram_code (0 = ENGRAM_OK, otherwise gRPC's numbers, as in
 *   FRAMING.md) and, when `status` is not NULL, fills it: the code, a message, and the
 *   Status.field_violations the server sent. An engram_status owns no heap memory: nothing to
 *   free, and it may be reused for the next call. Failures the client detects itself carry
 *   from_server = 0: connection refused, closed or reset (UNAVAILABLE), timeouts
 *   (DEADLINE_EXCEEDED), oversized frames (RESOURCE_EXHAUSTED), protocol violations by the peer
 *   and undecodable payloads (INTERNAL), wrong arguments (INVALID_ARGUMENT).
 *
 * Memory
 *   Requests are the caller's (stack or heap, initialised with the generated ..._INIT macro).
 *   A response is returned in a new allocation that the caller frees with engram_response_free
 *   (or the generated engram__v1__..._response__free_unpacked(resp, NULL)). On any error the
 *   response pointer is set to NULL. engram_close frees the client and everything it holds.
 */
#ifndef ENGRAM_CLIENT_H
#define ENGRAM_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "engram.pb-c.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ENGRAM_CLIENT_VERSION "0.1.0"
/* The protocol version this client speaks (HelloRequest.protocol_version). */
#define ENGRAM_PROTOCOL_VERSION 1u
#define ENGRAM_DEFAULT_PORT 7411
/* The frame limit assumed until Hello reports the server's (FRAMING.md's default). */
#define ENGRAM_DEFAULT_MAX_FRAME_BYTES (4u * 1024u * 1024u)
/* Every frame starts with this many header bytes. */
#define ENGRAM_FRAME_HEADER_BYTES 16u

/* Status codes: gRPC's numbers (FRAMING.md, "Status codes"). */
typedef enum engram_code {
    ENGRAM_OK = 0,
    ENGRAM_CANCELLED = 1,
    ENGRAM_UNKNOWN = 2,
    ENGRAM_INVALID_ARGUMENT = 3,
    ENGRAM_DEADLINE_EXCEEDED = 4,
    ENGRAM_NOT_FOUND = 5,
    ENGRAM_ALREADY_EXISTS = 6,
    ENGRAM_PERMISSION_DENIED = 7,
    ENGRAM_RESOURCE_EXHAUSTED = 8,
    ENGRAM_FAILED_PRECONDITION = 9,
    ENGRAM_ABORTED = 10,
    ENGRAM_OUT_OF_RANGE = 11,
    ENGRAM_UNIMPLEMENTED = 12,
    ENGRAM_INTERNAL = 13,
    ENGRAM_UNAVAILABLE = 14,
    ENGRAM_DATA_LOSS = 15,
    ENGRAM_UNAUTHENTICATED = 16
} engram_code;

/* Method ids, carried in the `method` field of REQUEST and RESPONSE frames. */
typedef enum engram_method {
    ENGRAM_METHOD_HELLO = 1,
    ENGRAM_METHOD_PING = 2,
    ENGRAM_METHOD_SERVER_INFO = 3,
    ENGRAM_METHOD_SNAPSHOT = 4,
    ENGRAM_METHOD_CREATE_STORE = 10,
    ENGRAM_METHOD_GET_STORE = 11,
    ENGRAM_METHOD_LIST_STORES = 12,
    ENGRAM_METHOD_UPDATE_STORE = 13,
    ENGRAM_METHOD_DELETE_STORE = 14,
    ENGRAM_METHOD_GET_IDENTITY_SETTINGS = 15,
    ENGRAM_METHOD_PUT_IDENTITY_SETTINGS = 16,
    ENGRAM_METHOD_RESOLVE_IDENTITY = 20,
    ENGRAM_METHOD_LOOKUP_PROFILES = 21,
    ENGRAM_METHOD_GET_PROFILE = 22,
    ENGRAM_METHOD_UPDATE_TRAITS = 23,
    ENGRAM_METHOD_DELETE_PROFILE = 24,
    ENGRAM_METHOD_LIST_PROFILES = 25,
    ENGRAM_METHOD_OBSERVE = 30,
    ENGRAM_METHOD_LIST_OBSERVATIONS = 31,
    ENGRAM_METHOD_LIST_OBSERVATION_REVISIONS = 32,
    ENGRAM_METHOD_DELETE_OBSERVATION = 33,
    ENGRAM_METHOD_LIST_SUMMARIES = 34,
    ENGRAM_METHOD_RECALL = 40,
    ENGRAM_METHOD_CREATE_KNOWLEDGE_BASE = 50,
    ENGRAM_METHOD_GET_KNOWLEDGE_BASE = 51,
    ENGRAM_METHOD_LIST_KNOWLEDGE_BASES = 52,
    ENGRAM_METHOD_UPDATE_KNOWLEDGE_BASE = 53,
    ENGRAM_METHOD_DELETE_KNOWLEDGE_BASE = 54,
    ENGRAM_METHOD_ADD_KNOWLEDGE = 55,
    ENGRAM_METHOD_GET_KNOWLEDGE = 56,
    ENGRAM_METHOD_LIST_KNOWLEDGE = 57,
    ENGRAM_METHOD_UPDATE_KNOWLEDGE = 58,
    ENGRAM_METHOD_DELETE_KNOWLEDGE = 59,
    ENGRAM_METHOD_LIST_CHUNKS = 60,
    ENGRAM_METHOD_SEARCH_KNOWLEDGE = 61
} engram_method;

/* How many field violations an engram_status keeps (the rest are counted, not kept). */
#define ENGRAM_MAX_FIELD_VIOLATIONS 8

typedef struct engram_field_violation {
    char field[128];       /* a path into the request, e.g. "observations[0].content" */
    char description[256]; /* what is wrong with it */
} engram_field_violation;

/* The outcome of a call. Plain data: no heap memory, nothing to free. Strings are truncated
 * to fit and always NUL-terminated. */
typedef struct engram_status {
    int code;                    /* an engram_code; ENGRAM_OK on success */
    int from_server;             /* 1: a RESPONSE carried this status; 0: the client's own */
    char message[512];           /* human-readable; "" on success */
    size_t n_field_violations;   /* kept below, at most ENGRAM_MAX_FIELD_VIOLATIONS */
    size_t total_field_violations; /* as many as the server sent */
    engram_field_violation field_violations[ENGRAM_MAX_FIELD_VIOLATIONS];
    uint64_t retry_after_ms;     /* RESOURCE_EXHAUSTED from the key's rate limit: wait this long */
} engram_status;

/* What the server announced in HelloResponse. The strings belong to the client and live until
 * engram_close. */
typedef struct engram_server_limits {
    uint32_t protocol_version;
    const char *server_version;
    uint32_t max_frame_bytes;  /* the largest frame, header included, either side may send */
    uint32_t max_in_flight;
    uint32_t idle_timeout_ms;  /* 0 = never; send engram_keepalive more often than this */
    const char *role;          /* "admin", "read-write" or "read-only" */
} engram_server_limits;

/* A GOAWAY frame received on the connection. */
typedef struct engram_goaway {
    int received;              /* 0 until a GOAWAY arrives */
    uint32_t last_request_id;  /* the last request id the server read */
    uint32_t code;             /* an engram_code: why the server closes */
    char reason[256];
} engram_goaway;

typedef struct engram_client engram_client;

/* ---- Connection ---------------------------------------------------------------------------- */

/*
 * Connects to host:port (a name or a numeric IPv4/IPv6 address; every address the name
 * resolves to is tried), sends Hello with `api_key` (NULL or "" when the server runs without
 * keys) and protocol version 1, and on success stores a new client in *client.
 *
 * timeout_ms bounds the whole connect + Hello, and then becomes the client's per-call timeout
 * (engram_set_timeout); 0 or negative = no timeout.
 *
 * Returns ENGRAM_OK, or: UNAVAILABLE (name not resolved, refused, reset, closed),
 * DEADLINE_EXCEEDED (timeout), UNAUTHENTICATED (bad key), FAILED_PRECONDITION (protocol
 * version), or another code the server sent. On failure *client is NULL and nothing leaks.
 */
int engram_connect(const char *host, uint16_t port, const char *api_key, int timeout_ms,
                   engram_client **client, engram_status *status);

/* Closes the connection and frees the client and everything it owns. NULL is allowed. */
void engram_close(engram_client *client);

/* The server's limits from HelloResponse (valid until engram_close). */
const engram_server_limits *engram_limits(const engram_client *client);

/* 1 while the connection can carry requests; 0 after a failure or a GOAWAY. */
int engram_is_connected(const engram_client *client);

/* The last GOAWAY received (received == 0 if none). */
const engram_goaway *engram_last_goaway(const engram_client *client);

/* How many PING frames from the server this client has answered with PONG. */
uint64_t engram_pings_answered(const engram_client *client);

/* How long a call waits for its response; 0 or negative = forever. When it runs out at a frame
 * boundary the call returns DEADLINE_EXCEEDED, the request is CANCELled and the connection
 * stays usable (its late response is skipped); mid-frame, the connection is closed. Either
 * way the outcome is unknown: a mutation the server had started is still applied (FRAMING.md),
 * so retry mutations with an idempotency key. For "nothing applied" semantics use
 * engram_set_deadline, which the server enforces. */
void engram_set_timeout(engram_client *client, int timeout_ms);

/* The deadline sent in each REQUEST's `meta`: a request that has not run within it is answered
 * DEADLINE_EXCEEDED by the server, with nothing applied. 0 = none, the default. Keep it below
 * the local timeout (engram_set_timeout) to get the server's answer. */
void engram_set_deadline(engram_client *client, uint32_t deadline_ms);

/* The socket, for diagnostics or to poll() for readability between calls. Do not read from
 * or write to it. -1 when closed. */
int engram_fd(const engram_client *client);

/* Sends a transport-level PING frame and waits for its PONG (FRAMING.md, "Keepalive"). Use it
 * on an idle connection more often than limits->idle_timeout_ms. */
int engram_keepalive(engram_client *client, engram_status *status);

/* ---- Calls --------------------------------------------------------------------------------- */

/*
 * The generic call: sends `request` (NULL = the request with every field at its default) as
 * method `method_id` and waits for the response.
 *
 * response_type is the descriptor of the expected response message, e.g.
 * &engram__v1__ping_response__descriptor; NULL picks it from the method table (known methods
 * only). For a known method, request and response types must match the method
 * (INVALID_ARGUMENT otherwise, nothing sent). Unknown method ids are sent as they are (the
 * server answers UNIMPLEMENTED) and need a response_type.
 *
 * On ENGRAM_OK, *response is a new message to free with engram_response_free. On failure it is
 * NULL and the code is returned (and put in *status with its message and field violations).
 */
int engram_call(engram_client *client, uint16_t method_id, const ProtobufCMessage *request,
                const ProtobufCMessageDescriptor *response_type, ProtobufCMessage **response,
                engram_status *status);

/* Frees any response a call returned (typed or not). NULL is allowed. */
void engram_response_free(void *response);

/* Typed calls: one per method. `request` may be NULL (all defaults). Hello is sent by
 * engram_connect. Store ids, profile ids etc. are the strings the server returned. */
int engram_ping(engram_client *client, const Engram__V1__PingRequest *request,
                Engram__V1__PingResponse **response, engram_status *status);
int engram_server_info(engram_client *client, const Engram__V1__ServerInfoRequest *request,
                       Engram__V1__ServerInfoResponse **response, engram_status *status);
/* Admin keys only. */
int engram_snapshot(engram_client *client, const Engram__V1__SnapshotRequest *request,
                    Engram__V1__SnapshotResponse **response, engram_status *status);

/* Admin keys only. */
int engram_create_store(engram_client *client, const Engram__V1__CreateStoreRequest *request,
                        Engram__V1__CreateStoreResponse **response, engram_status *status);
int engram_get_store(engram_client *client, const Engram__V1__GetStoreRequest *request,
                     Engram__V1__GetStoreResponse **response, engram_status *status);
int engram_list_stores(engram_client *client, const Engram__V1__ListStoresRequest *request,
                       Engram__V1__ListStoresResponse **response, engram_status *status);
/* Admin keys only. Set the optional fields with engram_update_store_set_*(). */
int engram_update_store(engram_client *client, const Engram__V1__UpdateStoreRequest *request,
                        Engram__V1__UpdateStoreResponse **response, engram_status *status);
/* Admin keys only; erases everything in the store. */
int engram_delete_store(engram_client *client, const Engram__V1__DeleteStoreRequest *request,
                        Engram__V1__DeleteStoreResponse **response, engram_status *status);
int engram_get_identity_settings(engram_client *client,
                                 const Engram__V1__GetIdentitySettingsRequest *request,
                                 Engram__V1__GetIdentitySettingsResponse **response,
                                 engram_status *status);
/* Replaces the store's settings. */
int engram_put_identity_settings(engram_client *client,
                                 const Engram__V1__PutIdentitySettingsRequest *request,
                                 Engram__V1__PutIdentitySettingsResponse **response,
                                 engram_status *status);

/* Create, match or merge a profile by identifiers, applying traits. */
int engram_resolve_identity(engram_client *client,
                            const Engram__V1__ResolveIdentityRequest *request,
                            Engram__V1__ResolveIdentityResponse **response,
                            engram_status *status);
int engram_lookup_profiles(engram_client *client, const Engram__V1__LookupProfilesRequest *request,
                           Engram__V1__LookupProfilesResponse **response, engram_status *status);
int engram_get_profile(engram_client *client, const Engram__V1__GetProfileRequest *request,
                       Engram__V1__GetProfileResponse **response, engram_status *status);
/* A patch: a trait whose value has null_value = true is removed. */
int engram_update_traits(engram_client *client, const Engram__V1__UpdateTraitsRequest *request,
                         Engram__V1__UpdateTraitsResponse **response, engram_status *status);
/* Permanent and complete. */
int engram_delete_profile(engram_client *client, const Engram__V1__DeleteProfileRequest *request,
                          Engram__V1__DeleteProfileResponse **response, engram_status *status);
/* A store's profiles by id, paged. */
int engram_list_profiles(engram_client *client, const Engram__V1__ListProfilesRequest *request,
                         Engram__V1__ListProfilesResponse **response, engram_status *status);

/* Observations, summaries and communications in one call (at most 100 items). */
int engram_observe(engram_client *client, const Engram__V1__ObserveRequest *request,
                   Engram__V1__ObserveResponse **response, engram_status *status);
int engram_list_observations(engram_client *client,
                             const Engram__V1__ListObservationsRequest *request,
                             Engram__V1__ListObservationsResponse **response,
                             engram_status *status);
int engram_list_observation_revisions(engram_client *client,
                                      const Engram__V1__ListObservationRevisionsRequest *request,
                                      Engram__V1__ListObservationRevisionsResponse **response,
                                      engram_status *status);
int engram_delete_observation(engram_client *client,
                              const Engram__V1__DeleteObservationRequest *request,
                              Engram__V1__DeleteObservationResponse **response,
                              engram_status *status);
/* A profile's summaries, the most recent conversation first, paged. */
int engram_list_summaries(engram_client *client, const Engram__V1__ListSummariesRequest *request,
                          Engram__V1__ListSummariesResponse **response, engram_status *status);

/* Messages into a conversation (1-1,000); the profile given, known, or resolved from the
 * customer's address. Set `close` to close it afterwards. */
int engram_append_communications(engram_client *client,
                                 const Engram__V1__AppendCommunicationsRequest *request,
                                 Engram__V1__AppendCommunicationsResponse **response,
                                 engram_status *status);
/* Closes a conversation, which queues its extraction. */
int engram_close_conversation(engram_client *client,
                              const Engram__V1__CloseConversationRequest *request,
                              Engram__V1__CloseConversationResponse **response,
                              engram_status *status);
int engram_get_conversation(engram_client *client, const Engram__V1__GetConversationRequest *request,
                            Engram__V1__GetConversationResponse **response, engram_status *status);
/* A profile's or the store's conversations, the latest message first, paged. */
int engram_list_conversations(engram_client *client,
                              const Engram__V1__ListConversationsRequest *request,
                              Engram__V1__ListConversationsResponse **response,
                              engram_status *status);
/* A profile's or a conversation's messages, newest first, paged. */
int engram_list_communications(engram_client *client,
                               const Engram__V1__ListCommunicationsRequest *request,
                               Engram__V1__ListCommunicationsResponse **response,
                               engram_status *status);

/* Ranked recall. Set the optional limits with engram_recall_set_*(). */
int engram_recall(engram_client *client, const Engram__V1__RecallRequest *request,
                  Engram__V1__RecallResponse **response, engram_status *status);

/* Knowledge bases (methods 50-61): bases, documents, chunks and search; see docs/knowledge.md. */
int engram_create_knowledge_base(engram_client *client, const Engram__V1__CreateKnowledgeBaseRequest *request,
    Engram__V1__CreateKnowledgeBaseResponse **response, engram_status *status);
int engram_get_knowledge_base(engram_client *client, const Engram__V1__GetKnowledgeBaseRequest *request,
    Engram__V1__GetKnowledgeBaseResponse **response, engram_status *status);
int engram_list_knowledge_bases(engram_client *client, const Engram__V1__ListKnowledgeBasesRequest *request,
    Engram__V1__ListKnowledgeBasesResponse **response, engram_status *status);
int engram_update_knowledge_base(engram_client *client, const Engram__V1__UpdateKnowledgeBaseRequest *request,
    Engram__V1__UpdateKnowledgeBaseResponse **response, engram_status *status);
int engram_delete_knowledge_base(engram_client *client, const Engram__V1__DeleteKnowledgeBaseRequest *request,
    Engram__V1__DeleteKnowledgeBaseResponse **response, engram_status *status);
int engram_add_knowledge(engram_client *client, const Engram__V1__AddKnowledgeRequest *request,
    Engram__V1__AddKnowledgeResponse **response, engram_status *status);
int engram_get_knowledge(engram_client *client, const Engram__V1__GetKnowledgeRequest *request,
    Engram__V1__GetKnowledgeResponse **response, engram_status *status);
int engram_list_knowledge(engram_client *client, const Engram__V1__ListKnowledgeRequest *request,
    Engram__V1__ListKnowledgeResponse **response, engram_status *status);
int engram_update_knowledge(engram_client *client, const Engram__V1__UpdateKnowledgeRequest *request,
    Engram__V1__UpdateKnowledgeResponse **response, engram_status *status);
int engram_delete_knowledge(engram_client *client, const Engram__V1__DeleteKnowledgeRequest *request,
    Engram__V1__DeleteKnowledgeResponse **response, engram_status *status);
int engram_list_chunks(engram_client *client, const Engram__V1__ListChunksRequest *request,
    Engram__V1__ListChunksResponse **response, engram_status *status);
int engram_search_knowledge(engram_client *client, const Engram__V1__SearchKnowledgeRequest *request,
    Engram__V1__SearchKnowledgeResponse **response, engram_status *status);

/* ---- Helpers ------------------------------------------------------------------------------- */

/* "NOT_FOUND" for 5, and so on; "UNKNOWN_CODE" past 16. */
const char *engram_code_name(int code);
/* "Recall" for 40; NULL for an unknown id. */
const char *engram_method_name(uint16_t method_id);

/*
 * Fields declared `optional` in engram.proto (explicit presence). protoc-c 1.4 cannot compile
 * proto3 `optional`, so the build compiles each such field as the one-field oneof that proto3
 * defines it to be (same wire format): `optional uint32 observations_limit = 8;` becomes a
 * `_observations_limit_case` plus `observations_limit`. These setters hide that spelling.
 */
static inline void engram_recall_set_observations_limit(Engram__V1__RecallRequest *r, uint32_t v)
{
    r->_observations_limit_case = ENGRAM__V1__RECALL_REQUEST___OBSERVATIONS_LIMIT_OBSERVATIONS_LIMIT;
    r->observations_limit = v;
}
static inline void engram_recall_set_summaries_limit(Engram__V1__RecallRequest *r, uint32_t v)
{
    r->_summaries_limit_case = ENGRAM__V1__RECALL_REQUEST___SUMMARIES_LIMIT_SUMMARIES_LIMIT;
    r->summaries_limit = v;
}
static inline void engram_recall_set_communications_limit(Engram__V1__RecallRequest *r,
                                                          uint32_t v)
{
    r->_communications_limit_case =
        ENGRAM__V1__RECALL_REQUEST___COMMUNICATIONS_LIMIT_COMMUNICATIONS_LIMIT;
    r->communications_limit = v;
}
/* The string must outlive the call; it is not copied. */
static inline void engram_update_store_set_display_name(Engram__V1__UpdateStoreRequest *r,
                                                        const char *v)
{
    r->_display_name_case = ENGRAM__V1__UPDATE_STORE_REQUEST___DISPLAY_NAME_DISPLAY_NAME;
    r->display_name = (char *)v;
}
static inline void engram_update_store_set_description(Engram__V1__UpdateStoreRequest *r,
                                                       const char *v)
{
    r->_description_case = ENGRAM__V1__UPDATE_STORE_REQUEST___DESCRIPTION_DESCRIPTION;
    r->description = (char *)v;
}

#ifdef __cplusplus
}
#endif

#endif /* ENGRAM_CLIENT_H */
