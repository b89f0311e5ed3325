/*
 * engram-cload: a low-overhead closed-loop load generator for engramd.
 *
 * Setup (blocking, with the C client API, several threads): a new store, --profiles profiles
 * resolved from e-mail addresses, and for `recall` --observations synthetic sentences per
 * profile. Measurement: one thread, one epoll loop, --connections nonblocking connections with
 * exactly one request in flight each, --warmup seconds unmeasured, then --duration seconds
 * measured. Prints one line of JSON on stdout; progress and problems go to stderr.
 *
 * Run `engram-cload --help` for the flags. Exit status: 0 done, 1 a setup request or the run
 * failed, 2 bad arguments or the server could not be reached.
 */
#define _GNU_SOURCE

#include "engram_client.h"
#include "engram_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define PROG "engram-cload"
#define MAX_CONNECTIONS 1000
#define OBSERVE_BATCH 100 /* ObserveRequest: at most 100 items per call (engram.proto) */
#define CONNECT_TIMEOUT_MS 10000
#define SETUP_CALL_TIMEOUT_MS 120000

/* ---- Small utilities -------------------------------------------------------------------- */

__attribute__((format(printf, 2, 3), noreturn))
static void die(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, PROG ": ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(status);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die(1, "out of memory (%zu bytes)", n);
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die(1, "out of memory");
    return p;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        die(1, "out of memory");
    return d;
}

static inline int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* SplitMix64 (the same generator as engram-bench's BenchRandom). */
static inline uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (the modulo bias is irrelevant at these sizes). */
static inline uint32_t rnd_below(uint64_t *rng, uint32_t n) { return (uint32_t)(splitmix64(rng) % n); }

/* ---- Synthetic text --------------------------------------------------------------------- */

static const char *const names[] = {
    "Alice", "Ben", "Carla", "David", "Emma", "Frank", "Grace", "Hugo", "Irene", "Jack",
    "Karen", "Leo", "Maria", "Nina", "Oscar", "Paula", "Quinn", "Rosa", "Sam", "Tina",
    "Umar", "Vera", "Walter", "Xena", "Yusuf", "Zoe", "Anna", "Bruno", "Chloe", "Diego",
    "Elena", "Felix", "Hannah", "Ivan", "Julia", "Kevin", "Laura", "Marco", "Noah", "Olga",
    "Peter", "Ruth", "Sofia", "Tom", "Ursula", "Victor", "Wendy", "Yara"};

static const char *const nouns[] = {
    "account", "address", "appointment", "bag", "balance", "bank", "bill", "birthday", "book",
    "bottle", "box", "breakfast", "brother", "bus", "cake", "call", "camera", "car", "card",
    "cart", "chair", "charge", "child", "city", "coat", "code", "coffee", "computer", "contract",
    "coupon", "courier", "cup", "customer", "daughter", "delivery", "desk", "device", "dinner",
    "discount", "doctor", "dog", "door", "dress", "driver", "email", "evening", "family", "fee",
    "flight", "friend", "garden", "gift", "hotel", "house", "invoice", "jacket", "job", "key",
    "kitchen", "laptop", "letter", "lunch", "manager", "meeting", "message", "morning", "neighbor",
    "newsletter", "night", "office", "order", "package", "parcel", "password", "payment", "phone",
    "photo", "plan", "printer", "product", "receipt", "refund", "request", "reservation",
    "restaurant", "room", "router", "sale", "schedule", "screen", "seat", "service", "shipment",
    "shirt", "shoe", "shop", "sister", "size", "son", "store", "subscription", "suitcase",
    "support", "table", "tablet", "team", "ticket", "train", "trip", "umbrella", "upgrade",
    "voucher", "wallet", "warranty", "watch", "weekend", "wife", "husband", "window", "bicycle",
    "battery", "charger", "speaker", "sofa", "lamp", "mattress", "blanket", "pillow", "oven",
    "fridge", "kettle", "toaster", "stroller", "helmet", "backpack", "ring", "necklace"};

static const char *const verbs[] = {
    "asked about", "bought", "booked", "cancelled", "changed", "chose", "collected", "compared",
    "complained about", "confirmed", "described", "disliked", "dropped", "enjoyed", "exchanged",
    "fixed", "forgot", "found", "gave back", "liked", "lost", "loved", "mentioned", "missed",
    "moved", "needed", "noticed", "opened", "ordered", "packed", "paid for", "picked up",
    "planned", "preferred", "printed", "questioned", "received", "recommended", "repaired",
    "replaced", "reported", "requested", "reserved", "returned", "reviewed", "sent", "shared",
    "signed", "sold", "started", "stopped", "tested", "tracked", "tried", "updated", "upgraded",
    "used", "wanted", "washed", "wrapped", "checked", "cleaned", "delivered", "kept", "painted",
    "rented", "scheduled", "shipped", "showed", "visited"};

static const char *const adjectives[] = {
    "old", "new", "blue", "red", "green", "black", "white", "small", "large", "cheap",
    "expensive", "broken", "heavy", "light", "quiet", "noisy", "fast", "slow", "early", "late",
    "favorite", "spare", "second", "wrong", "right", "monthly", "yearly", "weekly", "local",
    "online", "wooden", "plastic", "warm", "cold", "bright", "dark", "clean", "dirty", "soft",
    "hard", "premium", "basic", "damaged", "missing", "extra", "shared", "private", "simple",
    "fancy", "modern", "classic", "tiny", "huge", "urgent", "free", "paid", "lovely", "strange",
    "useful", "comfortable"};

static const char *const preps[] = {"for", "with", "from", "near", "after", "before", "during",
                                    "without", "behind", "under", "beside", "about"};

static const char *const times[] = {
    "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday",
    "on Sunday", "last week", "last month", "yesterday", "this morning", "in the evening",
    "at noon", "twice", "again", "every week", "in January", "in March", "in June",
    "in September", "in December", "over the holidays", "on the weekend", "after work",
    "before lunch", "right away", "by mistake", "on purpose", "at the airport", "at home"};

static const char *const pronouns[] = {"she", "he", "they", "we", "I"};
static const char *const joins[] = {", and ", ", but ", " because ", ", so ", " while ",
                                    " after ", "; then "};
static const char *const refs[] = {"for order", "on ticket", "with invoice", "in case",
                                   "under account", "for booking"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(rng, a) ((a)[rnd_below((rng), (uint32_t)COUNT(a))])

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n >= b->cap)
        n = b->cap - 1 - b->len;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_num(sbuf *b, uint64_t v)
{
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%" PRIu64, v);
    sb_add(b, tmp);
}

/* "boxes", "batteries", "children": enough English for the nouns above. */
static void sb_plural(sbuf *b, const char *noun)
{
    size_t n = strlen(noun);
    char last = noun[n - 1], before = n > 1 ? noun[n - 2] : 0;
    if (!strcmp(noun, "child")) {
        sb_add(b, "children");
    } else if (!strcmp(noun, "wife")) {
        sb_add(b, "wives");
    } else if (last == 'y' && !strchr("aeiou", before)) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.*sies", (int)(n - 1), noun);
        sb_add(b, tmp);
    } else {
        sb_add(b, noun);
        sb_add(b, last == 's' || last == 'x' || (last == 'h' && (before == 'c' || before == 's'))
                      ? "es"
                      : "s");
    }
}

