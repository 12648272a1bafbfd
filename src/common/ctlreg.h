/* ctlreg: the registry of every setting posta reads from control/ (and the
 * tcprules files beside them): name, kind, default, meaning, and the
 * programs and services that use it. posta-showctl prints what is in force
 * from it, and tests/unit/test_ctlreg.c scans src/ and svc/ so that a file
 * a program reads cannot be missing here, nor an entry here name a file no
 * program uses.
 *
 * The registry describes; it does not decide: each program still applies
 * its own default, and the unit test checks that those agree with the
 * registry where a program's default is visible in a header. libc only;
 * constant data and a lookup, no I/O. */
#ifndef POSTA_CTLREG_H
#define POSTA_CTLREG_H

enum ctlreg_kind {
  CTLREG_NUMBER,    /* first line, a decimal number (control_ulong) */
  CTLREG_LINE,      /* first line, text (control_line) */
  CTLREG_LIST,      /* one item a line; empty and '#' lines skipped (control_lines) */
  CTLREG_CDB,       /* a constant database, binary */
  CTLREG_RULES      /* tcprules source: one rule a line */
};

typedef struct ctlreg_entry_s ctlreg_entry;
struct ctlreg_entry_s {
  char const *name;       /* the file under control/ */
  enum ctlreg_kind kind;
  /* The value when the file is missing: a number or a text; for a list,
   * its items separated by single spaces; CTLREG_ME: control/me's value;
   * 0: nothing (the feature is off, or the file is posta-setup's). */
  char const *dflt;
  char const *users;      /* programs (and svc/SERVICE run scripts) that read or write it, space-separated */
  char const *meaning;    /* one line for the operator */
};

#define CTLREG_ME "=me"

extern ctlreg_entry const ctlreg_table[];
extern unsigned const ctlreg_len;

/* The entry of name (without "control/"), or 0. */
ctlreg_entry const *ctlreg_find(char const *name);

#endif
