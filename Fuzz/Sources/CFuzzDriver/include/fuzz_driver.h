#ifndef BIASLAB_FUZZ_DRIVER_H
#define BIASLAB_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>
/// libFuzzer's entry for programs with their own main (LLVM ≥ 12): parses libFuzzer's flags in argv and
/// fuzzes `callback`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
