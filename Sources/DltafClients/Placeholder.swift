// DltafClients: work in progress.
