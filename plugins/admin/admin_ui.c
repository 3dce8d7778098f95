/* The admin plugin's check of the log-in's ?next= target (the table and
 * form view models it used to build here are the core's souk/ui.h now). */
#include <string.h>

#include "admin.h"

int
admin_next_ok(const char *next)
{
    const char  *p;

    if (next == NULL || strncmp(next, "/admin", 6) != 0
        || (next[6] != '\0' && next[6] != '/' && next[6] != '?'))
    {
        return 0;
    }
    for (p = next; *p != '\0'; p++) {
        if ((unsigned char) *p < 0x20 || *p == 0x7f || *p == '\\'
            || (p[0] == '/' && p[1] == '/'))
        {
            return 0;
        }
    }
    return 1;
}
