// OpenBLAS's CBLAS and the reference LAPACKE, from Debian's libopenblas-dev and liblapacke-dev.
#include <cblas.h>
#include <lapacke.h>
// glibc's mallopt, for ExecutionPolicy's allocator tuning (large-allocation reuse).
#include <malloc.h>
