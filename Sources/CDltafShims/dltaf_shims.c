#include "dltaf_shims.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/prctl.h>
#endif

// prctl is variadic, which Swift cannot call; signal handlers must be C functions. Hence this small target.

int dltaf_become_child_subreaper(void) {
#if defined(__linux__)
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#else
    return -1;
#endif
}

int dltaf_unblock_all_signals(void) {
    sigset_t none;
    sigemptyset(&none);
    return pthread_sigmask(SIG_SETMASK, &none, NULL);
}

static void dltaf_do_nothing(int signal_number) { (void)signal_number; }

int dltaf_catch_sigpipe(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = dltaf_do_nothing;
    sigemptyset(&action.sa_mask);
    return sigaction(SIGPIPE, &action, NULL);
}

static volatile int dltaf_signal_fd = -1;

static void dltaf_forward(int signal_number) {
    unsigned char byte = (unsigned char)signal_number;
    int fd = dltaf_signal_fd;
    if (fd >= 0) {
        ssize_t written = write(fd, &byte, 1);  // async-signal-safe
        (void)written;
    }
}

int dltaf_forward_termination_signals(int fd) {
    dltaf_signal_fd = fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = dltaf_forward;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(SIGINT, &action, NULL) != 0) return -1;
    return sigaction(SIGTERM, &action, NULL);
}