static void clause(uint64_t *rng, sbuf *b)
{
    switch (rnd_below(rng, 4)) {
    case 0:
        sb_add(b, PICK(rng, names)); sb_add(b, " "); sb_add(b, PICK(rng, verbs));
        sb_add(b, " the "); sb_add(b, PICK(rng, adjectives)); sb_add(b, " ");
        sb_add(b, PICK(rng, nouns)); sb_add(b, " "); sb_add(b, PICK(rng, preps));
        sb_add(b, " the "); sb_add(b, PICK(rng, nouns));
        break;
    case 1:
        sb_add(b, "the "); sb_add(b, PICK(rng, nouns)); sb_add(b, " was ");
        sb_add(b, PICK(rng, adjectives)); sb_add(b, " "); sb_add(b, PICK(rng, times));
        break;
    case 2:
        sb_add(b, PICK(rng, pronouns)); sb_add(b, " "); sb_add(b, PICK(rng, verbs)); sb_add(b, " ");
        sb_num(b, 2 + rnd_below(rng, 40)); sb_add(b, " "); sb_plural(b, PICK(rng, nouns));
        sb_add(b, " "); sb_add(b, PICK(rng, times));
        break;
    default:
        sb_add(b, PICK(rng, pronouns)); sb_add(b, " "); sb_add(b, PICK(rng, verbs));
        sb_add(b, " "); sb_add(b, PICK(rng, names)); sb_add(b, "'s ");
        sb_add(b, PICK(rng, adjectives)); sb_add(b, " "); sb_add(b, PICK(rng, nouns));
        break;
    }
}

/*
 * An English-like sentence of about 100 characters. `serial` is written into it, so sentences
 * with different serials always differ; the random clauses keep them far apart for duplicate
 * detection (Jaccard of word shingles) as well.
 */
static size_t make_sentence(uint64_t *rng, uint64_t serial, char *out, size_t cap)
{
    sbuf b = {out, 0, cap};
    out[0] = '\0';
    clause(rng, &b);
    int ref_done = 0;
    while (b.len < 70) {
        if (!ref_done && rnd_below(rng, 3) == 0) {
            sb_add(&b, " "); sb_add(&b, PICK(rng, refs)); sb_add(&b, " "); sb_num(&b, serial);
            ref_done = 1;
        }
        sb_add(&b, PICK(rng, joins));
        clause(rng, &b);
    }
    if (!ref_done) {
        sb_add(&b, " "); sb_add(&b, PICK(rng, refs)); sb_add(&b, " "); sb_num(&b, serial);
    }
    sb_add(&b, ".");
    if (out[0] >= 'a' && out[0] <= 'z')
        out[0] = (char)(out[0] - 'a' + 'A');
    return b.len;
}

/* A query of 2-4 content words from the same vocabulary. */
static void make_query(uint64_t *rng, char *out, size_t cap)
{
    sbuf b = {out, 0, cap};
    out[0] = '\0';
    uint32_t n = 2 + rnd_below(rng, 3);
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            sb_add(&b, " ");
        switch (rnd_below(rng, 4)) {
        case 0: sb_add(&b, PICK(rng, adjectives)); break;
        case 1: sb_add(&b, PICK(rng, verbs)); break;
        default: sb_add(&b, PICK(rng, nouns)); break;
        }
    }
}

/* ---- Options ---------------------------------------------------------------------------- */

enum workload { W_PING, W_RESOLVE, W_RECALL, W_OBSERVE };
static const char *const workload_names[] = {"ping", "resolve", "recall", "observe"};

typedef struct options {
    char host[256];
    uint16_t port;
    const char *api_key;
    uint64_t seed;
    enum workload workload;
    int connections;
    double duration_s;
    double warmup_s;
    int profiles;
    int observations; /* -1: the workload's default */
    int limit;
    int setup_threads;
    int server_pid;   /* 0: not measured */
    int delete_store;
} options;

static void usage(FILE *f)
{
    fprintf(f,
"usage: " PROG " [flags]\n"
"\n"
"A closed-loop load generator for engramd: N connections, one request in flight on each,\n"
"driven by one thread and one epoll loop. Prints one line of JSON on stdout.\n"
"\n"
"  --server HOST:PORT     engramd address (default 127.0.0.1:7411; [v6addr]:port for IPv6)\n"
"  --api-key KEY          API key for Hello (default: none); setup needs an admin key\n"
"  --workload W           ping | resolve | recall | observe (default ping)\n"
"                           ping     Ping (method 2)\n"
"                           resolve  ResolveIdentity of a random existing profile's e-mail\n"
"                           recall   Recall of a random profile, a 2-4 word query\n"
"                           observe  Observe of one new ~100-character observation\n"
"  --connections N        1-1000 connections, one request in flight each (default 1)\n"
"  --duration S           measured seconds (default 10)\n"
"  --warmup S             unmeasured seconds before that (default 2)\n"
"  --profiles P           profiles created in setup (default 100; not for ping)\n"
"  --observations O       observations per profile created in setup: default 200 for\n"
"                         recall, 0 for observe; ignored by ping and resolve\n"
"  --limit L              Recall's observations_limit, 0-100 (default 20)\n"
"  --seed N               PRNG seed; e-mails are user<i>-<seed>@cload.example (default 1)\n"
"  --setup-threads T      threads (each with its own connection) for setup (default 8)\n"
"  --server-pid PID       also report the server's CPU per request, from /proc/PID/stat\n"
"  --delete-store         delete the store created in setup when done\n"
"  --help                 this text\n"
"\n"
"Setup creates a store named cload-<pid>-<time>; ping needs none and skips it. Requests are\n"
"counted (and timed, from just before the send to the whole response) when their response\n"
"arrives inside the measured window; failed responses count as requests and in error_count.\n"
"Output: {\"workload\",\"connections\",\"seconds\",\"requests\",\"throughput_rps\",\n"
"\"error_count\",\"errors\":{CODE:n},\"latency_us\":{\"p50\",\"p90\",\"p99\",\"p999\",\"max\",\"mean\"},\n"
"\"loader_cpu_us_per_request\",\"loader_user_us_per_request\",\"loader_sys_us_per_request\"\n"
"[,\"server_cpu_us_per_request\"]}; loader CPU is getrusage over the window per request.\n"
"Exit status: 0 done, 1 setup or run failed, 2 bad arguments or server unreachable.\n");
}

static long long parse_int(const char *flag, const char *s, long long lo, long long hi)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi)
        die(2, "%s: expected an integer from %lld to %lld, got '%s'", flag, lo, hi, s);
    return v;
}

static uint64_t parse_u64(const char *flag, const char *s)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-')
        die(2, "%s: expected a non-negative integer, got '%s'", flag, s);
    unsigned long long v = strtoull(s, &end, 0);
    if (*end || errno)
        die(2, "%s: expected a non-negative integer, got '%s'", flag, s);
    return (uint64_t)v;
}

static double parse_seconds(const char *flag, const char *s, double lo, double hi)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !(v >= lo && v <= hi))
        die(2, "%s: expected seconds from %g to %g, got '%s'", flag, lo, hi, s);
    return v;
}

