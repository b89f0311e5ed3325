#ifndef ENGRAM_KERNELS_H
#define ENGRAM_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// The dot product of two float vectors of length n, with the widest SIMD this CPU has
/// (AVX2 with FMA, chosen once at run time; SSE2 otherwise). The two sum in different orders,
/// so the last bits of a result may differ between CPUs (never between runs on one).
float engram_dot_f32(const float *a, const float *b, size_t n);

/// The dot product of a float vector and a vector of IEEE half-precision floats (their bit
/// patterns): F16C + AVX2 + FMA when the CPU has them, a portable conversion otherwise.
float engram_dot_f32_f16(const float *a, const uint16_t *b, size_t n);

/// Rounds floats to half precision (round to nearest even, as F16C does) and back. The
/// conversion gives the same bits on every CPU; `_portable` forces the software path (tests).
void engram_f32_to_f16(const float *in, uint16_t *out, size_t n);
void engram_f16_to_f32(const uint16_t *in, float *out, size_t n);
void engram_f32_to_f16_portable(const float *in, uint16_t *out, size_t n);
void engram_f16_to_f32_portable(const uint16_t *in, float *out, size_t n);

/// Hamming distances between `query` and each of `count` rows of `words` 64-bit words
/// (row-major): out[i] = popcount(rows[i] XOR query). POPCNT when the CPU has it.
void engram_hamming_u64(const uint64_t *rows, size_t count, size_t words, const uint64_t *query, int32_t *out);

/* As engram_hamming_u64 over the first `words` words of rows `stride` words apart, for the rows
   whose flags byte has a bit of `mask`: out[i] = the distance, and histogram[distance] += 1;
   other rows get out[i] = INT32_MAX. A shortlist's first pass, in one loop. */
void engram_hamming_histogram(const uint64_t *rows, size_t count, size_t stride, size_t words, const uint64_t *query,
                              const uint8_t *flags, uint8_t mask, int32_t *out, int32_t *histogram);

/// Which implementation engram_dot_f32 uses: "avx2+fma" or "sse2".
const char *engram_kernel_name(void);

#endif
