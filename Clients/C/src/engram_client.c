/*
 * engram_client.c: connection, framing and the generic call (Protocol/FRAMING.md).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "engram_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct engram_client {
    int fd;                   /* -1 once closed */
    uint32_t next_request_id;
    int timeout_ms;           /* per call; <= 0 = none */
    uint32_t deadline_ms;     /* REQUEST meta */
    engram_server_limits limits;
    char *server_version;
    char *role;
    engram_goaway goaway;
    uint64_t pings_answered;
    uint64_t keepalive_counter;
    char closed_reason[256];  /* why the connection is unusable */
    uint8_t *rbuf;            /* payload buffer, reused across frames */
    size_t rcap;
};

/* ---- Status ---------------------------------------------------------------------------- */

static const char *const code_names[] = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
    "UNAUTHENTICATED"};

const char *engram_code_name(int code)
{
    if (code < 0 || (size_t)code >= sizeof code_names / sizeof code_names[0])
        return "UNKNOWN_CODE";
    return code_names[code];
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    if (!cap)
        return;
    if (!src)
        src = "";
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void status_reset(engram_status *st)
{
    if (!st)
        return;
    st->code = ENGRAM_OK;
    st->from_server = 0;
    st->message[0] = '\0';
    st->n_field_violations = 0;
    st->total_field_violations = 0;
    st->retry_after_ms = 0;
}

/* Sets a client-side status and returns its code. */
__attribute__((format(printf, 3, 4)))
static int local_error(engram_status *st, int code, const char *fmt, ...)
{
    if (st) {
        status_reset(st);
        st->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(st->message, sizeof st->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* ---- Frame header ---------------------------------------------------------------------- */

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_u32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

void engram_frame_header_encode(uint8_t out[ENGRAM_FRAME_HEADER_BYTES], uint8_t type,
                                uint16_t method, uint32_t request_id, uint32_t meta,
                                size_t payload_len)
{
    put_u32(out, (uint32_t)(12u + payload_len));
    out[4] = type;
    out[5] = 0;
    out[6] = (uint8_t)(method >> 8);
    out[7] = (uint8_t)method;
    put_u32(out + 8, request_id);
    put_u32(out + 12, meta);
}

void engram_frame_header_decode(const uint8_t in[ENGRAM_FRAME_HEADER_BYTES],
                                engram_frame_header *out)
{
    out->length = get_u32(in);
    out->type = in[4];
    out->flags = in[5];
    out->method = (uint16_t)(((unsigned)in[6] << 8) | in[7]);
    out->request_id = get_u32(in + 8);
    out->meta = get_u32(in + 12);
}

/* ---- Connection state ------------------------------------------------------------------ */

static int is_open(const engram_client *c) { return c && c->fd >= 0; }

/* Closes the socket and remembers why; later calls fail with UNAVAILABLE and this reason. */
static void mark_closed(engram_client *c, const char *reason)
{
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    if (!c->closed_reason[0])
        copy_str(c->closed_reason, sizeof c->closed_reason, reason);
}

/* Closes the connection and sets a client-side status that explains it. */
__attribute__((format(printf, 4, 5)))
static int fail_connection(engram_client *c, engram_status *st, int code, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->goaway.received) {
        char with[512];
        snprintf(with, sizeof with, "%s (after GOAWAY %s: %s)", msg,
                 engram_code_name((int)c->goaway.code), c->goaway.reason);
        mark_closed(c, with);
        return local_error(st, code, "%s", with);
    }
    mark_closed(c, msg);
    return local_error(st, code, "%s", msg);
}

/* ---- Blocking I/O with a deadline -------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* -1 = no deadline. */
static int64_t deadline_after(int timeout_ms)
{
    return timeout_ms > 0 ? now_ms() + timeout_ms : -1;
}

/* Waits until fd is ready for `events`. Returns 1 ready, 0 deadline passed, -1 error (errno).
 * EINTR restarts the wait with the time that is left. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int wait = -1;
        if (deadline >= 0) {
            int64_t left = deadline - now_ms();
            if (left <= 0)
                return 0;
            wait = left > 0x7fffffff ? 0x7fffffff : (int)left;
        }
        struct pollfd p = {.fd = fd, .events = events, .revents = 0};
        int r = poll(&p, 1, wait);
        if (r > 0)
            return 1; /* readable, writable, or an error/hang-up the next recv/send reports */
        if (r == 0) {
            if (deadline >= 0 && now_ms() < deadline)
                continue; /* woke early */
            return 0;
        }
        if (errno == EINTR)
            continue;
        return -1;
    }
}

enum io_result { IO_OK = 0, IO_EOF, IO_TIMEOUT, IO_ERROR };

/* Writes all of buf. Partial writes and EINTR are continued; EAGAIN waits for POLLOUT. */
static enum io_result write_all(int fd, const uint8_t *buf, size_t len, int64_t deadline,
                                size_t *written)
{
    size_t off = 0;
    enum io_result res = IO_OK;
    while (off < len) {
        ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int w = wait_fd(fd, POLLOUT, deadline);
            if (w == 1)
                continue;
            res = w == 0 ? IO_TIMEOUT : IO_ERROR;
            break;
        }
        res = IO_ERROR; /* EPIPE, ECONNRESET, ... (n == 0 does not happen for len > 0) */
        break;
    }
    if (written)
        *written = off;
    return res;
}