static void parse_server(options *o, const char *s)
{
    const char *host = s, *port = NULL;
    size_t hlen;
    if (*s == '[') {
        const char *close = strchr(s, ']');
        if (!close || (close[1] && close[1] != ':'))
            die(2, "--server: expected HOST:PORT or [IPV6]:PORT, got '%s'", s);
        host = s + 1;
        hlen = (size_t)(close - host);
        port = close[1] ? close + 2 : NULL;
    } else {
        const char *colon = strrchr(s, ':');
        if (colon && strchr(s, ':') != colon)
            colon = NULL; /* a bare IPv6 address */
        hlen = colon ? (size_t)(colon - s) : strlen(s);
        port = colon ? colon + 1 : NULL;
    }
    if (hlen == 0 || hlen >= sizeof o->host)
        die(2, "--server: expected HOST:PORT, got '%s'", s);
    memcpy(o->host, host, hlen);
    o->host[hlen] = '\0';
    if (port)
        o->port = (uint16_t)parse_int("--server port", port, 1, 65535);
}

static void parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    snprintf(o->host, sizeof o->host, "127.0.0.1");
    o->port = ENGRAM_DEFAULT_PORT;
    o->api_key = "";
    o->seed = 1;
    o->workload = W_PING;
    o->connections = 1;
    o->duration_s = 10;
    o->warmup_s = 2;
    o->profiles = 100;
    o->observations = -1;
    o->limit = 20;
    o->setup_threads = 8;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            exit(0);
        }
        if (!strcmp(arg, "--delete-store")) {
            o->delete_store = 1;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0)
            die(2, "unexpected argument '%s' (see --help)", arg);
        /* --flag VALUE or --flag=VALUE */
        char flag[64];
        const char *val;
        const char *eq = strchr(arg, '=');
        if (eq) {
            size_t n = (size_t)(eq - arg);
            if (n >= sizeof flag)
                die(2, "unknown flag '%s' (see --help)", arg);
            memcpy(flag, arg, n);
            flag[n] = '\0';
            val = eq + 1;
        } else {
            if (strlen(arg) >= sizeof flag)
                die(2, "unknown flag '%s' (see --help)", arg);
            snprintf(flag, sizeof flag, "%s", arg);
            val = NULL;
        }
        static const char *const known[] = {
            "--server", "--api-key", "--seed", "--workload", "--connections", "--duration",
            "--warmup", "--profiles", "--observations", "--limit", "--setup-threads",
            "--server-pid"};
        size_t k = 0;
        while (k < COUNT(known) && strcmp(flag, known[k]) != 0)
            k++;
        if (k == COUNT(known))
            die(2, "unknown flag '%s' (see --help)", flag);
        if (!val) {
            if (i + 1 >= argc)
                die(2, "%s needs a value (see --help)", flag);
            val = argv[++i];
        }
        if (!strcmp(flag, "--server")) {
            parse_server(o, val);
        } else if (!strcmp(flag, "--api-key")) {
            o->api_key = val;
        } else if (!strcmp(flag, "--seed")) {
            o->seed = parse_u64(flag, val);
        } else if (!strcmp(flag, "--workload")) {
            size_t w = 0;
            while (w < COUNT(workload_names) && strcmp(val, workload_names[w]) != 0)
                w++;
            if (w == COUNT(workload_names))
                die(2, "--workload: expected ping, resolve, recall or observe, got '%s'", val);
            o->workload = (enum workload)w;
        } else if (!strcmp(flag, "--connections")) {
            o->connections = (int)parse_int(flag, val, 1, MAX_CONNECTIONS);
        } else if (!strcmp(flag, "--duration")) {
            o->duration_s = parse_seconds(flag, val, 0.001, 86400);
        } else if (!strcmp(flag, "--warmup")) {
            o->warmup_s = parse_seconds(flag, val, 0, 86400);
        } else if (!strcmp(flag, "--profiles")) {
            o->profiles = (int)parse_int(flag, val, 1, 10000000);
        } else if (!strcmp(flag, "--observations")) {
            o->observations = (int)parse_int(flag, val, 0, 1000000);
        } else if (!strcmp(flag, "--limit")) {
            o->limit = (int)parse_int(flag, val, 0, 100);
        } else if (!strcmp(flag, "--setup-threads")) {
            o->setup_threads = (int)parse_int(flag, val, 1, 64);
        } else if (!strcmp(flag, "--server-pid")) {
            o->server_pid = (int)parse_int(flag, val, 1, INT_MAX);
        }
    }
    if (o->observations < 0)
        o->observations = o->workload == W_RECALL ? 200 : 0;
    if (o->workload == W_PING || o->workload == W_RESOLVE)
        o->observations = 0;
    if ((long long)o->profiles * o->observations > 100000000LL)
        die(2, "--profiles x --observations is over 100,000,000 observations");
}

/* ---- Setup (blocking C client) ---------------------------------------------------------- */

typedef struct setup_ctx {
    const options *opt;
    const char *store_id;
    char **emails;      /* [profiles] */
    char **profile_ids; /* [profiles], filled in by the threads */
} setup_ctx;

typedef struct setup_thread {
    setup_ctx *ctx;
    int index, count;
    int failed;
    int unreachable;
    char error[1024];
} setup_thread;

static void format_status(char *out, size_t cap, const char *what, const engram_status *st)
{
    int n = snprintf(out, cap, "%s: %s: %s", what, engram_code_name(st->code), st->message);
    for (size_t i = 0; i < st->n_field_violations && n >= 0 && (size_t)n < cap; i++)
        n += snprintf(out + n, cap - (size_t)n, "; %s: %s", st->field_violations[i].field,
                      st->field_violations[i].description);
}

static int64_t occurred_base_us; /* "now" when the run started */

