/* Unit tests for the listen socket: modes, stale sockets, refusals. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "tap.h"
#include "../../core/listen.c"

static char  tmp[64];

static char *
path_in_tmp(const char *name)
{
    static char  buf[4][256];
    static int   i;

    i = (i + 1) % 4;
    snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmp, name);
    return buf[i];
}

/* A socket file nobody listens on, as a crashed server leaves it. */
static void
make_stale_socket(const char *path)
{
    struct sockaddr_un  sa;
    int                 fd;

    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0) {
        printf("# bind %s: %s\n", path, strerror(errno));
    }
    close(fd);
}

static int
can_connect(const char *path)
{
    struct sockaddr_un  sa;
    int                 fd, rc;

    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    rc = connect(fd, (struct sockaddr *) &sa, sizeof(sa));
    close(fd);
    return rc == 0;
}

static void
test_classify(void)
{
    ok(sk_listen_is_unix("/run/souk/soukd.sock"), "absolute path is unix");
    ok(sk_listen_is_unix("soukd.sock"), "bare name is unix");
    ok(sk_listen_is_unix("unix:/tmp/x.sock"), "unix: prefix is unix");
    ok(sk_listen_is_unix("./a:9000"), "relative path with colon is unix");
    ok(!sk_listen_is_unix("127.0.0.1:9000"), "host:port is tcp");
    ok(!sk_listen_is_unix("[::1]:9000"), "[v6]:port is tcp");
    ok(!sk_listen_is_unix(":9000"), ":port is tcp");
}

static void
test_unix_mode(void)
{
    char         err[256] = "";
    char        *p = path_in_tmp("a.sock");
    struct stat  st;
    int          fd;

    fd = sk_listen_open(p, 0640, NULL, 8, err, sizeof(err));
    ok(fd >= 0, "unix socket created (%s)", err);
    ok(lstat(p, &st) == 0 && S_ISSOCK(st.st_mode), "the path is a socket");
    is_int(st.st_mode & 07777, 0640, "mode is the one asked for");
    ok(sk_listen_is_listening(fd), "the fd is listening");
    ok(can_connect(p), "a client can connect");
    close(fd);
    sk_listen_unlink(p);
    ok(access(p, F_OK) != 0, "sk_listen_unlink removed the socket");

    fd = sk_listen_open(p, 0, NULL, 0, err, sizeof(err));
    ok(fd >= 0 && lstat(p, &st) == 0, "created with defaults");
    is_int(st.st_mode & 07777, 0660, "default mode is 0660");
    close(fd);
    sk_listen_unlink(p);
}

static void
test_group(void)
{
    char           err[256] = "";
    char          *p = path_in_tmp("g.sock");
    struct group  *gr = NULL;
    struct stat    st;
    int            fd;

    /* As root, pick a group other than our own so the chgrp shows. */
    if (getuid() == 0) {
        gr = getgrnam("nogroup");
        if (gr == NULL) {
            gr = getgrnam("daemon");
        }
    }
    if (gr == NULL) {
        gr = getgrgid(getgid());
    }
    if (gr == NULL) {
        ok(1, "# SKIP no group entry for our gid");
    } else {
        /* getgrnam's result is static: keep copies across the call. */
        char   name[64];
        gid_t  gid = gr->gr_gid;

        snprintf(name, sizeof(name), "%s", gr->gr_name);
        fd = sk_listen_open(p, 0660, name, 8, err, sizeof(err));
        ok(fd >= 0 && lstat(p, &st) == 0 && st.st_gid == gid,
           "socket_group %s applied (%s)", name, err);
        close(fd);
        sk_listen_unlink(p);
    }
    fd = sk_listen_open(p, 0660, "no-such-group-souk", 8, err, sizeof(err));
    ok(fd < 0, "unknown socket_group refused");
    ok(strstr(err, "no-such-group-souk") != NULL, "message names it: %s", err);
    ok(access(p, F_OK) != 0, "no socket left behind after the refusal");
}

