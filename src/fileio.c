#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
file_read_fd(int fd, const char *path, size_t size, struct bytes *out, struct err *err)
{
    size_t got = 0;

    if (bytes_resize(out, size + 1) != 0)
        return err_set(err, "%s: out of memory", path);
    while (got < size) {
        ssize_t n = read(fd, out->data + got, size - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return err_set(err, "%s: read: %s", path, strerror(errno));
        if (n == 0)
            break;
        got += (size_t)n;
    }
    out->data[got] = '\0';
    out->len = got;
    return 0;
}

int
file_read(const char *path, size_t max, struct bytes *out, struct err *err)
{
    struct stat st;
    /* O_NONBLOCK: a FIFO named by mistake must not hang the run before it is refused below. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    int rc;

    bytes_init(out);
    if (fd < 0)
        return err_usage(err, "%s: open: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0) {
        rc = err_usage(err, "%s: stat: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        rc = err_usage(err, "%s: not a regular file", path);
    } else if ((size_t)st.st_size > max) {
        rc = err_usage(err, "%s: %lld bytes, more than the limit of %zu", path,
                       (long long)st.st_size, max);
    } else {
        rc = file_read_fd(fd, path, (size_t)st.st_size, out, err);
    }
    close(fd);
    if (rc != 0)
        bytes_free(out);
    return rc;
}
