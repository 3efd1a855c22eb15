// DltafDoctor: work in progress.