/* Reads exactly len bytes. *got tells how many arrived before an EOF, timeout or error. */
static enum io_result read_exact(int fd, uint8_t *buf, size_t len, int64_t deadline, size_t *got)
{
    size_t off = 0;
    enum io_result res = IO_OK;
    while (off < len) {
        ssize_t n = recv(fd, buf + off, len - off, MSG_DONTWAIT);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n == 0) {
            res = IO_EOF;
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int w = wait_fd(fd, POLLIN, deadline);
            if (w == 1)
                continue;
            res = w == 0 ? IO_TIMEOUT : IO_ERROR;
            break;
        }
        res = IO_ERROR;
        break;
    }
    *got = off;
    return res;
}

/* ---- Frames -------------------------------------------------------------------------------- */

/* Sends one frame. On failure the connection is closed and the status set. */
static int send_frame(engram_client *c, uint8_t type, uint16_t method, uint32_t request_id,
                      uint32_t meta, const uint8_t *payload, size_t payload_len, int64_t deadline,
                      engram_status *st)
{
    uint8_t stackbuf[ENGRAM_FRAME_HEADER_BYTES + 64];
    uint8_t *buf = stackbuf;
    size_t total = ENGRAM_FRAME_HEADER_BYTES + payload_len;
    if (total > sizeof stackbuf) {
        buf = malloc(total);
        if (!buf)
            return local_error(st, ENGRAM_RESOURCE_EXHAUSTED, "out of memory for a %zu-byte frame",
                               total);
    }
    engram_frame_header_encode(buf, type, method, request_id, meta, payload_len);
    if (payload_len)
        memcpy(buf + ENGRAM_FRAME_HEADER_BYTES, payload, payload_len);
    size_t written = 0;
    enum io_result r = write_all(c->fd, buf, total, deadline, &written);
    int saved = errno;
    if (buf != stackbuf)
        free(buf);
    if (r == IO_OK)
        return ENGRAM_OK;
    if (r == IO_TIMEOUT)
        return fail_connection(c, st, ENGRAM_DEADLINE_EXCEEDED,
                               "timed out writing a frame (%zu of %zu bytes sent)", written, total);
    return fail_connection(c, st, ENGRAM_UNAVAILABLE, "connection lost while writing: %s",
                           strerror(saved));
}

/* read_frame's results besides an error code (> 0, the connection then closed). */
#define READ_FRAME 0         /* *h and c->rbuf hold a frame */
#define READ_TIMEOUT_IDLE (-1) /* the deadline passed before any byte of a frame arrived */

/* Closes the connection after a failed read of `what`, with a status for how it failed. */
static int read_failed(engram_client *c, engram_status *st, enum io_result r, int saved_errno,
                       const char *what, size_t got, size_t want)
{
    if (r == IO_EOF && got == 0 && strcmp(what, "length") == 0)
        return fail_connection(c, st, ENGRAM_UNAVAILABLE, "the server closed the connection");
    if (r == IO_EOF)
        return fail_connection(c, st, ENGRAM_UNAVAILABLE,
                               "the server closed the connection mid-frame (%zu of %zu %s bytes)",
                               got, want, what);
    if (r == IO_TIMEOUT)
        return fail_connection(c, st, ENGRAM_DEADLINE_EXCEEDED,
                               "timed out mid-frame (%zu of %zu %s bytes)", got, want, what);
    return fail_connection(c, st, ENGRAM_UNAVAILABLE, "connection lost while reading: %s",
                           strerror(saved_errno));
}

