/* result: posta-local's answer, one short line on stdout and an exit code.
 *
 * The modules never exit: a step that fails fills the delivery's result
 * (code, enhanced status, text) and returns -1; local_main alone writes
 * the line and exits with the code. The line becomes the TEXT of
 * posta-lspawn's RESULT (doc/protocols.md); failures end with qmail's
 * "(#X.Y.Z)", from which posta-lspawn takes the enhanced status code.
 * Control characters never reach stdout. */
#ifndef POSTA_RESULTLINE_H
#define POSTA_RESULTLINE_H

#include <stddef.h>

#define RESULT_TEXT_MAX 1000

typedef struct local_result_s local_result;
struct local_result_s {
  int code;               /* the exit code: 0, 99, 100 or 111 */
  char const *status;     /* "4.3.0" and the like, 0 for none */
  char text[RESULT_TEXT_MAX];   /* cleaned, without the status */
};

/* Sets r to code, status and the pieces (n of them) run together and
 * cleaned, cut so that the line with " (#status)" stays within
 * RESULT_TEXT_MAX bytes. Returns -1, for a failing step to return. */
int result_setv(local_result *r, int code, char const *status, char const *const *pieces, unsigned n);
#define result_set(r, code, status, ...) \
  result_setv(r, code, status, (char const *const[]){__VA_ARGS__}, sizeof((char const *const[]){__VA_ARGS__}) / sizeof(char const *))
/* The same with ": " and strerror(errno) after the pieces. */
int result_setsysv(local_result *r, int code, char const *status, char const *const *pieces, unsigned n);
#define result_setsys(r, code, status, ...) \
  result_setsysv(r, code, status, (char const *const[]){__VA_ARGS__}, sizeof((char const *const[]){__VA_ARGS__}) / sizeof(char const *))
/* The line: the text, then " (#status)" when status is not 0, then LF;
 * out holds RESULT_TEXT_MAX + 2 bytes. Its length. */
size_t result_line(local_result const *r, char *out);
/* Writes the line to fd 1 (errors are ignored: the exit code still says
 * what happened). */
void result_write(local_result const *r);
/* The enhanced status of a temporary failure to write a file, from errno:
 * 4.2.2 for a full quota, 4.3.1 for a full disk, else 4.3.0. */
char const *result_status_write(int e);
/* Copies text into out (size bytes, NUL-terminated) with every control
 * character and DEL made a space and leading/trailing spaces dropped. Its
 * length. */
size_t result_clean(char *out, size_t size, char const *text, size_t n);

#endif
