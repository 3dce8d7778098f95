/* The baseline for scripts/bench: the least a libfcgi responder can do,
 * answering every request with the same bytes soukd's hello route sends. */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcgiapp.h>

/*
 * Usage: trivial SOCKET MODE BODYFILE [CONTENT_TYPE [PROCESSES]]
 * Listens on the unix socket SOCKET (chmod to octal MODE) and answers each
 * request with the contents of BODYFILE, from PROCESSES processes (default
 * 1) sharing the socket, as soukd's workers do. Built by scripts/bench with
 * `cc trivial.c $(pkg-config --cflags --libs fcgi)`; not part of soukd.
 */

static char *
trivial_slurp(const char *path, size_t *len)
{
    int          fd;
    char        *buf;
    ssize_t      n;
    size_t       got;
    struct stat  st;

    fd = open(path, O_RDONLY);
    if (fd == -1 || fstat(fd, &st) == -1) {
        perror(path);
        return NULL;
    }

    buf = malloc((size_t) st.st_size + 1);
    if (buf == NULL) {
        close(fd);
        return NULL;
    }

    for (got = 0; got < (size_t) st.st_size; got += (size_t) n) {
        n = read(fd, buf + got, (size_t) st.st_size - got);
        if (n <= 0) {
            break;
        }
    }

    close(fd);
    *len = got;
    return buf;
}


int
main(int argc, char **argv)
{
    int           fd, i, nproc;
    char         *body;
    size_t        len;
    const char   *type;
    FCGX_Request  rq;

    if (argc < 4) {
        fprintf(stderr, "usage: trivial SOCKET MODE BODYFILE [TYPE]\n");
        return 2;
    }

    body = trivial_slurp(argv[3], &len);
    if (body == NULL) {
        return 1;
    }
    type = (argc > 4) ? argv[4] : "text/html; charset=utf-8";
    nproc = (argc > 5) ? atoi(argv[5]) : 1;

    if (FCGX_Init() != 0) {
        return 1;
    }

    /* FCGX_OpenSocket removes a stale socket file; it exits on failure,
     * which is fine for a benchmark helper. */
    fd = FCGX_OpenSocket(argv[1], 128);
    if (fd < 0 || chmod(argv[1], (mode_t) strtol(argv[2], NULL, 8)) != 0) {
        perror(argv[1]);
        return 1;
    }

    /* The children share the listening socket; they die with the parent's
     * process group when the bench stops it. */
    for (i = 1; i < nproc; i++) {
        if (fork() == 0) {
            break;
        }
    }

    FCGX_InitRequest(&rq, fd, 0);

    while (FCGX_Accept_r(&rq) == 0) {
        /* libfcgi's own printf knows no %zu */
        FCGX_FPrintF(rq.out, "Status: 200 OK\r\nContent-Type: %s\r\n"
                     "Content-Length: %lu\r\n\r\n", type,
                     (unsigned long) len);
        FCGX_PutStr(body, (int) len, rq.out);
        FCGX_Finish_r(&rq);
    }

    free(body);
    return 0;
}