/* Reads one frame: its header, checked before the payload is read, then the payload into
 * c->rbuf. Returns READ_FRAME, READ_TIMEOUT_IDLE (nothing consumed: the connection is still in
 * step), or an error code with the connection closed. */
static int read_frame(engram_client *c, engram_frame_header *h, int64_t deadline,
                      engram_status *st)
{
    uint8_t hdr[ENGRAM_FRAME_HEADER_BYTES];
    size_t got = 0;
    enum io_result r = read_exact(c->fd, hdr, 4, deadline, &got);
    if (r == IO_TIMEOUT && got == 0)
        return READ_TIMEOUT_IDLE;
    if (r != IO_OK)
        return read_failed(c, st, r, errno, "length", got, 4);
    uint32_t length = get_u32(hdr);
    if (length < 12)
        return fail_connection(c, st, ENGRAM_INTERNAL,
                               "protocol error: frame length %u is below 12", (unsigned)length);
    if ((uint64_t)length + 4 > c->limits.max_frame_bytes)
        return fail_connection(c, st, ENGRAM_RESOURCE_EXHAUSTED,
                               "incoming frame of %llu bytes exceeds max_frame_bytes %u; refused "
                               "from its header",
                               (unsigned long long)length + 4, (unsigned)c->limits.max_frame_bytes);
    r = read_exact(c->fd, hdr + 4, 12, deadline, &got);
    if (r != IO_OK)
        return read_failed(c, st, r, errno, "header", 4 + got, ENGRAM_FRAME_HEADER_BYTES);
    engram_frame_header_decode(hdr, h);
    if (h->type < ENGRAM_FRAME_REQUEST || h->type > ENGRAM_FRAME_GOAWAY)
        return fail_connection(c, st, ENGRAM_INTERNAL, "protocol error: unknown frame type %u",
                               (unsigned)h->type);
    size_t plen = (size_t)length - 12;
    if (plen > c->rcap) {
        size_t cap = c->rcap ? c->rcap : 256;
        while (cap < plen)
            cap *= 2;
        uint8_t *nb = realloc(c->rbuf, cap);
        if (!nb)
            return fail_connection(c, st, ENGRAM_RESOURCE_EXHAUSTED,
                                   "out of memory for a %zu-byte payload", plen);
        c->rbuf = nb;
        c->rcap = cap;
    }
    r = read_exact(c->fd, c->rbuf, plen, deadline, &got);
    if (r != IO_OK)
        return read_failed(c, st, r, errno, "payload", got, plen);
    return READ_FRAME;
}

static size_t payload_len(const engram_frame_header *h) { return (size_t)h->length - 12; }

/* Handles a frame that is not a RESPONSE: answers PING, records GOAWAY, ignores PONG.
 * Returns ENGRAM_OK to keep reading, or an error (connection closed) for a protocol error. */
static int handle_control(engram_client *c, const engram_frame_header *h, int64_t deadline,
                          engram_status *st)
{
    size_t plen = payload_len(h);
    switch (h->type) {
    case ENGRAM_FRAME_PING:
        if (plen > ENGRAM_MAX_PING_PAYLOAD)
            return fail_connection(c, st, ENGRAM_INTERNAL,
                                   "protocol error: PING with %zu payload bytes (at most 8)", plen);
        {
            uint8_t echo[ENGRAM_MAX_PING_PAYLOAD];
            memcpy(echo, c->rbuf, plen);
            int rc = send_frame(c, ENGRAM_FRAME_PONG, 0, 0, 0, echo, plen, deadline, st);
            if (rc != ENGRAM_OK)
                return rc;
        }
        c->pings_answered++;
        return ENGRAM_OK;
    case ENGRAM_FRAME_PONG:
        return ENGRAM_OK; /* a PONG for engram_keepalive is handled there */
    case ENGRAM_FRAME_GOAWAY: {
        Engram__V1__GoAway *g = engram__v1__go_away__unpack(NULL, plen, c->rbuf);
        c->goaway.received = 1;
        if (g) {
            c->goaway.last_request_id = g->last_request_id;
            c->goaway.code = g->code;
            copy_str(c->goaway.reason, sizeof c->goaway.reason, g->reason);
            engram__v1__go_away__free_unpacked(g, NULL);
        } else {
            c->goaway.last_request_id = 0;
            c->goaway.code = ENGRAM_UNKNOWN;
            copy_str(c->goaway.reason, sizeof c->goaway.reason, "(undecodable GoAway payload)");
        }
        return ENGRAM_OK;
    }
    default:
        return fail_connection(c, st, ENGRAM_INTERNAL,
                               "protocol error: the server sent a frame of type %u",
                               (unsigned)h->type);
    }
}

