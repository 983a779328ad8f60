#ifndef ADM_CEDITLINE_SHIM_H
#define ADM_CEDITLINE_SHIM_H
// libedit's readline-compatible API. Never <readline/readline.h>: GNU readline may also be
// installed and would be picked up instead.
#include <stdio.h>
#include <editline/readline.h>

// Swift 6 strict concurrency rejects the C globals stdin/stdout/stderr; these accessors are
// plain functions and so are fine to call from any context.
static inline FILE *adm_stdin(void) { return stdin; }
static inline FILE *adm_stdout(void) { return stdout; }
static inline FILE *adm_stderr(void) { return stderr; }

#endif
