#ifndef ENGRAM_COPENBLAS_SHIM_H
#define ENGRAM_COPENBLAS_SHIM_H
// Debian's libopenblas-dev puts cblas.h in the multiarch include directory.
#include <cblas.h>
#endif
