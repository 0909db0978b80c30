// api: in progress
