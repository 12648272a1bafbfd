/* result: posta-local's answer, one short line on stdout and an exit code.
 *
 * The line becomes the TEXT of posta-lspawn's RESULT (doc/protocols.md);
 * failures end with qmail's "(#X.Y.Z)", from which posta-lspawn takes the
 * enhanced status code. Control characters never reach stdout. */
#ifndef POSTA_RESULTLINE_H
#define POSTA_RESULTLINE_H

#include <stddef.h>

#define RESULT_TEXT_MAX 1000

/* Writes the pieces (n of them), then " (#status)" when status is not 0,
 * then LF, and exits with code. */
void result_exitv(int code, char const *status, char const *const *pieces, unsigned n) __attribute__((noreturn));
#define result_exit(code, status, ...) \
  result_exitv(code, status, (char const *const[]){__VA_ARGS__}, sizeof((char const *const[]){__VA_ARGS__}) / sizeof(char const *))
/* The same with ": " and strerror(errno) after the pieces. */
void result_exitsysv(int code, char const *status, char const *const *pieces, unsigned n) __attribute__((noreturn));
#define result_exitsys(code, status, ...) \
  result_exitsysv(code, status, (char const *const[]){__VA_ARGS__}, sizeof((char const *const[]){__VA_ARGS__}) / sizeof(char const *))
/* The enhanced status of a temporary failure to write a file, from errno:
 * 4.2.2 for a full quota, 4.3.1 for a full disk, else 4.3.0. */
char const *result_status_write(int e);
/* Copies text into out (size bytes, NUL-terminated) with every control
 * character and DEL made a space and leading/trailing spaces dropped. Its
 * length. */
size_t result_clean(char *out, size_t size, char const *text, size_t n);

#endif
