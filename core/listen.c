/* The listen socket: a unix socket path or a TCP host:port, made by hand. */
#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "sk_process.h"

/*
 * We do not use FCGX_OpenSocket: it exit()s on a bind failure, removes any
 * file at the path, and leaves the mode to the umask. Everything here
 * reports one line in err instead.
 */

#define SK_UNIX_PREFIX  "unix:"

/* sun_path holds 108 bytes on Linux, one of them for the NUL. */
#define SK_SUN_PATH_MAX  (sizeof(((struct sockaddr_un *) 0)->sun_path) - 1)

static const char *
sk_listen_path(const char *addr)
{
    size_t  n = sizeof(SK_UNIX_PREFIX) - 1;

    return strncmp(addr, SK_UNIX_PREFIX, n) == 0 ? addr + n : addr;
}

int
sk_listen_is_unix(const char *addr)
{
    const char  *colon;

    if (strncmp(addr, SK_UNIX_PREFIX, sizeof(SK_UNIX_PREFIX) - 1) == 0
        || addr[0] == '/' || addr[0] == '.')
    {
        return 1;
    }
    /* host:port needs digits after the last colon; anything else is a
     * relative socket path. */
    colon = strrchr(addr, ':');
    if (colon == NULL || colon[1] == '\0') {
        return 1;
    }
    return strspn(colon + 1, "0123456789") != strlen(colon + 1);
}

/* The directory part of path must exist and be a directory, so the user
 * reads "no such directory" instead of a bare bind() ENOENT. */
static int
sk_listen_check_dir(const char *path, char *err, size_t errlen)
{
    char         dir[sizeof(((struct sockaddr_un *) 0)->sun_path)];
    const char  *slash;
    struct stat  st;

    slash = strrchr(path, '/');
    if (slash == NULL) {
        return 0;
    }
    if (slash == path) {
        snprintf(dir, sizeof(dir), "/");
    } else {
        snprintf(dir, sizeof(dir), "%.*s", (int) (slash - path), path);
    }
    if (stat(dir, &st) != 0) {
        snprintf(err, errlen, "listen %s: directory %s: %s", path, dir,
                 strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "listen %s: %s is not a directory", path, dir);
        return -1;
    }
    return 0;
}

/*
 * A socket file left behind by a crashed soukd is removed; one that still
 * accepts connections belongs to a running server and is refused, and a
 * file of any other kind is never touched.
 */
static int
sk_listen_clear_stale(const char *path, const struct sockaddr_un *sa,
    char *err, size_t errlen)
{
    struct stat  st;
    int          fd, rc;

    if (lstat(path, &st) != 0) {
        if (errno == ENOENT) {
            return 0;
        }
        snprintf(err, errlen, "listen %s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISSOCK(st.st_mode)) {
        snprintf(err, errlen,
                 "listen %s: the file exists and is not a socket; "
                 "refusing to remove it", path);
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "listen %s: socket: %s", path, strerror(errno));
        return -1;
    }
    rc = connect(fd, (const struct sockaddr *) sa, sizeof(*sa));
    close(fd);
    if (rc == 0) {
        snprintf(err, errlen,
                 "listen %s: another process is serving this socket", path);
        return -1;
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "listen %s: removing the stale socket: %s",
                 path, strerror(errno));
        return -1;
    }
    return 0;
}

static int
sk_listen_set_owner(const char *path, int mode, const char *group,
    char *err, size_t errlen)
{
    struct group  *gr;

    if (chmod(path, (mode_t) mode) != 0) {
        snprintf(err, errlen, "listen %s: chmod %04o: %s", path, mode,
                 strerror(errno));
        return -1;
    }
    if (group == NULL || group[0] == '\0') {
        return 0;
    }
    errno = 0;
    gr = getgrnam(group);
    if (gr == NULL) {
        snprintf(err, errlen, "listen %s: socket_group %s: %s", path, group,
                 errno != 0 && errno != ENOENT ? strerror(errno)
                                               : "no such group");
        return -1;
    }
    if (chown(path, (uid_t) -1, gr->gr_gid) != 0) {
        snprintf(err, errlen, "listen %s: chgrp %s: %s", path, group,
                 strerror(errno));
        return -1;
    }
    return 0;
}

