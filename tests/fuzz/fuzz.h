/* fuzz.h: what the libFuzzer harnesses share. Each harness gets the
 * fuzzer's bytes, calls posta's real parsing functions on them and checks
 * the promises of the module's header (bounds, no control byte copied),
 * aborting when one is broken so that libFuzzer keeps the input.
 * Static functions: each harness gets its own copy. */
#ifndef POSTA_FUZZ_H
#define POSTA_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size);

/* A broken promise: say which and abort (libFuzzer saves the input). */
#define FUZZ_CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "fuzz: %s:%d: promise broken: %s\n", __FILE__, __LINE__, #cond); abort(); } } while (0)

/* A malloc'd copy of data with a NUL after it (and room for one more). */
static inline char *fuzz_dup(uint8_t const *data, size_t size)
{
  char *s = malloc(size + 2);
  if (!s) abort();
  if (size) memcpy(s, data, size);
  s[size] = 0;
  s[size + 1] = 0;
  return s;
}

/* Splits data at its first n-1 NUL bytes into n parts (missing ones are
 * empty); parts[i] point into buf, which the caller frees. */
static inline char *fuzz_split(uint8_t const *data, size_t size, char const **parts, size_t *lens, unsigned n)
{
  char *buf = fuzz_dup(data, size);
  size_t pos = 0;
  for (unsigned i = 0; i < n; i++) {
    char *end = (i + 1 < n && pos < size) ? memchr(buf + pos, 0, size - pos) : 0;
    size_t e = end ? (size_t)(end - buf) : size;
    if (pos > size) pos = size;
    parts[i] = buf + pos;
    lens[i] = e - pos;
    pos = end ? e + 1 : size;
  }
  return buf;
}

static char fuzz_dir[] = "/tmp/posta-fuzz-XXXXXX";

static inline int fuzz_rm1(char const *path, struct stat const *st, int flag, struct FTW *f)
{
  remove(path);   /* what cannot go stays: nothing else to do at exit */
  return 0;
}

/* Removes the folder at exit (libFuzzer ends a run with exit()). */
static inline void fuzz_rmdir(void)
{
  if (chdir("/") == 0) nftw(fuzz_dir, fuzz_rm1, 16, FTW_DEPTH | FTW_PHYS);
}

/* Creates and enters a private temporary folder, once per process. */
static inline void fuzz_tmpdir(void)
{
  static int done;
  if (done) return;
  if (!mkdtemp(fuzz_dir) || chdir(fuzz_dir) < 0) abort();
  atexit(fuzz_rmdir);
  done = 1;
}

/* Writes a whole file (truncated first). */
static inline void fuzz_write(char const *fn, char const *s, size_t len)
{
  int fd = open(fn, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) abort();
  while (len) {
    ssize_t w = write(fd, s, len);
    if (w <= 0) abort();
    s += w;
    len -= (size_t)w;
  }
  close(fd);
}

/* 1 when s[0..len) holds no CR, LF or NUL. */
static inline int fuzz_no_crlfnul(char const *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (s[i] == '\r' || s[i] == '\n' || !s[i]) return 0;
  return 1;
}

/* 1 when s[0..len) holds no byte below 0x20 and no DEL. */
static inline int fuzz_no_ctl(char const *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return 0;
  return 1;
}

#endif
