// store: in progress