static int
sk_listen_unix(const char *path, int mode, const char *group, int backlog,
    char *err, size_t errlen)
{
    struct sockaddr_un  sa;
    size_t              len = strlen(path);
    mode_t              old_mask;
    int                 fd, rc;

    if (len == 0) {
        snprintf(err, errlen, "listen: empty socket path");
        return -1;
    }
    if (len > SK_SUN_PATH_MAX) {
        snprintf(err, errlen,
                 "listen %s: socket path is too long (%zu bytes, at most %zu)",
                 path, len, SK_SUN_PATH_MAX);
        return -1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, len);

    if (sk_listen_check_dir(path, err, errlen) != 0
        || sk_listen_clear_stale(path, &sa, err, errlen) != 0)
    {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        snprintf(err, errlen, "listen %s: socket: %s", path, strerror(errno));
        return -1;
    }
    /* Bind with a tight umask so the socket is never wider than asked for,
     * even for the moment before chmod. */
    old_mask = umask(0177);
    rc = bind(fd, (struct sockaddr *) &sa, sizeof(sa));
    umask(old_mask);
    if (rc != 0) {
        snprintf(err, errlen, "listen %s: bind: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (sk_listen_set_owner(path, mode, group, err, errlen) != 0) {
        goto failed;
    }
    if (listen(fd, backlog) != 0) {
        snprintf(err, errlen, "listen %s: %s", path, strerror(errno));
        goto failed;
    }
    return fd;

failed:
    close(fd);
    unlink(path);
    return -1;
}

static int
sk_listen_tcp(const char *addr, int backlog, char *err, size_t errlen)
{
    char              host[256];
    const char       *colon = strrchr(addr, ':');
    const char       *h;
    struct addrinfo   hints, *res, *ai;
    int               fd = -1, rc, one = 1, saved = 0;
    size_t            hlen = (size_t) (colon - addr);

    if (hlen >= sizeof(host)) {
        snprintf(err, errlen, "listen %s: host name is too long", addr);
        return -1;
    }
    memcpy(host, addr, hlen);
    host[hlen] = '\0';
    h = host;
    /* [::1]:9000 */
    if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
        host[hlen - 1] = '\0';
        h = host + 1;
    }
    if (h[0] == '\0' || strcmp(h, "*") == 0) {
        h = NULL;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(h, colon + 1, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "listen %s: %s", addr, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0
            && listen(fd, backlog) == 0)
        {
            break;
        }
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errlen, "listen %s: %s", addr, strerror(saved));
    }
    return fd;
}

int
sk_listen_open(const char *addr, int mode, const char *group, int backlog,
    char *err, size_t errlen)
{
    if (addr == NULL || addr[0] == '\0') {
        snprintf(err, errlen,
                 "no listen address (set [server] listen or use -l)");
        return -1;
    }
    if (mode <= 0) {
        mode = SK_SOCKET_MODE_DEFAULT;
    }
    if (backlog <= 0) {
        backlog = SK_BACKLOG_DEFAULT;
    }
    if (sk_listen_is_unix(addr)) {
        return sk_listen_unix(sk_listen_path(addr), mode, group, backlog,
                              err, errlen);
    }
    return sk_listen_tcp(addr, backlog, err, errlen);
}

void
sk_listen_unlink(const char *addr)
{
    struct stat  st;
    const char  *path;

    if (addr == NULL || !sk_listen_is_unix(addr)) {
        return;
    }
    path = sk_listen_path(addr);
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
        (void) unlink(path);
    }
}

int
sk_listen_is_listening(int fd)
{
    int        on = 0;
    socklen_t  len = sizeof(on);

    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) != 0) {
        return 0;
    }
    return on != 0;
}
