// Process control the Swift Glibc module does not expose.
#include "biaslab_platform.h"

#if defined(__linux__)
#include <sys/prctl.h>
#include <signal.h>
#endif

int biaslab_set_parent_death_signal(int signal) {
#if defined(__linux__)
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0, 0, 0);
#else
    (void)signal;
    return -1;
#endif
}