/* Reads and handles whatever frames are already waiting (a PING, a GOAWAY, the end of the
 * connection, a late response to a cancelled request) without blocking for new ones. */
static int drain_pending(engram_client *c, engram_status *st)
{
    while (is_open(c)) {
        struct pollfd p = {.fd = c->fd, .events = POLLIN, .revents = 0};
        int r = poll(&p, 1, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return ENGRAM_OK;
        engram_frame_header h;
        /* Something is there: a whole frame should follow promptly. */
        int wait = c->timeout_ms > 0 ? c->timeout_ms : 10000;
        int rr = read_frame(c, &h, deadline_after(wait), st);
        if (rr > 0)
            return rr;
        if (rr == READ_TIMEOUT_IDLE)
            return ENGRAM_OK;
        if (h.type == ENGRAM_FRAME_RESPONSE)
            continue; /* the late answer to a request given up on: skip it */
        int rc = handle_control(c, &h, deadline_after(c->timeout_ms), st);
        if (rc != ENGRAM_OK)
            return rc;
    }
    return ENGRAM_OK;
}

/* Copies a failed RESPONSE's Status payload into st. */
static int decode_failure(engram_client *c, const engram_frame_header *h, uint16_t method_id,
                          engram_status *st)
{
    int code = (int)h->meta;
    if (!st)
        return code;
    status_reset(st);
    st->code = code;
    st->from_server = 1;
    Engram__V1__Status *s = engram__v1__status__unpack(NULL, payload_len(h), c->rbuf);
    if (!s) {
        snprintf(st->message, sizeof st->message,
                 "%s answered %s with an undecodable Status payload (%zu bytes)",
                 engram_method_name(method_id) ? engram_method_name(method_id) : "the method",
                 engram_code_name(code), payload_len(h));
        return code;
    }
    copy_str(st->message, sizeof st->message, s->message);
    st->retry_after_ms = s->retry_after_ms;
    st->total_field_violations = s->n_field_violations;
    for (size_t i = 0; i < s->n_field_violations && i < ENGRAM_MAX_FIELD_VIOLATIONS; i++) {
        const Engram__V1__FieldViolation *v = s->field_violations[i];
        copy_str(st->field_violations[i].field, sizeof st->field_violations[i].field,
                 v ? v->field : "");
        copy_str(st->field_violations[i].description, sizeof st->field_violations[i].description,
                 v ? v->description : "");
        st->n_field_violations = i + 1;
    }
    engram__v1__status__free_unpacked(s, NULL);
    return code;
}

/* ---- The generic call -------------------------------------------------------------------- */

static int not_connected(const engram_client *c, engram_status *st)
{
    return local_error(st, ENGRAM_UNAVAILABLE, "not connected: %s",
                       c->closed_reason[0] ? c->closed_reason : "closed");
}

int engram_call(engram_client *c, uint16_t method_id, const ProtobufCMessage *request,
                const ProtobufCMessageDescriptor *response_type, ProtobufCMessage **response,
                engram_status *st)
{
    status_reset(st);
    if (response)
        *response = NULL;
    if (!c)
        return local_error(st, ENGRAM_INVALID_ARGUMENT, "client is NULL");

    const engram_method_info *m = engram_method_lookup(method_id);
    if (m) {
        if (request && request->descriptor != m->request)
            return local_error(st, ENGRAM_INVALID_ARGUMENT,
                               "%s takes %s, not %s", m->name, m->request->name,
                               request->descriptor ? request->descriptor->name : "(no descriptor)");
        if (response_type && response_type != m->response)
            return local_error(st, ENGRAM_INVALID_ARGUMENT, "%s returns %s, not %s", m->name,
                               m->response->name, response_type->name);
        if (!response_type)
            response_type = m->response;
    } else if (!response_type) {
        return local_error(st, ENGRAM_INVALID_ARGUMENT,
                           "method %u is not in the table: pass its response_type",
                           (unsigned)method_id);
    }
    if (!is_open(c))
        return not_connected(c, st);

    size_t plen = request ? protobuf_c_message_get_packed_size(request) : 0;
    if (plen > (size_t)c->limits.max_frame_bytes ||
        plen + ENGRAM_FRAME_HEADER_BYTES > (size_t)c->limits.max_frame_bytes)
        return local_error(st, ENGRAM_RESOURCE_EXHAUSTED,
                           "request frame of %zu bytes exceeds the server's max_frame_bytes %u; "
                           "not sent",
                           plen + ENGRAM_FRAME_HEADER_BYTES, (unsigned)c->limits.max_frame_bytes);

    /* A GOAWAY, PING or close may have arrived while the connection was idle. */
    int rc = drain_pending(c, st);
    if (rc != ENGRAM_OK)
        return rc;
    if (!is_open(c))
        return not_connected(c, st);
    if (c->goaway.received) {
        char why[400];
        snprintf(why, sizeof why, "the server sent GOAWAY %s: %s; reconnect",
                 engram_code_name((int)c->goaway.code), c->goaway.reason);
        mark_closed(c, why);
        return local_error(st, ENGRAM_UNAVAILABLE, "%s", why);
    }

    uint32_t id = c->next_request_id++;
    if (c->next_request_id == 0)
        c->next_request_id = 1;

    uint8_t *frame = malloc(ENGRAM_FRAME_HEADER_BYTES + plen);
    if (!frame)
        return local_error(st, ENGRAM_RESOURCE_EXHAUSTED, "out of memory for a %zu-byte request",
                           plen);
    engram_frame_header_encode(frame, ENGRAM_FRAME_REQUEST, method_id, id, c->deadline_ms, plen);
    if (request) {
        size_t packed = protobuf_c_message_pack(request, frame + ENGRAM_FRAME_HEADER_BYTES);
        if (packed != plen) {
            free(frame);
            return local_error(st, ENGRAM_INTERNAL, "packed %zu bytes, expected %zu", packed,
                               plen);
        }
    }
    int64_t deadline = deadline_after(c->timeout_ms);
    size_t written = 0;
    enum io_result wr = write_all(c->fd, frame, ENGRAM_FRAME_HEADER_BYTES + plen, deadline, &written);
    int saved = errno;
    free(frame);
    if (wr == IO_TIMEOUT)
        return fail_connection(c, st, ENGRAM_DEADLINE_EXCEEDED,
                               "timed out sending request %u (%zu of %zu bytes)", (unsigned)id,
                               written, ENGRAM_FRAME_HEADER_BYTES + plen);
    if (wr != IO_OK)
        return fail_connection(c, st, ENGRAM_UNAVAILABLE,
                               "connection lost while sending request %u: %s", (unsigned)id,
                               strerror(saved));

    for (;;) {
        engram_frame_header h;
        int rr = read_frame(c, &h, deadline, st);
        if (rr > 0)
            return rr;
        if (rr == READ_TIMEOUT_IDLE) {
            /* Give up on this request; the connection stays in step. */
            int sent = send_frame(c, ENGRAM_FRAME_CANCEL, 0, id, 0, NULL, 0, deadline_after(1000),
                                  NULL) == ENGRAM_OK;
            return local_error(st, ENGRAM_DEADLINE_EXCEEDED,
                               "no response to %s (request %u) within %d ms; %s",
                               m ? m->name : "the request", (unsigned)id, c->timeout_ms,
                               sent ? "cancelled" : "the connection failed sending CANCEL");
        }
        if (h.type != ENGRAM_FRAME_RESPONSE) {
            rc = handle_control(c, &h, deadline, st);
            if (rc != ENGRAM_OK)
                return rc;
            if (h.type == ENGRAM_FRAME_GOAWAY && c->goaway.last_request_id < id)
                return fail_connection(c, st, ENGRAM_UNAVAILABLE,
                                       "request %u was not processed: the server is going away",
                                       (unsigned)id);
            continue;
        }
        if (h.request_id != id)
            continue; /* a late answer to an earlier, cancelled request */
        if (h.method != method_id)
            return fail_connection(c, st, ENGRAM_INTERNAL,
                                   "protocol error: response to request %u names method %u, not %u",
                                   (unsigned)id, (unsigned)h.method, (unsigned)method_id);
        if (h.meta != 0)
            return decode_failure(c, &h, method_id, st);
        ProtobufCMessage *msg = protobuf_c_message_unpack(response_type, NULL, payload_len(&h),
                                                          c->rbuf);
        if (!msg)
            return local_error(st, ENGRAM_INTERNAL,
                               "could not decode the %zu-byte %s of request %u",
                               payload_len(&h), response_type->name, (unsigned)id);
        if (st)
            st->from_server = 1;
        if (response)
            *response = msg;
        else
            protobuf_c_message_free_unpacked(msg, NULL);
        return ENGRAM_OK;
    }
}

void engram_response_free(void *response)
{
    if (response)
        protobuf_c_message_free_unpacked((ProtobufCMessage *)response, NULL);
}

/* ---- Keepalive ----------------------------------------------------------------------------- */

int engram_keepalive(engram_client *c, engram_status *st)
{
    status_reset(st);
    if (!c)
        return local_error(st, ENGRAM_INVALID_ARGUMENT, "client is NULL");
    if (!is_open(c))
        return not_connected(c, st);
    int rc = drain_pending(c, st);
    if (rc != ENGRAM_OK)
        return rc;
    if (!is_open(c))
        return not_connected(c, st);
    if (c->goaway.received)
        return local_error(st, ENGRAM_UNAVAILABLE, "the server sent GOAWAY %s: %s; reconnect",
                           engram_code_name((int)c->goaway.code), c->goaway.reason);
    uint8_t token[8];
    uint64_t n = ++c->keepalive_counter;
    for (int i = 0; i < 8; i++)
        token[i] = (uint8_t)(n >> (56 - 8 * i));
    int64_t deadline = deadline_after(c->timeout_ms);
    rc = send_frame(c, ENGRAM_FRAME_PING, 0, 0, 0, token, sizeof token, deadline, st);
    if (rc != ENGRAM_OK)
        return rc;
    for (;;) {
        engram_frame_header h;
        int rr = read_frame(c, &h, deadline, st);
        if (rr > 0)
            return rr;
        if (rr == READ_TIMEOUT_IDLE)
            return local_error(st, ENGRAM_DEADLINE_EXCEEDED, "no PONG within %d ms",
                               c->timeout_ms);
        if (h.type == ENGRAM_FRAME_PONG && payload_len(&h) == sizeof token &&
            memcmp(c->rbuf, token, sizeof token) == 0)
            return ENGRAM_OK;
        if (h.type == ENGRAM_FRAME_RESPONSE)
            continue;
        rc = handle_control(c, &h, deadline, st);
        if (rc != ENGRAM_OK)
            return rc;
    }
}

/* ---- Connect and close ------------------------------------------------------------------- */

static int set_nonblocking(int fd, int on)
{
    int fl = fcntl(fd, F_GETFL, 0);
    if (fl < 0)
        return -1;
    return fcntl(fd, F_SETFL, on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK));
}

