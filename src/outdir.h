/* The output directory: the only code that touches the target. Everything is written into a
 * hidden staging directory beside the target and renamed into place at the end; on an error or
 * a signal during writing the staging directory is removed, and the target never exists in part.
 */
#ifndef ETA_OUTDIR_H
#define ETA_OUTDIR_H

#include <sys/types.h>

#include "bytes.h"
#include "err.h"

#define MODE_SECRET 0600 /* private keys and keystores */
#define MODE_PUBLIC 0644 /* certificates */
#define MODE_DIR    0755

struct out_file {
    const char *dir; /* a directory of the tree, or NULL for the top */
    const char *name;
    mode_t mode;
    struct bytes content;
};

struct out_tree {
    const char **dirs; /* one level below the top */
    size_t n_dirs;
    struct out_file *files;
    size_t n_files;
};

/* Refuses (usage error) a target that exists in any form, a dangling symlink included, or whose
 * parent directory is missing. Run first, before any work is done. */
int outdir_check_target(const char *target, struct err *err);

/* Writes the tree atomically to target, with exactly the modes given whatever the umask, never
 * through a symlink. SIGINT, SIGTERM, SIGHUP and SIGQUIT are held while writing; one that arrives
 * removes the staging directory and then takes effect, leaving no target. */
int outdir_commit(const char *target, const struct out_tree *tree, struct err *err);

#endif
