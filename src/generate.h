/* The generator: keys, then certificates, then the files, then the tree on disk. */
#ifndef ETA_GENERATE_H
#define ETA_GENERATE_H

#include "err.h"
#include "plan.h"

int generate_run(const struct plan *plan, struct err *err);

#endif
