#include "outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fault.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

struct fault {
    long fail_after;
    long sigterm_after;
};

static void
read_fault(struct fault *f)
{
    f->fail_after = fault_get(FAULT_FAIL_AFTER);
    f->sigterm_after = fault_get(FAULT_SIGTERM_AFTER);
}

/* The target split into its parent directory and last component, trailing slashes dropped. */
struct target_path {
    char parent[PATH_MAX];
    char base[NAME_MAX + 1];
};

static int
split_target(const char *target, struct target_path *t, struct err *err)
{
    char buf[PATH_MAX];
    size_t len = strlen(target);
    const char *name;
    char *slash;

    if (len == 0)
        return err_usage(err, "output directory: empty path");
    if (len >= sizeof(buf))
        return err_usage(err, "output directory '%s': path too long", target);
    memcpy(buf, target, len + 1);
    while (len > 1 && buf[len - 1] == '/')
        buf[--len] = '\0';
    slash = strrchr(buf, '/');
    if (slash == NULL) {
        snprintf(t->parent, sizeof(t->parent), ".");
        name = buf;
    } else {
        snprintf(t->parent, sizeof(t->parent), "%.*s", slash == buf ? 1 : (int)(slash - buf), buf);
        name = slash + 1;
    }
    if (strlen(name) > NAME_MAX)
        return err_usage(err, "output directory '%s': name too long", target);
    snprintf(t->base, sizeof(t->base), "%s", name);
    if (t->base[0] == '\0' || strcmp(t->base, ".") == 0 || strcmp(t->base, "..") == 0)
        return err_usage(err, "output directory '%s': name a new directory", target);
    return 0;
}

static int
open_parent(const char *target, const struct target_path *t, struct err *err)
{
    int fd = open(t->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0)
        err_usage(err, "output directory '%s': open parent directory '%s': %s", target, t->parent,
                  strerror(errno));
    return fd;
}

static int
refuse_existing(int parent_fd, const char *target, const struct target_path *t, struct err *err)
{
    struct stat st;

    if (fstatat(parent_fd, t->base, &st, AT_SYMLINK_NOFOLLOW) == 0)
        return err_usage(err, "output directory '%s' already exists%s; refusing to overwrite it",
                         target, S_ISLNK(st.st_mode) ? " (as a symbolic link)" : "");
    if (errno != ENOENT)
        return err_usage(err, "output directory '%s': %s", target, strerror(errno));
    return 0;
}

int
outdir_check_target(const char *target, struct err *err)
{
    struct target_path t;
    int fd;
    int rc;

    if (split_target(target, &t, err) != 0)
        return -1;
    fd = open_parent(target, &t, err);
    if (fd < 0)
        return -1;
    rc = refuse_existing(fd, target, &t, err);
    close(fd);
    return rc;
}

/* ---- writing ------------------------------------------------------------------------------ */

struct staging {
    const char *target;
    int parent_fd;
    int fd;
    char name[NAME_MAX + 1];
    const struct out_tree *tree;
    size_t dirs_made;
    size_t files_made;
    struct fault fault;
};

