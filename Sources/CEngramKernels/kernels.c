// Numeric kernels the Swift code calls on hot paths. Swift compiles for baseline x86-64 (SSE2)
// and has no per-function target attributes, so the wider variants live here, compiled with
// target attributes and picked once by CPUID.
#include "engram_kernels.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

__attribute__((target("avx2,fma"))) static float dot_avx2(const float *a, const float *b, size_t n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    __m256 acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
        acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), acc2);
        acc3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), acc3);
    }
    for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    __m256 acc = _mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3));
    __m128 half = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    half = _mm_add_ps(half, _mm_movehl_ps(half, half));
    half = _mm_add_ss(half, _mm_shuffle_ps(half, half, 1));
    float sum = _mm_cvtss_f32(half);
    for (; i < n; i++) sum += a[i] * b[i];
    return sum;
}
#endif

static float dot_baseline(const float *a, const float *b, size_t n) {
    // Eight independent sums, so the compiler keeps them in SSE registers without reordering
    // a single chain (which -O2 may not do for floats).
    float s[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) s[k] += a[i + k] * b[i + k];
    float sum = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
    for (; i < n; i++) sum += a[i] * b[i];
    return sum;
}

static void hamming_baseline(const uint64_t *rows, size_t count, size_t words, const uint64_t *query, int32_t *out) {
    for (size_t i = 0; i < count; i++) {
        int32_t h = 0;
        for (size_t w = 0; w < words; w++) h += __builtin_popcountll(rows[i * words + w] ^ query[w]);
        out[i] = h;
    }
}

#if defined(__x86_64__) || defined(__i386__)
// The same loop: with the target attribute, __builtin_popcountll is one POPCNT instruction
// instead of baseline x86-64's bit-twiddling sequence.
__attribute__((target("popcnt"))) static void hamming_popcnt(const uint64_t *rows, size_t count, size_t words,
                                                             const uint64_t *query, int32_t *out) {
    for (size_t i = 0; i < count; i++) {
        int32_t h = 0;
        for (size_t w = 0; w < words; w++) h += __builtin_popcountll(rows[i * words + w] ^ query[w]);
        out[i] = h;
    }
}
#endif

// Half precision, in software: round to nearest even, subnormals and infinities included.
static uint16_t half_from_float(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000;
    uint32_t mant = x & 0x007FFFFF;
    int32_t exp = (int32_t)((x >> 23) & 0xFF);
    if (exp == 0xFF) return (uint16_t)(sign | 0x7C00 | (mant ? 0x200 | (mant >> 13) : 0));
    int32_t e = exp - 127 + 15;
    if (e >= 0x1F) return (uint16_t)(sign | 0x7C00);
    if (e <= 0) {
        if (e < -10) return (uint16_t)sign;
        mant |= 0x00800000;
        uint32_t shift = (uint32_t)(14 - e);
        uint32_t half = mant >> shift;
        uint32_t rem = mant & ((1u << shift) - 1);
        uint32_t mid = 1u << (shift - 1);
        if (rem > mid || (rem == mid && (half & 1))) half++;
        return (uint16_t)(sign | half);
    }
    uint32_t half = sign | ((uint32_t)e << 10) | (mant >> 13);
    uint32_t rem = mant & 0x1FFF;
    // A carry out of the mantissa bumps the exponent, as rounding up must (to infinity at the top).
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1))) half++;
    return (uint16_t)half;
}

static float float_from_half(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1F, mant = h & 0x3FF, x;
    if (exp == 0) {
        if (mant == 0) {
            x = sign;
        } else {
            exp = 127 - 15 + 1;
            while (!(mant & 0x400)) {
                mant <<= 1;
                exp--;
            }
            x = sign | (exp << 23) | ((mant & 0x3FF) << 13);
        }
    } else if (exp == 0x1F) {
        x = sign | 0x7F800000 | (mant << 13);
    } else {
        x = sign | ((exp + 112) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &x, 4);
    return f;
}

void engram_f32_to_f16_portable(const float *in, uint16_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = half_from_float(in[i]);
}

void engram_f16_to_f32_portable(const uint16_t *in, float *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = float_from_half(in[i]);
}

static float dot_f16_baseline(const float *a, const uint16_t *b, size_t n) {
    float s[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) s[k] += a[i + k] * float_from_half(b[i + k]);
    float sum = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
    for (; i < n; i++) sum += a[i] * float_from_half(b[i]);
    return sum;
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma,f16c"))) static float dot_f16_avx2(const float *a, const uint16_t *b, size_t n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    __m256 acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + i))), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8),
                               _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + i + 8))), acc1);
        acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16),
                               _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + i + 16))), acc2);
        acc3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24),
                               _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + i + 24))), acc3);
    }
    for (; i + 8 <= n; i += 8)
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + i))), acc0);
    __m256 acc = _mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3));
    __m128 half = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    half = _mm_add_ps(half, _mm_movehl_ps(half, half));
    half = _mm_add_ss(half, _mm_shuffle_ps(half, half, 1));
    float sum = _mm_cvtss_f32(half);
    for (; i < n; i++) sum += a[i] * float_from_half(b[i]);
    return sum;
}
#endif

typedef float (*dot_f16_fn)(const float *, const uint16_t *, size_t);
static dot_f16_fn dot_f16_chosen = dot_f16_baseline;

