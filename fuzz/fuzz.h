/*
 * fuzz.h - the fuzz targets (fuzz/fuzz_*.c): each defines the libFuzzer
 * entry point.  Built two ways (fuzz/CMakeLists.txt):
 *   - always, with replay.c as main: ctest runs every file of
 *     fuzz/corpus/NAME/ through the target (a regression test, under
 *     ASan+UBSan in the sanitizer build);
 *   - with -DGMPKI_FUZZ=ON and clang, linked with libFuzzer for real
 *     fuzzing (scripts/fuzz.sh).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
