#ifndef DLTAF_SHIMS_H
#define DLTAF_SHIMS_H

/// Makes the calling process a child subreaper (Linux prctl PR_SET_CHILD_SUBREAPER), so that orphaned
/// descendants of its plugins are re-parented to it instead of to init. Returns 0 on success, -1 elsewhere.
int dltaf_become_child_subreaper(void);

/// Unblocks every signal in the calling thread. A child spawned from this thread starts with an empty signal
/// mask; one spawned from a Dispatch worker thread would inherit its blocked SIGTERM and never die of it.
int dltaf_unblock_all_signals(void);

/// Catches SIGPIPE with a handler that does nothing, so that writing to a dead plugin returns EPIPE. Unlike
/// SIG_IGN, a caught signal is reset to its default in exec'd children, so plugins keep the normal SIGPIPE.
int dltaf_catch_sigpipe(void);

/// Catches SIGINT and SIGTERM and writes the signal number (one byte) to `fd`, which the caller reads on a
/// thread of its own. Caught, not ignored: plugins still get the default dispositions.
int dltaf_forward_termination_signals(int fd);

#endif
