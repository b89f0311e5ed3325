#ifndef ENGRAM_KERNELS_H
#define ENGRAM_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// The dot product of two float vectors of length n, with the widest SIMD this CPU has
/// (AVX2 with FMA, chosen once at run time; SSE2 otherwise). Either way the sum is taken in
/// the same order, 32 lanes at a time, so results do not depend on the CPU beyond FMA's
/// single rounding.
float engram_dot_f32(const float *a, const float *b, size_t n);

/// Hamming distances between `query` and each of `count` rows of `words` 64-bit words
/// (row-major): out[i] = popcount(rows[i] XOR query). POPCNT when the CPU has it.
void engram_hamming_u64(const uint64_t *rows, size_t count, size_t words, const uint64_t *query, int32_t *out);

/// Which implementation engram_dot_f32 uses: "avx2+fma" or "sse2".
const char *engram_kernel_name(void);

#endif
