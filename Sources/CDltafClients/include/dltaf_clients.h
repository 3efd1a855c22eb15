#ifndef DLTAF_CLIENTS_H
#define DLTAF_CLIENTS_H
/* Declarations are added by the clients work (HTTP via libcurl, PostgreSQL via libpq, SQLite). */
int dltaf_clients_placeholder(void);
#endif
