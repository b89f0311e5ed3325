/*
 * engram-c-example: resolve a profile by email and phone, add two observations, recall.
 *
 *   engram-c-example [HOST [PORT]]
 *
 * Environment: ENGRAM_API_KEY (the key, if the server has keys), ENGRAM_STORE_ID (a store to
 * use; without it the example creates one, which needs an admin key or a keyless server).
 * Exits 0 on success, 1 on any error (printed with its status code).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "engram_client.h"

static int report(const char *what, const engram_status *st)
{
    fprintf(stderr, "%s failed: %s (%d): %s\n", what, engram_code_name(st->code), st->code,
            st->message);
    for (size_t i = 0; i < st->n_field_violations; i++)
        fprintf(stderr, "  %s: %s\n", st->field_violations[i].field,
                st->field_violations[i].description);
    return 1;
}

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    uint16_t port = (uint16_t)(argc > 2 ? atoi(argv[2]) : ENGRAM_DEFAULT_PORT);
    const char *key = getenv("ENGRAM_API_KEY");
    const char *store_env = getenv("ENGRAM_STORE_ID");
    engram_status st;
    engram_client *c = NULL;
    setvbuf(stdout, NULL, _IOLBF, 0);
    int failed = 1;
    char store_id[128] = "";
    char profile_id[128] = "";

    if (engram_connect(host, port, key, 5000, &c, &st) != ENGRAM_OK)
        return report("connect", &st);
    const engram_server_limits *lim = engram_limits(c);
    printf("connected to engramd %s (protocol %u, role %s, max frame %u bytes, %u in flight)\n",
           lim->server_version, lim->protocol_version, lim->role, lim->max_frame_bytes,
           lim->max_in_flight);

    /* A store: the given one, or a new one. */
    if (store_env && *store_env) {
        snprintf(store_id, sizeof store_id, "%s", store_env);
    } else {
        char name[64];
        snprintf(name, sizeof name, "c-example-%ld-%ld", (long)getpid(), (long)time(NULL));
        Engram__V1__CreateStoreRequest req = ENGRAM__V1__CREATE_STORE_REQUEST__INIT;
        req.display_name = name;
        req.description = "made by engram-c-example";
        Engram__V1__CreateStoreResponse *resp = NULL;
        if (engram_create_store(c, &req, &resp, &st) != ENGRAM_OK) {
            report("CreateStore", &st);
            goto out;
        }
        snprintf(store_id, sizeof store_id, "%s", resp->store->id);
        engram_response_free(resp);
        printf("created store %s (%s)\n", store_id, name);
    }

    /* Resolve a profile by email and phone, with a trait: Contact.firstName = "Ada". */
    {
        Engram__V1__Identifier email = ENGRAM__V1__IDENTIFIER__INIT;
        email.type = "email";
        email.value = "Ada.Lovelace@Example.com";
        Engram__V1__Identifier phone = ENGRAM__V1__IDENTIFIER__INIT;
        phone.type = "phone";
        phone.value = "+1 415 555 0100";
        Engram__V1__Identifier *ids[] = {&email, &phone};

        Engram__V1__TraitValue first = ENGRAM__V1__TRAIT_VALUE__INIT;
        first.kind_case = ENGRAM__V1__TRAIT_VALUE__KIND_STRING_VALUE;
        first.string_value = "Ada";
        Engram__V1__TraitGroup__TraitsEntry trait = ENGRAM__V1__TRAIT_GROUP__TRAITS_ENTRY__INIT;
        trait.key = "firstName";
        trait.value = &first;
        Engram__V1__TraitGroup__TraitsEntry *traits[] = {&trait};
        Engram__V1__TraitGroup contact = ENGRAM__V1__TRAIT_GROUP__INIT;
        contact.n_traits = 1;
        contact.traits = traits;
        Engram__V1__ResolveIdentityRequest__TraitsEntry group =
            ENGRAM__V1__RESOLVE_IDENTITY_REQUEST__TRAITS_ENTRY__INIT;
        group.key = "Contact";
        group.value = &contact;
        Engram__V1__ResolveIdentityRequest__TraitsEntry *groups[] = {&group};

        Engram__V1__ResolveIdentityRequest req = ENGRAM__V1__RESOLVE_IDENTITY_REQUEST__INIT;
        req.store_id = store_id;
        req.n_identifiers = 2;
        req.identifiers = ids;
        req.n_traits = 1;
        req.traits = groups;
        Engram__V1__ResolveIdentityResponse *resp = NULL;
        if (engram_resolve_identity(c, &req, &resp, &st) != ENGRAM_OK) {
            report("ResolveIdentity", &st);
            goto out;
        }
        snprintf(profile_id, sizeof profile_id, "%s", resp->profile->id);
        const char *outcome = resp->outcome == ENGRAM__V1__RESOLVE_OUTCOME__RESOLVE_OUTCOME_CREATED
                                  ? "created"
                              : resp->outcome == ENGRAM__V1__RESOLVE_OUTCOME__RESOLVE_OUTCOME_MATCHED
                                  ? "matched"
                                  : "merged";
        printf("profile %s %s with %zu identifiers:", profile_id, outcome,
               resp->profile->n_identifiers);
        for (size_t i = 0; i < resp->profile->n_identifiers; i++)
            printf(" %s=%s", resp->profile->identifiers[i]->type,
                   resp->profile->identifiers[i]->value);
        printf("\n");
        engram_response_free(resp);
    }

    /* Two observations. occurred_at_us is required: when the fact was observed. */
    {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        int64_t now_us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
        Engram__V1__NewObservation a = ENGRAM__V1__NEW_OBSERVATION__INIT;
        a.content = "Prefers to be contacted by email, never by phone";
        a.source = "crm";
        a.subject = "preference.contact_channel";
        a.occurred_at_us = now_us - 86400000000LL; /* yesterday */
        Engram__V1__NewObservation b = ENGRAM__V1__NEW_OBSERVATION__INIT;
        b.content = "Disputed a duplicate charge on the March billing invoice";
        b.source = "support-chat";
        b.occurred_at_us = now_us;
        Engram__V1__NewObservation *obs[] = {&a, &b};
        Engram__V1__ObserveRequest req = ENGRAM__V1__OBSERVE_REQUEST__INIT;
        req.store_id = store_id;
        req.profile_id = profile_id;
        req.n_observations = 2;
        req.observations = obs;
        Engram__V1__ObserveResponse *resp = NULL;
        if (engram_observe(c, &req, &resp, &st) != ENGRAM_OK) {
            report("Observe", &st);
            goto out;
        }
        for (size_t i = 0; i < resp->n_results; i++) {
            const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
                &engram__v1__observe_outcome__descriptor, (int)resp->results[i]->outcome);
            printf("observation %s: %s\n", resp->results[i]->observation_id, v ? v->name : "?");
        }
        engram_response_free(resp);
    }

    /* Recall. */
    {
        Engram__V1__RecallRequest req = ENGRAM__V1__RECALL_REQUEST__INIT;
        req.store_id = store_id;
        req.profile_id = profile_id;
        req.query = "billing invoice charge";
        engram_recall_set_observations_limit(&req, 5);
        Engram__V1__RecallResponse *resp = NULL;
        if (engram_recall(c, &req, &resp, &st) != ENGRAM_OK) {
            report("Recall", &st);
            goto out;
        }
        printf("recall \"%s\" for %s: %zu observations in %lld us\n", req.query, resp->profile_id,
               resp->n_observations, (long long)resp->query_time_us);
        for (size_t i = 0; i < resp->n_observations; i++)
            printf("  %.3f  %s  [%s]\n", resp->observations[i]->score,
                   resp->observations[i]->observation->content,
                   resp->observations[i]->observation->source);
        engram_response_free(resp);
    }
    failed = 0;

out:
    engram_close(c);
    return failed;
}
