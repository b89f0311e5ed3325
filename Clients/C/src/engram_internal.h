/*
 * Internals shared by the library's sources and its test program (not installed, not API).
 */
#ifndef ENGRAM_INTERNAL_H
#define ENGRAM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "engram_client.h"

/* Frame types (FRAMING.md, "Frame layout"). */
enum {
    ENGRAM_FRAME_REQUEST = 1,
    ENGRAM_FRAME_RESPONSE = 2,
    ENGRAM_FRAME_CANCEL = 3,
    ENGRAM_FRAME_PING = 4,
    ENGRAM_FRAME_PONG = 5,
    ENGRAM_FRAME_GOAWAY = 6
};

/* The longest PING payload (FRAMING.md). */
#define ENGRAM_MAX_PING_PAYLOAD 8u

typedef struct engram_frame_header {
    uint32_t length;     /* bytes after the length field: 12 + payload length */
    uint8_t type;
    uint8_t flags;
    uint16_t method;
    uint32_t request_id;
    uint32_t meta;
} engram_frame_header;

/* Writes the 16 header bytes for a frame with `payload_len` payload bytes (big-endian). The
 * caller checks that 12 + payload_len fits in a u32 and under max_frame_bytes. */
void engram_frame_header_encode(uint8_t out[ENGRAM_FRAME_HEADER_BYTES], uint8_t type,
                                uint16_t method, uint32_t request_id, uint32_t meta,
                                size_t payload_len);

/* Reads 16 header bytes. Does not validate. */
void engram_frame_header_decode(const uint8_t in[ENGRAM_FRAME_HEADER_BYTES],
                                engram_frame_header *out);

typedef struct engram_method_info {
    uint16_t id;
    const char *name;
    const ProtobufCMessageDescriptor *request;
    const ProtobufCMessageDescriptor *response;
} engram_method_info;

/* The method table entry for `id`, or NULL. */
const engram_method_info *engram_method_lookup(uint16_t id);
/* All methods, in id order; *count receives how many. */
const engram_method_info *engram_methods(size_t *count);

#endif /* ENGRAM_INTERNAL_H */
