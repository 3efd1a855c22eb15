#include "dltaf_shims.h"

#if defined(__linux__)
#include <sys/prctl.h>
#endif

// prctl is variadic, which Swift cannot call: this wrapper is the whole reason for this C target.
int dltaf_become_child_subreaper(void) {
#if defined(__linux__)
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#else
    return -1;
#endif
}
