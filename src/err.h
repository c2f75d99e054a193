/* Errors as values: a message that names the step and the file, and the exit code it maps to. */
#ifndef ETA_ERR_H
#define ETA_ERR_H

enum {
    EXIT_OK = 0,
    EXIT_WORK = 1,  /* failed while working */
    EXIT_USAGE = 2, /* usage or input error */
};

#define ERR_MSG_MAX 768

struct err {
    int code;
    char msg[ERR_MSG_MAX];
};

/* Sets the message (replacing any earlier one); the exit code becomes EXIT_WORK. Returns -1. */
int err_set(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* As err_set, with EXIT_USAGE. Returns -1. */
int err_usage(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Puts "PREFIX: " in front of the message already there. Returns -1. */
int err_prefix(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
