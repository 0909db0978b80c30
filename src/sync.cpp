// sync: in progress
