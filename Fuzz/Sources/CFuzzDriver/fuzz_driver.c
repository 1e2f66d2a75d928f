// Declares libFuzzer's driver for Swift (the definition comes from the fuzzer runtime that
// `-sanitize=fuzzer` links).
#include "fuzz_driver.h"
