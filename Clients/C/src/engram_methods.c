/*
 * The method table and the typed wrappers around engram_call.
 */
#include "engram_internal.h"

/* X(id, snake_name, CamelName): one line per method of FRAMING.md's table, written once.
 * Hello is engram_connect's; every other method gets a typed wrapper below. */
#define ENGRAM_METHOD_LIST_NO_HELLO(X)                                         \
    X(2, ping, Ping)                                                           \
    X(3, server_info, ServerInfo)                                              \
    X(4, snapshot, Snapshot)                                                   \
    X(10, create_store, CreateStore)                                           \
    X(11, get_store, GetStore)                                                 \
    X(12, list_stores, ListStores)                                             \
    X(13, update_store, UpdateStore)                                           \
    X(14, delete_store, DeleteStore)                                           \
    X(15, get_identity_settings, GetIdentitySettings)                          \
    X(16, put_identity_settings, PutIdentitySettings)                          \
    X(20, resolve_identity, ResolveIdentity)                                   \
    X(21, lookup_profiles, LookupProfiles)                                     \
    X(22, get_profile, GetProfile)                                             \
    X(23, update_traits, UpdateTraits)                                         \
    X(24, delete_profile, DeleteProfile)                                       \
    X(25, list_profiles, ListProfiles)                                         \
    X(30, observe, Observe)                                                    \
    X(31, list_observations, ListObservations)                                 \
    X(32, list_observation_revisions, ListObservationRevisions)                \
    X(33, delete_observation, DeleteObservation)                               \
    X(34, list_summaries, ListSummaries)                                       \
    X(35, append_communications, AppendCommunications)                         \
    X(36, close_conversation, CloseConversation)                               \
    X(37, get_conversation, GetConversation)                                   \
    X(38, list_conversations, ListConversations)                               \
    X(39, list_communications, ListCommunications)                             \
    X(40, recall, Recall)                                                      \
    X(50, create_knowledge_base, CreateKnowledgeBase)                        \
    X(51, get_knowledge_base, GetKnowledgeBase)                              \
    X(52, list_knowledge_bases, ListKnowledgeBases)                          \
    X(53, update_knowledge_base, UpdateKnowledgeBase)                        \
    X(54, delete_knowledge_base, DeleteKnowledgeBase)                        \
    X(55, add_knowledge, AddKnowledge)                                       \
    X(56, get_knowledge, GetKnowledge)                                       \
    X(57, list_knowledge, ListKnowledge)                                     \
    X(58, update_knowledge, UpdateKnowledge)                                 \
    X(59, delete_knowledge, DeleteKnowledge)                                 \
    X(60, list_chunks, ListChunks)                                           \
    X(61, search_knowledge, SearchKnowledge)

#define ENGRAM_METHOD_LIST(X) X(1, hello, Hello) ENGRAM_METHOD_LIST_NO_HELLO(X)

#define ENGRAM_TABLE_ROW(id, snake, Camel)                                     \
    {id, #Camel, &engram__v1__##snake##_request__descriptor,                   \
     &engram__v1__##snake##_response__descriptor},

static const engram_method_info method_table[] = {ENGRAM_METHOD_LIST(ENGRAM_TABLE_ROW)};

const engram_method_info *engram_methods(size_t *count)
{
    if (count)
        *count = sizeof method_table / sizeof method_table[0];
    return method_table;
}

const engram_method_info *engram_method_lookup(uint16_t id)
{
    for (size_t i = 0; i < sizeof method_table / sizeof method_table[0]; i++)
        if (method_table[i].id == id)
            return &method_table[i];
    return NULL;
}

const char *engram_method_name(uint16_t method_id)
{
    const engram_method_info *m = engram_method_lookup(method_id);
    return m ? m->name : NULL;
}

/* Typed wrappers. The response goes through a ProtobufCMessage * local, then is converted:
 * no type punning through pointer-to-pointer casts. */
#define ENGRAM_TYPED_CALL(id, snake, Camel)                                               \
    int engram_##snake(engram_client *client, const Engram__V1__##Camel##Request *request, \
                       Engram__V1__##Camel##Response **response, engram_status *status)   \
    {                                                                                     \
        ProtobufCMessage *out = NULL;                                                     \
        int rc = engram_call(client, id, request ? &request->base : NULL,                 \
                             &engram__v1__##snake##_response__descriptor,                 \
                             response ? &out : NULL, status);                             \
        if (response)                                                                     \
            *response = (Engram__V1__##Camel##Response *)out;                             \
        return rc;                                                                        \
    }

ENGRAM_METHOD_LIST_NO_HELLO(ENGRAM_TYPED_CALL)
