/* inject_std: makes sure fd 0, 1 and 2 are open (on /dev/null when the
 * caller closed them), so that no pipe or file a program opens later can
 * take their place. Exits 111 if it cannot: it runs before anything else. */
#ifndef POSTA_INJECT_STD_H
#define POSTA_INJECT_STD_H

void inject_std_fds(void);

#endif