static int
make_staging(struct staging *s, const struct target_path *t, struct err *err)
{
    for (int attempt = 0; attempt < 16; attempt++) {
        unsigned char r[6];

        if (gnutls_rnd(GNUTLS_RND_NONCE, r, sizeof(r)) < 0)
            return err_set(err, "output directory '%s': random staging name failed", s->target);
        snprintf(s->name, sizeof(s->name), ".%.200s.staging-%02x%02x%02x%02x%02x%02x", t->base,
                 r[0], r[1], r[2], r[3], r[4], r[5]);
        if (mkdirat(s->parent_fd, s->name, MODE_DIR) == 0)
            break;
        if (errno != EEXIST)
            return err_set(err, "create staging directory '%s/%s': %s", t->parent, s->name,
                           strerror(errno));
        s->name[0] = '\0';
    }
    if (s->name[0] == '\0')
        return err_set(err, "create staging directory beside '%s': no free name", s->target);
    s->fd = openat(s->parent_fd, s->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (s->fd < 0)
        return err_set(err, "open staging directory '%s/%s': %s", t->parent, s->name,
                       strerror(errno));
    return 0;
}

static void
file_path(const struct out_file *f, char *out, size_t size)
{
    if (f->dir)
        snprintf(out, size, "%s/%s", f->dir, f->name);
    else
        snprintf(out, size, "%s", f->name);
}

static int
write_all(int fd, const unsigned char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static int
write_file(struct staging *s, const struct out_file *f, struct err *err)
{
    char path[PATH_MAX];
    int fd;
    int rc = 0;

    file_path(f, path, sizeof(path));
    fd = openat(s->fd, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, f->mode);
    if (fd < 0)
        return err_set(err, "%s: create: %s", path, strerror(errno));
    s->files_made++;
    if (s->fault.fail_after >= 0 && s->files_made > (size_t)s->fault.fail_after) {
        errno = EIO;
        rc = -1;
    }
    if (rc == 0)
        rc = write_all(fd, f->content.data, f->content.len);
    if (rc == 0)
        rc = fsync(fd);
    if (rc != 0)
        err_set(err, "%s: write: %s", path, strerror(errno));
    if (close(fd) != 0 && rc == 0)
        rc = err_set(err, "%s: close: %s", path, strerror(errno));
    if (rc == 0 && s->fault.sigterm_after >= 0 && s->files_made == (size_t)s->fault.sigterm_after)
        kill(getpid(), SIGTERM);
    return rc;
}

static int
sync_dir(int dir_fd, const char *name, struct err *err)
{
    int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return err_set(err, "%s: open to sync: %s", name, strerror(errno));
    rc = fsync(fd);
    close(fd);
    return rc == 0 ? 0 : err_set(err, "%s: sync: %s", name, strerror(errno));
}

static int
fill_staging(struct staging *s, struct err *err)
{
    const struct out_tree *tree = s->tree;

    for (size_t i = 0; i < tree->n_dirs; i++) {
        if (mkdirat(s->fd, tree->dirs[i], MODE_DIR) != 0)
            return err_set(err, "%s: create directory: %s", tree->dirs[i], strerror(errno));
        s->dirs_made++;
    }
    for (size_t i = 0; i < tree->n_files; i++) {
        if (write_file(s, &tree->files[i], err) != 0)
            return -1;
    }
    for (size_t i = 0; i < tree->n_dirs; i++) {
        if (sync_dir(s->fd, tree->dirs[i], err) != 0)
            return -1;
    }
    return fsync(s->fd) == 0 ? 0 : err_set(err, "staging directory: sync: %s", strerror(errno));
}

/* Removes only what this run made, in reverse order: never a file someone else put there. */
static void
remove_staging(struct staging *s)
{
    char path[PATH_MAX];

    if (s->fd < 0) {
        unlinkat(s->parent_fd, s->name, AT_REMOVEDIR);
        return;
    }
    for (size_t i = s->files_made; i-- > 0;) {
        file_path(&s->tree->files[i], path, sizeof(path));
        unlinkat(s->fd, path, 0);
    }
    for (size_t i = s->dirs_made; i-- > 0;)
        unlinkat(s->fd, s->tree->dirs[i], AT_REMOVEDIR);
    unlinkat(s->parent_fd, s->name, AT_REMOVEDIR);
}

/* rename(2) would replace an empty directory that appeared meanwhile: refuse that. */
static int
rename_noreplace(int dir_fd, const char *from, const char *to)
{
    struct stat st;
    long rc = syscall(SYS_renameat2, dir_fd, from, dir_fd, to, RENAME_NOREPLACE);

    if (rc == 0 || (errno != ENOSYS && errno != EINVAL))
        return (int)rc;
    /* Kernels or filesystems without RENAME_NOREPLACE: check, then rename. A directory created
     * between the two calls would be replaced if empty; nothing is lost but that empty one. */
    if (fstatat(dir_fd, to, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        errno = EEXIST;
        return -1;
    }
    return renameat(dir_fd, from, dir_fd, to);
}

/* Holds the signals that would end the process while files are written. One the process ignores
 * (nohup, a background job) is left out: Linux queues it while blocked all the same, and it must
 * not abort a run it would not have ended. */
static void
hold_signals(sigset_t *held, sigset_t *saved)
{
    static const int fatal[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

    sigemptyset(held);
    for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
        struct sigaction sa;

        if (sigaction(fatal[i], NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
            continue;
        sigaddset(held, fatal[i]);
    }
    pthread_sigmask(SIG_BLOCK, held, saved);
}

static int
signal_pending(const sigset_t *held)
{
    sigset_t pending;

    if (sigpending(&pending) != 0)
        return 0;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sigismember(held, sig) == 1 && sigismember(&pending, sig) == 1)
            return sig;
    }
    return 0;
}

static int
publish(struct staging *s, const struct target_path *t, const sigset_t *held, struct err *err)
{
    int sig = signal_pending(held);

    if (sig != 0)
        return err_set(err, "interrupted by signal %d before '%s' was complete", sig, s->target);
    if (rename_noreplace(s->parent_fd, s->name, t->base) != 0) {
        if (errno == EEXIST || errno == ENOTEMPTY)
            return err_usage(err,
                             "output directory '%s' appeared while writing; refusing to "
                             "overwrite it",
                             s->target);
        return err_set(err, "rename staging directory to '%s': %s", s->target, strerror(errno));
    }
    if (fsync(s->parent_fd) != 0)
        return err_set(err, "'%s': sync parent directory: %s", s->target, strerror(errno));
    return 0;
}

int
outdir_commit(const char *target, const struct out_tree *tree, struct err *err)
{
    struct staging s = {.target = target, .parent_fd = -1, .fd = -1, .tree = tree};
    struct target_path t;
    sigset_t held;
    sigset_t saved;
    mode_t saved_umask;
    int rc;

    if (split_target(target, &t, err) != 0)
        return -1;
    read_fault(&s.fault);
    hold_signals(&held, &saved);
    saved_umask = umask(0); /* the modes given are the modes on disk */

    s.parent_fd = open_parent(target, &t, err);
    rc = s.parent_fd < 0 ? -1 : refuse_existing(s.parent_fd, target, &t, err);
    if (rc == 0)
        rc = make_staging(&s, &t, err);
    if (rc == 0 && fill_staging(&s, err) != 0)
        rc = err_prefix(err, "writing '%s'", target);
    if (rc == 0)
        rc = publish(&s, &t, &held, err);
    if (rc != 0 && s.name[0] != '\0')
        remove_staging(&s);
    if (s.fd >= 0)
        close(s.fd);
    if (s.parent_fd >= 0)
        close(s.parent_fd);

    umask(saved_umask);
    pthread_sigmask(SIG_SETMASK, &saved, NULL); /* a held signal takes effect here */
    return rc;
}