/* Connects to one address before the deadline. Returns the fd, or -1 with *err set (an errno,
 * or ETIMEDOUT for the deadline). */
static int connect_one(const struct addrinfo *ai, int64_t deadline, int *err)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    if (set_nonblocking(fd, 1) < 0) {
        *err = errno;
        close(fd);
        return -1;
    }
    /* On a non-blocking socket, EINTR like EINPROGRESS means the attempt goes on: poll below. */
    int r = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (r < 0 && errno != EINPROGRESS && errno != EINTR) {
        *err = errno;
        close(fd);
        return -1;
    }
    if (r < 0) {
        int w = wait_fd(fd, POLLOUT, deadline);
        if (w <= 0) {
            *err = w == 0 ? ETIMEDOUT : errno;
            close(fd);
            return -1;
        }
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
            soerr = errno;
        if (soerr) {
            *err = soerr;
            close(fd);
            return -1;
        }
    }
    /* The fd is back in blocking mode; every recv/send still passes MSG_DONTWAIT and waits in
     * poll() so that a deadline can bound it. */
    if (set_nonblocking(fd, 0) < 0) {
        *err = errno;
        close(fd);
        return -1;
    }
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s ? s : "", n);
    return d;
}

int engram_connect(const char *host, uint16_t port, const char *api_key, int timeout_ms,
                   engram_client **out, engram_status *st)
{
    status_reset(st);
    if (!out)
        return local_error(st, ENGRAM_INVALID_ARGUMENT, "client out-pointer is NULL");
    *out = NULL;
    if (!host || !*host)
        host = "127.0.0.1";
    int64_t deadline = deadline_after(timeout_ms);

    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%u", (unsigned)port);
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host, portstr, &hints, &res);
    if (gai != 0)
        return local_error(st, ENGRAM_UNAVAILABLE, "cannot resolve %s: %s", host,
                           gai_strerror(gai));
    int fd = -1, err = 0;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
        fd = connect_one(ai, deadline, &err);
    freeaddrinfo(res);
    if (fd < 0) {
        if (err == ETIMEDOUT)
            return local_error(st, ENGRAM_DEADLINE_EXCEEDED, "connect to %s:%u timed out after %d ms",
                               host, (unsigned)port, timeout_ms);
        return local_error(st, ENGRAM_UNAVAILABLE, "connect to %s:%u: %s", host, (unsigned)port,
                           strerror(err));
    }

    engram_client *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return local_error(st, ENGRAM_RESOURCE_EXHAUSTED, "out of memory");
    }
    c->fd = fd;
    c->next_request_id = 1;
    c->limits.max_frame_bytes = ENGRAM_DEFAULT_MAX_FRAME_BYTES;
    c->limits.server_version = "";
    c->limits.role = "";

    /* Hello, bounded by what is left of the connect timeout. */
    if (deadline >= 0) {
        int64_t left = deadline - now_ms();
        c->timeout_ms = left > 0 ? (int)left : 1;
    }
    Engram__V1__HelloRequest hello = ENGRAM__V1__HELLO_REQUEST__INIT;
    hello.protocol_version = ENGRAM_PROTOCOL_VERSION;
    hello.api_key = (char *)(api_key ? api_key : "");
    hello.client_name = (char *)"engram-c/" ENGRAM_CLIENT_VERSION;
    ProtobufCMessage *resp = NULL;
    int rc = engram_call(c, ENGRAM_METHOD_HELLO, &hello.base, NULL, &resp, st);
    if (rc != ENGRAM_OK) {
        engram_close(c);
        return rc;
    }
    Engram__V1__HelloResponse *hr = (Engram__V1__HelloResponse *)resp;
    if (hr->protocol_version != ENGRAM_PROTOCOL_VERSION) {
        unsigned v = hr->protocol_version;
        engram_response_free(hr);
        engram_close(c);
        return local_error(st, ENGRAM_FAILED_PRECONDITION,
                           "the server speaks protocol version %u; this client speaks %u", v,
                           ENGRAM_PROTOCOL_VERSION);
    }
    c->server_version = dup_str(hr->server_version);
    c->role = dup_str(hr->role);
    if (!c->server_version || !c->role) {
        engram_response_free(hr);
        engram_close(c);
        return local_error(st, ENGRAM_RESOURCE_EXHAUSTED, "out of memory");
    }
    c->limits.protocol_version = hr->protocol_version;
    c->limits.server_version = c->server_version;
    c->limits.role = c->role;
    if (hr->max_frame_bytes > ENGRAM_FRAME_HEADER_BYTES) /* 0 (absent) keeps the default */
        c->limits.max_frame_bytes = hr->max_frame_bytes;
    c->limits.max_in_flight = hr->max_in_flight;
    c->limits.idle_timeout_ms = hr->idle_timeout_ms;
    engram_response_free(hr);
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
    *out = c;
    return ENGRAM_OK;
}

void engram_close(engram_client *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    free(c->rbuf);
    free(c->server_version);
    free(c->role);
    free(c);
}

/* ---- Accessors ----------------------------------------------------------------------------- */

const engram_server_limits *engram_limits(const engram_client *c) { return c ? &c->limits : NULL; }
int engram_is_connected(const engram_client *c) { return is_open(c) && !c->goaway.received; }
const engram_goaway *engram_last_goaway(const engram_client *c) { return c ? &c->goaway : NULL; }
uint64_t engram_pings_answered(const engram_client *c) { return c ? c->pings_answered : 0; }
int engram_fd(const engram_client *c) { return c ? c->fd : -1; }

void engram_set_timeout(engram_client *c, int timeout_ms)
{
    if (c)
        c->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
}

void engram_set_deadline(engram_client *c, uint32_t deadline_ms)
{
    if (c)
        c->deadline_ms = deadline_ms;
}
