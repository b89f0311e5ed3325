// Counts a process's heap allocations, for "allocations per request" figures:
//   cc -O2 -shared -fPIC -o /tmp/malloc-count.so scripts/malloc-count.c -ldl
//   LD_PRELOAD=/tmp/malloc-count.so engramd ...   # on exit (SIGTERM): "malloc-count: N allocations"
// Run once with no load and once with a known number of requests; the difference divided by the
// requests is the figure. Counts malloc, calloc, realloc, posix_memalign and aligned_alloc.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_ulong count;
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);

// dlsym may call calloc before real_calloc is known: serve it from a static buffer.
static char bootstrap[4096];
static size_t bootstrap_used;

void *malloc(size_t n) {
    if (!real_malloc) real_malloc = dlsym(RTLD_NEXT, "malloc");
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return real_malloc(n);
}

void *calloc(size_t a, size_t b) {
    if (!real_calloc) {
        static int resolving;
        if (resolving) {
            void *p = bootstrap + bootstrap_used;
            bootstrap_used += (a * b + 15) & ~(size_t)15;
            return p;
        }
        resolving = 1;
        real_calloc = dlsym(RTLD_NEXT, "calloc");
        resolving = 0;
    }
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return real_calloc(a, b);
}

void *realloc(void *p, size_t n) {
    if (!real_realloc) real_realloc = dlsym(RTLD_NEXT, "realloc");
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return real_realloc(p, n);
}

int posix_memalign(void **p, size_t align, size_t n) {
    if (!real_posix_memalign) real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return real_posix_memalign(p, align, n);
}

void *aligned_alloc(size_t align, size_t n) {
    if (!real_aligned_alloc) real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return real_aligned_alloc(align, n);
}

void free(void *p) {
    static void (*real_free)(void *);
    if ((char *)p >= bootstrap && (char *)p < bootstrap + sizeof bootstrap) return;
    if (!real_free) real_free = dlsym(RTLD_NEXT, "free");
    real_free(p);
}

__attribute__((destructor)) static void report(void) {
    char line[64];
    int n = snprintf(line, sizeof line, "malloc-count: %lu allocations\n", atomic_load(&count));
    if (n > 0) write(2, line, (size_t)n);
}
