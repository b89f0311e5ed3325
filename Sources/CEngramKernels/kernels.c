// Numeric kernels the Swift code calls on hot paths. Swift compiles for baseline x86-64 (SSE2)
// and has no per-function target attributes, so the wider variants live here, compiled with
// target attributes and picked once by CPUID.
#include "engram_kernels.h"

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
#endif
    chosen = choose(&chosen_name);
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

const char *engram_kernel_name(void) {
    if (chosen == 0) engram_kernels_init();
    return chosen_name;
}
