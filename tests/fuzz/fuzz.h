/*
 * fuzz.h: the one entry point every target defines.  With libFuzzer
 * (--enable-fuzzing) it is the fuzzer's; without, driver.c replays the
 * target's corpus through it, so make check runs every seed (tmux fuzz/).
 */
#ifndef PF_FUZZ_H
#define PF_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Feed one input; never crash, free everything, return 0. */
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A NUL-terminated copy of data (cut at the first NUL), or NULL. */
char	*fuzz_str(const uint8_t *data, size_t len);

#endif