static void *setup_main(void *arg)
{
    setup_thread *t = arg;
    const options *o = t->ctx->opt;
    engram_status st;
    engram_client *c = NULL;
    if (engram_connect(o->host, o->port, o->api_key, CONNECT_TIMEOUT_MS, &c, &st) != ENGRAM_OK) {
        char what[300];
        snprintf(what, sizeof what, "setup connection to %s:%u", o->host, (unsigned)o->port);
        format_status(t->error, sizeof t->error, what, &st);
        t->failed = 1;
        t->unreachable = !st.from_server;
        return NULL;
    }
    engram_set_timeout(c, SETUP_CALL_TIMEOUT_MS);

    Engram__V1__NewObservation *obs = xcalloc(OBSERVE_BATCH, sizeof *obs);
    Engram__V1__NewObservation **obs_ptrs = xcalloc(OBSERVE_BATCH, sizeof *obs_ptrs);
    char (*texts)[256] = xcalloc(OBSERVE_BATCH, sizeof *texts);

    for (int p = t->index; p < o->profiles; p += t->count) {
        Engram__V1__Identifier id = ENGRAM__V1__IDENTIFIER__INIT;
        id.type = (char *)"email";
        id.value = t->ctx->emails[p];
        Engram__V1__Identifier *ids[1] = {&id};
        Engram__V1__ResolveIdentityRequest rq = ENGRAM__V1__RESOLVE_IDENTITY_REQUEST__INIT;
        rq.store_id = (char *)t->ctx->store_id;
        rq.n_identifiers = 1;
        rq.identifiers = ids;
        Engram__V1__ResolveIdentityResponse *rr = NULL;
        if (engram_resolve_identity(c, &rq, &rr, &st) != ENGRAM_OK) {
            char what[300];
            snprintf(what, sizeof what, "ResolveIdentity %s", t->ctx->emails[p]);
            format_status(t->error, sizeof t->error, what, &st);
            t->failed = 1;
            break;
        }
        t->ctx->profile_ids[p] = xstrdup(rr->profile && rr->profile->id ? rr->profile->id : "");
        engram_response_free(rr);

        uint64_t rng = o->seed ^ (0xA24BAED4963EE407ull * (uint64_t)(p + 1));
        for (int done = 0; done < o->observations && !t->failed;) {
            int n = o->observations - done < OBSERVE_BATCH ? o->observations - done : OBSERVE_BATCH;
            for (int k = 0; k < n; k++) {
                Engram__V1__NewObservation init = ENGRAM__V1__NEW_OBSERVATION__INIT;
                obs[k] = init;
                uint64_t serial = (uint64_t)p * (uint64_t)o->observations + (uint64_t)(done + k) + 1;
                make_sentence(&rng, serial, texts[k], sizeof texts[k]);
                obs[k].content = texts[k];
                obs[k].source = (char *)"cload";
                obs[k].occurred_at_us =
                    occurred_base_us - (int64_t)(splitmix64(&rng) % (30ull * 86400 * 1000000));
                obs_ptrs[k] = &obs[k];
            }
            Engram__V1__ObserveRequest orq = ENGRAM__V1__OBSERVE_REQUEST__INIT;
            orq.store_id = (char *)t->ctx->store_id;
            orq.profile_id = t->ctx->profile_ids[p];
            orq.n_observations = (size_t)n;
            orq.observations = obs_ptrs;
            Engram__V1__ObserveResponse *or = NULL;
            if (engram_observe(c, &orq, &or, &st) != ENGRAM_OK) {
                char what[300];
                snprintf(what, sizeof what, "Observe (%d observations) for %s", n,
                         t->ctx->emails[p]);
                format_status(t->error, sizeof t->error, what, &st);
                t->failed = 1;
                break;
            }
            engram_response_free(or);
            done += n;
        }
        if (t->failed)
            break;
    }
    free(texts);
    free(obs_ptrs);
    free(obs);
    engram_close(c);
    return NULL;
}

/* Creates the store and the profiles (and observations); returns the store id. */
static char *run_setup(const options *o, char ***emails_out, char ***ids_out)
{
    int64_t t0 = mono_ns();
    engram_status st;
    engram_client *c = NULL;
    if (engram_connect(o->host, o->port, o->api_key, CONNECT_TIMEOUT_MS, &c, &st) != ENGRAM_OK) {
        char msg[1200];
        format_status(msg, sizeof msg, "cannot connect", &st);
        die(st.from_server && st.code != ENGRAM_UNAUTHENTICATED ? 1 : 2, "%s", msg);
    }
    engram_set_timeout(c, SETUP_CALL_TIMEOUT_MS);
    char name[64];
    snprintf(name, sizeof name, "cload-%ld-%lld", (long)getpid(), (long long)time(NULL));
    Engram__V1__CreateStoreRequest cs = ENGRAM__V1__CREATE_STORE_REQUEST__INIT;
    cs.display_name = name;
    cs.description = (char *)"engram-cload benchmark data";
    Engram__V1__CreateStoreResponse *cr = NULL;
    if (engram_create_store(c, &cs, &cr, &st) != ENGRAM_OK) {
        char msg[1200];
        format_status(msg, sizeof msg, "CreateStore", &st);
        die(1, "%s", msg);
    }
    char *store_id = xstrdup(cr->store && cr->store->id ? cr->store->id : "");
    engram_response_free(cr);
    engram_close(c);

    char **emails = xcalloc((size_t)o->profiles, sizeof *emails);
    char **ids = xcalloc((size_t)o->profiles, sizeof *ids);
    for (int p = 0; p < o->profiles; p++) {
        char e[96];
        snprintf(e, sizeof e, "user%d-%" PRIu64 "@cload.example", p, o->seed);
        emails[p] = xstrdup(e);
    }
    setup_ctx ctx = {o, store_id, emails, ids};
    int nthreads = o->setup_threads < o->profiles ? o->setup_threads : o->profiles;
    setup_thread *ts = xcalloc((size_t)nthreads, sizeof *ts);
    pthread_t *tids = xcalloc((size_t)nthreads, sizeof *tids);
    for (int i = 0; i < nthreads; i++) {
        ts[i].ctx = &ctx;
        ts[i].index = i;
        ts[i].count = nthreads;
        int rc = pthread_create(&tids[i], NULL, setup_main, &ts[i]);
        if (rc)
            die(1, "pthread_create: %s", strerror(rc));
    }
    int failed = 0, unreachable = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(tids[i], NULL);
        if (ts[i].failed) {
            fprintf(stderr, PROG ": setup: %s\n", ts[i].error);
            failed = 1;
            unreachable |= ts[i].unreachable;
        }
    }
    free(ts);
    free(tids);
    if (failed)
        exit(unreachable ? 2 : 1);
    fprintf(stderr, PROG ": setup: store %s (%s), %d profiles, %lld observations in %.2f s\n",
            store_id, name, o->profiles, (long long)o->profiles * o->observations,
            (double)(mono_ns() - t0) / 1e9);
    *emails_out = emails;
    *ids_out = ids;
    return store_id;
}

static void delete_store(const options *o, const char *store_id)
{
    engram_status st;
    engram_client *c = NULL;
    if (engram_connect(o->host, o->port, o->api_key, CONNECT_TIMEOUT_MS, &c, &st) == ENGRAM_OK) {
        engram_set_timeout(c, SETUP_CALL_TIMEOUT_MS);
        Engram__V1__DeleteStoreRequest rq = ENGRAM__V1__DELETE_STORE_REQUEST__INIT;
        rq.store_id = (char *)store_id;
        Engram__V1__DeleteStoreResponse *r = NULL;
        if (engram_delete_store(c, &rq, &r, &st) == ENGRAM_OK) {
            engram_response_free(r);
            engram_close(c);
            return;
        }
        engram_close(c);
    }
    char msg[1200];
    format_status(msg, sizeof msg, "DeleteStore", &st);
    fprintf(stderr, PROG ": %s\n", msg);
}

/* ---- Latency histogram ------------------------------------------------------------------ */

/* Log-linear, in microseconds: 1 µs buckets below 1,024 µs, then 512 buckets per power of two
 * (a resolution of 0.2%) up to 2^42 µs. */
#define H_LINEAR 1024u
#define H_SUB_BITS 9
#define H_SUB (1u << H_SUB_BITS)
#define H_OCTAVES 32u
#define H_BUCKETS (H_LINEAR + H_OCTAVES * H_SUB)

typedef struct histogram {
    uint64_t counts[H_BUCKETS];
    uint64_t n;
    int64_t max_ns;
    double sum_ns;
} histogram;

