#ifndef TRANSCRIPTOR_CPOCKETSPHINX_SHIM_H
#define TRANSCRIPTOR_CPOCKETSPHINX_SHIM_H

#include <pocketsphinx.h>

/// A decoder configuration (cmd_ln_init is variadic, which Swift cannot call): the acoustic model,
/// language model and dictionary, with pocketsphinx's own logging sent nowhere.
static inline cmd_ln_t *transcriptor_ps_config(const char *hmm, const char *lm, const char *dict) {
    return cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", hmm, "-lm", lm, "-dict", dict, "-logfn", "/dev/null",
                       "-bestpath", "yes", NULL);
}

#endif
