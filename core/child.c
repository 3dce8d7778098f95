/* Signal set-up shared by the processes the master forks (workers, delivery). */
#include <signal.h>
#include <string.h>

#include "sk_process.h"

void
sk_child_signals(void (*handler)(int), int sa_flags)
{
    struct sigaction  sa;
    sigset_t          all;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = sa_flags;
    sa.sa_handler = handler;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);

    sa.sa_flags = 0;
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    /* The master reloads; a child keeps working. */
    sigaction(SIGHUP, &sa, NULL);

    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, NULL);

    /* The master forks with every signal blocked. */
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
}