static inline unsigned h_index(uint64_t us)
{
    if (us < H_LINEAR)
        return (unsigned)us;
    unsigned e = 63u - (unsigned)__builtin_clzll(us); /* >= 10 */
    unsigned octave = e - 10u;
    if (octave >= H_OCTAVES)
        return H_BUCKETS - 1;
    unsigned sub = (unsigned)(us >> (e - H_SUB_BITS)) & (H_SUB - 1);
    return H_LINEAR + octave * H_SUB + sub;
}

/* A representative value (µs) of a bucket: itself in the linear range, else its middle. */
static double h_value(unsigned idx)
{
    if (idx < H_LINEAR)
        return idx;
    unsigned octave = (idx - H_LINEAR) / H_SUB, sub = (idx - H_LINEAR) % H_SUB;
    unsigned e = octave + 10u;
    double width = ldexp(1.0, (int)(e - H_SUB_BITS));
    return ldexp(1.0, (int)e) + sub * width + width / 2;
}

static inline void h_record(histogram *h, int64_t ns)
{
    if (ns < 0)
        ns = 0;
    h->counts[h_index((uint64_t)ns / 1000u)]++;
    h->n++;
    h->sum_ns += (double)ns;
    if (ns > h->max_ns)
        h->max_ns = ns;
}

static double h_percentile(const histogram *h, double q)
{
    if (!h->n)
        return 0;
    uint64_t rank = (uint64_t)ceil(q * (double)h->n);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < H_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            double v = h_value(i), max = (double)h->max_ns / 1000.0;
            return v > max ? max : v;
        }
    }
    return (double)h->max_ns / 1000.0;
}

/* ---- Measurement (nonblocking, one epoll loop) ------------------------------------------ */

typedef struct conn {
    int fd;
    int index;
    int alive;
    int want_out;     /* EPOLLOUT registered */
    int in_flight;
    uint32_t request_id;
    int64_t sent_ns;
    uint8_t *wbuf;
    size_t wlen, woff, wcap;
    uint8_t *rbuf;
    size_t rstart, rend, rcap;
    uint64_t rng;
    char text[256];   /* the query or the observation of the request in flight */
} conn;

/* Error keys beyond the status codes 0-16. */
enum { ERR_GOAWAY = 17, ERR_CONNECTION_LOST, ERR_PROTOCOL, ERR_KINDS };
static const char *err_name(int k)
{
    switch (k) {
    case ERR_GOAWAY: return "GOAWAY";
    case ERR_CONNECTION_LOST: return "CONNECTION_LOST";
    case ERR_PROTOCOL: return "PROTOCOL_ERROR";
    default: return engram_code_name(k);
    }
}

typedef struct loader {
    const options *opt;
    uint16_t method;
    const char *store_id;
    char **emails;
    char **profile_ids;
    int nprofiles;
    uint32_t max_frame_bytes;
    int epfd;
    conn *conns;
    int live;
    uint64_t observe_serial;
    /* phases */
    int64_t t_start, t_end; /* planned window */
    int measuring, finished;
    int64_t win_begin_ns;
    struct rusage ru_begin;
    uint64_t server_ticks_begin;
    /* results */
    uint64_t requests;
    uint64_t errors[ERR_KINDS];
    histogram hist;
} loader;

static uint64_t proc_cpu_ticks(int pid, int *ok)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    *ok = 0;
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    if (!p)
        return 0;
    /* After ") ": field 3 (state) ... utime is field 14, stime 15. */
    unsigned long long utime = 0, stime = 0;
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
        return 0;
    *ok = 1;
    return utime + stime;
}

static void begin_window(loader *L, int64_t now)
{
    L->measuring = 1;
    L->win_begin_ns = now;
    L->requests = 0;
    /* Status codes count inside the window only; lost connections (ERR_GOAWAY and up) count
     * whenever they happen, since a connection lost in the warmup is missing from the window. */
    memset(L->errors, 0, sizeof L->errors[0] * ERR_GOAWAY);
    memset(&L->hist, 0, sizeof L->hist);
    getrusage(RUSAGE_SELF, &L->ru_begin);
    if (L->opt->server_pid) {
        int ok;
        L->server_ticks_begin = proc_cpu_ticks(L->opt->server_pid, &ok);
        if (!ok)
            die(1, "--server-pid %d: cannot read /proc/%d/stat", L->opt->server_pid,
                L->opt->server_pid);
    }
}

static void count_error(loader *L, int kind)
{
    if (!L->finished)
        L->errors[kind]++;
}

static void conn_lost(loader *L, conn *c, int kind, const char *why)
{
    if (!c->alive)
        return;
    count_error(L, kind);
    if (L->live == L->opt->connections || kind == ERR_PROTOCOL)
        fprintf(stderr, PROG ": connection %d: %s\n", c->index, why);
    close(c->fd);
    c->fd = -1;
    c->alive = 0;
    c->in_flight = 0;
    L->live--;
}

static int ep_mod(loader *L, conn *c, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = c};
    return epoll_ctl(L->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void w_reserve(conn *c, size_t more)
{
    if (c->wlen + more <= c->wcap)
        return;
    size_t cap = c->wcap ? c->wcap : 1024;
    while (cap < c->wlen + more)
        cap *= 2;
    uint8_t *nb = realloc(c->wbuf, cap);
    if (!nb)
        die(1, "out of memory");
    c->wbuf = nb;
    c->wcap = cap;
}

/* Writes what is queued; registers for EPOLLOUT when the socket is full. 0 ok, -1 lost. */
static int conn_flush(loader *L, conn *c)
{
    while (c->woff < c->wlen) {
        ssize_t n = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
        if (n > 0) {
            c->woff += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!c->want_out && ep_mod(L, c, EPOLLIN | EPOLLOUT) == 0)
                c->want_out = 1;
            return 0;
        }
        char why[160];
        snprintf(why, sizeof why, "send: %s", n < 0 ? strerror(errno) : "wrote nothing");
        conn_lost(L, c, ERR_CONNECTION_LOST, why);
        return -1;
    }
    c->woff = c->wlen = 0;
    if (c->want_out && ep_mod(L, c, EPOLLIN) == 0)
        c->want_out = 0;
    return 0;
}

/* Appends a frame with `msg` packed as its payload to the connection's write buffer. */
static void queue_frame(conn *c, uint8_t type, uint16_t method, uint32_t request_id,
                        const ProtobufCMessage *msg, const uint8_t *raw, size_t raw_len)
{
    size_t plen = msg ? protobuf_c_message_get_packed_size(msg) : raw_len;
    w_reserve(c, ENGRAM_FRAME_HEADER_BYTES + plen);
    uint8_t *p = c->wbuf + c->wlen;
    engram_frame_header_encode(p, type, method, request_id, 0, plen);
    if (msg)
        protobuf_c_message_pack(msg, p + ENGRAM_FRAME_HEADER_BYTES);
    else if (raw_len)
        memcpy(p + ENGRAM_FRAME_HEADER_BYTES, raw, raw_len);
    c->wlen += ENGRAM_FRAME_HEADER_BYTES + plen;
}

