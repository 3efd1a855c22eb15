#ifndef DLTAF_SHIMS_H
#define DLTAF_SHIMS_H

/// Makes the calling process a child subreaper (Linux prctl PR_SET_CHILD_SUBREAPER), so that orphaned
/// descendants of its plugins are re-parented to it instead of to init. Returns 0 on success, -1 elsewhere.
int dltaf_become_child_subreaper(void);

#endif
