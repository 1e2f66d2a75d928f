// Standard streams for the CLI: stdout's write errors reported, stderr written without buffering and
// without ever failing the process.
#include "biaslab_platform.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

int biaslab_flush_stdout(void) {
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) return errno != 0 ? errno : EIO;
    return 0;
}

void biaslab_write_stderr(const char *text, long n) {
    while (n > 0) {
        ssize_t k = write(2, text, (size_t)n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return;
        text += k;
        n -= k;
    }
}