/* Builds the next request of the workload, starts its clock and sends it. */
static void send_request(loader *L, conn *c)
{
    c->request_id = c->request_id + 1 ? c->request_id + 1 : 1;
    switch (L->opt->workload) {
    case W_PING: {
        Engram__V1__PingRequest rq = ENGRAM__V1__PING_REQUEST__INIT;
        rq.client_time_us = mono_ns() / 1000;
        queue_frame(c, ENGRAM_FRAME_REQUEST, L->method, c->request_id, &rq.base, NULL, 0);
        break;
    }
    case W_RESOLVE: {
        int p = (int)rnd_below(&c->rng, (uint32_t)L->nprofiles);
        Engram__V1__Identifier id = ENGRAM__V1__IDENTIFIER__INIT;
        id.type = (char *)"email";
        id.value = L->emails[p];
        Engram__V1__Identifier *ids[1] = {&id};
        Engram__V1__ResolveIdentityRequest rq = ENGRAM__V1__RESOLVE_IDENTITY_REQUEST__INIT;
        rq.store_id = (char *)L->store_id;
        rq.n_identifiers = 1;
        rq.identifiers = ids;
        queue_frame(c, ENGRAM_FRAME_REQUEST, L->method, c->request_id, &rq.base, NULL, 0);
        break;
    }
    case W_RECALL: {
        int p = (int)rnd_below(&c->rng, (uint32_t)L->nprofiles);
        make_query(&c->rng, c->text, sizeof c->text);
        Engram__V1__RecallRequest rq = ENGRAM__V1__RECALL_REQUEST__INIT;
        rq.store_id = (char *)L->store_id;
        rq.profile_id = L->profile_ids[p];
        rq.query = c->text;
        engram_recall_set_observations_limit(&rq, (uint32_t)L->opt->limit);
        queue_frame(c, ENGRAM_FRAME_REQUEST, L->method, c->request_id, &rq.base, NULL, 0);
        break;
    }
    case W_OBSERVE: {
        int p = (int)rnd_below(&c->rng, (uint32_t)L->nprofiles);
        make_sentence(&c->rng, ++L->observe_serial, c->text, sizeof c->text);
        Engram__V1__NewObservation ob = ENGRAM__V1__NEW_OBSERVATION__INIT;
        ob.content = c->text;
        ob.source = (char *)"cload";
        ob.occurred_at_us = occurred_base_us - (int64_t)rnd_below(&c->rng, 1000000000u);
        Engram__V1__NewObservation *obs[1] = {&ob};
        Engram__V1__ObserveRequest rq = ENGRAM__V1__OBSERVE_REQUEST__INIT;
        rq.store_id = (char *)L->store_id;
        rq.profile_id = L->profile_ids[p];
        rq.n_observations = 1;
        rq.observations = obs;
        queue_frame(c, ENGRAM_FRAME_REQUEST, L->method, c->request_id, &rq.base, NULL, 0);
        break;
    }
    }
    c->in_flight = 1;
    c->sent_ns = mono_ns();
    conn_flush(L, c);
}

/* Handles one whole frame. Returns 0, or -1 when the connection was closed. */
static int handle_frame(loader *L, conn *c, const engram_frame_header *h, const uint8_t *payload)
{
    size_t plen = (size_t)h->length - 12;
    switch (h->type) {
    case ENGRAM_FRAME_RESPONSE: {
        if (!c->in_flight || h->request_id != c->request_id || h->method != L->method) {
            char why[160];
            snprintf(why, sizeof why,
                     "protocol error: unexpected RESPONSE (method %u, request %u; expected %u, %u)",
                     (unsigned)h->method, (unsigned)h->request_id, (unsigned)L->method,
                     (unsigned)c->request_id);
            conn_lost(L, c, ERR_PROTOCOL, why);
            return -1;
        }
        int64_t now = mono_ns();
        c->in_flight = 0;
        if (!L->measuring && now >= L->t_start)
            begin_window(L, now);
        if (now >= L->t_end) {
            L->finished = 1;
            return 0;
        }
        if (L->measuring) {
            L->requests++;
            h_record(&L->hist, now - c->sent_ns);
            if (h->meta != 0)
                L->errors[h->meta < 17 ? h->meta : ENGRAM_UNKNOWN]++;
        }
        send_request(L, c);
        return c->alive ? 0 : -1;
    }
    case ENGRAM_FRAME_PING:
        if (plen > ENGRAM_MAX_PING_PAYLOAD) {
            conn_lost(L, c, ERR_PROTOCOL, "protocol error: PING payload over 8 bytes");
            return -1;
        }
        queue_frame(c, ENGRAM_FRAME_PONG, 0, 0, NULL, payload, plen);
        return conn_flush(L, c);
    case ENGRAM_FRAME_PONG:
        return 0;
    case ENGRAM_FRAME_GOAWAY: {
        char why[400];
        Engram__V1__GoAway *g = engram__v1__go_away__unpack(NULL, plen, payload);
        snprintf(why, sizeof why, "GOAWAY %s: %s", g ? engram_code_name((int)g->code) : "?",
                 g && g->reason ? g->reason : "(undecodable)");
        if (g)
            engram__v1__go_away__free_unpacked(g, NULL);
        conn_lost(L, c, ERR_GOAWAY, why);
        return -1;
    }
    default: {
        char why[100];
        snprintf(why, sizeof why, "protocol error: unexpected frame type %u from the server",
                 (unsigned)h->type);
        conn_lost(L, c, ERR_PROTOCOL, why);
        return -1;
    }
    }
}

/* Reads what is there (one recv, more if it filled the buffer) and handles whole frames. */
static void conn_readable(loader *L, conn *c)
{
    for (;;) {
        if (c->rend == c->rcap) {
            /* Compact, or grow for a frame bigger than the buffer. */
            if (c->rstart > 0) {
                memmove(c->rbuf, c->rbuf + c->rstart, c->rend - c->rstart);
                c->rend -= c->rstart;
                c->rstart = 0;
            } else {
                size_t cap = c->rcap * 2;
                uint8_t *nb = realloc(c->rbuf, cap);
                if (!nb)
                    die(1, "out of memory");
                c->rbuf = nb;
                c->rcap = cap;
            }
        }
        ssize_t n = recv(c->fd, c->rbuf + c->rend, c->rcap - c->rend, 0);
        if (n == 0) {
            conn_lost(L, c, ERR_CONNECTION_LOST,
                      c->rend > c->rstart ? "the server closed the connection mid-frame"
                                          : "the server closed the connection");
            return;
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            char why[160];
            snprintf(why, sizeof why, "recv: %s", strerror(errno));
            conn_lost(L, c, ERR_CONNECTION_LOST, why);
            return;
        }
        int filled = c->rend + (size_t)n == c->rcap;
        c->rend += (size_t)n;
        /* Whole frames. */
        while (c->rend - c->rstart >= 4) {
            const uint8_t *p = c->rbuf + c->rstart;
            uint32_t length = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
                              ((uint32_t)p[2] << 8) | p[3];
            if (length < 12 || (uint64_t)length + 4 > L->max_frame_bytes) {
                char why[160];
                snprintf(why, sizeof why, "protocol error: frame length %u (max_frame_bytes %u)",
                         (unsigned)length, (unsigned)L->max_frame_bytes);
                conn_lost(L, c, ERR_PROTOCOL, why);
                return;
            }
            size_t total = (size_t)length + 4;
            if (c->rend - c->rstart < total) {
                if (total > c->rcap) { /* make room for the rest of a big frame */
                    size_t cap = c->rcap;
                    while (cap < total)
                        cap *= 2;
                    uint8_t *nb = realloc(c->rbuf, cap);
                    if (!nb)
                        die(1, "out of memory");
                    c->rbuf = nb;
                    c->rcap = cap;
                    filled = 1;
                }
                break;
            }
            engram_frame_header h;
            engram_frame_header_decode(p, &h);
            c->rstart += total;
            if (handle_frame(L, c, &h, p + ENGRAM_FRAME_HEADER_BYTES) < 0)
                return;
        }
        if (c->rstart == c->rend)
            c->rstart = c->rend = 0;
        if (!filled)
            return;
    }
}

