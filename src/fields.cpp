// fields: in progress
