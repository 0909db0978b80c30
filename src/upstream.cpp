// upstream: in progress