/* Connects, says Hello with blocking I/O, then switches the socket to nonblocking. */
static int open_connection(loader *L, const struct addrinfo *ai, conn *c, char *err, size_t errcap)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        snprintf(err, errcap, "socket: %s", strerror(errno));
        return -1;
    }
    struct timeval tv = {.tv_sec = CONNECT_TIMEOUT_MS / 1000, .tv_usec = 0};
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        snprintf(err, errcap, "connect: %s", strerror(errno));
        close(fd);
        return -1;
    }
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    Engram__V1__HelloRequest hello = ENGRAM__V1__HELLO_REQUEST__INIT;
    hello.protocol_version = ENGRAM_PROTOCOL_VERSION;
    hello.api_key = (char *)L->opt->api_key;
    hello.client_name = (char *)PROG;
    uint8_t frame[1024];
    size_t plen = protobuf_c_message_get_packed_size(&hello.base);
    if (plen + ENGRAM_FRAME_HEADER_BYTES > sizeof frame) {
        snprintf(err, errcap, "the API key is too long");
        close(fd);
        return -1;
    }
    engram_frame_header_encode(frame, ENGRAM_FRAME_REQUEST, ENGRAM_METHOD_HELLO, 1, 0, plen);
    protobuf_c_message_pack(&hello.base, frame + ENGRAM_FRAME_HEADER_BYTES);
    size_t off = 0, total = ENGRAM_FRAME_HEADER_BYTES + plen;
    while (off < total) {
        ssize_t n = send(fd, frame + off, total - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errcap, "sending Hello: %s", n < 0 ? strerror(errno) : "wrote nothing");
            close(fd);
            return -1;
        }
        off += (size_t)n;
    }
    /* Read frames until the Hello RESPONSE (answering a PING, should one come first). */
    uint8_t *buf = NULL;
    for (;;) {
        uint8_t hdr[ENGRAM_FRAME_HEADER_BYTES];
        size_t got = 0;
        while (got < sizeof hdr) {
            ssize_t n = recv(fd, hdr + got, sizeof hdr - got, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                snprintf(err, errcap, "reading the Hello response: %s",
                         n == 0 ? "the server closed the connection"
                                : errno == EAGAIN ? "timed out" : strerror(errno));
                goto fail;
            }
            got += (size_t)n;
        }
        engram_frame_header h;
        engram_frame_header_decode(hdr, &h);
        if (h.length < 12 || h.length > ENGRAM_DEFAULT_MAX_FRAME_BYTES) {
            snprintf(err, errcap, "protocol error: frame length %u in answer to Hello",
                     (unsigned)h.length);
            goto fail;
        }
        size_t len = (size_t)h.length - 12;
        free(buf);
        buf = xmalloc(len);
        got = 0;
        while (got < len) {
            ssize_t n = recv(fd, buf + got, len - got, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                snprintf(err, errcap, "reading the Hello response: %s",
                         n == 0 ? "the server closed the connection mid-frame"
                                : errno == EAGAIN ? "timed out" : strerror(errno));
                goto fail;
            }
            got += (size_t)n;
        }
        if (h.type == ENGRAM_FRAME_PING && len <= ENGRAM_MAX_PING_PAYLOAD) {
            uint8_t pong[ENGRAM_FRAME_HEADER_BYTES + ENGRAM_MAX_PING_PAYLOAD];
            engram_frame_header_encode(pong, ENGRAM_FRAME_PONG, 0, 0, 0, len);
            memcpy(pong + ENGRAM_FRAME_HEADER_BYTES, buf, len);
            (void)!send(fd, pong, ENGRAM_FRAME_HEADER_BYTES + len, MSG_NOSIGNAL);
            continue;
        }
        if (h.type == ENGRAM_FRAME_GOAWAY) {
            Engram__V1__GoAway *g = engram__v1__go_away__unpack(NULL, len, buf);
            snprintf(err, errcap, "GOAWAY %s: %s", g ? engram_code_name((int)g->code) : "?",
                     g && g->reason ? g->reason : "(undecodable)");
            if (g)
                engram__v1__go_away__free_unpacked(g, NULL);
            goto fail;
        }
        if (h.type != ENGRAM_FRAME_RESPONSE || h.request_id != 1 || h.method != ENGRAM_METHOD_HELLO) {
            snprintf(err, errcap, "protocol error: frame type %u method %u in answer to Hello",
                     (unsigned)h.type, (unsigned)h.method);
            goto fail;
        }
        if (h.meta != 0) {
            Engram__V1__Status *s = engram__v1__status__unpack(NULL, len, buf);
            snprintf(err, errcap, "Hello: %s: %s", engram_code_name((int)h.meta),
                     s && s->message ? s->message : "");
            if (s)
                engram__v1__status__free_unpacked(s, NULL);
            goto fail;
        }
        Engram__V1__HelloResponse *hr = engram__v1__hello_response__unpack(NULL, len, buf);
        if (!hr) {
            snprintf(err, errcap, "Hello: undecodable HelloResponse");
            goto fail;
        }
        if (hr->max_frame_bytes > ENGRAM_FRAME_HEADER_BYTES)
            L->max_frame_bytes = hr->max_frame_bytes;
        engram__v1__hello_response__free_unpacked(hr, NULL);
        break;
    }
    free(buf);
    buf = NULL;
    int fl = fcntl(fd, F_GETFL, 0);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        snprintf(err, errcap, "fcntl: %s", strerror(errno));
        goto fail;
    }
    c->fd = fd;
    c->alive = 1;
    c->rcap = 16384;
    c->rbuf = xmalloc(c->rcap);
    w_reserve(c, 1024);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(L->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        snprintf(err, errcap, "epoll_ctl: %s", strerror(errno));
        goto fail;
    }
    return 0;
fail:
    free(buf);
    close(fd);
    c->fd = -1;
    c->alive = 0;
    return -1;
}

static void raise_fd_limit(int need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= (rlim_t)need)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= (rlim_t)need ? (rlim_t)need
                                                                              : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < (rlim_t)need)
        die(2, "--connections %d needs %d open files; the limit is %llu (ulimit -n)", need - 64,
            need, (unsigned long long)rl.rlim_cur);
}

static double tv_us(struct timeval tv) { return (double)tv.tv_sec * 1e6 + (double)tv.tv_usec; }