typedef void (*hamming_fn)(const uint64_t *, size_t, size_t, const uint64_t *, int32_t *);
static hamming_fn hamming_chosen = hamming_baseline;

typedef float (*dot_fn)(const float *, const float *, size_t);

static dot_fn choose(const char **name) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        *name = "avx2+fma";
        return dot_avx2;
    }
#endif
    *name = "sse2";
    return dot_baseline;
}

static const char *chosen_name = "sse2";
static dot_fn chosen = 0;

__attribute__((constructor)) static void engram_kernels_init(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("popcnt")) hamming_chosen = hamming_popcnt;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
        dot_f16_chosen = dot_f16_avx2;
#endif
    chosen = choose(&chosen_name);
}

// Distances cluster around half the bits, so consecutive rows keep incrementing the same few
// counters, each increment waiting for the last one's store. Over many rows, four interleaved
// histograms (summed at the end) break that chain.
#define HAMMING_HISTOGRAM_BODY                                                                        \
    if (words == 2 && count >= 4096) {                                                                \
        /* The flat two-word sketch of a large corpus: unrolled, four histograms. */                  \
        int32_t sub[4][129];                                                                          \
        memset(sub, 0, sizeof(sub));                                                                  \
        const uint64_t q0 = query[0], q1 = query[1];                                                  \
        for (size_t i = 0; i < count; i++) {                                                          \
            const uint64_t *row = rows + i * stride;                                                  \
            int32_t h = __builtin_popcountll(row[0] ^ q0) + __builtin_popcountll(row[1] ^ q1);        \
            int32_t keep = (flags[i] & mask) != 0;                                                    \
            out[i] = keep ? h : INT32_MAX;                                                            \
            sub[i & 3][h] += keep;                                                                    \
        }                                                                                             \
        for (size_t b = 0; b < 129; b++) histogram[b] += sub[0][b] + sub[1][b] + sub[2][b] + sub[3][b]; \
        return;                                                                                       \
    }                                                                                                 \
    size_t bins = words * 64 + 1;                                                                     \
    int split = count >= 4096 && bins <= 513;                                                         \
    int32_t sub[3][split ? bins : 1];                                                                 \
    if (split) memset(sub, 0, sizeof(sub));                                                           \
    for (size_t i = 0; i < count; i++) {                                                              \
        if (!(flags[i] & mask)) {                                                                     \
            out[i] = INT32_MAX;                                                                       \
            continue;                                                                                 \
        }                                                                                             \
        int32_t h = 0;                                                                                \
        for (size_t w = 0; w < words; w++) h += __builtin_popcountll(rows[i * stride + w] ^ query[w]); \
        out[i] = h;                                                                                   \
        if (split && (i & 3)) {                                                                       \
            sub[(i & 3) - 1][h] += 1;                                                                 \
        } else {                                                                                      \
            histogram[h] += 1;                                                                        \
        }                                                                                             \
    }                                                                                                 \
    if (split)                                                                                        \
        for (size_t b = 0; b < bins; b++) histogram[b] += sub[0][b] + sub[1][b] + sub[2][b];

static void hamming_histogram_baseline(const uint64_t *rows, size_t count, size_t stride, size_t words,
                                       const uint64_t *query, const uint8_t *flags, uint8_t mask, int32_t *out,
                                       int32_t *histogram) {
    HAMMING_HISTOGRAM_BODY
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("popcnt"))) static void hamming_histogram_popcnt(const uint64_t *rows, size_t count,
                                                                       size_t stride, size_t words,
                                                                       const uint64_t *query, const uint8_t *flags,
                                                                       uint8_t mask, int32_t *out,
                                                                       int32_t *histogram) {
    HAMMING_HISTOGRAM_BODY
}
#endif

void engram_hamming_histogram(const uint64_t *rows, size_t count, size_t stride, size_t words, const uint64_t *query,
                              const uint8_t *flags, uint8_t mask, int32_t *out, int32_t *histogram) {
#if defined(__x86_64__) || defined(__i386__)
    if (hamming_chosen == hamming_popcnt) {
        hamming_histogram_popcnt(rows, count, stride, words, query, flags, mask, out, histogram);
        return;
    }
#endif
    hamming_histogram_baseline(rows, count, stride, words, query, flags, mask, out, histogram);
}

void engram_hamming_u64(const uint64_t *rows, size_t count, size_t words, const uint64_t *query, int32_t *out) {
    if (__builtin_expect(chosen == 0, 0)) engram_kernels_init();
    hamming_chosen(rows, count, words, query, out);
}

float engram_dot_f32(const float *a, const float *b, size_t n) {
    // The constructor ran before main; a call from another constructor would find it unset.
    if (__builtin_expect(chosen == 0, 0)) engram_kernels_init();
    return chosen(a, b, n);
}

float engram_dot_f32_f16(const float *a, const uint16_t *b, size_t n) {
    if (__builtin_expect(chosen == 0, 0)) engram_kernels_init();
    return dot_f16_chosen(a, b, n);
}

// Conversions are not hot (once per stored row, once per row read back): the portable code
// serves every CPU, so a row's bits never depend on the machine that stored it.
void engram_f32_to_f16(const float *in, uint16_t *out, size_t n) { engram_f32_to_f16_portable(in, out, n); }

void engram_f16_to_f32(const uint16_t *in, float *out, size_t n) { engram_f16_to_f32_portable(in, out, n); }

const char *engram_kernel_name(void) {
    if (chosen == 0) engram_kernels_init();
    return chosen_name;
}