static void
test_stale_and_live(void)
{
    char  err[256] = "";
    char *p = path_in_tmp("s.sock");
    int   fd, fd2;

    make_stale_socket(p);
    ok(access(p, F_OK) == 0, "stale socket file exists");
    fd = sk_listen_open(p, 0660, NULL, 8, err, sizeof(err));
    ok(fd >= 0, "stale socket replaced (%s)", err);
    ok(can_connect(p), "the new socket accepts");

    fd2 = sk_listen_open(p, 0660, NULL, 8, err, sizeof(err));
    ok(fd2 < 0, "a socket in use by a live server is refused");
    ok(strstr(err, "another process") != NULL, "message: %s", err);
    ok(can_connect(p), "the live socket still works");
    close(fd);
    sk_listen_unlink(p);
}

static void
test_not_a_socket(void)
{
    char         err[256] = "";
    char        *p = path_in_tmp("file");
    struct stat  st;
    int          fd;

    fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    (void) !write(fd, "keep", 4);
    close(fd);
    fd = sk_listen_open(p, 0660, NULL, 8, err, sizeof(err));
    ok(fd < 0, "a regular file at the path is refused");
    ok(strstr(err, "not a socket") != NULL, "message: %s", err);
    ok(stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 4,
       "the file is left alone");
    sk_listen_unlink(p);
    ok(stat(p, &st) == 0, "sk_listen_unlink does not remove a regular file");
    unlink(p);
}

static void
test_bad_paths(void)
{
    char  err[256] = "";
    char  longp[200];
    int   fd;

    memset(longp, 'x', sizeof(longp));
    longp[0] = '/';
    longp[108] = '\0';          /* 108 bytes: one too many */
    fd = sk_listen_open(longp, 0660, NULL, 8, err, sizeof(err));
    ok(fd < 0, "a 108-byte path is refused");
    ok(strstr(err, "too long (108 bytes, at most 107)") != NULL,
       "message: %s", err);

    fd = sk_listen_open(path_in_tmp("nodir/x.sock"), 0660, NULL, 8, err,
                        sizeof(err));
    ok(fd < 0, "a missing directory is refused");
    ok(strstr(err, "nodir") != NULL && strstr(err, "directory") != NULL,
       "message names the directory: %s", err);

    fd = sk_listen_open("", 0660, NULL, 8, err, sizeof(err));
    ok(fd < 0 && strstr(err, "no listen address") != NULL,
       "empty address: %s", err);
}

static void
test_tcp(void)
{
    char  err[256] = "";
    int   fd;

    fd = sk_listen_open("127.0.0.1:0", 0, NULL, 8, err, sizeof(err));
    ok(fd >= 0 && sk_listen_is_listening(fd), "tcp 127.0.0.1:0 listens (%s)",
       err);
    close(fd);
    fd = sk_listen_open("no.such.host.invalid:9", 0, NULL, 8, err,
                        sizeof(err));
    ok(fd < 0 && strstr(err, "no.such.host.invalid") != NULL,
       "unknown host refused: %s", err);
}

static void
test_is_listening(void)
{
    int  pfd[2], sv[2];

    ok(pipe(pfd) == 0 && !sk_listen_is_listening(pfd[0]),
       "a pipe is not a listening socket");
    ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0
       && !sk_listen_is_listening(sv[0]),
       "a connected socket is not a listening socket");
    close(pfd[0]);
    close(pfd[1]);
    close(sv[0]);
    close(sv[1]);
}

int
main(void)
{
    snprintf(tmp, sizeof(tmp), "/tmp/souk-listen.XXXXXX");
    if (mkdtemp(tmp) == NULL) {
        printf("Bail out! mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    test_classify();
    test_unix_mode();
    test_group();
    test_stale_and_live();
    test_not_a_socket();
    test_bad_paths();
    test_tcp();
    test_is_listening();
    rmdir(tmp);
    return done_testing();
}