/* ---- main ------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    options o;
    parse_args(argc, argv, &o);
    if (o.server_pid) {
        int ok;
        (void)proc_cpu_ticks(o.server_pid, &ok);
        if (!ok)
            die(2, "--server-pid %d: cannot read /proc/%d/stat", o.server_pid, o.server_pid);
    }
    occurred_base_us = wall_us();

    loader L;
    memset(&L, 0, sizeof L);
    L.opt = &o;
    L.max_frame_bytes = ENGRAM_DEFAULT_MAX_FRAME_BYTES;
    static const uint16_t methods[] = {ENGRAM_METHOD_PING, ENGRAM_METHOD_RESOLVE_IDENTITY,
                                       ENGRAM_METHOD_RECALL, ENGRAM_METHOD_OBSERVE};
    L.method = methods[o.workload];
    char *store_id = NULL;
    if (o.workload != W_PING) {
        store_id = run_setup(&o, &L.emails, &L.profile_ids);
        L.store_id = store_id;
        L.nprofiles = o.profiles;
        L.observe_serial = (uint64_t)o.profiles * (uint64_t)o.observations;
    }

    raise_fd_limit(o.connections + 64);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%u", (unsigned)o.port);
    int gai = getaddrinfo(o.host, portstr, &hints, &res);
    if (gai != 0)
        die(2, "cannot resolve %s: %s", o.host, gai_strerror(gai));
    L.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (L.epfd < 0)
        die(1, "epoll_create1: %s", strerror(errno));
    L.conns = xcalloc((size_t)o.connections, sizeof *L.conns);
    const struct addrinfo *use = NULL;
    for (int i = 0; i < o.connections; i++) {
        conn *c = &L.conns[i];
        c->index = i;
        c->fd = -1;
        c->rng = o.seed ^ (0xD1B54A32D192ED03ull * (uint64_t)(i + 1));
        char err[600] = "";
        int ok = -1;
        if (use) {
            ok = open_connection(&L, use, c, err, sizeof err);
        } else {
            for (const struct addrinfo *ai = res; ai && ok < 0; ai = ai->ai_next)
                if ((ok = open_connection(&L, ai, c, err, sizeof err)) == 0)
                    use = ai;
        }
        if (ok < 0)
            die(i == 0 ? 2 : 1, "connection %d of %d to %s%s%s:%u: %s", i + 1, o.connections,
                strchr(o.host, ':') ? "[" : "", o.host, strchr(o.host, ':') ? "]" : "",
                (unsigned)o.port, err);
        L.live++;
    }

    int64_t t0 = mono_ns();
    L.t_start = t0 + (int64_t)(o.warmup_s * 1e9);
    L.t_end = L.t_start + (int64_t)(o.duration_s * 1e9);
    if (o.warmup_s == 0)
        begin_window(&L, t0);
    for (int i = 0; i < o.connections; i++)
        send_request(&L, &L.conns[i]);

    enum { MAX_EVENTS = 256 };
    struct epoll_event evs[MAX_EVENTS];
    int64_t win_end = 0;
    while (L.live > 0) {
        int64_t now = mono_ns();
        if (!L.measuring && now >= L.t_start)
            begin_window(&L, now);
        if (now >= L.t_end || L.finished) {
            win_end = L.t_end;
            break;
        }
        int64_t next = L.measuring ? L.t_end : L.t_start;
        int timeout = (int)((next - now + 999999) / 1000000);
        int n = epoll_wait(L.epfd, evs, MAX_EVENTS, timeout);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die(1, "epoll_wait: %s", strerror(errno));
        }
        for (int i = 0; i < n; i++) {
            conn *c = evs[i].data.ptr;
            if (!c->alive)
                continue;
            if (evs[i].events & EPOLLOUT)
                if (conn_flush(&L, c) < 0)
                    continue;
            if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
                conn_readable(&L, c);
        }
    }
    int all_lost = L.live == 0;
    if (all_lost) {
        win_end = mono_ns();
        if (!L.measuring) /* lost in the warmup: an empty window */
            begin_window(&L, win_end);
        fprintf(stderr, PROG ": every connection was lost; stopping early\n");
    }
    struct rusage ru_end;
    getrusage(RUSAGE_SELF, &ru_end);
    uint64_t server_ticks_end = 0;
    int server_ok = 0;
    if (o.server_pid)
        server_ticks_end = proc_cpu_ticks(o.server_pid, &server_ok);

    double seconds = (double)(win_end - L.win_begin_ns) / 1e9;
    if (seconds <= 0)
        seconds = 1e-9;
    uint64_t error_count = 0;
    for (int k = 0; k < ERR_KINDS; k++)
        error_count += L.errors[k];
    double user_us = tv_us(ru_end.ru_utime) - tv_us(L.ru_begin.ru_utime);
    double cpu_us = user_us + (tv_us(ru_end.ru_stime) - tv_us(L.ru_begin.ru_stime));

    printf("{\"workload\":\"%s\",\"connections\":%d,\"seconds\":%.3f,\"requests\":%" PRIu64
           ",\"throughput_rps\":%.1f,\"error_count\":%" PRIu64 ",\"errors\":{",
           workload_names[o.workload], o.connections, seconds, L.requests,
           (double)L.requests / seconds, error_count);
    int first = 1;
    for (int k = 1; k < ERR_KINDS; k++) {
        if (!L.errors[k])
            continue;
        printf("%s\"%s\":%" PRIu64, first ? "" : ",", err_name(k), L.errors[k]);
        first = 0;
    }
    double per = L.requests ? 1.0 / (double)L.requests : 0.0;
    printf("},\"latency_us\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f,"
           "\"mean\":%.1f},\"loader_cpu_us_per_request\":%.3f,\"loader_user_us_per_request\":%.3f,"
           "\"loader_sys_us_per_request\":%.3f",
           h_percentile(&L.hist, 0.50), h_percentile(&L.hist, 0.90), h_percentile(&L.hist, 0.99),
           h_percentile(&L.hist, 0.999), (double)L.hist.max_ns / 1000.0,
           L.hist.n ? L.hist.sum_ns / (double)L.hist.n / 1000.0 : 0.0, cpu_us * per,
           user_us * per, (cpu_us - user_us) * per);
    if (o.server_pid) {
        if (server_ok) {
            double tick_us = 1e6 / (double)sysconf(_SC_CLK_TCK);
            double server_us = (double)(server_ticks_end - L.server_ticks_begin) * tick_us;
            printf(",\"server_cpu_us_per_request\":%.3f",
                   L.requests ? server_us / (double)L.requests : 0.0);
        } else {
            printf(",\"server_cpu_us_per_request\":null");
        }
    }
    printf("}\n");
    fflush(stdout);

    for (int i = 0; i < o.connections; i++) {
        if (L.conns[i].fd >= 0)
            close(L.conns[i].fd);
        free(L.conns[i].rbuf);
        free(L.conns[i].wbuf);
    }
    free(L.conns);
    close(L.epfd);
    freeaddrinfo(res);
    if (store_id && o.delete_store)
        delete_store(&o, store_id);
    if (L.emails) {
        for (int p = 0; p < o.profiles; p++) {
            free(L.emails[p]);
            free(L.profile_ids[p]);
        }
        free(L.emails);
        free(L.profile_ids);
    }
    free(store_id);
    return all_lost ? 1 : 0;
}
