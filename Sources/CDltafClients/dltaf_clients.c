#include "dltaf_clients.h"
int dltaf_clients_placeholder(void) { return 0; }
