// DltafSecrets: work in progress.
