// config: in progress
