#ifndef ENGRAM_COPENBLAS_SHIM_H
#define ENGRAM_COPENBLAS_SHIM_H
// Debian's libopenblas-dev puts cblas.h in the multiarch include directory.
#include <cblas.h>

// OpenBLAS also exports LAPACK; Debian ships no lapacke.h with it, so the one routine the
// static-embedding distillation needs (a symmetric matrix's eigenvalues and vectors) is
// declared here with its Fortran signature.
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
            const int *lwork, int *info);
#endif
