// fake upstream: in progress
